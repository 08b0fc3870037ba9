"""Catalog and taxonomy files: loaded from YAML and validated, with errors that name the entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).parent / "catalog"
# libyaml's safe loader reads the catalog ~8x faster than the pure-Python one, with the same result;
# every worker process that tags reads it once.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ENTITY_TYPES = frozenset(
    {"person", "company", "ai_lab", "product", "regulator", "law", "organization"}
)
TOPICS = (
    "open-source",
    "regulation",
    "safety",
    "funding",
    "chips-hardware",
    "research",
    "product-launch",
    "legal-copyright",
    "labor-jobs",
    "geopolitics",
    "not-ai",
)
_ENTITY_FIELDS = frozenset(
    {
        "id",
        "name",
        "type",
        "wikidata",
        "aliases",
        "surname",
        "context",
        "veto_prev",
        "veto_next",
        "hints",
    }
)
_TOPIC_FIELDS = frozenset(
    {"threshold", "terms", "requires", "requires_within", "without_ai", "beside", "entity_types"}
)
_BESIDE_FIELDS = frozenset({"entity_type", "within", "weight"})


class CatalogError(ValueError):
    """The catalog or taxonomy file is invalid; the message names the entry."""


@dataclass(frozen=True, slots=True)
class CatalogEntity:
    """One catalog entry, validated.

    ``context``: an ambiguous name counts only when one of these strings is in the
    article. ``veto_prev``/``veto_next``: a match right after/before one of these
    words is another sense ("Big Apple", "Apple pie"). ``hints``: topic weights the
    entity lends (the EU AI Act implies regulation; ``ai`` counts towards the AI
    gate). ``surname``: the surname-only form of a person ("" for none).
    """

    entity_id: str
    name: str
    type: str
    wikidata_id: str | None
    aliases: tuple[str, ...]
    surname: str
    context: tuple[str, ...]
    veto_prev: tuple[str, ...]
    veto_next: tuple[str, ...]
    hints: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Beside:
    """A topic term near an entity of a type in the title or lead: the story's own event.

    "Mistral released Mistral Small 3" is a launch; an article that only mentions
    launches and products apart is not. Counted once per article.
    """

    entity_type: str
    within: int  # characters between the term and the entity's name
    weight: float


@dataclass(frozen=True, slots=True)
class TopicRule:
    """How one topic is scored: weighted terms, a threshold and optional gates.

    ``requires``: the topic applies only if one of these terms also matched (a
    funding round needs an amount or an investor), within ``requires_within``
    characters of one of the topic's terms when that is set (0: anywhere; an amount
    in another story of the article is no funding event); ``without_ai``: the topic
    may apply to an article that is not about AI (semiconductor stories, rule T2);
    ``beside``: weight for a term of the topic next to an entity of a type;
    ``entity_types``: the hint of an entity of a type without hints of its own (a law
    discovery found is regulation evidence as a catalog law is).
    """

    topic: str
    threshold: float
    terms: tuple[tuple[str, float], ...]
    requires: tuple[str, ...]
    without_ai: bool
    requires_within: int = 0
    beside: Beside | None = None
    entity_types: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The validated topic taxonomy: position weights, the AI gate and topic rules."""

    title_weight: float
    lead_weight: float
    lead_chars: int
    repeat_cap: int
    reference_words: int
    ai_terms: tuple[tuple[str, float], ...]
    ai_threshold: float
    ai_entity_types: tuple[tuple[str, float], ...]
    rules: tuple[TopicRule, ...]


def read_catalog(path: Path = CATALOG_DIR / "entities.yaml") -> tuple[CatalogEntity, ...]:
    """Read and validate the entity catalog.

    Raises:
        CatalogError: an entry lacks a field, has an unknown field or type, repeats an id.
    """
    raw = _read_yaml(path)
    entries = raw.get("entities") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: expected a list under 'entities:'")
    seen: set[str] = set()
    return tuple(_parse_entity(path, index, entry, seen) for index, entry in enumerate(entries))


def read_taxonomy(path: Path = CATALOG_DIR / "topics.yaml") -> Taxonomy:
    """Read and validate the topic taxonomy.

    Raises:
        CatalogError: a topic is unknown or a rule is malformed; the message names it.
    """
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), dict):
        raise CatalogError(f"{path}: expected a mapping under 'topics:'")
    try:
        positions = raw["positions"]
        ai = raw["ai"]
        taxonomy = Taxonomy(
            title_weight=float(positions["title"]),
            lead_weight=float(positions["lead"]),
            lead_chars=int(positions["lead_chars"]),
            repeat_cap=int(raw["repeat_cap"]),
            reference_words=int(raw["reference_words"]),
            ai_terms=_parse_terms(f"{path}: ai", ai["terms"]),
            ai_threshold=float(ai["threshold"]),
            ai_entity_types=_parse_entity_types(f"{path}: ai", ai.get("entity_types") or {}),
            rules=tuple(_parse_rule(path, topic, rule) for topic, rule in raw["topics"].items()),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, CatalogError):
            raise
        raise CatalogError(f"{path}: missing or malformed setting: {error}") from error
    return taxonomy


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        raise CatalogError(f"{path}: not valid YAML: {error}") from error


