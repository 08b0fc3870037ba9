"""Open-world entities: names the catalog does not know, found and typed by context rules.

A news story introduces its actors in a few fixed ways: a role next to a person
("Cloudera CEO Mike Olson", "says Di Li, the chief scientist"), a legal suffix or a
business noun next to an organisation ("Carbon Engineering Ltd", "the startup
Odiago"), a version after a product ("RTX 3080", "Llama 3.1"), a statute's or an
agency's head word ("the Kids Online Safety Act", "the Ministry of Science and ICT").
These rules read only the article, so they hold for names no list has yet. Every
discovered entity carries the cue that made it one (``EntityMention.cue``).
"""

from __future__ import annotations

import re
from bisect import insort
from collections import Counter
from dataclasses import dataclass

from transforms.discover_chunks import split_run
from transforms.discover_cues import (
    ROLE_CUES,
    company_or_product,
    is_brand,
    is_person,
    named_as_place,
    org_cue,
    owned_by_maker,
    owner_before,
    person_cue,
    product_cue,
    speaks_by_surname,
    type_model_builders,
)
from transforms.discover_families import (
    Families,
    catalog_families,
    discover_versions,
    maker_before,
    tiers_start,
)
from transforms.discover_laws import discover_laws_and_regulators
from transforms.discover_lists import discover_lists
from transforms.discover_skips import is_byline, is_quoted_title
from transforms.discover_text import (
    COMPANY,
    PERSON,
    POSSESSIVE,
    PRODUCT,
    TOKEN,
    VERSIONED,
    Add,
    Found,
    as_written,
    drop_inner_names,
    heading_lines,
    mentions_of,
    merge_plurals,
    mostly_english,
    overlaps,
    starts_sentence,
    whole_word_starts,
)
from transforms.discover_words import (
    CAMEL_WORDS,
    COMMON_CAPITALISED,
    DEMONYMS,
    EXCLUDED_ORG_WORDS,
    GIVEN_NAMES,
    LAW_HEADS,
    ORG_SUFFIXES,
    OUTLETS,
    PLACES,
    REGULATOR_HEADS,
    ROLE_WORDS,
    UNIVERSITIES,
    VERSION_STOP,
)
from transforms.matcher import caps_lines, in_navigation
from transforms.records import EntityMention

# A bare capitalised name (no cue, no shape) counts as an entity from this many mid-sentence
# mentions (never an acronym alone: too many are vocabulary).
MIN_FREQUENT = 3
# Capitalised words in a row; a version number may follow a name ("RTX 3080", "Llama 3.1").
_PARTICLE = r"(?:de|van|von|der|den|da|du|di|la|le|bin|al)"
_RUN = re.compile(rf"(?<![\w.-]){TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*(?:{TOKEN}|\d[\w.]*\b))*")
# Patterns tried for every run of capitalised words, compiled once (a string pattern is looked
# up in re's cache on every call).
_LOWER_WORDS = re.compile(r"\b[a-z][a-z'’-]+\b")
_DECADE_S = re.compile(r"(?<=\d)s$")
_YEAR = re.compile(r"(?:19|20)\d\d")
_IN_PROSE = re.compile(r"\b[a-z][\w-]*[ \t]+$")
_HEAD_WORDS = frozenset((*REGULATOR_HEADS, *LAW_HEADS))  # a body's or law's kind, not its name
# Nouns that introduce a company at a sentence's start and are no part of its name.
_DESCRIBING_NOUNS = frozenset(
    "startup start-up firm chipmaker automaker carmaker rival giant conglomerate".split()
)
# Before a number, an adverb or a verb's -ing form is prose ("Roughly 3", "Containing 405").
_NOT_A_NAME = re.compile(
    "|".join((*map(re.escape, sorted(VERSION_STOP)), r"[A-Z][a-z]+ly", r"[A-Z][a-z]{4,}ing"))
)
_EVENT_NEXT = re.compile(r"[ \t]+(?:show|conference|summit|expo|fair|festival|forum)\b")
# "Smaug-72B", "Sarvam-M": a name with a hyphened size, number or letter.
_HYPHEN_VERSION = re.compile(r"([A-Z][a-z][A-Za-z]+)-(?:\d+(?:\.\d+)?[A-Za-z]?|[A-Z])")
# A product code ("B200", "MI355X", "H20") named as what it is: a chip or a model.
_MODEL_CODE = re.compile(r"[A-Z]{1,3}\d{1,4}[A-Za-z]{0,2}")
_HARDWARE_NEXT = re.compile(
    r"(?:[ \t]+[\w-]+)?[ \t]+(?:chips?|GPUs?|accelerators?|processors?|superchips?|models?)\b"
)


