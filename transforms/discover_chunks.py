"""A run of capitalised words, split where one name ends and another may begin.

"Cloudera CEO Mike Olson" is two names around a title; a catalog match, a name found
already, a hyphenated compound ("AI-powered") or an everyday capitalised word ends a name too.
"""

from __future__ import annotations

import re

from transforms.discover_skips import is_compound
from transforms.discover_text import POSSESSIVE, overlaps
from transforms.discover_words import ACRONYM_STOP, COMMON_CAPITALISED, ORG_SUFFIXES, TITLE_WORDS

_NON_SPACE = re.compile(r"\S+")


def split_run(
    haystack: str,
    start: int,
    run: str,
    known: list[tuple[int, int]],
    taken: list[tuple[int, int]],
) -> list[tuple[int, list[tuple[int, str]]]]:
    """Split a run of capitalised words at catalog matches, taken spans and role words."""
    words = [(start + m.start(), m.group(0)) for m in _NON_SPACE.finditer(run)]
    chunks: list[tuple[int, list[tuple[int, str]]]] = []
    current: list[tuple[int, str]] = []
    after_title = False
    for position, word in words:
        bare = POSSESSIVE.sub("", word.rstrip(".,")) if not word.isupper() else word
        blocked = overlaps(known, position, position + len(word)) or overlaps(
            taken, position, position + len(word)
        )
        compound = is_compound(haystack, word)
        common = (bare.lower() in COMMON_CAPITALISED or bare.upper() in ACRONYM_STOP) and not (
            current and bare in ORG_SUFFIXES
        )
        # "Attorney General Jane Doe": "General" after a title is part of the title.
        title = bare.lower() in TITLE_WORDS or (after_title and bare == "General")
        after_title = title
        # "Home Affairs K Shanmugam": an initial after two words starts a person's name.
        initial = len(bare) == 1 and bare.isupper() and sum(len(w) > 2 for _, w in current) >= 2
        if initial and current:
            chunks.append((current[0][0], current))
            current = []
        if blocked or compound or common or title:
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