def _parse_entity(path: Path, index: int, entry: Any, seen: set[str]) -> CatalogEntity:
    where = f"{path}: entry {index + 1}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    for field in ("id", "name", "type"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise CatalogError(f"{where} ({entry.get('name', '?')}): missing '{field}'")
    where = f"{path}: entry {entry['id']!r}"
    unknown = set(entry) - _ENTITY_FIELDS
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {sorted(unknown)}")
    if entry["id"] in seen:
        raise CatalogError(f"{where}: duplicate id")
    seen.add(entry["id"])
    if entry["type"] not in ENTITY_TYPES:
        raise CatalogError(f"{where}: unknown type {entry['type']!r}")
    wikidata = entry.get("wikidata")
    if wikidata is not None and not re.fullmatch(r"Q\d+", str(wikidata)):
        raise CatalogError(f"{where}: 'wikidata' must look like Q123")
    surname = entry.get("surname", _default_surname(entry["name"], entry["type"]))
    if not isinstance(surname, str):
        raise CatalogError(f"{where}: 'surname' must be a string")
    hints = entry.get("hints") or {}
    if not isinstance(hints, dict) or not all(
        topic in (*TOPICS, "ai") and isinstance(weight, int | float)
        for topic, weight in hints.items()
    ):
        raise CatalogError(f"{where}: 'hints' must map topics (or ai) to numbers")
    return CatalogEntity(
        entity_id=entry["id"],
        name=entry["name"],
        type=entry["type"],
        wikidata_id=wikidata,
        aliases=_strings(where, entry, "aliases"),
        surname=surname,
        context=_strings(where, entry, "context"),
        veto_prev=_strings(where, entry, "veto_prev"),
        veto_next=_strings(where, entry, "veto_next"),
        hints=tuple((topic, float(weight)) for topic, weight in hints.items()),
    )


def _default_surname(name: str, type_: str) -> str:
    """People are named by surname after the first full mention (rule E6)."""
    return name.split()[-1] if type_ == "person" and " " in name else ""


def _strings(where: str, entry: dict[str, Any], field: str) -> tuple[str, ...]:
    values = entry.get(field) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise CatalogError(f"{where}: '{field}' must be a list of non-empty strings")
    return tuple(values)


def _parse_rule(path: Path, topic: Any, rule: Any) -> TopicRule:
    where = f"{path}: topic {topic!r}"
    if topic not in TOPICS or topic == "not-ai":
        raise CatalogError(f"{where}: unknown topic (not-ai is decided by the 'ai' gate)")
    if not isinstance(rule, dict) or set(rule) - _TOPIC_FIELDS:
        raise CatalogError(f"{where}: expected a mapping of {sorted(_TOPIC_FIELDS)}")
    requires = rule.get("requires") or []
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise CatalogError(f"{where}: 'requires' must be a list of terms")
    return TopicRule(
        topic=topic,
        threshold=float(rule["threshold"]),
        terms=_parse_terms(where, rule["terms"]),
        requires=tuple(requires),
        without_ai=bool(rule.get("without_ai", False)),
        requires_within=int(rule.get("requires_within", 0)),
        beside=_parse_beside(where, rule["beside"]) if "beside" in rule else None,
        entity_types=_parse_entity_types(where, rule.get("entity_types") or {}),
    )


def _parse_beside(where: str, beside: Any) -> Beside:
    if (
        not isinstance(beside, dict)
        or set(beside) != _BESIDE_FIELDS
        or beside["entity_type"] not in ENTITY_TYPES
        or not isinstance(beside["within"], int)
        or not isinstance(beside["weight"], int | float)
    ):
        raise CatalogError(
            f"{where}: 'beside' must give an entity_type, within (characters) and weight"
        )
    return Beside(beside["entity_type"], beside["within"], float(beside["weight"]))


def _parse_entity_types(where: str, weights: Any) -> tuple[tuple[str, float], ...]:
    """Entity types whose every mention counts towards the AI gate (AI labs) or a topic."""
    if not isinstance(weights, dict) or not all(
        t in ENTITY_TYPES and isinstance(w, int | float) for t, w in weights.items()
    ):
        raise CatalogError(f"{where}: 'entity_types' must map entity types to weights")
    return tuple((t, float(w)) for t, w in weights.items())


def _parse_terms(where: str, terms: Any) -> tuple[tuple[str, float], ...]:
    """Terms map a phrase to its weight; a trailing ``*`` matches any word ending."""
    if not isinstance(terms, dict) or not terms:
        raise CatalogError(f"{where}: 'terms' must map phrases to weights")
    parsed = []
    for term, weight in terms.items():
        if not isinstance(term, str) or not term.strip("* ") or not isinstance(weight, int | float):
            raise CatalogError(f"{where}: bad term {term!r}: {weight!r}")
        parsed.append((term, float(weight)))
    return tuple(parsed)