def discover_entities(
    title: str,
    text: str,
    known_spans: tuple[tuple[int, int], ...],
    families: Families | None = None,
) -> tuple[EntityMention, ...]:
    """Entities the catalog missed, in order of first mention, with ``origin='discovered'``.

    Names are looked for in the body (a Title Case headline capitalises every word);
    their mentions in the title count too. Spans the catalog matched are never
    rediscovered; a catalog product followed by a version it does not cover is
    ("Llama 3.1" after LLaMA).

    Args:
        title: the headline ("" when none).
        text: the body.
        known_spans: offsets into ``title + "\\n" + text`` of catalog matches.
        families: catalog product families (default: the shipped catalog's).
    """
    families = families or catalog_families()
    haystack = f"{title}\n{text}"
    body_start = len(title) + 1
    known = sorted(known_spans)
    lower_words = set(_LOWER_WORDS.findall(haystack))
    found: dict[str, Found] = {}
    taken: list[tuple[int, int]] = []

    def add(name: str, type_: str, cue: str, start: int, family: str | None = None) -> None:
        key = name.lower()
        if key in families.known or len(name) < 2 or _part_of_person(key, found):
            return
        entry = found.setdefault(key, Found(name, type_, cue, family))
        written = as_written(haystack, start, name)
        entry.hits.append((start, start + len(written), written))
        insort(taken, (start, start + len(written)))

    caps = sorted({*caps_lines(haystack), *heading_lines(haystack)})
    discover_laws_and_regulators(haystack, body_start, known, lower_words, add, caps)
    discover_versions(haystack, body_start, known, families, add)
    frequent: Counter[str] = Counter()
    firsts: dict[str, int] = {}
    english = mostly_english(haystack)  # German capitalises nouns: "Teil 2", "Wasserkraft"
    for match in _RUN.finditer(haystack, body_start):
        word = match.group(0)
        if " " not in word and (
            word.lower() in COMMON_CAPITALISED
            or (starts_sentence(haystack, match.start()) and not is_brand(word))
        ):
            continue  # most runs: one capitalised word that starts a sentence
        if overlaps(known, match.start(), match.end()) and " " not in word:
            continue
        if (
            overlaps(caps, match.start(), match.end())
            or in_navigation(haystack, match.start(), match.end(), body_start)
            or is_byline(haystack, match.start(), match.end())
            or is_quoted_title(haystack, match.start(), match.end())
        ):
            continue
        for _, words in split_run(haystack, match.start(), match.group(0), known, taken):
            _classify(haystack, words, lower_words, add, frequent, firsts, families, english)
    for name, count in frequent.items() if english else ():
        if (
            count >= MIN_FREQUENT
            and name.lower() not in found
            and not named_as_place(haystack, name)
        ):
            add(name, company_or_product(haystack, name), "frequent", firsts[name])
    discover_lists(haystack, body_start, families, found, add, known)
    type_model_builders(haystack, found)
    merge_plurals(found, families.known)
    drop_inner_names(found)
    return mentions_of(haystack, body_start, found)


def _classify(
    haystack: str,
    words: list[tuple[int, str]],
    lower_words: set[str],
    add: Add,
    frequent: Counter[str],
    firsts: dict[str, int],
    families: Families,
    english: bool,
) -> None:
    """Type one chunk of capitalised words by its own shape and the words around it.

    A chunk no rule types is remembered as a bare name, to be added when it recurs. In
    a text not in English a capitalised word and a number are no version's name.
    """
    chunk = _trim(haystack, words, lower_words)
    if chunk is None or _never_an_entity(chunk):
        return
    if _decided_by_shape(chunk, lower_words, add, families, english) or _decided_by_context(
        chunk, lower_words, add, families
    ):
        return
    if _bare_name(chunk, lower_words):
        if _IN_PROSE.search(chunk.before):  # in prose, not in a menu or a list
            frequent[chunk.name] += 1
        firsts.setdefault(chunk.name, chunk.start)


