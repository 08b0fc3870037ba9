"""Candidate entities: frequent capitalised names in an article that the catalog does not know."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from transforms.matcher import in_navigation
from transforms.records import CandidateName

MAX_CANDIDATES = 20
MAX_WORDS = 4
# A sequence of capitalised words ("Anna Hehir", "Future of Life Institute" is cut at "of").
_NAME = re.compile(r"[A-Z][\w&'’.-]*\w(?:[ \t]+[A-Z][\w&'’.-]*\w)*")
_SENTENCE_END = frozenset('.!?\n"“”:')
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_POSSESSIVE = re.compile(r"['’]s$")
# "AI-made" and "US-led" are adjectives, not names.
_IS_NAME = re.compile(r"[^-]*(?:-[A-Z0-9][^-]*)*$").match
# Capitalised words that are not names: function words, job titles, days, months.
_STOPWORDS = frozenset(
    """a about after all also an and any are as at be because before but by can could did do
    does during each even for from had has have he her here his how however i if in into is it
    its just last many may me more most mr mrs ms dr my new no not now of on one or our over
    she since so some still such than that the their them then there these they this those
    though to under until us was we were what when where whether which while who why will
    with would yes yet you your monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    ai ceo cto cfo ap chief executive officer president vice director head senior founder
    cofounder co-founder professor minister secretary senator chair chairman scientist
    researcher engineer editor reporter analyst spokesperson later earlier meanwhile although
    today yesterday tomorrow instead next first according despite like unlike both either
    neither several other others another""".split()
)


def find_candidate_names(
    title: str, text: str, known_spans: tuple[tuple[int, int], ...] = ()
) -> tuple[CandidateName, ...]:
    """Capitalised names worth adding to the catalog, most frequent first.

    Multi-word names count from one mention; a single word needs two mentions and
    must not only start sentences (so that "Although" or "Meanwhile" are not names).
    Names inside ``known_spans`` (offsets into ``title + "\\n" + text`` of catalog
    matches) and in navigation runs are skipped.

    Args:
        title: the headline.
        text: the body.
        known_spans: where catalog entities were matched.
    """
    haystack = f"{title}\n{text}"
    lower_words = set(_LOWER_WORD.findall(haystack))
    spans = sorted(known_spans)
    starts = [s for s, _ in spans]
    counts: Counter[str] = Counter()
    mid_sentence: set[str] = set()
    for match in _NAME.finditer(haystack):
        start, end = match.span()
        index = bisect_right(starts, end - 1) - 1
        if index >= 0 and spans[index][1] > start:
            continue
        words = [_POSSESSIVE.sub("", w) for w in match.group(0).split()]
        if _starts_sentence(haystack, start) and words[0].lower() in lower_words:
            words = words[1:]  # "Later Anna Hehir": a common word capitalised by the sentence
        words = [w for w in words if w.lower().strip(".") not in _STOPWORDS and _IS_NAME(w)]
        if not words or len(words) > MAX_WORDS:
            continue
        if in_navigation(haystack, start, end, len(title) + 1):
            continue
        name = " ".join(words).rstrip(".")
        counts[name] += 1
        if not _starts_sentence(haystack, start):
            mid_sentence.add(name)
    kept = [
        CandidateName(name, mentions)
        for name, mentions in counts.most_common()
        if len(name) > 2 and (" " in name or (mentions >= 2 and name in mid_sentence))
    ]
    return tuple(kept[:MAX_CANDIDATES])


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(start - 8, 0) : start].rstrip(" \t")
    if not before:
        return start <= 8
    return before[-1] in _SENTENCE_END
