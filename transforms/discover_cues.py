"""The words around a name that say what it is: a person, a company or a product.

A role or a speech verb next to a name shows a person ("Cloudera CEO Mike Olson", "says
Di Li"); a business word an organisation ("the startup Odiago", "X, a company"); the word
right before or after every mention a company or a product ("the X app", "X said").
"""

from __future__ import annotations

import re

from transforms.discover_text import (
    AI_LAB,
    COMPANY,
    DESCRIBING_COMPOUND,
    PRODUCT,
    VERSIONED,
    Found,
    lowered_words,
    whole_word_starts,
)
from transforms.discover_words import (
    ACRONYM_STOP,
    BUSINESS_NOUNS,
    CAMEL_WORDS,
    COMPANY_NEXT,
    COMPANY_PREVIOUS,
    GIVEN_NAMES,
    MODEL_TIERS,
    ORG_TITLES,
    PERSON_PARTICLES,
    PRODUCT_NEXT,
    PRODUCT_NOUNS,
    PRODUCT_PREVIOUS,
    ROLE_WORDS,
    SPEECH_VERBS,
)

# Patterns tried for every name, compiled once (a string pattern is looked up in re's cache
# on every call).
_DEAL_VERB = re.compile(
    r"[ \t]+(?:acquired|acquires|raised|raises|announced|announces|launched|launches|agreed"
    r"|invested|invests|unveiled|unveils|partnered|signed|(?:said|says)[ \t]+it)\b"
)
_OWNER_BEFORE = re.compile(r"(?:^|[^\w.&-])([\w.&-]+)['’]s $")
_SURNAME_PREFIX = re.compile(r"(?:Mc|Mac|O'|O’|De|Di|Le|La|Van|Von)[A-Z]")
# An apposition that describes its head: "Jane Doe, a former member of ...", "Jane Doe,
# Japan's digital minister", "Jane Doe, the company's chief executive".
_DESCRIBING = re.compile(
    r",[ \t]+(?:(?P<lead>a|an|the|former|[A-Z][\w.-]*['’]s)|[a-z][\w-]*)\b[^,.;:()\n]*"
)
_NAME_NEXT = re.compile(r",[ \t]+[A-Z]")
# A dash opens an apposition as a comma does: "Marius Hobbhahn—the CEO of Apollo Research".
_DASH = re.compile(r"^[ \t]*[—–][ \t]*")
# A company named like a lab, and a sentence about models (rule E3: building models).
_LAB_NAME = re.compile(r"(?: AI| Labs|\.ai|\.AI)$")
_MODEL_TALK = re.compile(r"\b(?:models?|LLMs?|foundation|language model|research lab)\b")
# ...or any company said to build or release one: "Zhipu released its GLM-4.5 model".
_MODEL_BUILDING = re.compile(
    r"\b(?:trained|trains|built|builds|developed|develops|released|releases|launched|launches"
    r"|unveiled|unveils|open-sourced)\b[^.\n]{0,60}\b(?:models?|LLMs?)\b"
)
# A name introduced as what it is, a model, a chip or an app: "its BGE model", "its AI assistant
# Qira", "a next-generation accelerator, RNGD", "an LLM called NYUTron".
_THING = (
    r"(?:model|LLM|chatbot|assistant|accelerator|chip|GPU|processor|superchip|supercomputer"
    r"|app|browser|dataset|service)s?"
)
_THING_APPOSITION = re.compile(
    rf"(?:,|[ \t]+(?:is|was))[ \t]+(?:its|their|an?|the)[ \t]+(?:[\w-]+[ \t]+){{0,3}}"
    rf"(?:{_THING}|agent|copilot)\b"
)
_THING_AFTER = re.compile(rf"[ \t]+{_THING}\b")
_DETERMINER_BEFORE = re.compile(r"(?:\b(?:its|their|the|a|an|new|flagship)|['’]s)[ \t]+$")
_THING_BEFORE = re.compile(
    rf"\b(?:its|their|the|a|an|new)[ \t]+(?:[\w-]+[ \t]+){{0,2}}{_THING},?[ \t]+$"
)
_CALLED_BEFORE = re.compile(
    rf"\b(?:{_THING}|system|tool|agent|platform|generator)(?:[ \t]*\([^()]{{1,12}}\))?,?"
    r"[ \t]+(?:called|dubbed|named)[ \t]+$"
)
_PLACE_PREPOSITIONS = frozenset(("in", "near", "across", "throughout", "outside"))
_MONEY_IN = ("invest", "stake", "share", "interest", "position", "round")
_SPEAKS = ("said", "says", "told", "added", "wrote", "explained", "noted")
_HONORIFICS = ("Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.")
# Words that make an apposition describe an organisation or a thing, not a person.
_NOT_A_PERSON = frozenset({"which", "that", "whose", "where"})
_BRAND = re.compile(r"[A-Z][a-z]+[A-Z][A-Za-z]*|[a-z]{1,2}[A-Z][a-z][A-Za-z]*")
# Words between a role and an organisation ("researcher at X", "head of X").
_LINKING = frozenset({"at", "of", "for", "with", "from", "by", "to", "in", "on", "and", "the"})
# Speech verbs that introduce a speaker when they come first ("says Jane Doe"); "told X" and
# "asked X" name the listener.
SPEECH_BEFORE = frozenset({"said", "says", "added", "adds", "wrote", "writes", "according"})

