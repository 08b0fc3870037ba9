"""Feed state in the warehouse: sources, polls, items, due feeds and which items are new.

The schedules it stores are decided beside the poll (``connectors.schedule``) from what it
returns: the sources' stored states and how many items each poll brought that were new. Polls
and items commit first, the sources' rows next: a crash between the two leaves a source due as
before, and its next poll finds its items already known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.records import FeedItem, FeedPoll, FeedSchedule, FeedState, PageRequest, Source
from warehouse.bulk import execute_records, insert_sql
from warehouse.db import rollback_quietly
from warehouse.rows import select_records

_RESET_CHANGED_URL = """
UPDATE sources SET etag = NULL, last_modified = NULL, body_sha256 = NULL,
    last_unconditional_at = NULL, validators_trusted = true, next_poll_at = NULL
WHERE name = ? AND url <> ?
"""
_UPSERT_SOURCE = """
INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, tracked_since,
    listed_by)
VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)
ON CONFLICT (name) DO UPDATE SET url = excluded.url, kind = excluded.kind, tags = excluded.tags,
    interval_minutes = excluded.interval_minutes, enabled = excluded.enabled,
    listed_by = excluded.listed_by
"""
# Unlisted sources stop polling only if this file listed them last (or no file was recorded
# for them): several processes with files of their own may share the warehouse.
_DISABLE_UNLISTED = """
UPDATE sources SET enabled = false
WHERE name NOT IN (SELECT unnest($listed::VARCHAR[])) AND enabled
    AND (listed_by IS NULL OR listed_by = $listed_by)
"""
_STATE_COLUMNS = """
name, url, kind, interval_minutes, poll_interval_minutes, etag, last_modified, body_sha256,
last_unconditional_at, validators_trusted, consecutive_failures, last_success_at, tracked_since
"""
_DUE = f"""
SELECT {_STATE_COLUMNS} FROM sources
WHERE name IN (SELECT unnest(?::VARCHAR[])) AND enabled AND state <> 'disabled'
    AND (? OR next_poll_at IS NULL OR next_poll_at <= ?)
ORDER BY name
"""
_STATES = f"SELECT {_STATE_COLUMNS} FROM sources WHERE name IN (SELECT unnest(?::VARCHAR[]))"
_KNOWN_GUIDS = """
SELECT guid FROM feed_items WHERE source = ? AND guid IN (SELECT unnest(?::VARCHAR[]))
"""
_KNOWN_URLS = """
SELECT canonical_url FROM feed_items WHERE canonical_url IN (SELECT unnest(?::VARCHAR[]))
UNION
SELECT canonical_url FROM articles WHERE canonical_url IN (SELECT unnest(?::VARCHAR[]))
"""
_UPDATE_SUCCESS = """
UPDATE sources SET state = $state, consecutive_failures = $consecutive_failures,
    poll_interval_minutes = $poll_interval_minutes, next_poll_at = $next_poll_at,
    last_polled_at = $now, last_success_at = $now, etag = $etag, last_modified = $last_modified,
    body_sha256 = $body_sha256,
    last_unconditional_at = coalesce($unconditional_at, last_unconditional_at),
    validators_trusted = validators_trusted AND NOT $validators_lied
WHERE name = $source
"""
_UPDATE_FAILURE = """
UPDATE sources SET state = $state, consecutive_failures = $consecutive_failures,
    poll_interval_minutes = $poll_interval_minutes, next_poll_at = $next_poll_at,
    last_polled_at = $now, last_error_code = $error_code, last_error = $error
WHERE name = $source
"""
_LIST = """
SELECT name, state, enabled, consecutive_failures, last_success_at, next_poll_at,
    validators_trusted, last_error_code, url
FROM sources ORDER BY name
"""
_KNOWN_SOURCE = "SELECT count(*) FROM sources WHERE name = ?"
# No RETURNING: DuckLake (the lake) does not support it on an UPDATE.
_ENABLE = """
UPDATE sources SET state = 'active', consecutive_failures = 0, next_poll_at = NULL,
    tracked_since = ?
WHERE name = ?
"""


@dataclass(frozen=True, slots=True)
class _FeedItemRow:
    """A row of ``feed_items``: an entry seen for the first time, and its page's state."""

    source: str
    guid: str
    url: str | None
    canonical_url: str | None
    title: str | None
    summary: str | None
    author: str | None
    published_at: datetime | None
    first_seen_at: datetime
    duplicate_of_seen: bool
    run_id: str
    page_state: str


