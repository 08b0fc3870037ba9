"""What is never a name of the story's actors: bylines, credits, quoted titles, compounds.

Rule E4 of the labels: "By Jane Doe archive page", "Posted by Jane Doe", "Jane Doe/Getty
Images" name the writer or the photographer; "Gloria Gaynor's “I Will Survive”" a song;
"Okafor-style" is a word made of a name.
"""

from __future__ import annotations

import re

from transforms.discover_text import POSSESSIVE, TOKEN, whole_word_starts
from transforms.discover_words import COMPOUND_TAILS

_BYLINE = re.compile(
    rf"(?:\bBy|\bby|Posted by|Written by|Reporting by|Editing by|Credit:|Photo:|Image:"
    rf"|Photograph:|Illustration:)"
    rf"[ \t]+(?:{TOKEN}[ \t]+){{0,8}}$"
)
# ...but "founded by Jane Doe" and "a post by Jane Doe" are prose.
_PROSE_BY = re.compile(
    rf"\b(?i:founded|co-founded|cofounded|led|run|headed|owned|backed|acquired|created|developed"
    rf"|built|signed|sued|filed|chaired|appointed|hired|replaced|joined|funded|launched|started"
    rf"|proposed|introduced|sponsored|made|post|paper|study|report|essay|letter|comments|remarks)"
    rf"(?:[ \t]+[\w,]+){{0,3}}[ \t]+by[ \t]+(?:{TOKEN}[ \t]+){{0,8}}$"  # "founded in 2017 by"
)
_CODE_MARKS = ("{", "}", "=>", "//", "();", "===")
_AFTER_BYLINE = re.compile(r"[ \t]*(?:archive page|/|\|| ,)")
_COMPOUND = re.compile(r"-[a-z]")
_OPEN_QUOTES = frozenset('"“‘')
_CLOSE_QUOTE = re.compile(r"[,.!?]?[\"”’]")


def is_quoted_title(haystack: str, start: int, end: int) -> bool:
    """Capitalised words that fill a quotation are a work's title (a song, book or film)."""
    opened = haystack[start - 1 : start] in _OPEN_QUOTES
    return opened and _CLOSE_QUOTE.match(haystack, end) is not None


def is_byline(haystack: str, start: int, end: int) -> bool:
    """A byline, a picture credit ("Jane Doe/AP") or script code kept by a scrape."""
    if haystack.startswith(("By ", "Posted by ", "Written by "), start):
        return True
    if "/" in haystack[start:end] or any(
        mark in haystack[max(start - 60, 0) : end + 60] for mark in _CODE_MARKS
    ):
        return True
    line_start = haystack.rfind("\n", 0, start) + 1
    before = haystack[max(start - 80, line_start) : start]
    if _BYLINE.search(before) and not _PROSE_BY.search(before):
        return True
    return bool(_AFTER_BYLINE.match(haystack, end))


def is_compound(haystack: str, word: str) -> bool:
    """ "Okafor-style", "Meta-backed": a name joined to a word; not "Kyung-hoon" (a given name).

    The joined word is one of the usual compound tails, or the text also writes it alone.
    """
    match = _COMPOUND.search(word)
    if match is None:
        return False
    tail = POSSESSIVE.sub("", word[match.start() + 1 :].rstrip(".,;:"))
    if tail in COMPOUND_TAILS or not tail.isalpha():
        return True
    return bool(whole_word_starts(haystack, tail))
