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
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from transforms.catalog import CatalogEntity, read_catalog
from transforms.discover_words import (
    ACRONYM_STOP,
    BUSINESS_NOUNS,
    CAMEL_WORDS,
    COMMON_CAPITALISED,
    COMPANY_NEXT,
    COMPANY_PREVIOUS,
    DEMONYMS,
    EXCLUDED_ORG_WORDS,
    GIVEN_NAMES,
    LAW_HEADS,
    ORG_SUFFIXES,
    ORG_TITLES,
    OUTLETS,
    PERSON_PARTICLES,
    PLACES,
    PRODUCT_NEXT,
    PRODUCT_PREVIOUS,
    REGULATOR_HEADS,
    ROLE_WORDS,
    SPEECH_VERBS,
    TITLE_WORDS,
    UNIVERSITIES,
    VERSION_STOP,
)
from transforms.matcher import caps_lines, in_navigation
from transforms.records import EntityMention, discovered_id

MAX_EVIDENCE = 5
# A bare capitalised name (no cue, no shape) counts as an entity from this many mid-sentence
# mentions (never an acronym alone: too many are vocabulary).
MIN_FREQUENT = 3
_PERSON, _COMPANY, _PRODUCT, _REGULATOR, _LAW = "person", "company", "product", "regulator", "law"
_UP = r"A-ZÀ-ÖØ-Þ"
_TOKEN = rf"(?:[{_UP}][\w'’.&+/-]*\w|[{_UP}]|[a-z]{{1,2}}[{_UP}][\w'’.&+-]*\w)"
# Capitalised words in a row; a version number may follow a name ("RTX 3080", "Llama 3.1").
_PARTICLE = r"(?:de|van|von|der|den|da|du|di|la|le|bin|al)"
_RUN = re.compile(rf"(?<![\w.-]){_TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*(?:{_TOKEN}|\d[\w.]*\b))*")
_CONNECT = r"(?:of|for|and|on|the|in|to|de|du|des|la|le)"
_CAP = rf"[{_UP}][\w'’.&-]*"
_REGULATOR_NAME = re.compile(
    rf"(?:(?:{_CAP})[ \t]+(?:{_CONNECT}[ \t]+)?)*?(?:{'|'.join(REGULATOR_HEADS)})\b"
    rf"(?:[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?{_CAP}(?:[ \t]+(?:and[ \t]+|&[ \t]+)?{_CAP})*)?"
)
_LAW_NAME = re.compile(
    rf"(?:{_CAP}[ \t]+(?:{_CONNECT}[ \t]+)?){{1,8}}(?:{'|'.join(LAW_HEADS)})\b"
    r"(?:[ \t]+(?:of[ \t]+)?(?:19|20)\d\d)?"
    r"|\b(?:SB|AB|HB|SF|HF|LD|H\.R\.|S\.B\.|A\.B\.)[ \t]?\d{1,5}\b"
    r"|\bExecutive Order[ \t]\d{4,6}\b"
)
# Words between a role and an organisation ("researcher at X", "head of X").
_LINKING = frozenset({"at", "of", "for", "with", "from", "by", "to", "in", "on", "and", "the"})
# Speech verbs that introduce a speaker when they come first ("says Jane Doe"); "told X" and
# "asked X" name the listener.
SPEECH_BEFORE = frozenset({"said", "says", "added", "adds", "wrote", "writes", "according"})
_SENTENCE_END = frozenset('.!?\n"“”:;')
_POSSESSIVE = re.compile(r"['’]s?$")
_VERSIONED = re.compile(r"\d")
# Bylines and credits are not the story's actors (rule E4): "By Jane Doe archive page",
# "Posted by Jane Doe", "Jane Doe/Getty Images".
_BYLINE = re.compile(
    rf"(?:\bBy|\bby|Posted by|Written by|Reporting by|Editing by|Credit:|Photo:|Image:|Photograph:"
    rf"|Illustration:)"
    rf"[ \t]+(?:{_TOKEN}[ \t]+){{0,8}}$"
)
_CODE_MARKS = ("{", "}", "=>", "//", "();", "===")
_AFTER_BYLINE = re.compile(r"[ \t]*(?:archive page|/|\|| ,)")