# A person introduced by role or speech ("said Mayor Jane Doe") is an actor of the story even
# when named once, late: such cues keep a single late mention (the catalog's rule drops it).
ROLE_CUES = (ROLE_WORDS | SPEECH_VERBS) - {"who"}


def has_role_cue(haystack: str, start: int, end: int) -> bool:
    """True when a role or speech word stands right next to a name ("said CEO Jane Doe")."""
    before = haystack[max(start - 60, 0) : start]
    cue = person_cue(["?"], before, haystack[end : end + 60])
    return cue in ROLE_CUES


def is_person(tokens: list[str], before: str, after: str, lower_words: set[str]) -> bool:
    """True when a name of two to four words reads as a person's in its context.

    An initial or two may lead the name when a role or speech word introduces it
    ("professor B Ravindran", "K Shanmugam said", "JB Perrette said").
    """
    lead = tokens[0]
    initial = len(lead) == 1 or (len(lead) == 2 and lead.isupper() and lead not in ACRONYM_STOP)
    if any(
        VERSIONED.search(t) or (t.isupper() and not (initial and t is tokens[0])) for t in tokens
    ):
        return False
    if initial:
        return person_cue(tokens, before, after) in ROLE_CUES
    if any(t.lower() in lower_words and t.lower() not in PERSON_PARTICLES for t in tokens[1:]):
        return False
    if tokens[0].lower() in lower_words and tokens[0] not in GIVEN_NAMES:
        return False  # "Computer Science": words the text also writes in lower case
    return tokens[0] in GIVEN_NAMES or bool(person_cue(tokens, before, after))


def person_cue(tokens: list[str], before: str, after: str) -> str:
    """The role or speech word that shows a person ("" when none)."""
    after = _DASH.sub(", ", after, count=1)
    previous = lowered_words(before.split("\n")[-1])[-4:]
    if previous and previous[-1] in SPEECH_BEFORE:
        return previous[-1]
    if previous and previous[-1] not in _LINKING:  # "a researcher at X": X is not a person
        for word in reversed(previous[-2:]):  # "CEO Jane Doe", "associate professor Jane Doe"
            if word in ROLE_WORDS:
                return word
    following = lowered_words(after.split("\n")[0])[:4]
    if following and following[0] in SPEECH_VERBS:
        return following[0]
    if after.startswith(",") and len(following) >= 2:
        if following[0] in ROLE_WORDS or following[0] == "who":
            return following[0]
        if role := _apposition_role(after):
            return role
    return "given-name" if tokens[0] in GIVEN_NAMES else ""


