"""When to poll a feed next, and in which state it is: pure rules over one poll's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from connectors.settings import (
    DISABLE_AFTER_DAYS,
    FAILING_AFTER_FAILURES,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    PAGE_RETRY_DELAYS_MINUTES,
)

QUIET_GROWTH = 1.5  # a poll without new items stretches the interval by this factor...
QUIET_CEILING = 4  # ...up to this many times the configured interval


@dataclass(frozen=True, slots=True)
class FeedSchedule:
    """The state a source moves to after a poll."""

    state: str  # active, failing or disabled
    consecutive_failures: int
    poll_interval_minutes: int
    next_poll_at: datetime


def plan_next_poll(
    *,
    now: datetime,
    base_minutes: int,
    current_minutes: int | None,
    failed: bool,
    consecutive_failures: int,
    items_new: int,
    hint_minutes: float | None,
    retry_after_seconds: float | None,
    last_success_at: datetime | None,
    tracked_since: datetime,
) -> FeedSchedule:
    """Decide the next poll time and state.

    Success: back to ``active``; the interval returns to the configured one
    when new items came, and stretches (×1.5, at most 4× the configured one)
    on quiet polls. The feed's own hints (``ttl``, ``sy:updatePeriod``,
    Cache-Control ``max-age``) and Retry-After only ever lengthen it.

    Failure: linear backoff, configured interval × consecutive failures;
    ``failing`` from the third failure in a row; ``disabled`` once there has
    been no success for 30 days since the source was added or re-enabled.
    Every interval stays within [10 min, 24 h].
    """
    if failed:
        failures = consecutive_failures + 1
        interval = float(base_minutes * failures)
        since = max(last_success_at or tracked_since, tracked_since)
        if now - since >= timedelta(days=DISABLE_AFTER_DAYS):
            state = "disabled"
        elif failures >= FAILING_AFTER_FAILURES:
            state = "failing"
        else:
            state = "active"
    else:
        failures, state = 0, "active"
        current = current_minutes or base_minutes
        quiet = min(current * QUIET_GROWTH, base_minutes * QUIET_CEILING)
        interval = float(base_minutes if items_new else max(current, quiet))
        if hint_minutes:
            interval = max(interval, hint_minutes)
    if retry_after_seconds:
        interval = max(interval, retry_after_seconds / 60)
    minutes = int(min(max(interval, MIN_INTERVAL_MINUTES), MAX_INTERVAL_MINUTES))
    return FeedSchedule(state, failures, minutes, now + timedelta(minutes=minutes))


def plan_page_retry(
    *, attempts: int, retryable: bool, now: datetime
) -> tuple[str, datetime | None]:
    """The state of a feed item's page after a failed fetch, and when to try it again.

    Args:
        attempts: failed attempts so far, this one included.
        retryable: the failure may pass (a 5xx, a timeout, an unreachable site).

    Returns:
        ``("retry", due)`` while attempts remain (due 1 h, 6 h, then 24 h later),
        else ``("failed", None)``.
    """
    if not retryable or attempts > len(PAGE_RETRY_DELAYS_MINUTES):
        return "failed", None
    return "retry", now + timedelta(minutes=PAGE_RETRY_DELAYS_MINUTES[attempts - 1])