@dataclass(slots=True)
class _Found:
    """A discovered name: its type, the cue that typed it and where it occurs."""

    name: str
    type: str
    cue: str
    family: str | None = None
    hits: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Families:
    """Catalog products by family stem ("llama" -> LLaMA), known names and their types."""

    by_stem: dict[str, CatalogEntity]
    known: frozenset[str]  # every catalog name and alias, lower-cased
    types: dict[str, str] = field(default_factory=dict)  # catalog name or alias -> type
    makers: frozenset[str] = frozenset()  # names and aliases of catalog companies and labs


@cache
def catalog_families() -> Families:
    """The shipped catalog's product families (cached)."""
    return build_families(read_catalog())


def build_families(catalog: tuple[CatalogEntity, ...]) -> Families:
    """Index product names by their stem without a version."""
    by_stem: dict[str, CatalogEntity] = {}
    known: set[str] = set()
    types: dict[str, str] = {}
    for entity in catalog:
        names = (entity.name, *entity.aliases)
        known.update(n.lower() for n in names)
        types.update((n, entity.type) for n in names)
        if entity.type != _PRODUCT or _VERSIONED.search(entity.name):
            continue
        by_stem.setdefault(entity.name.lower(), entity)
    makers = frozenset(name for name, type_ in types.items() if type_ in {"company", "ai_lab"})
    return Families(by_stem, frozenset(known), types, makers)


# A person introduced by role or speech ("said Mayor Jane Doe") is an actor of the story even
# when named once, late: such cues keep a single late mention (the catalog's rule drops it).
ROLE_CUES = (ROLE_WORDS | SPEECH_VERBS) - {"who"}


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
    lower_words = set(re.findall(r"\b[a-z][a-z'’-]+\b", haystack))
    found: dict[str, _Found] = {}
    taken: list[tuple[int, int]] = []

    def add(name: str, type_: str, cue: str, start: int, family: str | None = None) -> None:
        key = name.lower()
        if key in families.known or len(name) < 2 or _part_of_person(key, found):
            return
        entry = found.setdefault(key, _Found(name, type_, cue, family))
        entry.hits.append((start, start + len(name), name))
        insort(taken, (start, start + len(name)))

    for pattern, type_ in ((_LAW_NAME, _LAW), (_REGULATOR_NAME, _REGULATOR)):
        for match in _headed(pattern, haystack, body_start):
            start, name = _trim_leading(haystack, match.start(), match.group(0), lower_words)
            if any(word.lower() in TITLE_WORDS for word in name.split()):
                continue
            if name and " " in name.strip() and not _overlaps(known, start, start + len(name)):
                if not any(w in EXCLUDED_ORG_WORDS for w in name.split()):
                    add(name, type_, name.split()[-1], start)
    _discover_versions(haystack, body_start, known, families, add)
    frequent: Counter[str] = Counter()
    firsts: dict[str, int] = {}
    caps = caps_lines(haystack)
    for match in _RUN.finditer(haystack, body_start):
        word = match.group(0)
        if " " not in word and (
            word.lower() in COMMON_CAPITALISED
            or (_starts_sentence(haystack, match.start()) and not _is_brand(word))
        ):
            continue  # most runs: one capitalised word that starts a sentence
        if _overlaps(known, match.start(), match.end()) and " " not in word:
            continue
        if (
            _overlaps(caps, match.start(), match.end())
            or in_navigation(haystack, match.start(), match.end(), body_start)
            or _is_byline(haystack, match.start(), match.end())
        ):
            continue
        for start, words in _chunks(haystack, match.start(), match.group(0), known, taken):
            _classify(haystack, start, words, lower_words, add, frequent, firsts, families)
    for name, count in frequent.items():
        if count >= MIN_FREQUENT and name.lower() not in found:
            add(name, _vote(haystack, name), "frequent", firsts[name])
    _discover_lists(haystack, body_start, families, found, add)
    return _mentions(haystack, body_start, found)


_HEADS = re.compile(
    rf"(?=[A-Z])\b(?:{'|'.join((*LAW_HEADS, *REGULATOR_HEADS))})\b"
    r"|(?=[A-Z])\b(?:SB|AB|HB|SF|HF|LD|H\.R\.|S\.B\.|A\.B\.)"
)
_HEAD_REACH = 120  # the longest name before its head word ("Department for Science, ...")


