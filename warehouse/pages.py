"""Feed items' page state: pending pages to fetch, and what a loaded batch says happened to them.

New feed items are committed before their pages are fetched (the poll and the
schedule must not wait for pages), so the item itself records whether its page
still has to be fetched. A run that dies in between leaves them ``pending``
and the next run fetches them; a page that failed for a passing reason is
``retry`` until its attempts run out. The outcome is written by the same
transaction that loads the article or failure row, so it can never disagree
with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from connectors.records import Failure, PageRequest
from transforms.records import TaggedArticle
from warehouse.bulk import execute_records, records_sql
from warehouse.rows import select_records

PAGE_STAGES = frozenset({"fetch", "extract"})  # failures that end a feed page's attempt

_DUE = """
SELECT source, url, title, published_at, author, coalesce(page_attempts, 0) AS attempts
FROM feed_items
WHERE page_state = 'pending' OR (page_state = 'retry' AND page_next_attempt_at <= ?)
ORDER BY first_seen_at, source, guid
"""
_DONE = """
UPDATE feed_items SET page_state = 'done', page_next_attempt_at = NULL
WHERE url IN (SELECT unnest(?::VARCHAR[])) AND page_state IN ('pending', 'retry', 'failed')
"""


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
    con: duckdb.DuckDBPyConnection, now: datetime, *, fresh: Sequence[PageRequest] = ()
) -> list[PageRequest]:
    """Pages to fetch: items never fetched (a crashed run's too) and retries now due.

    Args:
        fresh: this run's new items' pages, with their links as the feed gave them. They
            come first and stand for their stored rows, whose links have secrets redacted;
            a page left pending with a secret in its link is fetched without it.
    """
    taken = {request.redacted_url for request in fresh}
    stored = select_records(con, _DUE, [now], record_type=PageRequest)
    return [*fresh, *(request for request in stored if request.url not in taken)]


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
