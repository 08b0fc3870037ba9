"""Tagging: catalog entities and taxonomy topics for an article, with evidence."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from transforms.records import Article, EntityMention, TaggedArticle, TopicTag

CATALOG_DIR = Path(__file__).parent / "catalog"
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


def _catalog_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


# Editing the catalog or taxonomy changes the version, so `newsflow retag` knows what is stale.
TAGGER_VERSION = f"keywords-1+{_catalog_fingerprint()}"
MAX_EVIDENCE = 5


class CatalogError(ValueError):
    """The catalog or taxonomy file is invalid; the message names the entry."""


@dataclass(frozen=True, slots=True)
class CatalogEntity:
    """One catalog entry, validated."""

    entity_id: str
    name: str
    type: str
    wikidata_id: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Taxonomy:
    threshold: float
    title_weight: float
    ai_terms: re.Pattern[str]
    ai_threshold: int
    topics: tuple[tuple[str, tuple[tuple[re.Pattern[str], float], ...]], ...]


def load_catalog(path: Path = CATALOG_DIR / "entities.yaml") -> tuple[CatalogEntity, ...]:
    """Read and validate the entity catalog.

    Raises:
        CatalogError: an entry lacks a field, has an unknown type or repeats an id.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("entities") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: expected a list under 'entities:'")
    seen: set[str] = set()
    catalog = []
    for index, entry in enumerate(entries):
        catalog.append(_parse_entity(path, index, entry, seen))
    return tuple(catalog)


def tag_article(article: Article) -> TaggedArticle:
    """Find catalog entities and taxonomy topics in an article."""
    entities = _find_entities(article)
    return TaggedArticle(
        article=article,
        topics=_score_topics(article),
        entities=entities,
        tagger_version=TAGGER_VERSION,
    )


def _parse_entity(path: Path, index: int, entry: Any, seen: set[str]) -> CatalogEntity:
    where = f"{path}: entry {index + 1}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    for field in ("id", "name", "type"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise CatalogError(f"{where} ({entry.get('name', '?')}): missing '{field}'")
    where = f"{path}: entry {entry['id']!r}"
    if entry["id"] in seen:
        raise CatalogError(f"{where}: duplicate id")
    seen.add(entry["id"])
    if entry["type"] not in ENTITY_TYPES:
        raise CatalogError(f"{where}: unknown type {entry['type']!r}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise CatalogError(f"{where}: 'aliases' must be a list of names")
    wikidata = entry.get("wikidata")
    if wikidata is not None and not re.fullmatch(r"Q\d+", str(wikidata)):
        raise CatalogError(f"{where}: 'wikidata' must look like Q123")
    return CatalogEntity(entry["id"], entry["name"], entry["type"], wikidata, tuple(aliases))


@cache
def _entity_patterns() -> tuple[tuple[CatalogEntity, re.Pattern[str], re.Pattern[str] | None], ...]:
    patterns = []
    for entity in load_catalog():
        names = sorted({entity.name, *entity.aliases}, key=len, reverse=True)
        full = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
        surname = None
        if entity.type == "person" and " " in entity.name:
            surname = re.compile(r"(?<![\w-])" + re.escape(entity.name.split()[-1]) + r"(?![\w-])")
        patterns.append((entity, full, surname))
    return tuple(patterns)


def _find_entities(article: Article) -> tuple[EntityMention, ...]:
    haystack = f"{article.title or ''}\n{article.text}"
    body_start = len(article.title or "") + 1
    found = []
    for entity, full, surname in _entity_patterns():
        matches = list(full.finditer(haystack))
        if not matches:
            continue
        if surname is not None:
            # Surname-only mentions count once the full name has introduced the person.
            spans = {m.span() for m in matches}
            matches += [
                m
                for m in surname.finditer(haystack, matches[0].end())
                if not any(s[0] <= m.start() < s[1] for s in spans)
            ]
            matches.sort(key=lambda m: m.start())
        found.append(
            EntityMention(
                entity_id=entity.entity_id,
                name=entity.name,
                type=entity.type,
                wikidata_id=entity.wikidata_id,
                mentions=len(matches),
                evidence=tuple(_where(m, body_start) for m in matches[:MAX_EVIDENCE]),
            )
        )
    return tuple(found)


def _where(match: re.Match[str], body_start: int) -> str:
    """Evidence string: the matched text and its offset in the body, or ``@title``."""
    offset = match.start() - body_start
    return f"{match.group(0)}@{offset if offset >= 0 else 'title'}"


@cache
def _taxonomy() -> _Taxonomy:
    raw = yaml.safe_load((CATALOG_DIR / "topics.yaml").read_text(encoding="utf-8"))
    topics = []
    for topic, terms in raw["topics"].items():
        if topic not in TOPICS:
            raise CatalogError(f"topics.yaml: unknown topic {topic!r}")
        compiled = tuple((re.compile(t["term"], re.IGNORECASE), float(t["weight"])) for t in terms)
        topics.append((topic, compiled))
    return _Taxonomy(
        threshold=float(raw["threshold"]),
        title_weight=float(raw["title_weight"]),
        ai_terms=re.compile("|".join(raw["ai_terms"]), re.IGNORECASE),
        ai_threshold=int(raw["ai_threshold"]),
        topics=tuple(topics),
    )


def _score_topics(article: Article) -> tuple[TopicTag, ...]:
    taxonomy = _taxonomy()
    title, text = article.title or "", article.text
    if len(taxonomy.ai_terms.findall(f"{title}\n{text}")) < taxonomy.ai_threshold:
        return (TopicTag("not-ai", 1.0, ("few AI terms",)),)
    tags = []
    for topic, terms in taxonomy.topics:
        score, evidence = 0.0, []
        for pattern, weight in terms:
            body_hits = list(pattern.finditer(text))
            title_hits = list(pattern.finditer(title))
            score += weight * (len(body_hits) + taxonomy.title_weight * len(title_hits))
            evidence += [f"{m.group(0)}@{m.start()}" for m in body_hits]
        if score >= taxonomy.threshold:
            tags.append(TopicTag(topic, round(score, 2), tuple(evidence[:MAX_EVIDENCE])))
    return tuple(tags)