def _headed(pattern: re.Pattern[str], haystack: str, floor: int) -> list[re.Match[str]]:
    """Matches of a law or agency pattern, tried only near a head word (the slow part)."""
    matches: list[re.Match[str]] = []
    for head in _HEADS.finditer(haystack, floor):
        if matches and matches[-1].end() > head.start():
            continue
        window_start = max(head.start() - _HEAD_REACH, floor, matches[-1].end() if matches else 0)
        for match in pattern.finditer(haystack, window_start, head.end() + _HEAD_REACH):
            if match.start() <= head.start() < match.end():
                matches.append(match)
                break
    return matches


def _discover_versions(
    haystack: str,
    body_start: int,
    known: list[tuple[int, int]],
    families: Families,
    add: _Add,
) -> None:
    """A catalog product followed by a version the catalog lacks: a new family member.

    In the title too (a brief's product is often named only there); a version the
    catalog lists as an alias ("Claude 2") is known, so ``add`` skips it.
    """
    for start, end in known:
        stem = haystack[start:end]
        entity = families.by_stem.get(stem.lower())
        if entity is None:
            continue
        version = re.match(
            r"(?:[ -]?)(\d+(?:\.\d+)*[A-Za-z]?)(?:[ -]([A-Z][a-z]+))?", haystack[end:]
        )
        if version and (end == len(haystack) or haystack[end] in " -"):
            name = haystack[start : end + version.end()]
            add(name.rstrip(".,"), _PRODUCT, "version", start, family=entity.entity_id)


class _Add(Protocol):
    def __call__(
        self, name: str, type_: str, cue: str, start: int, family: str | None = None
    ) -> None: ...


def _chunks(
    haystack: str,
    start: int,
    run: str,
    known: list[tuple[int, int]],
    taken: list[tuple[int, int]],
) -> list[tuple[int, list[tuple[int, str]]]]:
    """Split a run of capitalised words at catalog matches, taken spans and role words."""
    words = [(start + m.start(), m.group(0)) for m in re.finditer(r"\S+", run)]
    chunks: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] = []
    for position, word in words:
        bare = _POSSESSIVE.sub("", word.rstrip(".,")) if not word.isupper() else word
        blocked = _overlaps(known, position, position + len(word)) or _overlaps(
            taken, position, position + len(word)
        )
        compound = re.search(r"-[a-z]", word) is not None
        common = (bare.lower() in COMMON_CAPITALISED or bare.upper() in ACRONYM_STOP) and not (
            current and bare in ORG_SUFFIXES
        )
        if blocked or compound or common or bare.lower() in TITLE_WORDS:
            if current:
                chunks.append((current[0][0], current))
            current = []
            continue
        current.append((position, word))
        if word.endswith(("'s", "’s", ",")):
            chunks.append((current[0][0], current))
            current = []
    if current:
        chunks.append((current[0][0], current))
    return chunks


