"""Tags in the warehouse: stored articles to re-tag, tag replacement and candidate names."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

from transforms.records import Article, EntityMention, TaggedArticle
from warehouse.bulk import execute_records, insert_sql, records_sql
from warehouse.db import rollback_quietly
from warehouse.rows import select_dicts

# An article's date is its publication time, or when newsflow first saw it.
_SELECT_IDS = """
SELECT article_id FROM articles
WHERE ($since IS NULL OR coalesce(published_at, first_seen_at) >= $since)
  AND ($until IS NULL OR coalesce(published_at, first_seen_at) < $until)
ORDER BY article_id
"""
_SELECT_ARTICLES = """
SELECT article_id, url, canonical_url, source, origin, title, title_derived, author,
       published_at, language, text, word_count, content_hash, fetched_at, extractor_version,
       tagger_version
FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY article_id
"""
_DELETE_TOPICS = "DELETE FROM article_topics WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_DELETE_ENTITIES = "DELETE FROM article_entities WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_DELETE_CANDIDATES = (
    "DELETE FROM article_candidates WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
)
# A discovered name the catalog now matches (under its name or an alias) links to that entry.
_LINK_TEMPLATE = """
UPDATE entities SET linked_entity_id = learned.catalog_id
FROM {rows} AS learned
WHERE entities.entity_id = learned.discovered_id AND entities.origin = 'discovered'
"""
_SET_VERSION = """
UPDATE articles SET tagger_version = ?, run_id = ? WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""


@dataclass(frozen=True, slots=True)
class _TopicRow:
    """A row of ``article_topics``."""

    article_id: str
    topic: str
    score: float
    evidence: tuple[str, ...]


_INSERT_TOPICS = insert_sql("article_topics", _TopicRow)


@dataclass(frozen=True, slots=True)
class _EntityRow:
    """A row of ``entities`` as tagging writes it (``linked_entity_id`` is set by links)."""

    entity_id: str
    name: str
    type: str
    wikidata_id: str | None
    origin: str
    family_id: str | None


_UPSERT_ENTITIES = insert_sql(
    "entities",
    _EntityRow,
    on_conflict="""
ON CONFLICT (entity_id) DO UPDATE SET
    name = excluded.name, type = excluded.type, wikidata_id = excluded.wikidata_id,
    origin = excluded.origin, family_id = excluded.family_id
""",
)


@dataclass(frozen=True, slots=True)
class _ArticleEntityRow:
    """A row of ``article_entities``."""

    article_id: str
    entity_id: str
    mentions: int
    evidence: tuple[str, ...]
    score: float
    origin: str
    cue: str | None


_INSERT_ARTICLE_ENTITIES = insert_sql("article_entities", _ArticleEntityRow)


@dataclass(frozen=True, slots=True)
class _CandidateRow:
    """A row of ``article_candidates``."""

    article_id: str
    name: str
    mentions: int


_INSERT_CANDIDATES = insert_sql("article_candidates", _CandidateRow)


@dataclass(frozen=True, slots=True)
class _Link:
    """A discovered entity's id and the catalog entry it turned out to be."""

    discovered_id: str
    catalog_id: str


_LINK_DISCOVERED = records_sql(_LINK_TEMPLATE, _Link)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article read back from the warehouse, with the tagger version of its tags."""

    article: Article
    tagger_version: str


def select_article_ids(
    con: duckdb.DuckDBPyConnection, *, since: date | None = None, until: date | None = None
) -> list[str]:
    """Ids of the stored articles dated in ``[since, until]`` (both days included).

    An article is dated by its publication time, or by when newsflow first saw it.
    """
    end = until + timedelta(days=1) if until is not None else None
    rows = con.execute(_SELECT_IDS, {"since": since, "until": end}).fetchall()
    return [row[0] for row in rows]


def select_stored_articles(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> list[StoredArticle]:
    """Read articles back as records, in id order."""
    stored = []
    for row in select_dicts(con, _SELECT_ARTICLES, [list(article_ids)]):
        tagger_version = row.pop("tagger_version")
        stored.append(StoredArticle(Article(**row), tagger_version=tagger_version))
    return stored


def replace_tags(
    con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle], *, run_id: str
) -> None:
    """Replace the topics, entities and candidates of stored articles, in one transaction.

    Idempotent: the previous tags are deleted, never added to, and the article row
    records the new tagger version and the run that wrote it.
    """
    if not tagged:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        load_tags(con, tagged)
        by_version: dict[str, list[str]] = {}
        for t in tagged:
            by_version.setdefault(t.tagger_version, []).append(t.article.article_id)
        for version, keys in by_version.items():
            con.execute(_SET_VERSION, [version, run_id, keys])
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise


def load_tags(con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle]) -> None:
    """Replace the topics, entities and candidate names of articles (caller's transaction).

    The articles' previous rows are deleted first, so tags are replaced, never added to.
    """
    latest = {t.article.article_id: t for t in tagged}  # last one wins within a batch
    for sql in (_DELETE_TOPICS, _DELETE_ENTITIES, _DELETE_CANDIDATES):
        con.execute(sql, [list(latest)])
    mentions = [(key, e) for key, t in latest.items() for e in t.entities]
    entities = {e.entity_id: e for _, e in mentions}
    execute_records(con, _INSERT_TOPICS, _topic_rows(latest))
    execute_records(con, _UPSERT_ENTITIES, [_entity_row(e) for e in entities.values()])
    execute_records(
        con, _INSERT_ARTICLE_ENTITIES, [_article_entity_row(key, e) for key, e in mentions]
    )
    execute_records(con, _LINK_DISCOVERED, _links_to_catalog(entities.values()))
    execute_records(con, _INSERT_CANDIDATES, _candidate_rows(latest))


def _topic_rows(latest: dict[str, TaggedArticle]) -> list[_TopicRow]:
    return [
        _TopicRow(article_id=key, topic=x.topic, score=x.score, evidence=x.evidence)
        for key, t in latest.items()
        for x in t.topics
    ]


def _entity_row(e: EntityMention) -> _EntityRow:
    return _EntityRow(
        entity_id=e.entity_id,
        name=e.name,
        type=e.type,
        wikidata_id=e.wikidata_id,
        origin=e.origin,
        family_id=e.family,
    )


def _article_entity_row(article_id: str, e: EntityMention) -> _ArticleEntityRow:
    return _ArticleEntityRow(
        article_id=article_id,
        entity_id=e.entity_id,
        mentions=e.mentions,
        evidence=e.evidence,
        score=e.score,
        origin=e.origin,
        cue=e.cue,
    )


def _links_to_catalog(entities: Iterable[EntityMention]) -> list[_Link]:
    """Links from discovered entities to the catalog entities of this batch that match them.

    A catalog entity knows the ids its names would have had as discoveries
    (``discovered_aliases``), so names stored before the catalog learned them link up.
    """
    learned = {
        alias: e.entity_id
        for e in entities
        if e.origin == "catalog"
        for alias in e.discovered_aliases
    }
    return [_Link(discovered_id=key, catalog_id=value) for key, value in learned.items()]


def _candidate_rows(latest: dict[str, TaggedArticle]) -> list[_CandidateRow]:
    return [
        _CandidateRow(article_id=key, name=c.name, mentions=c.mentions)
        for key, t in latest.items()
        for c in t.candidates
    ]
