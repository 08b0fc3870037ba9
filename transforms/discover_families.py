"""Catalog product families and their new versions ("Llama 3.1" after the catalog's LLaMA).

A version the catalog does not list yet is a new member of a family it knows: a version
after a family ("Llama 3.1"), a tier and a version after it ("Claude Opus 4.5"), or a point
release of a version the catalog lists ("GPT-5.1" after GPT-5). A tier the catalog lists as
an alias is a member too ("Gemini 2.5 Pro" of Gemini 2.5). A versioned product right
after a catalog company or lab keeps its maker's name ("Mistral Medium 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from transforms.catalog import CatalogEntity, read_catalog
from transforms.discover_text import PRODUCT, VERSIONED, Add
from transforms.discover_words import MODEL_TIERS

_VERSION = re.compile(
    r"(?:[ -]?)([A-Z]?\d+(?:\.\d+)*[A-Za-z]?)(?:[ -]([A-Z][a-z]+)\b"
    rf"(?:[ -](?:{'|'.join(sorted(MODEL_TIERS))})\b)*)?"  # "Pixel 10 Pro Fold"
)
# A model tier between the family and its version: "Claude Opus 4.5", "Gemini Ultra 1.0".
_TIER_VERSION = re.compile(r" [A-Z][a-z]+ \d+(?:\.\d+)*\b")
# A point release right after a versioned name: "GPT-5.1", "DeepSeek-V3.2 Exp", "Ascend 910D".
_POINT_RELEASE = re.compile(
    r"(?:\.\d+|(?<=\d)[A-Z])\b(?:[ -][A-Z][a-z]+\b)?"
    # ...or a model tier after it: "Gemini 2.5 Pro", "GPT-5 mini" ("GPT-4 Turbo" is listed).
    r"|[ -](?:Pro|Flash|Ultra|Nano|Mini|mini|Lite|Max|Plus|Turbo|Heavy|Thinking|Instant|Coder)\b"
)
# A catalog alias that names a tier of its entity ("Gemini 2.5 Pro" of Gemini 2.5): the tier
# is its own product, as "GPT-4 Turbo" is not GPT-4 (labeling rule E2).
_TIER_ALIAS = re.compile(r"[ -](?:Pro|pro|Flash|Ultra|Nano|Mini|mini|Lite|Turbo|Heavy|preview)$")
_MAKER = re.compile(r"(?:^|[^\w.-])((?:[\w.&-]+ )?[\w.&-]+) $")


@dataclass(frozen=True, slots=True)
class Families:
    """Catalog products by family stem ("llama" -> LLaMA), known names and their types."""

    by_stem: dict[str, CatalogEntity]
    known: frozenset[str]  # every catalog name and alias, lower-cased
    versioned: dict[str, CatalogEntity] = field(default_factory=dict)  # "gpt-5" -> GPT-5
    types: dict[str, str] = field(default_factory=dict)  # catalog name or alias -> type
    makers: frozenset[str] = frozenset()  # names and aliases of catalog companies and labs
    tiers: dict[str, CatalogEntity] = field(default_factory=dict)  # "gemini 2.5 pro" -> Gemini 2.5


@cache
def catalog_families() -> Families:
    """The shipped catalog's product families (cached)."""
    return build_families(read_catalog())


def build_families(catalog: tuple[CatalogEntity, ...]) -> Families:
    """Index product names by their stem without a version."""
    by_stem: dict[str, CatalogEntity] = {}
    versioned: dict[str, CatalogEntity] = {}
    known: set[str] = set()
    types: dict[str, str] = {}
    tiers: dict[str, CatalogEntity] = {}
    for entity in catalog:
        names = (entity.name, *entity.aliases)
        types.update((n, entity.type) for n in names)
        if entity.type == PRODUCT:
            tiers.update((n.lower(), entity) for n in entity.aliases if _TIER_ALIAS.search(n))
        known.update(n.lower() for n in names if n.lower() not in tiers)
        if entity.type != PRODUCT:
            continue
        if VERSIONED.search(entity.name):
            versioned.update((n.lower(), entity) for n in names if VERSIONED.search(n))
            for stem in (n for n in entity.aliases if not VERSIONED.search(n)):
                by_stem.setdefault(stem.lower(), entity)  # "Ascend" of "Ascend 910B"
        else:  # "Ernie" of Ernie Bot is a stem too ("Ernie 4.5")
            for stem in (entity.name, *entity.aliases):
                by_stem.setdefault(stem.lower(), entity)
    makers = frozenset(name for name, type_ in types.items() if type_ in {"company", "ai_lab"})
    return Families(by_stem, frozenset(known), versioned, types, makers, tiers)


def discover_versions(
    haystack: str,
    body_start: int,
    known: list[tuple[int, int]],
    families: Families,
    add: Add,
) -> None:
    """A catalog product followed by a version the catalog lacks: a new family member.

    In the title too (a brief's product is often named only there); a version the
    catalog lists as an alias ("Claude 2") is known, so ``add`` skips it.
    """
    for start, end in known:
        stem = haystack[start:end].lower()
        if (tiered := families.tiers.get(stem)) is not None:
            add(haystack[start:end], PRODUCT, "tier", start, family=tiered.entity_id)
            continue
        entity = families.by_stem.get(stem)
        if entity is not None:  # at ``end``, without a copy of the rest
            version = _TIER_VERSION.match(haystack, end) or _VERSION.match(haystack, end)
            if version is None or (end < len(haystack) and haystack[end] not in " -"):
                continue
        elif (entity := families.versioned.get(stem)) is not None:
            version = _POINT_RELEASE.match(haystack, end)
            if version is None:
                continue
        else:
            continue
        name = haystack[start : version.end()]
        add(name.rstrip(".,"), PRODUCT, "version", start, family=entity.entity_id)


def tiers_start(tokens: list[str]) -> int:
    """Where the tiers after a name's version start ("Pro Max" of "iPhone 15 Pro Max")."""
    start = len(tokens)
    while start > 2 and tokens[start - 1] in MODEL_TIERS:
        start -= 1
    return start


def maker_before(before: str, makers: frozenset[str]) -> str:
    """The catalog company or lab named right before a product ("Mistral" in "Mistral Large 3")."""
    match = _MAKER.search(before)
    if match is None:
        return ""
    words = match.group(1)
    for candidate in (words, words.split(" ")[-1]):
        if candidate in makers:
            return candidate
    return ""
