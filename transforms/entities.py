"""Entity tagging: catalog names found in an article, counted, with matched strings and offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from transforms.catalog import CatalogEntity, read_catalog
from transforms.discover_cues import has_role_cue
from transforms.discover_words import ACRONYM_STOP, COMMON_CAPITALISED, DEMONYMS, OUTLETS, PLACES
from transforms.matcher import (
    Hit,
    PhraseMatcher,
    boilerplate_spans,
    caps_lines,
    in_navigation,
    in_spans,
)
from transforms.records import EntityMention

MAX_EVIDENCE = 5
# On an ALL-CAPS line ("OPENAI UNVEILS GPT-5") names match in any case, from this length
# (shorter ones are mostly acronyms, which are written in capitals anyway).
CAPS_MIN_CHARS = 4
_TWO_NAMES = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+").fullmatch
# News puts the subject and actors early: one passing mention after the first quarter of
# an article (or in a scrape's related-links footer) is not what the article is about.
LATE_MENTION = 0.25
EARLY_CHARS = 1500  # in a short article the first few paragraphs are early anyway
PASSING_MENTIONS = 1
# Salience: a mention in the title or lead says more about the article than one further down.
TITLE_WEIGHT, LEAD_WEIGHT, LEAD_CHARS = 3.0, 1.5, 600
# Photo and illustration credits name tools and agencies, not the story's actors (rule E4).
_CREDIT_MARKERS = (
    "credit:",
    "credits:",
    "made with",
    "image by",
    "image:",
    "photo:",
    "photograph:",
    "illustration:",
    "getty images",
    "/mittr",
    "share on",
)
_CREDIT_WINDOW = 50
_FULL, _SURNAME = "full", "surname"
# A word hyphenated at a line break in a hard-wrapped scrape ("Deep-\nMind").
_SOFT_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[^\W\d_])")
_PUNCTUATION = ".,;:!?()'’\"“”"
_POSSESSIVE_END = re.compile(r"['’]s$")
# Head words of what is named after a person: "the Alan Turing Institute" is not Turing.
_NAMED_AFTER_PEOPLE = frozenset(
    """Institute Foundation Prize Award Awards University College School Center Centre
    Hall Building Street Avenue Road Lecture Memorial Museum Library Fellowship
    Scholarship Medal Trust Fund Airport Stadium Bridge Test""".split()
)
# "the Biden administration": a government, neither the person as an actor nor a new body.
_ADMINISTRATION = re.compile(r"[ \t]+[Aa]dministration\b")
# A news outlet cited as a source is no actor of the story (rule E4): "told the Financial
# Times", "according to Reuters", "(Bloomberg)", "the Wall Street Journal reported".
_CITED_BEFORE = re.compile(
    r"(?:\b(?:told|to|by|with|per|in|reports|via)[ \t]+(?:the[ \t]+|The[ \t]+)?|\([ \t]*)$"
)
_CITED_AFTER = re.compile(
    r"(?:[ \t]+(?:first[ \t]+|previously[ \t]+|earlier[ \t]+|also[ \t]+)?"
    r"(?:reported|reports|contributed|said in a report)\b|[ \t]*\))"
)


@dataclass(frozen=True, slots=True)
class _Name:
    """What a matched string may stand for: an entity by one of its names, or a surname."""

    entity: int
    kind: str


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """The catalog compiled into one matcher; built once per process."""

    entities: tuple[CatalogEntity, ...]
    matcher: PhraseMatcher[_Name]
    folded: PhraseMatcher[_Name]  # names of 4+ characters in any case: ALL-CAPS headlines


@cache
def entity_index() -> EntityIndex:
    """The shipped catalog, compiled (cached: building it is the slow part)."""
    return build_entity_index(read_catalog())


def build_entity_index(catalog: tuple[CatalogEntity, ...]) -> EntityIndex:
    """Compile catalog names, aliases and surnames into one case-sensitive matcher."""
    phrases: list[tuple[str, _Name]] = []
    for index, entity in enumerate(catalog):
        for name in {entity.name, *entity.aliases}:
            phrases.append((name, _Name(index, _FULL)))
            if _TWO_NAMES(name):  # "Andreessen-Horowitz" for Andreessen Horowitz
                phrases.append((name.replace(" ", "-"), _Name(index, _FULL)))
        if entity.surname:
            phrases.append((entity.surname, _Name(index, _SURNAME)))
    folded = [(p.lower(), n) for p, n in phrases if n.kind == _FULL and len(p) >= CAPS_MIN_CHARS]
    return EntityIndex(
        catalog,
        PhraseMatcher(phrases, hyphen_joins=True),
        PhraseMatcher(folded, fold_case=True, hyphen_joins=True),
    )


def match_entities(
    title: str, text: str, index: EntityIndex | None = None
) -> tuple[tuple[EntityMention, ...], tuple[tuple[int, int], ...]]:
    """Catalog entities mentioned in an article, and the spans of every catalog match.

    The spans (offsets into ``title + "\n" + text``) cover every string the
    catalog recognised, kept or not, so that candidate names can skip them.

    A surname alone counts only after the person's full name (rule E6); when two
    introduced people share it, the one named most recently wins. Ambiguous names
    need a context word somewhere in the article ("Gemini" with Google or model).
    An entity named once, late in the article, is left out (``LATE_MENTION``).

    Args:
        title: the headline ("" when none); offsets of its matches read ``@title``.
        text: the body; evidence offsets are character offsets into it.
        index: a compiled catalog (default: the shipped one).
    """
    index = index or entity_index()
    haystack = f"{title}\n{text}"
    body_start = len(title) + 1
    introduced: dict[int, int] = {}  # entity -> position of its latest full mention
    found: dict[int, list[Hit[_Name]]] = {}
    spans = []
    boilerplate = boilerplate_spans(haystack)
    for hit in _hits(index, haystack):
        # A surname alone, of nobody named yet, is someone else's ("Brad Smith").
        named = any(name.kind == _FULL for name in hit.values) or any(
            name.entity in introduced for name in hit.values
        )
        if (
            _in_credit(haystack, hit.start)
            or in_navigation(haystack, hit.start, hit.end, body_start)
            or in_spans(boilerplate, hit.start)
        ):
            if named:
                spans.append((hit.start, hit.end))
            continue
        if _ADMINISTRATION.match(haystack, hit.end) or _cited_outlet(hit, haystack):
            spans.append((hit.start, hit.end))
            continue
        resolved = _resolve(hit, introduced, index.entities, haystack)
        if resolved is not None:
            found.setdefault(resolved, []).append(hit)
        if named and resolved is not None:  # a vetoed sense is left to discovery ("VET AI Act")
            spans.append((hit.start, hit.end))
    late_from = early_end(title, text)
    mentions = []
    for position, hits in found.items():
        entity = index.entities[position]
        if entity.context and not any(word in haystack for word in entity.context):
            continue
        if (
            len(hits) <= PASSING_MENTIONS
            and hits[0].start - body_start > late_from
            and not (entity.type == "person" and has_role_cue(haystack, hits[0].start, hits[0].end))
        ):
            continue
        mentions.append(
            EntityMention(
                entity_id=entity.entity_id,
                name=entity.name,
                type=entity.type,
                wikidata_id=entity.wikidata_id,
                mentions=len(hits),
                evidence=tuple(_where(hit, body_start) for hit in hits[:MAX_EVIDENCE]),
                score=round(sum(_salience(hit.start - body_start) for hit in hits), 2),
            )
        )
    return tuple(mentions), tuple(spans)


def _cited_outlet(hit: Hit[_Name], haystack: str) -> bool:
    """A news outlet named as the source of a report, not as an actor."""
    if hit.text not in OUTLETS and f"The {hit.text}" not in OUTLETS:
        return False
    before = haystack[max(hit.start - 30, 0) : hit.start]
    return bool(_CITED_BEFORE.search(before) or _CITED_AFTER.match(haystack, hit.end))


def _hits(index: EntityIndex, haystack: str) -> list[Hit[_Name]]:
    """Catalog matches in text order; an ALL-CAPS line is matched in any case as well.

    Line breaks inside a name ("Hugging\nFace" in a hard-wrapped scrape) match as spaces,
    and a word hyphenated at a line break ("Deep-\nMind") matches joined.
    """
    flat = haystack.replace("\n", " ")
    hits = [
        h
        if "\n" not in haystack[h.start : h.end]
        else Hit(h.start, h.end, haystack[h.start : h.end], h.values)
        for h in index.matcher.iter_hits(flat)
    ]
    hits = _with_broken_words(index, haystack, hits)
    caps = caps_lines(haystack)
    if not caps:
        return sorted(hits, key=lambda h: h.start)
    for start, end in caps:
        for hit in index.folded.iter_hits(flat[start:end]):
            shifted = Hit(
                hit.start + start,
                hit.end + start,
                haystack[hit.start + start : hit.end + start],
                hit.values,
            )
            if not any(h.start < shifted.end and shifted.start < h.end for h in hits):
                hits.append(shifted)
    return sorted(hits, key=lambda h: h.start)


def _with_broken_words(
    index: EntityIndex, haystack: str, hits: list[Hit[_Name]]
) -> list[Hit[_Name]]:
    """The hits, plus names a line break hyphenated, matched with those breaks joined."""
    breaks = [m.start() for m in _SOFT_BREAK.finditer(haystack)]
    if not breaks:
        return hits
    cuts = [position - 2 * k for k, position in enumerate(breaks)]  # where each was, joined

    def original(joined: int) -> int:
        return joined + 2 * bisect_right(cuts, joined)

    for hit in index.matcher.iter_hits(_SOFT_BREAK.sub("", haystack).replace("\n", " ")):
        start, end = original(hit.start), original(hit.end - 1) + 1
        overlapping = [h for h in hits if h.start < end and start < h.end]
        if "-\n" in haystack[start:end] and all(
            start <= h.start and h.end <= end for h in overlapping
        ):  # the longer name wins: "Google Deep-\nMind" over "Google"
            hits = [h for h in hits if h not in overlapping]
            hits.append(Hit(start, end, haystack[start:end], hit.values))
    return hits


def _resolve(
    hit: Hit[_Name],
    introduced: dict[int, int],
    entities: tuple[CatalogEntity, ...],
    haystack: str,
) -> int | None:
    """Which entity a matched string stands for here, or None."""
    surnames = [n.entity for n in hit.values if n.kind == _SURNAME and n.entity in introduced]
    if surnames:
        latest = max(surnames, key=lambda e: introduced[e])
        if not _vetoed(entities[latest], haystack, hit.start, hit.end):
            return latest
    for name in hit.values:
        if name.kind == _FULL and not _vetoed(entities[name.entity], haystack, hit.start, hit.end):
            introduced[name.entity] = hit.start
            return name.entity
    return None


def _vetoed(entity: CatalogEntity, haystack: str, start: int, end: int) -> bool:
    """True when a neighbouring word shows another sense ("Apple pie", "Claude Monet").

    A person's name followed by an institution's head word names the institution
    ("the Alan Turing Institute", "the Nobel Prize").
    """
    if entity.veto_next or entity.type == "person":
        following = haystack[end : end + 40].split(maxsplit=1)
        word = following[0].strip(_PUNCTUATION) if following else ""
        if word in entity.veto_next or (entity.type == "person" and word in _NAMED_AFTER_PEOPLE):
            return True
    if not (entity.veto_prev or entity.context or entity.type == "law"):
        return False  # most entities: nothing before the name can veto them
    preceding = haystack[max(start - 40, 0) : start].rsplit(maxsplit=1)
    previous = preceding[-1].strip(_PUNCTUATION) if preceding else ""
    if previous in entity.veto_prev:
        return True
    if entity.type == "law" and _longer_name(entity, preceding[-1] if preceding else ""):
        return True
    return bool(entity.context) and _another_countrys(entity, previous)


def _longer_name(entity: CatalogEntity, previous: str) -> bool:
    """A law's short alias after a capitalised word of another name is another law:
    "the VET AI Act" is not the EU's "AI Act"."""
    if not previous[:1].isupper() or previous[-1] in _PUNCTUATION:
        return False
    if _POSSESSIVE_END.search(previous):  # "the European Union's AI Act"
        return False
    if previous.lower() in COMMON_CAPITALISED or previous.upper() in ACRONYM_STOP:
        return False  # "The AI Act", "the EU General Data Protection Regulation"
    if previous in PLACES or previous in DEMONYMS:
        return False
    own = {
        word for name in (entity.name, *entity.aliases, *entity.context) for word in name.split()
    }
    return previous not in own


