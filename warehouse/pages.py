"""Feed items' page state: pending pages to fetch, and what a loaded batch says happened to them.

New feed items are committed before their pages are fetched (the poll and the
schedule must not wait for pages), so the item itself records whether its page
still has to be fetched. A run that dies in between leaves them ``pending``
and the next run fetches them; a page that failed for a passing reason is
``retry`` until its attempts run out. The outcome is written by the same
transaction that loads the article or failure row, so it can never disagree
with them.

A ``pending`` item of another run that is still alive is that run's to fetch (it
holds the page among its own fresh ones): runs that split the feeds between them
then split the pages too. Alive means as ``warehouse.runs`` finds crashed runs: its
``runs`` row says ``running`` and its run lock is held. Nothing is written for it,
so it adds no lock and no write to the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from connectors.records import Failure, PageRequest
from transforms.records import TaggedArticle
from warehouse.bulk import execute_records, records_sql
from warehouse.rows import select_records

if TYPE_CHECKING:  # warehouse.runs imports warehouse.load, which imports this module
    from warehouse.runs import RunLocks

PAGE_STAGES = frozenset({"fetch", "extract"})  # failures that end a feed page's attempt

# stored_by: the run that stored a pending item, while its row says running (a subquery,
# not a join: the lake has no keys, so nothing promises one runs row per run id).
_DUE = """
SELECT source, url, title, published_at, author, coalesce(page_attempts, 0) AS attempts,
    CASE WHEN page_state = 'pending'
        AND run_id IN (SELECT run_id FROM runs WHERE status = 'running') THEN run_id END
        AS stored_by
FROM feed_items
WHERE page_state = 'pending' OR (page_state = 'retry' AND page_next_attempt_at <= ?)
ORDER BY first_seen_at, source, guid
"""
_DONE = """
UPDATE feed_items SET page_state = 'done', page_next_attempt_at = NULL
WHERE url IN (SELECT unnest(?::VARCHAR[])) AND page_state IN ('pending', 'retry', 'failed')
"""


@dataclass(frozen=True, slots=True)
class _DuePage:
    """A due page as stored, and the running run that stored it while pending (else None)."""

    source: str
    url: str
    title: str | None
    published_at: datetime | None
    author: str | None
    attempts: int
    stored_by: str | None

    @property
    def request(self) -> PageRequest:
        return PageRequest(
            self.source, self.url, self.title, self.published_at, self.author, self.attempts
        )


@dataclass(frozen=True, slots=True)
class _PageFailed:
    """A page whose fetch or extraction failed, and when it is due again (None: never)."""

    url: str
    retry_at: datetime | None


# An item still open counts one more attempt; an item done or given up is left as it is.
_FAILED = records_sql(
    """
UPDATE feed_items
SET page_state = CASE WHEN v.retry_at IS NULL THEN 'failed' ELSE 'retry' END,
    page_attempts = coalesce(page_attempts, 0) + 1, page_next_attempt_at = v.retry_at
FROM {rows} AS v
WHERE feed_items.url = v.url AND page_state IN ('pending', 'retry')
""",
    _PageFailed,
)


def select_due_pages(
    con: duckdb.DuckDBPyConnection,
    now: datetime,
    *,
    fresh: Sequence[PageRequest] = (),
    run_id: str | None = None,
    locks: RunLocks | None = None,
) -> list[PageRequest]:
    """Pages to fetch: items never fetched (a crashed run's too) and retries now due.

    Items another live run stored and has not fetched yet are left to it (see the
    module docstring); once it ends or dies, the next call returns them.

    Args:
        fresh: this run's new items' pages, with their links as the feed gave them. They
            come first and stand for their stored rows, whose links have secrets redacted;
            a page left pending with a secret in its link is fetched without it.
        run_id: this run (its own pending items are never left out).
        locks: where runs hold their locks (``Warehouse.run_locks``). ``None``: no run can be
            told alive, so every pending item is returned, other runs' too.
    """
    taken = {request.redacted_url for request in fresh}
    stored = select_records(con, _DUE, [now], record_type=_DuePage)
    alive = _alive({page.stored_by for page in stored} - {None, run_id}, locks)
    left = (page.request for page in stored if page.stored_by not in alive)
    return [*fresh, *(request for request in left if request.url not in taken)]


def _alive(run_ids: Iterable[str | None], locks: RunLocks | None) -> set[str]:
    """The runs among ``run_ids`` whose lock is held (none can be told alive without locks)."""
    if locks is None:
        return set()
    return {run_id for run_id in run_ids if run_id is not None and not locks.is_dead(run_id)}


def record_page_outcomes(
    con: duckdb.DuckDBPyConnection,
    *,
    tagged: Sequence[TaggedArticle],
    failures: Sequence[Failure],
) -> None:
    """Move the feed items of a batch's pages to done, retry or failed (inside its transaction).

    An article from a page marks its item done, even one given up earlier (a
    backfill may fetch it later). A fetch or extraction failure counts an
    attempt of an open item only: a backfill's failure never reopens a page. The
    item waits for the failure's ``retry_at``, or is ``failed`` without one.
    """
    urls = [item.article.url for item in tagged if item.article.origin == "feed"]
    if urls:
        con.execute(_DONE, [urls])
    failed = {f.url_or_path: f.retry_at for f in failures if f.stage in PAGE_STAGES}
    rows = [_PageFailed(url=url, retry_at=retry_at) for url, retry_at in failed.items()]
    execute_records(con, _FAILED, rows)
