"""Loading: idempotent, one-transaction-per-batch writes of articles, tags and failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.records import Failure
from transforms.rawpage import RawPage
from transforms.records import TaggedArticle
from warehouse.bulk import insert_rows
from warehouse.db import rollback_quietly
from warehouse.pages import record_page_outcomes
from warehouse.raw import load_raw_rows, raw_store_of, store_raw_files
from warehouse.stories import load_article_extras
from warehouse.tags import write_tags

_EXISTING = """
SELECT article_id, content_hash, title, author, published_at, source,
       extractor_version, tagger_version
FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_INSERT_ARTICLE = """
INSERT INTO articles (article_id, url, canonical_url, source, origin, title, title_derived, author,
    published_at, language, text, word_count, content_hash, first_seen_at, last_seen_at,
    fetched_at, extractor_version, tagger_version, run_id)
SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::BOOLEAN[]),
    unnest(?::VARCHAR[]), unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMP[]), unnest(?::TIMESTAMP[]),
    unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]))
ON CONFLICT (article_id) DO UPDATE SET
    url = excluded.url, canonical_url = excluded.canonical_url, source = excluded.source,
    origin = excluded.origin, title = excluded.title, title_derived = excluded.title_derived,
    author = excluded.author, published_at = excluded.published_at,
    language = excluded.language, text = excluded.text, word_count = excluded.word_count,
    content_hash = excluded.content_hash, last_seen_at = excluded.last_seen_at,
    fetched_at = excluded.fetched_at, extractor_version = excluded.extractor_version,
    tagger_version = excluded.tagger_version, run_id = excluded.run_id
"""
_TOUCH_ARTICLES = """
UPDATE articles SET last_seen_at = ? WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""
# Many rows go in as one statement over column arrays (see warehouse.bulk).
_INSERT_FAILURE = """
INSERT INTO failures SELECT * FROM (SELECT unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
    unnest(?::VARCHAR[]))
"""
_BATCH_LOADED = "SELECT count(*) FROM load_batches WHERE batch_id = ?"
_RECORD_BATCH = "INSERT INTO load_batches VALUES (?, ?, ?, ?, ?, ?)"


@dataclass(frozen=True, slots=True)
class LoadCounts:
    """What a load did: articles new, updated and unchanged, and failures stored."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: int = 0

    def __add__(self, other: LoadCounts) -> LoadCounts:
        return LoadCounts(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.failures + other.failures,
        )


def load_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    tagged: Sequence[TaggedArticle],
    failures: Sequence[Failure],
    now: datetime,
    batch_id: str | None = None,
    spooled_at: datetime | None = None,
    raw: Sequence[tuple[RawPage, str | None]] = (),
) -> LoadCounts:
    """Write one batch in one transaction: all of it lands, or none of it.

    An article whose stored version is identical is only marked as seen; a
    changed one is rewritten and its tags are replaced, never added to.

    Args:
        batch_id: the spooled batch this is (see warehouse.spool). It is recorded in
            ``load_batches`` in the same transaction, and a batch already recorded is
            skipped, so replaying a spool file after a crash loads it exactly once.
        spooled_at: when that batch was staged (defaults to ``now``).
        raw: each raw page with the article it gave (``None`` when extraction failed);
            the pages' files are written to the raw store beside the database first.
    """
    latest = {item.article.article_id: item for item in tagged}  # last one wins within a batch
    if raw:
        store_raw_files(raw_store_of(con), [page for page, _ in raw])
    con.execute("BEGIN TRANSACTION")
    try:
        if batch_id is not None:
            if _scalar(con, _BATCH_LOADED, [batch_id]):
                con.execute("ROLLBACK")
                return LoadCounts()
            con.execute(
                _RECORD_BATCH,
                [batch_id, run_id, spooled_at or now, now, len(latest), len(failures)],
            )
        existing = {row[0]: row[1:] for row in con.execute(_EXISTING, [list(latest)]).fetchall()}
        changed = [item for key, item in latest.items() if existing.get(key) != _signature(item)]
        changed_keys = {item.article.article_id for item in changed}
        unchanged = [key for key in latest if key not in changed_keys]
        if unchanged:
            con.execute(_TOUCH_ARTICLES, [now, unchanged])
        if changed:
            _write_articles(con, run_id, changed, now)
        if failures:
            insert_rows(
                con,
                _INSERT_FAILURE,
                [
                    [now, run_id, f.stage, f.source, f.url_or_path, f.error_code, f.message]
                    for f in failures
                ],
            )
        record_page_outcomes(con, tagged=list(latest.values()), failures=failures, now=now)
        load_raw_rows(con, run_id=run_id, pages=raw)
        raw_hashes = {key: page.sha256 for page, key in raw if key is not None}
        load_article_extras(
            con, run_id=run_id, tagged=list(latest.values()), raw_hashes=raw_hashes, now=now
        )
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    new = sum(1 for item in changed if item.article.article_id not in existing)
    return LoadCounts(new, len(changed) - new, len(unchanged), len(failures))


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> object:
    row = con.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _signature(item: TaggedArticle) -> tuple[object, ...]:
    a = item.article
    return (
        a.content_hash,
        a.title,
        a.author,
        a.published_at,
        a.source,
        a.extractor_version,
        item.tagger_version,
    )


def _write_articles(
    con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[TaggedArticle], now: datetime
) -> None:
    insert_rows(
        con,
        _INSERT_ARTICLE,
        [
            [
                a.article_id,
                a.url,
                a.canonical_url,
                a.source,
                a.origin,
                a.title,
                a.title_derived,
                a.author,
                a.published_at,
                a.language,
                a.text,
                a.word_count,
                a.content_hash,
                now,
                now,
                a.fetched_at,
                a.extractor_version,
                item.tagger_version,
                run_id,
            ]
            for item in items
            for a in (item.article,)
        ],
    )
    write_tags(con, items)