_INSERT_ITEMS = insert_sql(
    "feed_items", _FeedItemRow, on_conflict="ON CONFLICT (source, guid) DO NOTHING"
)


@dataclass(frozen=True, slots=True)
class _FetchRow:
    """A row of ``feed_fetches``: one poll and what it yielded."""

    run_id: str
    source: str
    fetched_at: datetime
    url: str
    conditional: bool
    status: int | None
    bytes: int | None
    duration_ms: float | None
    unchanged: bool
    items_new: int | None
    items_seen: int | None
    entries_dropped: int | None
    error_code: str | None
    warning: str | None


_INSERT_FETCH = insert_sql("feed_fetches", _FetchRow)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One line of ``newsflow sources list``."""

    name: str
    state: str
    enabled: bool
    consecutive_failures: int
    last_success_at: datetime | None
    next_poll_at: datetime | None
    validators_trusted: bool
    last_error_code: str | None
    url: str


def sync_sources(
    con: duckdb.DuckDBPyConnection,
    sources: Sequence[Source],
    now: datetime,
    *,
    listed_by: str | None = None,
) -> None:
    """Make the sources table match one sources file; sources that left the file stop polling.

    History (fetches, items, articles) is never deleted. A source whose URL
    changed forgets its validators and is due at once.

    Args:
        listed_by: the sources file (``host:path``), recorded on each source it lists. An
            unlisted source stops polling only if this file listed it last (or no file was
            recorded for it), never because another process's file lists it: processes with
            files of their own may share the warehouse, embedded or lake.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        for s in sources:
            url = s.redacted_url  # the real one stays in sources.yaml, for the fetch
            con.execute(_RESET_CHANGED_URL, [s.name, url])
            con.execute(
                _UPSERT_SOURCE,
                [s.name, url, s.kind, list(s.tags), s.interval_minutes, s.enabled, now, listed_by],
            )
        con.execute(
            _DISABLE_UNLISTED,
            {"listed": [s.name for s in sources], "listed_by": listed_by},
        )
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise


def select_due_feeds(
    con: duckdb.DuckDBPyConnection, names: Sequence[str], now: datetime, *, force: bool = False
) -> list[FeedState]:
    """The enabled, not disabled sources among ``names`` whose next poll time has come.

    ``force`` ignores poll times (never the disabled state). The URLs are as stored,
    secrets redacted: the caller polls with the ones from its sources file.
    """
    return select_records(con, _DUE, [list(names), force, now], record_type=FeedState)


@dataclass(frozen=True, slots=True)
class StoredPolls:
    """What storing a batch of polls found: the pages to fetch and each source's new items."""

    requests: list[PageRequest]
    items_new: dict[str, int]


