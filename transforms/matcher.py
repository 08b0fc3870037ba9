"""Multi-pattern phrase matching (Aho-Corasick) with word boundaries and longest-match wins."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

_FIRST_LETTER = re.compile(r"[^\W\d_]")
_CURRENCY = frozenset("$€£¥")

V = TypeVar("V")

# "Microsoft-backed OpenAI" mentions Microsoft; "Meta-analysis" does not mention Meta.
COMPOUND_SUFFIXES = frozenset(
    {
        "affiliated",
        "backed",
        "based",
        "branded",
        "built",
        "class",
        "controlled",
        "created",
        "designed",
        "developed",
        "focused",
        "funded",
        "generated",
        "led",
        "level",
        "like",
        "made",
        "operated",
        "owned",
        "powered",
        "run",
        "specific",
        "sponsored",
        "style",
        "supported",
        "trained",
    }
)


@dataclass(frozen=True, slots=True)
class Hit(Generic[V]):
    """One phrase found in a text: where it is, what it matched and what it stands for."""

    start: int
    end: int
    text: str
    values: tuple[V, ...]


class PhraseMatcher(Generic[V]):
    """Find whole-word phrases in one pass, whatever the number of phrases.

    A phrase ending in ``*`` is a stem: it matches any word that starts with it
    (``regulat*`` finds regulator and regulation). With ``fold_case`` the text is
    lower-cased before matching and phrases must be given in lower case. With
    ``hyphen_joins`` a hyphen before a phrase makes it part of a longer word (names:
    "Jean-Claude" is not Claude), unless a lower-case prefix precedes a capitalised
    name ("ex-OpenAI"); without it "multi-billion" contains "billion".
    """

    def __init__(
        self,
        phrases: Iterable[tuple[str, V]],
        *,
        fold_case: bool = False,
        hyphen_joins: bool = False,
    ) -> None:
        grouped: dict[str, list[V]] = {}
        for phrase, value in phrases:
            grouped.setdefault(phrase, []).append(value)
        self._fold_case = fold_case
        self._hyphen_joins = hyphen_joins
        self._automaton = ahocorasick.Automaton()
        for phrase, values in grouped.items():
            key = phrase.rstrip("*")
            stem = phrase.endswith("*")
            self._automaton.add_word(key, (len(key), stem, tuple(values)))
        if grouped:
            self._automaton.make_automaton()
        self._empty = not grouped

    def iter_hits(self, text: str) -> Iterator[Hit[V]]:
        """Yield non-overlapping whole-word hits in text order, the longest at each place."""
        if self._empty:
            return
        haystack = text.lower() if self._fold_case else text
        if len(haystack) != len(text):  # rare Unicode case changes: keep offsets exact
            haystack = text
        candidates = []
        for end_index, (length, stem, values) in self._automaton.iter(haystack):
            start, end = end_index - length + 1, end_index + 1
            if _is_word_start(text, start, self._hyphen_joins) and (
                stem or _is_word_end(text, end)
            ):
                if stem:
                    end = _word_end(text, end)
                candidates.append((start, -(end - start), end, values))
        candidates.sort(key=lambda c: (c[0], c[1]))
        last_end = -1
        for start, _, end, values in candidates:
            if start >= last_end:
                last_end = end
                yield Hit(start, end, text[start:end], values)


def _is_word_start(text: str, start: int, hyphen_joins: bool) -> bool:
    if start == 0 or text[start] in _CURRENCY:  # "1.7B€", "600 M€": the sign after the amount
        return True
    before = text[start - 1]
    if hyphen_joins and before == "-":
        return _prefix_before_name(text, start)
    return not before.isalnum()


def _prefix_before_name(text: str, start: int) -> bool:
    """A name after a lower-case prefix starts there ("ex-OpenAI", "non-Meta", "pro-China");
    after a capitalised part it is the tail of a longer name ("Jean-Claude")."""
    prefix_start = start - 1
    while prefix_start > 0 and text[prefix_start - 1].isalpha():
        prefix_start -= 1
    prefix = text[prefix_start : start - 1]
    return bool(prefix) and prefix.islower() and text[start].isupper()


def _is_word_end(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    after = text[end]
    if after.isalnum():
        return False
    if after == "-" and end + 1 < len(text) and text[end + 1].islower():
        return text[end + 1 : _word_end(text, end + 1)] in COMPOUND_SUFFIXES
    return True


def _word_end(text: str, end: int) -> int:
    while end < len(text) and text[end].isalnum():
        end += 1
    return end


def in_navigation(text: str, start: int, end: int, floor: int = 0) -> bool:
    """True inside a run of capitalised words: menus, share bars and footers of a scrape.

    Prose around a name has lower-case words, list commas or possessives nearby
    ("Moonshot AI's Kimi K2"); "Corrections Facebook Twitter Search" and "Overview Index
    GPT-4 DALL-E 3 API" have none: three capitalised words next to the name, on either
    side or around it.
    Text before ``floor`` (a headline) is never navigation.
    """
    if start < floor:
        return False
    before = text[max(start - 40, floor) : start].split()[-2:]
    after = text[end : end + 40].split()[:2]
    # Both possible runs of three include the word just before and the word just after.
    if len(before) + len(after) < 3 or not before or not after:
        return False
    if not (_is_label_word(before[-1]) and _is_label_word(after[0])):
        return False
    return (len(before) == 2 and _is_label_word(before[0])) or (
        len(after) == 2 and _is_label_word(after[1])
    )


def _is_label_word(word: str) -> bool:
    if word[-1] in ",;.:" or word.endswith(("'s", "’s")):
        return False
    letter = _FIRST_LETTER.search(word)
    return letter is None or letter.group(0).isupper()


# Headers of related-links and topic-tag blocks that scrapes keep after the story.
BOILERPLATE_MARKERS = (
    "More on this story",
    "Most viewed",
    "Most popular",
    "Explore more on these topics",
    "Recommended for you",
    "Read more:",
)


def boilerplate_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Spans from a related-links header to the end of its line: not the story (rule E4)."""
    spans = []
    for marker in BOILERPLATE_MARKERS:
        start = text.find(marker)
        while start != -1:
            end = text.find("\n", start)
            spans.append((start, len(text) if end == -1 else end))
            start = text.find(marker, start + 1)
    return tuple(sorted(spans))


def in_spans(spans: tuple[tuple[int, int], ...], position: int) -> bool:
    """True when position falls inside one of the (sorted) spans."""
    return any(start <= position < end for start, end in spans)


def caps_lines(text: str) -> list[tuple[int, int]]:
    """Spans of ALL-CAPS lines (kickers, section labels), where case says nothing of names."""
    return lines_where(text, _is_caps)


def _is_caps(line: str) -> bool:
    return len(line) > 3 and line == line.upper() and line != line.lower()


def lines_where(text: str, keep: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that ``keep`` accepts, in order."""
    spans = []
    start = 0
    for line in text.split("\n"):
        if keep(line):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans
