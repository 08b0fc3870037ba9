"""Laws and regulators: names that end in a statute's or an agency's head word.

"the Kids Online Safety Act", "SB 1047", "the Ministry of Science and ICT": the head word
types the name, and the capitalised words before it (with "of", "for", "and" between) are
the rest of it.
"""

from __future__ import annotations

import re
from bisect import insort

from transforms.discover_text import (
    LAW,
    POSSESSIVE,
    REGULATOR,
    UP,
    Add,
    overlaps,
    trim_leading,
)
from transforms.discover_words import (
    EXCLUDED_ORG_WORDS,
    LAW_HEADS,
    PLACES,
    REGULATOR_HEADS,
    TITLE_WORDS,
)

_CONNECT = r"(?:of|for|and|on|the|in|to|de|du|des|la|le)"
# A capitalised word; a full stop inside it only in an abbreviation ("U.S."), not a sentence's.
_CAP = rf"(?:[{UP}]|[a-z](?=[{UP}]))(?:[\w'’&-]|\.(?=\w)|(?<=\.[A-Z])\.)*"  # or "eSafety"
# "the court on Wednesday": a date after a body is not part of its name.
_WHEN = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
_OWNER_WORD = rf"[{UP}][\w.&-]*['’]s\b"  # "Japan's": another body's owner
_HEAD_WORD = rf"(?:{'|'.join(REGULATOR_HEADS)})\b"
_REGULATOR_NAME = re.compile(
    # Words before the head, greedily; a head word among them only right before another
    # name word ("Senate Commerce Committee"; "Trade Commission and Competition Authority"
    # and "Ministry of Finance and ... Agency" are two bodies).
    rf"(?:(?!{_HEAD_WORD}){_CAP}[ \t]+(?:{_CONNECT}[ \t]+)?|{_HEAD_WORD}[ \t]+(?={_CAP}))*"
    rf"{_HEAD_WORD}"
    rf"(?:[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?(?!{_WHEN}){_CAP}"
    rf"(?:(?<!['’]s)[ \t]+(?:(?:and|&)[ \t]+(?!{_OWNER_WORD}))?(?!{_HEAD_WORD}){_CAP})*){{0,2}}"
)  # "... Court for the Northern District of California"
_HEAD_FIRST = ("Measures", "Provisions")  # law heads that lead their names
_LAW_NAME = re.compile(
    rf"(?:{_CAP}[ \t]+(?:{_CONNECT}[ \t]+)?){{1,8}}(?:{'|'.join(LAW_HEADS)})\b"
    r"(?:[ \t]+(?:of[ \t]+)?(?:19|20)\d\d(?:[–-](?:19|20)\d\d)?|(?<=Bill)[ \t]\d{1,5}\b)?"
    # "Measures for Labeling AI-Generated Content": China's regulations name the head first.
    rf"|\b(?:Interim[ \t]+)?(?:{'|'.join(_HEAD_FIRST)})[ \t]+(?:for|on)[ \t]+(?:the[ \t]+)?{_CAP}"
    rf"(?:[ \t]+(?:(?:of|for|on|the|and)[ \t]+)?(?!{_WHEN}){_CAP})*"
    r"|\b(?:SB|AB|HB|SF|HF|LD|H\.R\.|S\.B\.|A\.B\.)[ \t]?\d{1,5}\b"
    r"|\bExecutive Order[ \t]\d{4,6}\b"
)
# "Law No. 31814", "Supreme Decree No. 115-2025-PCM", "Bill C-27", "Directive (EU) 2019/790":
# an act numbered as many countries number theirs.
_ISSUER = r"(?:Supreme|Royal|Presidential|Legislative|Federal|Emergency|Senate|House|Assembly)"
_NUMBERED_LAW = re.compile(
    rf"\b(?:{_ISSUER}[ \t])?"
    r"(?:Law|Decree|Bill|Resolution|Ordinance|Directive|Regulation)(?:[ \t]\((?:EU|EC)\))?"
    r"[ \t](?:No\.[ \t]?)?(?:[A-Z]-)?\d[\d,./-]*\d(?:-[A-Z]{2,5})?\b"
)
_HEADS = re.compile(
    rf"(?=[A-Z])\b(?:{'|'.join((*LAW_HEADS, *REGULATOR_HEADS, *_HEAD_FIRST))})\b"
    r"|(?=[A-Z])\b(?:SB|AB|HB|SF|HF|LD|H\.R\.|S\.B\.|A\.B\.)"
)
# "Japan's Digital Agency", "the Bundestag and Japan's ...": the name starts after a possessive.
_OWNER = re.compile(r".*['’]s[ \t]+")
# "the City Council", "a Task Force": a kind of body, not its name, without a place before it.
_KINDS = frozenset({"City", "County", "Town", "District", "Borough", "Parish", "Task"})
# "Cape Canaveral Space Force Station": a capitalised word after the head names a place.
_PLACE_AFTER = re.compile(
    r" (?:Station|Base|Building|Headquarters|Plaza|Square|Park|Center|Centre)\b"
)
# "EU Competition Commissioner Teresa Ribera": a title before a person's name, not a body.
_NAME_AFTER = re.compile(rf" [{UP}][a-z]")
# "the National AI Strategy Committee": a law's name inside a body's.
_BODY_AFTER = re.compile(rf"[ \t]+(?:{'|'.join(REGULATOR_HEADS)})\b")
# "the Senate Commerce, Science, and Technology Committee": a list of capitalised words
# before the name, ending in "and", is the start of it.
_LISTED_BEFORE = re.compile(rf"(?:{_CAP}[ \t]+)*{_CAP},(?:[ \t]+{_CAP},)*[ \t]+(?:and|&)[ \t]+$")
_HEAD_REACH = 120  # the longest name before its head word ("Department for Science, ...")