@dataclass(frozen=True, slots=True)
class _Chunk:
    """Capitalised words to type: where they start in the haystack, and the text around."""

    haystack: str
    start: int
    tokens: list[str]  # without trailing punctuation and possessives

    @property
    def name(self) -> str:
        return " ".join(self.tokens)

    @property
    def before(self) -> str:
        return self.haystack[max(self.start - 60, 0) : self.start]

    @property
    def after(self) -> str:
        end = self.start + len(self.name)
        return self.haystack[end : end + 60]

    @property
    def starts_sentence(self) -> bool:
        return starts_sentence(self.haystack, self.start)


def _trim(haystack: str, words: list[tuple[int, str]], lower_words: set[str]) -> _Chunk | None:
    """Drop a leading date, and a sentence's first word that the text also writes in lower case
    or that describes the company it introduces ("Startup Kestrel AI")."""
    while words and words[0][1][0].isdigit():  # "17 Nov 2023": a date, not a name
        words = words[1:]
    if not words:
        return None
    tokens = [POSSESSIVE.sub("", w.rstrip(".,;:")) for _, w in words]
    first = tokens[0].lower()
    if starts_sentence(haystack, words[0][0]) and (
        first in lower_words or first in COMMON_CAPITALISED or first in _DESCRIBING_NOUNS
    ):  # "Startup Sarvam AI released ..."
        words, tokens = words[1:], tokens[1:]
        if not tokens:
            return None
    return _Chunk(haystack, words[0][0], tokens)


def _never_an_entity(chunk: _Chunk) -> bool:
    """Places, nationalities, news outlets, universities and other organisations we do not tag.

    A name introduced by a role is a person's, and one with a legal suffix a company's,
    whatever its words ("COO Lee Park", "Wolf River Electric").
    """
    tokens = chunk.tokens
    return (
        not tokens
        or (any(t in PLACES or t in DEMONYMS for t in tokens) and not _introduced_person(chunk))
        or (len(tokens) == 1 and tokens[0] in _HEAD_WORDS)  # "the Biden Administration raised"
        or _EVENT_NEXT.match(chunk.after) is not None  # "the Consumer Electronics show"
        or " ".join(tokens) in OUTLETS
        or tokens[0] in OUTLETS
        or tokens[0] in UNIVERSITIES
        or (
            len(tokens) > 1
            and any(t.lower() in EXCLUDED_ORG_WORDS for t in tokens)
            and tokens[-1] not in ORG_SUFFIXES  # "Wolf River Electric"
            and person_cue(tokens, chunk.before, chunk.after) not in ROLE_WORDS
        )
    )


def _introduced_person(chunk: _Chunk) -> bool:
    """A given name a role or speech word introduces: "CEO Drew Houston", "said Christian Laforte".

    Surnames and given names may be place words or demonyms; the cue says which they are.
    """
    tokens = chunk.tokens
    return (
        len(tokens) >= 2
        and tokens[0] in GIVEN_NAMES
        and person_cue(tokens, chunk.before, chunk.after) in ROLE_CUES
    )