def select_feed_states(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> list[FeedState]:
    """The stored state of the named sources (URLs as stored, secrets redacted)."""
    return select_records(con, _STATES, [list(names)], record_type=FeedState)


def load_feed_polls(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    polls: Sequence[FeedPoll],
    canonical_urls: Mapping[str, str],
    now: datetime,
) -> StoredPolls:
    """Record polls and store their items, in one transaction.

    Each new item's page is stored ``pending`` (``skipped`` for a duplicate or an
    item without a link) and fetched from there: see :mod:`warehouse.pages`.
    The sources' own rows move with :func:`load_feed_schedules`.

    Args:
        canonical_urls: every item link's canonical URL, by the link as kept
            (``transforms.canonical_links``): items are duplicates by it.

    Returns:
        The pages to fetch (items seen for the first time whose canonical URL is
        new to the warehouse: no other entry, feed or article has it), and how many
        items each source's poll brought that were new.
    """
    requests: list[PageRequest] = []
    items_new: dict[str, int] = {}
    claimed: set[str] = set()  # canonical URLs taken by earlier polls of this batch
    con.execute("BEGIN TRANSACTION")
    try:
        for poll in polls:
            new, items_new[poll.source], items_seen = _store_items(
                con, run_id, poll, canonical_urls, now, claimed
            )
            requests += new
            _record_fetch(con, run_id, poll, items_new[poll.source], items_seen)
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return StoredPolls(requests, items_new)


def load_feed_schedules(
    con: duckdb.DuckDBPyConnection,
    *,
    polls: Sequence[FeedPoll],
    schedules: Sequence[FeedSchedule],
    now: datetime,
) -> None:
    """Move each polled source to its schedule, with the poll's validators or error.

    Args:
        polls: the polls, as given to :func:`load_feed_polls`.
        schedules: one per poll, in the same order (``connectors.schedule.plan_next_polls``).
    """
    con.execute("BEGIN TRANSACTION")
    try:
        for poll, schedule in zip(polls, schedules, strict=True):
            _record_schedule(con, poll, schedule, now)
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise


def _store_items(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    poll: FeedPoll,
    canonical_urls: Mapping[str, str],
    now: datetime,
    claimed: set[str],
) -> tuple[list[PageRequest], int, int | None]:
    """Insert the poll's unseen items; return the page requests, items new and items seen."""
    if poll.feed is None:
        return [], 0, None
    items: dict[str, FeedItem] = {}
    for item in poll.feed.items:
        items.setdefault(item.guid, item)  # duplicate GUIDs within one fetch: the first wins
    known = {row[0] for row in con.execute(_KNOWN_GUIDS, [poll.source, list(items)]).fetchall()}
    fresh = [item for guid, item in items.items() if guid not in known]
    # Stored without secrets (the page request keeps the real link for its fetch).
    kept = {item.guid: item.redacted_url for item in fresh}
    canon = {guid: canonical_urls[url] if url else None for guid, url in kept.items()}
    urls = [c for c in canon.values() if c]
    stored = {row[0] for row in con.execute(_KNOWN_URLS, [urls, urls]).fetchall()}
    requests: list[PageRequest] = []
    duplicate: list[bool] = []
    for item in fresh:
        key = canon[item.guid]
        is_duplicate = key is not None and (key in stored or key in claimed)
        duplicate.append(is_duplicate)
        if key is not None and not is_duplicate and item.url is not None:
            claimed.add(key)
            requests.append(
                PageRequest(poll.source, item.url, item.title, item.published_at, item.author)
            )
    rows = [
        _FeedItemRow(
            source=poll.source,
            guid=i.guid,
            url=kept[i.guid],
            canonical_url=canon[i.guid],
            title=i.title,
            summary=i.summary,
            author=i.author,
            published_at=i.published_at,
            first_seen_at=now,
            duplicate_of_seen=dup,
            run_id=run_id,
            page_state="skipped" if dup or i.url is None or canon[i.guid] is None else "pending",
        )
        for i, dup in zip(fresh, duplicate, strict=True)
    ]
    execute_records(con, _INSERT_ITEMS, rows)
    items_new = len(fresh) - sum(duplicate)
    return requests, items_new, len(poll.feed.items) - items_new


def _record_fetch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    poll: FeedPoll,
    items_new: int,
    items_seen: int | None,
) -> None:
    feed = poll.feed
    fetch = _FetchRow(
        run_id=run_id,
        source=poll.source,
        fetched_at=poll.started_at,
        url=poll.final_url,
        conditional=poll.conditional,
        status=poll.status,
        bytes=poll.bytes,
        duration_ms=poll.duration_ms,
        unchanged=poll.unchanged,
        items_new=items_new if poll.failure is None else None,
        items_seen=items_seen,
        entries_dropped=feed.entries_dropped if feed else None,
        error_code=poll.failure.error_code if poll.failure else None,
        warning=feed.warning if feed else None,
    )
    execute_records(con, _INSERT_FETCH, [fetch])


def _record_schedule(
    con: duckdb.DuckDBPyConnection, poll: FeedPoll, schedule: FeedSchedule, now: datetime
) -> None:
    common = {
        "source": poll.source,
        "state": schedule.state,
        "consecutive_failures": schedule.consecutive_failures,
        "poll_interval_minutes": schedule.poll_interval_minutes,
        "next_poll_at": schedule.next_poll_at,
        "now": now,
    }
    if poll.failure is not None:
        failure = {"error_code": poll.failure.error_code, "error": poll.failure.message}
        con.execute(_UPDATE_FAILURE, {**common, **failure})
        return
    success = {
        "etag": poll.etag,
        "last_modified": poll.last_modified,
        "body_sha256": poll.body_sha256,
        "unconditional_at": None if poll.conditional else now,
        "validators_lied": poll.validators_lied,
    }
    con.execute(_UPDATE_SUCCESS, {**common, **success})


def select_sources(con: duckdb.DuckDBPyConnection) -> list[SourceStatus]:
    """Every known source with its health, by name."""
    return select_records(con, _LIST, record_type=SourceStatus)


def enable_source(con: duckdb.DuckDBPyConnection, name: str, now: datetime) -> bool:
    """Put a failing or disabled source back to active and due now; False if unknown.

    The 30-day clock restarts, so the source has a month to recover.
    """
    row = con.execute(_KNOWN_SOURCE, [name]).fetchone()
    if not row or not row[0]:
        return False
    con.execute(_ENABLE, [now, name])
    return True
