"""The shapes discovery reads names by: capitalised tokens, spans, sentence starts.

Shared by the kinds of names (``discover_cues``, ``discover_families``, ``discover_laws``,
``discover_lists``) and the discovery pass that ties them together (``discover``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Protocol

from transforms.discover_words import COMMON_CAPITALISED
from transforms.matcher import lines_where
from transforms.records import EntityMention, discovered_id

PERSON, COMPANY, PRODUCT, REGULATOR, LAW = "person", "company", "product", "regulator", "law"
AI_LAB = "ai_lab"
UP = r"A-ZÀ-ÖØ-Þ"
TOKEN = rf"(?:[{UP}][\w'’.&+/-]*\w|[{UP}]|[a-z]{{1,2}}[{UP}][\w'’.&+-]*\w)"
_SENTENCE_END = frozenset('.!?\n"“”:;')
_TITLE_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:Gov|Sen|Rep|Reps|Sens|Dr|Mr|Mrs|Ms|Prof|Gen|Lt|Col|Capt|Sgt|Rev|Hon|Pres|Amb|Adm|Supt|Insp|Det|Atty|Sec)\.$"
)
POSSESSIVE = re.compile(r"['’]s?$")
VERSIONED = re.compile(r"\d")
_WORD = re.compile(r"[\w-]+")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
# English function words: a quarter of English prose, a few per cent of German or French.
_ENGLISH_WORDS = frozenset(
    """the and of to in is that for on with as was it by are be this from at an or has
    have said""".split()
)
_ENGLISH_SHARE = 0.08  # English articles measure 0.15-0.34, German and French pages 0-0.06
MAX_EVIDENCE = 5


@dataclass(slots=True)
class Found:
    """A discovered name: its type, the cue that typed it and where it occurs."""

    name: str
    type: str
    cue: str
    family: str | None = None
    hits: list[tuple[int, int, str]] = field(default_factory=list)


def merge_plurals(found: dict[str, Found], known: frozenset[str]) -> None:
    """ "iPhones" is more of the "iPhone": a one-word plural counts for its singular, found
    or known to the catalog (lower-cased names)."""
    for key in [key for key in found if key.endswith("s") and " " not in key]:
        singular = key[:-1]
        if singular in found:
            found[singular].hits.extend(found.pop(key).hits)
        elif singular in known:
            del found[key]


def drop_inner_names(found: dict[str, Found]) -> None:
    """A name found only inside a longer name found there is part of it: "Technology
    Ventures" of "LG Technology Ventures"."""
    spans = [(start, end) for entry in found.values() for start, end, _ in entry.hits]
    for key in list(found):
        if all(
            any(s <= start and end <= e and e - s > end - start for s, e in spans)
            for start, end, _ in found[key].hits
        ):
            del found[key]


def mentions_of(
    haystack: str, body_start: int, found: dict[str, Found]
) -> tuple[EntityMention, ...]:
    """Every mention of each discovered name (and a person's surname after it), in order of
    first mention."""
    mentions = []
    for entry in found.values():
        hits = {start: (start, end, text) for start, end, text in entry.hits}
        for start in whole_word_starts(haystack, entry.name):
            hits.setdefault(start, (start, start + len(entry.name), entry.name))
        if entry.type == PERSON:
            first = min(hits)
            surname = entry.name.split()[-1]
            for start in whole_word_starts(haystack, surname):
                if start > first and not any(s <= start < e for s, e, _ in hits.values()):
                    hits[start] = (start, start + len(surname), surname)
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


class Add(Protocol):
    """Records a discovered name at an offset (the discovery pass's ``add``)."""

    def __call__(
        self, name: str, type_: str, cue: str, start: int, family: str | None = None
    ) -> None: ...


def as_written(haystack: str, start: int, name: str) -> str:
    """The name as the text writes it at ``start``: "Kestrel  Labs" with its two spaces."""
    if haystack.startswith(name, start):
        return name
    written = re.compile(r"[ \t]+".join(map(re.escape, name.split()))).match(haystack, start)
    return written.group(0) if written else name


