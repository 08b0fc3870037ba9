"""Tags in the warehouse: stored articles to re-tag, tag replacement and candidate names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from transforms.records import Article, TaggedArticle

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
_INSERT_TOPIC = "INSERT INTO article_topics VALUES (?, ?, ?, ?)"
_INSERT_ARTICLE_ENTITY = """
INSERT INTO article_entities (article_id, entity_id, mentions, evidence, score)
VALUES (?, ?, ?, ?, ?)
"""
_INSERT_CANDIDATE = "INSERT INTO article_candidates VALUES (?, ?, ?)"
_UPSERT_ENTITY = """
INSERT INTO entities VALUES (?, ?, ?, ?)
ON CONFLICT (entity_id) DO UPDATE SET
    name = excluded.name, type = excluded.type, wikidata_id = excluded.wikidata_id
"""
_SET_VERSION = "UPDATE articles SET tagger_version = ?, run_id = ? WHERE article_id = ?"


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
        _write_tags(con, tagged)
        con.executemany(
            _SET_VERSION, [[t.tagger_version, run_id, t.article.article_id] for t in tagged]
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def load_candidates(con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle]) -> None:
    """Replace the candidate names of freshly loaded articles (one transaction)."""
    if not tagged:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        _write_candidates(con, tagged)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _write_tags(con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle]) -> None:
    keys = [t.article.article_id for t in tagged]
    con.execute(_DELETE_TOPICS, [keys])
    con.execute(_DELETE_ENTITIES, [keys])
    topics = [
        [t.article.article_id, x.topic, x.score, list(x.evidence)] for t in tagged for x in t.topics
    ]
    if topics:
        con.executemany(_INSERT_TOPIC, topics)
    mentions = [(t.article.article_id, e) for t in tagged for e in t.entities]
    if mentions:
        entities = {e.entity_id: e for _, e in mentions}
        con.executemany(
            _UPSERT_ENTITY,
            [[e.entity_id, e.name, e.type, e.wikidata_id] for e in entities.values()],
        )
        con.executemany(
            _INSERT_ARTICLE_ENTITY,
            [[key, e.entity_id, e.mentions, list(e.evidence), e.score] for key, e in mentions],
        )
    _write_candidates(con, tagged)


def _write_candidates(con: duckdb.DuckDBPyConnection, tagged: Sequence[TaggedArticle]) -> None:
    latest = {t.article.article_id: t for t in tagged}
    con.execute(_DELETE_CANDIDATES, [list(latest)])
    rows = [[key, c.name, c.mentions] for key, t in latest.items() for c in t.candidates]
    if rows:
        con.executemany(_INSERT_CANDIDATE, rows)


def _as_datetime(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value