def _apposition_role(after: str) -> str:
    """The role word in an apposition right after a name, within its first six words.

    A business noun or a relative pronoun before any role means the name is an
    organisation's ("Kestrel, a startup whose chief executive ..."), unless the noun owns
    the role ("Jane Doe, the company's co-founder"); a name right after
    the apposition is the one it describes ("a view of the Eiffel Tower, Meta's chief AI
    scientist, Yann LeCun").
    """
    describing = _DESCRIBING.match(after)
    if describing is None or _NAME_NEXT.match(after, describing.end()):
        return ""
    # After an article or an owner the role may come late ("a former member of"); after a
    # bare qualifier it comes at once ("associate director of").
    reach = 7 if describing.group("lead") else 3
    words = lowered_words(describing.group(0))[:reach]
    for word, following in zip(words, [*words[1:], ""], strict=True):
        owner = following == "s"  # "the company's co-founder": the company owns the role
        if (word in BUSINESS_NOUNS and not owner) or word in _NOT_A_PERSON:
            return ""
        if word in ROLE_WORDS and word != "who":
            return word
    return ""


def org_cue(before: str, after: str) -> str:
    """A business word right before or after a name ("startup X", "X CEO", "X, a company")."""
    after = _DASH.sub(", ", after, count=1)
    previous = lowered_words(before.split("\n")[-1])[-2:]
    if previous and previous[-1] in BUSINESS_NOUNS:
        return previous[-1]
    if previous and previous[-1].endswith("-based"):  # "Isanti-based Wolf River Electric"
        return "based"
    if len(previous) == 2 and (
        (previous[0] in ROLE_WORDS and previous[1] == "at")
        or (previous[0] in ORG_TITLES and previous[1] == "of")
    ):
        return previous[0]
    following = lowered_words(after.split("\n")[0])[:6]
    if following and following[0] in ORG_TITLES:  # "Cloudera CEO", not "Distinguished Professor"
        return following[0]
    if after.startswith(",") and len(following) >= 2 and following[0] in ("a", "an", "the"):
        for word in following[1:]:  # "X, a New Delhi-based media company"
            if word in BUSINESS_NOUNS:
                return word
    if _DEAL_VERB.match(after):
        return "verb"
    recent = lowered_words(before.split("\n")[-1])[-5:]
    if recent and recent[-1] in ("called", "named", "dubbed") and BUSINESS_NOUNS & set(recent):
        return recent[-1]
    return ""


def speaks_by_surname(
    tokens: list[str], haystack: str, starts_sentence: bool, lower_words: set[str]
) -> bool:
    """A name whose last word speaks elsewhere, or follows an honorific, is a person's:
    "Armen Kirakosian remembers ..." and later "Kirakosian said" (rule E6's surname)."""
    surname = tokens[-1]
    if (
        len(surname) < 3
        or (starts_sentence and tokens[0] not in GIVEN_NAMES)
        or not all(t.istitle() and t.isalpha() and t.lower() not in lower_words for t in tokens)
    ):
        return False
    return any(f"{surname} {verb}" in haystack for verb in _SPEAKS) or any(
        f"{honorific} {surname}" in haystack for honorific in _HONORIFICS
    )


def product_cue(tokens: list[str], before: str, after: str, lower_words: set[str]) -> str:
    """A product noun that introduces a name: "its BGE model", "an LLM called NYUTron".

    Not for a word the text also writes in lower case, a describing compound
    ("LLM-optimised", "M1-series") or a lone tier ("the Plus model").
    """
    if (len(tokens) == 1 and tokens[0] in MODEL_TIERS) or any(
        t.lower() in lower_words or DESCRIBING_COMPOUND.fullmatch(t) for t in tokens
    ):
        return ""
    if tokens[0] == "Project" and 2 <= len(tokens) <= 3:  # "Project Kuiper": a named programme
        return "project"
    if _THING_AFTER.match(after) and _DETERMINER_BEFORE.search(before):
        return "thing"
    if _CALLED_BEFORE.search(before):
        return "called"
    if _THING_BEFORE.search(before):
        return "thing"
    return ""