# "Biden-era", "LLM-optimised": a word that describes, not a name's own word.
DESCRIBING_COMPOUND = re.compile(r"[\w.]+-[a-z]+")


def trim_leading(haystack: str, start: int, name: str, lower_words: set[str]) -> tuple[int, str]:
    """Drop a sentence's capitalised first word, a leading article and a describing compound
    ("Biden-era") from a matched name."""
    words = name.split(" ")
    while words and (
        words[0] in ("The", "the", "A", "An", "And", "Of", "In", "On", "To", "For")
        or (words[0].lower() in COMMON_CAPITALISED and words[0] != "AI")  # "AI Basic Act"
        or (starts_sentence(haystack, start) and words[0].lower() in lower_words)
        or DESCRIBING_COMPOUND.fullmatch(words[0]) is not None
    ):
        start += len(words[0]) + 1
        words = words[1:]
    return start, " ".join(words)


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) meets one of the sorted, mostly disjoint spans."""
    index = bisect_left(spans, (end, -1))
    return any(s < end and start < e for s, e in spans[max(index - 3, 0) : index])


def starts_sentence(text: str, start: int) -> bool:
    """True when ``start`` begins a sentence (a capital there says little), also after
    a closing bracket ("(... directors.) Similarly")."""
    before = text[max(start - 8, 0) : start].rstrip(" \t").rstrip(")]")
    if _TITLE_ABBREVIATION.search(before):  # "Gov. Bill Lee", "Sen. Maria Cantwell"
        return False
    return not before or before[-1] in _SENTENCE_END


def mostly_english(text: str) -> bool:
    """Whether English function words are common enough for English capitalisation rules.

    German capitalises every noun: a noun three times is no company's name there, and
    "Teil 2" no product's.
    """
    words = text.lower().split()  # "the," does not count: a slight undercount, but fast
    if len(words) < 50:  # a headline or a brief: too few words to tell; English is the norm
        return True
    return sum(map(_ENGLISH_WORDS.__contains__, words)) >= _ENGLISH_SHARE * len(words)


def lowered_words(text: str) -> list[str]:
    """The words of ``text``, lower-cased (hyphens kept)."""
    return [word.lower() for word in _WORD.findall(text)]


def whole_word_starts(haystack: str, name: str) -> list[int]:
    """Where ``name`` occurs as a whole word: not inside a longer word or hyphenated compound.

    The matches of the regex ``(?<![\\w-])name(?![\\w-])``, found with ``str.find``: a
    regex that starts with a lookbehind is tried at every position of the text, which made
    counting each name's mentions one of the costliest steps of tagging.

    Raises:
        ValueError: ``name`` is empty.
    """
    if not name:
        raise ValueError("an empty name has no mentions")
    starts: list[int] = []
    size = len(name)
    at = haystack.find(name)
    while at != -1:
        end = at + size
        if (at == 0 or not _in_word(haystack[at - 1])) and (
            end == len(haystack) or not _in_word(haystack[end])
        ):
            starts.append(at)
            at = haystack.find(name, end)
        else:
            at = haystack.find(name, at + 1)
    return starts


def _in_word(character: str) -> bool:
    """What ``[\\w-]`` matches (re's ``\\w`` is exactly ``isalnum()`` or ``_``)."""
    return character.isalnum() or character in "_-"


def heading_lines(text: str) -> list[tuple[int, int]]:
    """Spans of Title Case subheadings ("The Problem With Point Solutions"), where case
    says nothing of names: three to fourteen words, every long word capitalised, no comma
    or full stop.
    """
    return lines_where(text, _is_heading)


def _is_heading(line: str) -> bool:
    words = _LONG_WORD.findall(line)
    return (
        3 <= len(line.split()) <= 14
        and len(words) >= 3
        and all(word[0].isupper() for word in words)
        and "," not in line  # "Jane Doe, Head of Research at Acme" is a credit
        and not line.rstrip().endswith((".", ";"))
    )