def discover_laws_and_regulators(
    haystack: str,
    body_start: int,
    known: list[tuple[int, int]],
    lower_words: set[str],
    add: Add,
    headings: list[tuple[int, int]],
) -> None:
    """Every law and regulator named in the body, outside the catalog's matches and the
    all-caps or Title Case headings (``headings``, sorted lines: "When Size Becomes Strategy").

    A numbered act is its own name ("the Regulation of Law No. 31814" names the law).
    """
    known = list(known)
    for match in _NUMBERED_LAW.finditer(haystack, body_start):
        if not overlaps(known, match.start(), match.end()):
            add(match.group(0), LAW, "number", match.start())
            insort(known, match.span())
    for pattern, type_ in ((_LAW_NAME, LAW), (_REGULATOR_NAME, REGULATOR)):
        for match in _headed(pattern, haystack, body_start):
            start, name = match.start(), match.group(0)
            owner = _OWNER.match(name)
            if owner and " " in name[owner.end() :]:  # not "Sheriff's Office"
                start, name = start + owner.end(), name[owner.end() :]
            start, name = trim_leading(haystack, start, name, lower_words)
            listed = _LISTED_BEFORE.search(haystack, max(start - _HEAD_REACH, 0), start)
            if (
                listed
                and not overlaps(known, listed.start(), start)  # not "Google, Meta and"
                and not any(w.strip(",") in PLACES for w in listed.group(0).split())
            ):
                start, name = listed.start(), listed.group(0) + name  # "Commerce, Science, and"
            if name.endswith(".") and name.split(" ")[-1].count(".") == 1:
                name = name[:-1]  # the sentence's full stop, not "U.S."
            name = POSSESSIVE.sub("", name)  # "the Agency for ... Development's budget"
            words = name.split()
            if not words or (
                (type_ == LAW and _BODY_AFTER.match(haystack, match.end()))
                or any(w.lower() in TITLE_WORDS and w not in REGULATOR_HEADS for w in words)
                or (words[-1].lower() in TITLE_WORDS and _NAME_AFTER.match(haystack, match.end()))
                or (len(words) == 2 and words[0] in _KINDS)
                or _PLACE_AFTER.match(haystack, match.end())
            ):
                continue
            end = start + len(name)
            if overlaps(headings, start, end):
                continue
            if name and " " in name.strip() and not overlaps(known, start, end):
                if not any(w in EXCLUDED_ORG_WORDS for w in name.split()):
                    add(name, type_, name.split()[-1], start)


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