def owner_before(before: str) -> str:
    """The owner right before a name ("Samsung" in "Samsung's Galaxy AI"), or ""."""
    match = _OWNER_BEFORE.search(before)
    return match.group(1) if match else ""


def owned_by_maker(
    tokens: list[str], before: str, lower_words: set[str], makers: frozenset[str]
) -> bool:
    """A name a catalog maker owns by possessive is its product ("Baidu's Plato").

    Names shaped like people's were typed before; an acronym may be initials or a role
    ("Samsung's TM Roh", "Meta's EVP").
    """
    return (
        owner_before(before) in makers
        and not tokens[0].isupper()
        and all(t.lower() not in lower_words for t in tokens)
    )


def is_brand(token: str) -> bool:
    """CamelCase or a lower-case lead ("WibiData", "eBay"); not a Scottish or Irish surname."""
    if _SURNAME_PREFIX.match(token) or token in CAMEL_WORDS:
        return False
    return bool(_BRAND.fullmatch(token))


def company_or_product(haystack: str, name: str) -> str:
    """Company or product, by the words right next to every mention (company when even).

    "the X app", "X 2" or "using X" read as a product; "X's", "from X", "X said" or "X
    announced" as a company: the neighbouring word says more than the topic of the story.
    """
    company = product = 0
    for start in whole_word_starts(haystack, name):
        end = start + len(name)
        after = haystack[end : end + 30]
        following = lowered_words(after)[:1]
        previous = lowered_words(haystack[max(start - 30, 0) : start])[-1:]
        company += after.startswith(("'s", "’s"))
        company += bool(following) and following[0] in COMPANY_NEXT
        company += bool(previous) and previous[0] in COMPANY_PREVIOUS
        product += bool(following) and (following[0] in PRODUCT_NEXT or following[0].isdigit())
        product += bool(previous) and (
            previous[0] in PRODUCT_PREVIOUS or previous[0] in PRODUCT_NOUNS
        )  # "using X", "the app X", "its AI model, X"
        # "X, its autonomous coding agent", "X is an AI model"
        product += bool(_THING_APPOSITION.match(haystack, end, end + 80))
    return PRODUCT if product > company else COMPANY


def named_as_place(haystack: str, name: str) -> bool:
    """A recurring name mostly written after "in", "near" or "across" is a place ("in Narvik",
    "across Hokkaido"), unless money goes in ("invested in X", "a stake in X").
    """
    starts = whole_word_starts(haystack, name)
    places = 0
    for start in starts:
        previous = lowered_words(haystack[max(start - 40, 0) : start])[-2:]
        places += (
            len(previous) == 2
            and previous[1] in _PLACE_PREPOSITIONS
            and not previous[0].startswith(_MONEY_IN)
        )
    return 2 * places >= len(starts)


def type_model_builders(haystack: str, found: dict[str, Found]) -> None:
    """A company named like a lab ("Sarvam AI", "Soket Labs") in a sentence about models is a lab.

    Rule E3 of the labels: an organisation whose main business is building AI models.
    """
    for entry in found.values():
        if entry.type != COMPANY:
            continue
        talk = _MODEL_TALK if _LAB_NAME.search(entry.name) else _MODEL_BUILDING
        if any(talk.search(haystack, *_sentence(haystack, s, e)) for s, e, _ in entry.hits):
            entry.type = AI_LAB


def _sentence(haystack: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end), at most 150 characters either side."""
    opened = max(haystack.rfind(". ", 0, start) + 2, start - 150, 0)
    closed = haystack.find(". ", end)
    return opened, min(closed if closed >= 0 else len(haystack), end + 150)