def _decided_by_shape(
    chunk: _Chunk, lower_words: set[str], add: Add, families: Families, english: bool
) -> bool:
    """Add a name its own shape types: a legal suffix, a product code, a version number, a
    person's name.

    Returns True when the shape decided, also when a version turned out to be no name
    ("Section 230" is no product; "Vision 2030" reads as a year).
    """
    tokens, start = chunk.tokens, chunk.start
    suffixed = tokens[-1].rstrip(".") in ORG_SUFFIXES
    if suffixed and maker_before(chunk.before, families.makers):
        return True  # "Nscale Global Holdings": the legal name of a company the catalog knows
    if (
        2 <= len(tokens) <= 4
        and suffixed
        and all(t.lower() not in lower_words for t in tokens[:-1])
    ):  # "Kestrel Labs", not "Military AI" in a text that writes "military"
        # "Samsung's Galaxy AI": a known maker's AI-named thing is its product.
        owned = tokens[-1] == "AI" and owner_before(chunk.before) in families.makers
        if tokens[-1] == "AI" and not (
            owned
            or len(whole_word_starts(chunk.haystack, chunk.name)) >= 2  # named twice
            or org_cue(chunk.before, chunk.after)
        ):
            return False  # "Illegal AI use", "Physical AI is hot": not a company's name
        add(chunk.name.rstrip(",;:"), PRODUCT if owned else COMPANY, tokens[-1], start)
        return True
    if len(tokens) == 1 and _MODEL_CODE.fullmatch(tokens[0]) and _HARDWARE_NEXT.match(chunk.after):
        add(tokens[0], PRODUCT, "code", start)  # "B200 chips", "the MI355X accelerator"
        return True
    if len(tokens) == 1 and (hyphened := _HYPHEN_VERSION.fullmatch(tokens[0])):
        stem = hyphened.group(1)  # "Smaug-72B", "Sarvam-M", not "Covid-19" or "Paris-8"
        if stem not in VERSION_STOP and stem not in PLACES:
            add(tokens[0], PRODUCT, "version", start)
        return True
    tiers_from = tiers_start(tokens)  # "iPhone 15 Pro Max": a version, then tiers
    if english and tiers_from >= 2 and VERSIONED.match(tokens[tiers_from - 1]):
        version = _DECADE_S.sub("", tokens[tiers_from - 1])
        if not _NOT_A_NAME.fullmatch(tokens[0]) and not _YEAR.fullmatch(version):
            name = " ".join((*tokens[: tiers_from - 1], version, *tokens[tiers_from:]))
            # A catalog company or lab right before a versioned product begins its name.
            maker = maker_before(chunk.before, families.makers)
            if maker and name.lower() not in families.known:  # "Mistral Medium 3"
                add(f"{maker} {name}", PRODUCT, "version", start - len(maker) - 1)
            else:
                add(name, PRODUCT, "version", start)
        return True
    if 2 <= len(tokens) <= 4 and is_person(tokens, chunk.before, chunk.after, lower_words):
        add(chunk.name, PERSON, person_cue(tokens, chunk.before, chunk.after), start)
        return True
    if 2 <= len(tokens) <= 3 and speaks_by_surname(
        tokens, chunk.haystack, chunk.starts_sentence, lower_words
    ):
        add(chunk.name, PERSON, "surname", start)
        return True
    return False


def _decided_by_context(chunk: _Chunk, lower_words: set[str], add: Add, families: Families) -> bool:
    """Add a name the words around it type: a business cue, a brand's spelling, a product
    noun, or a known maker owning it ("Baidu's Plato", "Google's Co-scientist").

    Returns True when the context decided, also when a lone word only starts a sentence.
    """
    tokens = chunk.tokens
    if len(tokens) == 1 and chunk.starts_sentence and not is_brand(tokens[0]):
        return True
    business = org_cue(chunk.before, chunk.after)
    if business == "verb" and (chunk.starts_sentence or chunk.name.isupper()):
        business = ""
    if business and all(t.lower() not in lower_words for t in tokens):
        add(chunk.name, COMPANY, business, chunk.start)
        return True
    if len(tokens) == 1 and is_brand(tokens[0]):
        add(chunk.name, company_or_product(chunk.haystack, chunk.name), "brand", chunk.start)
        return True
    thing = product_cue(tokens, chunk.before, chunk.after, lower_words)
    if not thing and owned_by_maker(tokens, chunk.before, lower_words, families.makers):
        thing = "owner"
    if thing:
        add(chunk.name, PRODUCT, thing, chunk.start)
        return True
    return False


def _bare_name(chunk: _Chunk, lower_words: set[str]) -> bool:
    """Whether an untyped chunk may still be a name, if it recurs (``MIN_FREQUENT``).

    Not at a sentence's start, no word the text also writes in lower case, not a lone
    given name, acronym or jargon word ("GenAI"), no version-like word.
    """
    tokens = chunk.tokens
    if chunk.starts_sentence or any(t.lower() in lower_words for t in tokens):
        return False
    if len(tokens) == 1 and (
        tokens[0] in GIVEN_NAMES or tokens[0].isupper() or tokens[0] in CAMEL_WORDS
    ):
        return False
    return not any(VERSIONED.search(t) or t in VERSION_STOP for t in tokens)


def _part_of_person(key: str, found: dict[str, Found]) -> bool:
    """ "Fox Cahn" after "Albert Fox Cahn": the person again, not a new entity."""
    return any(
        other.type == PERSON and other_key.endswith(f" {key}") for other_key, other in found.items()
    )