def _classify(
    haystack: str,
    start: int,
    words: list[tuple[int, str]],
    lower_words: set[str],
    add: _Add,
    frequent: Counter[str],
    firsts: dict[str, int],
    families: Families,
) -> None:
    """Type one chunk of capitalised words by its own shape and the words around it.

    A catalog company or lab right before a versioned product begins its name.
    """
    while words and words[0][1][0].isdigit():  # "17 Nov 2023": a date, not a name
        words = words[1:]
    if not words:
        return
    start = words[0][0]
    tokens = [_POSSESSIVE.sub("", w.rstrip(".,;:")) for _, w in words]
    if _starts_sentence(haystack, start) and (
        tokens[0].lower() in lower_words or tokens[0].lower() in COMMON_CAPITALISED
    ):
        words, tokens = words[1:], tokens[1:]
        if not tokens:
            return
        start = words[0][0]
    if not tokens or any(t in PLACES or t in DEMONYMS for t in tokens):
        return
    if (
        " ".join(tokens) in OUTLETS
        or tokens[0] in OUTLETS
        or tokens[0] in UNIVERSITIES
        or (len(tokens) > 1 and any(t.lower() in EXCLUDED_ORG_WORDS for t in tokens))
    ):
        return
    name = " ".join(tokens)
    end = start + len(name)
    before = haystack[max(start - 60, 0) : start]
    after = haystack[end : end + 60]
    if (
        2 <= len(tokens) <= 4
        and tokens[-1].rstrip(".") in ORG_SUFFIXES
        and all(t.lower() not in lower_words for t in tokens[:-1])
    ):  # "Kestrel Labs", not "Military AI" in a text that writes "military"
        add(name.rstrip(",;:"), _COMPANY, tokens[-1], start)
        return
    if len(tokens) >= 2 and _VERSIONED.match(tokens[-1]):
        version = re.sub(r"(?<=\d)s$", "", tokens[-1])
        if tokens[0] not in VERSION_STOP and not re.fullmatch(r"(?:19|20)\d\d", version):
            name = " ".join((*tokens[:-1], version))
            maker = _maker_before(before, families.makers)
            if maker and name.lower() not in families.known:  # "Mistral Medium 3"
                add(f"{maker} {name}", _PRODUCT, "version", start - len(maker) - 1)
            else:
                add(name, _PRODUCT, "version", start)
        return
    if 2 <= len(tokens) <= 4 and _is_person(tokens, before, after, lower_words):
        add(name, _PERSON, _person_cue(tokens, before, after), start)
        return
    if len(tokens) == 1 and _starts_sentence(haystack, start) and not _is_brand(tokens[0]):
        return
    org_cue = _org_cue(before, after)
    if org_cue == "verb" and _starts_sentence(haystack, start):
        org_cue = ""
    if org_cue and all(t.lower() not in lower_words for t in tokens):
        add(name, _COMPANY, org_cue, start)
        return
    if len(tokens) == 1 and _is_brand(tokens[0]):
        add(name, _vote(haystack, name), "brand", start)
        return
    if _starts_sentence(haystack, start) or any(t.lower() in lower_words for t in tokens):
        return
    if len(tokens) == 1 and (tokens[0] in GIVEN_NAMES or tokens[0].isupper()):
        return
    if any(_VERSIONED.search(t) or t in VERSION_STOP for t in tokens):
        return
    if re.search(r"\b[a-z][\w-]*[ \t]+$", before):  # in prose, not in a menu or a list
        frequent[name] += 1
    firsts.setdefault(name, start)


def _maker_before(before: str, makers: frozenset[str]) -> str:
    """The catalog company or lab named right before a product ("Mistral" in "Mistral Large 3")."""
    match = re.search(r"(?:^|[^\w.-])((?:[\w.&-]+ )?[\w.&-]+) $", before)
    if match is None:
        return ""
    words = match.group(1)
    for candidate in (words, words.split(" ")[-1]):
        if candidate in makers:
            return candidate
    return ""


def has_role_cue(haystack: str, start: int, end: int) -> bool:
    """True when a role or speech word stands right next to a name ("said CEO Jane Doe")."""
    before = haystack[max(start - 60, 0) : start]
    cue = _person_cue(["?"], before, haystack[end : end + 60])
    return cue in ROLE_CUES


def _is_person(tokens: list[str], before: str, after: str, lower_words: set[str]) -> bool:
    if any(_VERSIONED.search(t) or t.isupper() for t in tokens):
        return False
    if any(t.lower() in lower_words and t.lower() not in PERSON_PARTICLES for t in tokens[1:]):
        return False
    if tokens[0].lower() in lower_words and tokens[0] not in GIVEN_NAMES:
        return False  # "Computer Science": words the text also writes in lower case
    return tokens[0] in GIVEN_NAMES or bool(_person_cue(tokens, before, after))


def _person_cue(tokens: list[str], before: str, after: str) -> str:
    """The role or speech word that shows a person ("" when none)."""
    previous = _lowered_words(before.split("\n")[-1])[-4:]
    if previous and previous[-1] in SPEECH_BEFORE:
        return previous[-1]
    if previous and previous[-1] not in _LINKING:  # "a researcher at X": X is not a person
        for word in reversed(previous[-2:]):  # "CEO Jane Doe", "associate professor Jane Doe"
            if word in ROLE_WORDS:
                return word
    following = _lowered_words(after.split("\n")[0])[:4]
    if following and following[0] in SPEECH_VERBS:
        return following[0]
    if after.startswith(",") and len(following) >= 2:
        if following[0] in ROLE_WORDS or following[0] == "who":
            return following[0]
        if following[0] in ("the", "a", "an") and following[1] in ROLE_WORDS:
            return following[1]
    return "given-name" if tokens[0] in GIVEN_NAMES else ""


