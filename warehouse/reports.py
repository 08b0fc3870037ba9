"""Run reports: what one run wrote, read back for its artifact and its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb

from warehouse.rows import select_dicts, select_records

_RUN_STARTED = "SELECT started_at FROM runs WHERE run_id = ?"
_RUN_ARTICLES = """
SELECT a.article_id, a.url, a.title, a.source, a.published_at, a.first_seen_at >= ? AS is_new,
    coalesce((SELECT list(t.topic ORDER BY t.score DESC, t.topic)
              FROM article_topics t WHERE t.article_id = a.article_id), []) AS topics,
    coalesce((SELECT list(struct_pack(id := e.entity_id, name := e.name, type := e.type)
                          ORDER BY ae.mentions DESC, e.entity_id)
              FROM article_entities ae JOIN entities e USING (entity_id)
              WHERE ae.article_id = a.article_id), []) AS entities
FROM articles a WHERE a.run_id = ?
ORDER BY a.source, a.published_at NULLS LAST, a.article_id
"""
_RUN_FAILURES = """
SELECT error_code, count(*) AS failures FROM failures WHERE run_id = ?
GROUP BY ALL ORDER BY failures DESC, error_code
"""
_RUN_FEEDS = """
SELECT source, status, coalesce(items_new, 0) AS items_new, coalesce(items_seen, 0) AS items_seen,
    error_code, coalesce(duration_ms, 0)::DOUBLE AS duration_ms
FROM feed_fetches WHERE run_id = ? ORDER BY duration_ms DESC NULLS LAST, source
"""
_STALE_TAGS = """
SELECT count(*) AS articles, min(published_at)::DATE AS oldest, max(published_at)::DATE AS newest
FROM articles WHERE tagger_version <> ? AND published_at IS NOT NULL
"""
_KNOWN_SOURCES = "SELECT DISTINCT source FROM articles ORDER BY source"


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity an article mentions, as events and artifacts name it."""

    entity_id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class WrittenArticle:
    """An article a run created or changed, with its current tags."""

    article_id: str
    url: str
    title: str | None
    source: str
    published_at: datetime | None
    is_new: bool
    topics: tuple[str, ...]
    entities: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class PolledFeed:
    """One feed poll of a run: the source, its outcome and how long it took."""

    source: str
    status: int | None
    items_new: int
    items_seen: int
    error_code: str | None
    duration_ms: float


@dataclass(frozen=True, slots=True)
class RunReport:
    """Everything a run wrote, for its Prefect artifact and events."""

    run_id: str
    articles: tuple[WrittenArticle, ...]
    failures_by_code: tuple[tuple[str, int], ...]
    feeds: tuple[PolledFeed, ...]


def select_run_report(con: duckdb.DuckDBPyConnection, *, run_id: str) -> RunReport:
    """Read back what ``run_id`` wrote: its articles (new or updated), failures and feed polls.

    An article counts as new when it was first seen after the run started;
    articles the run saw unchanged are not part of the report.
    """
    started = con.execute(_RUN_STARTED, [run_id]).fetchone()
    since = started[0] if started is not None else datetime.min
    articles = tuple(
        _written_article(row) for row in select_dicts(con, _RUN_ARTICLES, [since, run_id])
    )
    failures = tuple(
        (row["error_code"], int(row["failures"]))
        for row in select_dicts(con, _RUN_FAILURES, [run_id])
    )
    feeds = tuple(select_records(con, _RUN_FEEDS, [run_id], record_type=PolledFeed))
    return RunReport(run_id=run_id, articles=articles, failures_by_code=failures, feeds=feeds)


def _written_article(row: dict[str, Any]) -> WrittenArticle:
    is_new, topics, entities = row.pop("is_new"), row.pop("topics"), row.pop("entities")
    return WrittenArticle(
        **row,
        is_new=bool(is_new),
        topics=tuple(topics),
        entities=tuple(EntityRef(e["id"], e["name"], e["type"]) for e in entities),
    )


@dataclass(frozen=True, slots=True)
class StaleTags:
    """Dated articles tagged by an older catalog, and the days they were published on."""

    articles: int
    oldest: date | None
    newest: date | None


def select_stale_tags(con: duckdb.DuckDBPyConnection, *, tagger_version: str) -> StaleTags:
    """Which dated articles were tagged by another tagger version than ``tagger_version``."""
    [stale] = select_records(con, _STALE_TAGS, [tagger_version], record_type=StaleTags)
    return stale  # an aggregate query returns one row


def select_article_sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every source name that stored articles come from."""
    return [row[0] for row in con.execute(_KNOWN_SOURCES).fetchall()]
