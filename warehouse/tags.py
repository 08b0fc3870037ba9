"""Tags in the warehouse: stored articles to re-tag, tag replacement and candidate names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from transforms.discover import discovered_id
from transforms.records import Article, TaggedArticle
from warehouse.bulk import insert_rows
from warehouse.db import rollback_quietly

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
# Many rows go in as one statement over column arrays (see warehouse.bulk).
_INSERT_TOPIC = """
INSERT INTO article_topics (article_id, topic, score, evidence)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]),
    unnest(?::VARCHAR[][]))
"""
_INSERT_ARTICLE_ENTITY = """
INSERT INTO article_entities (article_id, entity_id, mentions, evidence, score, origin, cue)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]),
    unnest(?::VARCHAR[][]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))
"""
_UPSERT_ENTITY = """
INSERT INTO entities (entity_id, name, type, wikidata_id, origin, family_id)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))
ON CONFLICT (entity_id) DO UPDATE SET
    name = excluded.name, type = excluded.type, wikidata_id = excluded.wikidata_id,
    origin = excluded.origin, family_id = excluded.family_id
"""
# A discovered name the catalog now matches (under its name or an alias) links to that entry.
_LINK_DISCOVERED = """
UPDATE entities SET linked_entity_id = learned.catalog_id
FROM (SELECT unnest(?::VARCHAR[]) AS discovered_id, unnest(?::VARCHAR[]) AS catalog_id) learned
WHERE entities.entity_id = learned.discovered_id AND entities.origin = 'discovered'
"""
_INSERT_CANDIDATE = """
INSERT INTO article_candidates (article_id, name, mentions)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]))
"""
_SET_VERSION = """
UPDATE articles SET tagger_version = ?, run_id = ? WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""


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


def fetch_stored_articles(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]
) -> list[StoredArticle]:
    """Read articles back as records, in id order."""
    rows = con.execute(_SELECT_ARTICLES, [list(article_ids)]).fetchall()
    return [
        StoredArticle(
            Article(
                article_id=row[0],
                url=row[1],
                canonical_url=row[2],
                source=row[3],
                origin=row[4],
                title=row[5],
                title_derived=row[6],
                author=row[7],
                published_at=row[8],
                language=row[9],
                text=row[10],
                word_count=row[11],
                content_hash=row[12],
                fetched_at=_as_datetime(row[13]),
                extractor_version=row[14],
            ),
            tagger_version=row[15],
        )
        for row in rows
    ]


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
        write_tags(con, tagged)
        by_version: dict[str, list[str]] = {}
        for t in tagged:
            by_version.setdefault(t.tagger_version, []).append(t.article.article_id)
        for version, keys in by_version.items():
            con.execute(_SET_VERSION, [version, run_id, keys])
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise


def write_tags(con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle]) -> None:
    """Replace the topics, entities and candidate names of articles (caller's transaction).

    The articles' previous rows are deleted first, so tags are replaced, never added to.
    """
    latest = {t.article.article_id: t for t in tagged}  # last one wins within a batch
    keys = list(latest)
    for sql in (_DELETE_TOPICS, _DELETE_ENTITIES, _DELETE_CANDIDATES):
        con.execute(sql, [keys])
    insert_rows(
        con,
        _INSERT_TOPIC,
        [[key, x.topic, x.score, list(x.evidence)] for key, t in latest.items() for x in t.topics],
    )
    mentions = [(key, e) for key, t in latest.items() for e in t.entities]
    entities = {e.entity_id: e for _, e in mentions}
    insert_rows(
        con,
        _UPSERT_ENTITY,
        [
            [e.entity_id, e.name, e.type, e.wikidata_id, e.origin, e.family]
            for e in entities.values()
        ],
    )
    insert_rows(
        con,
        _INSERT_ARTICLE_ENTITY,
        [
            [key, e.entity_id, e.mentions, list(e.evidence), e.score, e.origin, e.cue]
            for key, e in mentions
        ],
    )
    learned = {
        discovered_id(name): e.entity_id
        for e in entities.values()
        if e.origin == "catalog"
        for name in (e.name, *(item.rsplit("@", 1)[0] for item in e.evidence))
    }
    if learned:
        con.execute(_LINK_DISCOVERED, [list(learned), list(learned.values())])
    insert_rows(
        con,
        _INSERT_CANDIDATE,
        [[key, c.name, c.mentions] for key, t in latest.items() for c in t.candidates],
    )


def _as_datetime(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value