def _org_cue(before: str, after: str) -> str:
    """A business word right before or after a name ("startup X", "X CEO", "X, a company")."""
    previous = _lowered_words(before.split("\n")[-1])[-2:]
    if previous and previous[-1] in BUSINESS_NOUNS:
        return previous[-1]
    if len(previous) == 2 and (
        (previous[0] in ROLE_WORDS and previous[1] == "at")
        or (previous[0] in ORG_TITLES and previous[1] == "of")
    ):
        return previous[0]
    following = _lowered_words(after.split("\n")[0])[:4]
    if following and following[0] in ORG_TITLES:  # "Cloudera CEO", not "Distinguished Professor"
        return following[0]
    if after.startswith(",") and len(following) >= 2 and following[0] in ("a", "an", "the"):
        for word in following[1:4]:
            if word in BUSINESS_NOUNS:
                return word
    if re.match(r"[ \t]+(?:acquired|raised|raises|announced|launched|agreed)\b", after):
        return "verb"
    recent = _lowered_words(before.split("\n")[-1])[-5:]
    if recent and recent[-1] in ("called", "named", "dubbed") and BUSINESS_NOUNS & set(recent):
        return recent[-1]
    return ""


def _lowered_words(text: str) -> list[str]:
    return [word.lower() for word in re.findall(r"[\w-]+", text)]


def _is_brand(token: str) -> bool:
    """CamelCase or a lower-case lead ("WibiData", "eBay"); not a Scottish or Irish surname."""
    if re.match(r"(?:Mc|Mac|O'|O’|De|Di|Le|La|Van|Von)[A-Z]", token) or token in CAMEL_WORDS:
        return False
    return bool(re.fullmatch(r"[A-Z][a-z]+[A-Z][A-Za-z]*|[a-z]{1,2}[A-Z][a-z][A-Za-z]*", token))


def _vote(haystack: str, name: str) -> str:
    """Company or product, by the words right next to every mention (company when even).

    "the X app", "X 2" or "using X" read as a product; "X's", "from X", "X said" or "X
    announced" as a company: the neighbouring word says more than the topic of the story.
    """
    company = product = 0
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", haystack):
        after = haystack[match.end() : match.end() + 30]
        following = _lowered_words(after)[:1]
        previous = _lowered_words(haystack[max(match.start() - 30, 0) : match.start()])[-1:]
        company += after.startswith(("'s", "’s"))
        company += bool(following) and following[0] in COMPANY_NEXT
        company += bool(previous) and previous[0] in COMPANY_PREVIOUS
        product += bool(following) and (following[0] in PRODUCT_NEXT or following[0].isdigit())
        product += bool(previous) and previous[0] in PRODUCT_PREVIOUS
    return _PRODUCT if product > company else _COMPANY


_UPPER_WORD = rf"[{_UP}][a-zà-ÿ'’-]+"
_LIST_ITEM = rf"(?:{_TOKEN})(?:[ \t]+(?:{_TOKEN})){{0,2}}"
_LIST = re.compile(
    rf"(?<![\w.-]){_LIST_ITEM}(?:,[ \t]+{_LIST_ITEM}){{1,}},?[ \t]+(?:and|or)[ \t]+{_LIST_ITEM}"
)


_PAIR = re.compile(
    rf"({_UPPER_WORD}[ \t]+{_UPPER_WORD})[ \t]+and[ \t]+({_UPPER_WORD}[ \t]+{_UPPER_WORD})\b"
)