def _another_countrys(entity: CatalogEntity, previous: str) -> bool:
    """A body or law whose name needs context, named after another country's name or
    demonym, is that country's: "Japan's House of Representatives" is not the US Congress.
    """
    if entity.type not in ("regulator", "law"):
        return False
    country = _POSSESSIVE_END.sub("", previous)
    if country not in PLACES and country not in DEMONYMS:
        return False
    own = (entity.name, *entity.aliases, *entity.context)
    return not any(country in words for words in own)


def early_end(title: str, text: str) -> float:
    """Where the early part of the story ends; a scrape's story starts at its headline."""
    start = story_start(title, text)
    return start + max(EARLY_CHARS, LATE_MENTION * (len(text) - start))


def story_start(title: str, text: str) -> int:
    """Where the story begins in the text: at its headline in a scrape, else at 0."""
    start = text.find(title[:40]) if len(title) >= 20 else -1
    return start if 0 <= start < len(text) // 2 else 0


def _in_credit(haystack: str, start: int) -> bool:
    window = haystack[max(start - _CREDIT_WINDOW, 0) : start]
    window = window[max(window.rfind("\n") + 1, window.rfind(". ") + 2) :].lower()
    return any(marker in window for marker in _CREDIT_MARKERS)


def _salience(offset: int) -> float:
    if offset < 0:
        return TITLE_WEIGHT
    return LEAD_WEIGHT if offset < LEAD_CHARS else 1.0


def _where(hit: Hit[_Name], body_start: int) -> str:
    """Evidence string: the matched text and its offset in the body, or ``@title``."""
    offset = hit.start - body_start
    return f"{hit.text}@{offset if offset >= 0 else 'title'}"
