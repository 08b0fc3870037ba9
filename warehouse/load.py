"""Loading: idempotent, one-transaction-per-batch writes of articles, tags and failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.records import Failure
from transforms.rawpage import RawPage
from transforms.records import TaggedArticle
from warehouse.bulk import execute_records, insert_sql
from warehouse.db import rollback_quietly
from warehouse.pages import record_page_outcomes
from warehouse.raw import load_raw_rows
from warehouse.rows import select_records
from warehouse.stories import AssignStories, load_article_extras
from warehouse.tags import load_tags

_EXISTING = """
SELECT article_id, content_hash, title, author, published_at, source,
       extractor_version, tagger_version
FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_TOUCH_ARTICLES = """
UPDATE articles SET last_seen_at = ? WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_BATCH_LOADED = "SELECT count(*) FROM load_batches WHERE batch_id = ?"


@dataclass(frozen=True, slots=True)
class _ArticleRow:
    """A row of ``articles`` as a load writes it (the columns it leaves to later steps aside)."""

    article_id: str
    url: str
    canonical_url: str
    source: str
    origin: str
    title: str | None
    title_derived: bool
    author: str | None
    published_at: datetime | None
    language: str | None
    text: str
    word_count: int
    content_hash: str
    first_seen_at: datetime
    last_seen_at: datetime
    fetched_at: datetime
    extractor_version: str
    tagger_version: str
    run_id: str


# A changed article is rewritten whole, except when newsflow first saw it.
_UPSERT_ARTICLES = insert_sql(
    "articles",
    _ArticleRow,
    on_conflict="""
ON CONFLICT (article_id) DO UPDATE SET
    url = excluded.url, canonical_url = excluded.canonical_url, source = excluded.source,
    origin = excluded.origin, title = excluded.title, title_derived = excluded.title_derived,
    author = excluded.author, published_at = excluded.published_at,
    language = excluded.language, text = excluded.text, word_count = excluded.word_count,
    content_hash = excluded.content_hash, last_seen_at = excluded.last_seen_at,
    fetched_at = excluded.fetched_at, extractor_version = excluded.extractor_version,
    tagger_version = excluded.tagger_version, run_id = excluded.run_id
""",
)


@dataclass(frozen=True, slots=True)
class _StoredVersion:
    """What decides whether a stored article is rewritten: the same version is only touched."""

    article_id: str
    content_hash: str
    title: str | None
    author: str | None
    published_at: datetime | None
    source: str
    extractor_version: str
    tagger_version: str


@dataclass(frozen=True, slots=True)
class _FailureRow:
    """A row of ``failures``."""

    at: datetime
    run_id: str
    stage: str
    source: str
    url_or_path: str
    error_code: str
    message: str


_INSERT_FAILURES = insert_sql("failures", _FailureRow)


@dataclass(frozen=True, slots=True)
class _BatchRow:
    """A row of ``load_batches``: a spooled batch, loaded once."""

    batch_id: str
    run_id: str
    spooled_at: datetime
    loaded_at: datetime
    articles: int
    failures: int


_RECORD_BATCH = insert_sql("load_batches", _BatchRow)


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
    assign_stories: AssignStories,
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
            the page's file is in the raw store already (its worker wrote it), only its
            row is written here.
        assign_stories: decides the stories of new and changed articles
            (``transforms.assign_stories``), inside this transaction.
    """
    latest = {item.article.article_id: item for item in tagged}  # last one wins within a batch
    con.execute("BEGIN TRANSACTION")
    try:
        if batch_id is not None and not _claim_batch(
            con, _BatchRow(batch_id, run_id, spooled_at or now, now, len(latest), len(failures))
        ):
            con.execute("ROLLBACK")
            return LoadCounts()
        counts = _upsert_articles(con, run_id, latest, now)
        execute_records(con, _INSERT_FAILURES, [_failure_row(f, run_id, now) for f in failures])
        record_page_outcomes(con, tagged=list(latest.values()), failures=failures)
        load_raw_rows(con, run_id=run_id, pages=raw)
        load_article_extras(
            con,
            run_id=run_id,
            tagged=list(latest.values()),
            raw_hashes={key: page.sha256 for page, key in raw if key is not None},
            now=now,
            assign_stories=assign_stories,
        )
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return counts + LoadCounts(failures=len(failures))


def _claim_batch(con: duckdb.DuckDBPyConnection, batch: _BatchRow) -> bool:
    """Record a spooled batch as loaded; False when it was loaded already (then skip it).

    The record is written in the load's transaction, so it lands with the rows or not at all.
    """
    if _scalar(con, _BATCH_LOADED, [batch.batch_id]):
        return False
    execute_records(con, _RECORD_BATCH, [batch])
    return True


def _upsert_articles(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    latest: dict[str, TaggedArticle],
    now: datetime,
) -> LoadCounts:
    """Rewrite new and changed articles with their tags; only mark identical ones as seen.

    Comparing stored versions first keeps a re-poll of unchanged pages from rewriting
    their rows (and replacing their tags) for nothing.
    """
    existing = {
        stored.article_id: stored
        for stored in select_records(con, _EXISTING, [list(latest)], record_type=_StoredVersion)
    }
    changed = [item for key, item in latest.items() if existing.get(key) != _version(item)]
    changed_keys = {item.article.article_id for item in changed}
    unchanged = [key for key in latest if key not in changed_keys]
    if unchanged:
        con.execute(_TOUCH_ARTICLES, [now, unchanged])
    if changed:
        _write_articles(con, run_id, changed, now)
    new = sum(1 for item in changed if item.article.article_id not in existing)
    return LoadCounts(new=new, updated=len(changed) - new, unchanged=len(unchanged))


def _failure_row(failure: Failure, run_id: str, now: datetime) -> _FailureRow:
    return _FailureRow(
        at=now,
        run_id=run_id,
        stage=failure.stage,
        source=failure.source,
        url_or_path=failure.url_or_path,
        error_code=failure.error_code,
        message=failure.message,
    )


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> object:
    row = con.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _version(item: TaggedArticle) -> _StoredVersion:
    a = item.article
    return _StoredVersion(
        article_id=a.article_id,
        content_hash=a.content_hash,
        title=a.title,
        author=a.author,
        published_at=a.published_at,
        source=a.source,
        extractor_version=a.extractor_version,
        tagger_version=item.tagger_version,
    )


def _write_articles(
    con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[TaggedArticle], now: datetime
) -> None:
    rows = [
        _ArticleRow(
            article_id=a.article_id,
            url=a.url,
            canonical_url=a.canonical_url,
            source=a.source,
            origin=a.origin,
            title=a.title,
            title_derived=a.title_derived,
            author=a.author,
            published_at=a.published_at,
            language=a.language,
            text=a.text,
            word_count=a.word_count,
            content_hash=a.content_hash,
            first_seen_at=now,
            last_seen_at=now,
            fetched_at=a.fetched_at,
            extractor_version=a.extractor_version,
            tagger_version=item.tagger_version,
            run_id=run_id,
        )
        for item in items
        for a in (item.article,)
    ]
    execute_records(con, _UPSERT_ARTICLES, rows)
    load_tags(con, items)