def _discover_lists(
    haystack: str, body_start: int, families: Families, found: dict[str, _Found], add: _Add
) -> None:
    """Names listed with known companies are companies ("Nvidia, Gigabyte, MSI and EVGA").

    A list of three or more capitalised names that holds catalog or discovered companies
    or products, and nothing of another type, types its other members too; a person's
    name paired by "and" with another two-word name makes that one a person too.
    """
    for match in _LIST.finditer(haystack, body_start):
        items = [
            (match.start() + m.start(), m.group(0))
            for m in re.finditer(_LIST_ITEM, match.group(0))
            if m.group(0) not in ("and", "or")
        ]
        kinds = set()
        for _, item in items:
            bare = _POSSESSIVE.sub("", item)
            kind = families.types.get(bare) or (
                found[bare.lower()].type if bare.lower() in found else None
            )
            if kind:
                kinds.add("company" if kind == "ai_lab" else kind)
        if not kinds or not kinds <= {_COMPANY, _PRODUCT}:
            continue
        kind = _COMPANY if _COMPANY in kinds else _PRODUCT
        for start, item in items:
            bare = _POSSESSIVE.sub("", item)
            words = bare.split()
            if (
                bare.lower() in found
                or words[0] in GIVEN_NAMES
                or any(
                    w in PLACES or w in DEMONYMS or w.lower() in COMMON_CAPITALISED for w in words
                )
                or bare.upper() in ACRONYM_STOP
            ):
                continue
            add(bare, kind, "listed", start)
    for match in _PAIR.finditer(haystack, body_start):
        first, second = match.group(1), match.group(2)
        for known_name, other, at in (
            (first, second, match.start(2)),
            (second, first, match.start(1)),
        ):
            entry = found.get(known_name.lower())
            if entry is not None and entry.type == _PERSON and other.lower() not in found:
                if not any(w in PLACES or w in DEMONYMS for w in other.split()):
                    add(other, _PERSON, "listed", at)


def _mentions(
    haystack: str, body_start: int, found: dict[str, _Found]
) -> tuple[EntityMention, ...]:
    """Count every mention of each discovered name (and a person's surname after it)."""
    mentions = []
    for entry in found.values():
        hits = {start: (start, end, text) for start, end, text in entry.hits}
        for match in re.finditer(rf"(?<![\w-]){re.escape(entry.name)}(?![\w-])", haystack):
            hits.setdefault(match.start(), (match.start(), match.end(), match.group(0)))
        if entry.type == _PERSON:
            first = min(hits)
            surname = entry.name.split()[-1]
            for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", haystack):
                if match.start() > first and not any(
                    s <= match.start() < e for s, e, _ in hits.values()
                ):
                    hits[match.start()] = (match.start(), match.end(), surname)
        ordered = sorted(hits.values())
        mentions.append(
            (
                ordered[0][0],
                EntityMention(
                    entity_id=discovered_id(entry.name),
                    name=entry.name,
                    type=entry.type,
                    wikidata_id=None,
                    mentions=len(ordered),
                    evidence=tuple(
                        f"{text}@{'title' if s < body_start else s - body_start}"
                        for s, _, text in ordered[:MAX_EVIDENCE]
                    ),
                    origin="discovered",
                    cue=entry.cue,
                    family=entry.family,
                ),
            )
        )
    return tuple(m for _, m in sorted(mentions, key=lambda item: item[0]))


def _trim_leading(haystack: str, start: int, name: str, lower_words: set[str]) -> tuple[int, str]:
    """Drop a sentence's capitalised first word and a leading article from a matched name."""
    words = name.split(" ")
    while words and (
        words[0] in ("The", "the", "A", "An", "And", "Of", "In", "On", "To", "For")
        or words[0].lower() in COMMON_CAPITALISED
        or (_starts_sentence(haystack, start) and words[0].lower() in lower_words)
    ):
        start += len(words[0]) + 1
        words = words[1:]
    return start, " ".join(words)


def _part_of_person(key: str, found: dict[str, _Found]) -> bool:
    """ "Fox Cahn" after "Albert Fox Cahn": the person again, not a new entity."""
    return any(
        other.type == _PERSON and other_key.endswith(f" {key}")
        for other_key, other in found.items()
    )


def _is_byline(haystack: str, start: int, end: int) -> bool:
    """A byline, a picture credit ("Jane Doe/AP") or script code kept by a scrape."""
    if haystack.startswith(("By ", "Posted by ", "Written by "), start):
        return True
    if "/" in haystack[start:end] or any(
        mark in haystack[max(start - 60, 0) : end + 60] for mark in _CODE_MARKS
    ):
        return True
    line_start = haystack.rfind("\n", 0, start) + 1
    before = haystack[max(start - 80, line_start) : start]
    return bool(_BYLINE.search(before)) or bool(_AFTER_BYLINE.match(haystack, end))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) meets one of the sorted, mostly disjoint spans."""
    index = bisect_left(spans, (end, -1))
    return any(s < end and start < e for s, e in spans[max(index - 3, 0) : index])


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(start - 8, 0) : start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END
