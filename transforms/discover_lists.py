"""Names typed by the company they keep: listed with known companies, paired with a person.

"Nvidia, Gigabyte, MSI and EVGA": a list that holds catalog or discovered companies types
its other members as companies; "Jane Doe and John Roe" makes the second a person too.
"""

from __future__ import annotations

import re

from transforms.discover_families import Families
from transforms.discover_text import (
    COMPANY,
    PERSON,
    POSSESSIVE,
    PRODUCT,
    TOKEN,
    UP,
    Add,
    Found,
)
from transforms.discover_words import (
    ACRONYM_STOP,
    COMMON_CAPITALISED,
    DEMONYMS,
    GIVEN_NAMES,
    PLACES,
    TITLE_WORDS,
)

_UPPER_WORD = rf"[{UP}][a-zà-ÿ'’-]+"
_LIST_ITEM = rf"(?:{TOKEN})(?:[ \t]+(?:{TOKEN})){{0,2}}"
_LIST = re.compile(
    rf"(?<![\w.-]){_LIST_ITEM}(?:,[ \t]+{_LIST_ITEM}){{1,}},?[ \t]+(?:and|or)[ \t]+{_LIST_ITEM}"
)


_LIST_ITEMS = re.compile(_LIST_ITEM)
_OWNER = re.compile(r"['’]s ")
_PAIR = re.compile(
    rf"({_UPPER_WORD}[ \t]+{_UPPER_WORD}),?[ \t]+and[ \t]+"
    rf"({_UPPER_WORD}[ \t]+(?:{_UPPER_WORD}[ \t]+)?{_UPPER_WORD})\b"
)


def discover_lists(
    haystack: str,
    body_start: int,
    families: Families,
    found: dict[str, Found],
    add: Add,
    known: list[tuple[int, int]],
) -> None:
    """Names listed with known companies are companies ("Nvidia, Gigabyte, MSI and EVGA").

    A list of three or more capitalised names that holds catalog or discovered companies
    or products, and nothing of another type, types its other members too; a person's
    name paired by "and" with another two-word name makes that one a person too. An item
    with an owner's possessive inside is two names, not a new one ("Google's Gemini"), and
    one the catalog matched whole (``known`` spans: a surname too) is no new name.
    """
    for match in _LIST.finditer(haystack, body_start):
        items = [
            (match.start() + m.start(), m.group(0))
            for m in _LIST_ITEMS.finditer(match.group(0))
            if m.group(0) not in ("and", "or")
        ]
        kinds = set()
        for _, item in items:
            bare = POSSESSIVE.sub("", item)
            kind = families.types.get(bare) or (
                found[bare.lower()].type if bare.lower() in found else None
            )
            if kind:
                kinds.add("company" if kind == "ai_lab" else kind)
        if not kinds or not kinds <= {COMPANY, PRODUCT}:
            continue
        kind = COMPANY if COMPANY in kinds else PRODUCT
        for start, item in items:
            bare = POSSESSIVE.sub("", item)
            words = bare.split()
            if (
                bare.lower() in found
                or any(s <= start and start + len(bare) <= e for s, e in known)
                or _OWNER.search(bare)
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
            if entry is not None and entry.type == PERSON and other.lower() not in found:
                if not any(
                    w in PLACES or w in DEMONYMS or w.lower() in TITLE_WORDS for w in other.split()
                ):  # not "Chief Operating" (Officer Lee Park)
                    add(other, PERSON, "listed", at)
