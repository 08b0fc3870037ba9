"""When to poll a feed next and in which state it is, and when to fetch a failed page again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from connectors.records import FeedPoll, FeedSchedule, FeedState
from connectors.settings import (
    DISABLE_AFTER_DAYS,
    FAILING_AFTER_FAILURES,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    PAGE_RETRY_DELAYS_MINUTES,
)

QUIET_GROWTH = 1.5  # a poll without new items stretches the interval by this factor...
QUIET_CEILING = 4  # ...up to this many times the configured interval


def plan_next_polls(
    polls: Sequence[FeedPoll],
    states: Sequence[FeedState],
    *,
    items_new: Mapping[str, int],
    now: datetime,
) -> list[FeedSchedule]:
    """The schedule of every polled source, in poll order.

    Args:
        states: the sources as stored before these polls; a source without one starts now.
        items_new: how many items new to the warehouse each source's poll brought.
    """
    known = {state.name: state for state in states}
    return [
        plan_next_poll(
            known.get(poll.source) or FeedState(poll.source, poll.url, tracked_since=now),
            poll,
            items_new=items_new.get(poll.source, 0),
            now=now,
        )
        for poll in polls
    ]


def plan_next_poll(
    state: FeedState, poll: FeedPoll, *, items_new: int, now: datetime
) -> FeedSchedule:
    """Decide a source's next poll time and state from its stored state and one poll.

    Success: back to ``active``; the interval returns to the configured one
    when new items came, and stretches (×1.5, at most 4× the configured one)
    on quiet polls. The feed's own hints (``ttl``, ``sy:updatePeriod``,
    Cache-Control ``max-age``) and Retry-After only ever lengthen it.

    Failure: linear backoff, configured interval × consecutive failures;
    ``failing`` from the third failure in a row; ``disabled`` once there has
    been no success for 30 days since the source was added or re-enabled.
    Every interval stays within [10 min, 24 h].
    """
    base = state.interval_minutes
    if poll.failure is not None:
        failures = state.consecutive_failures + 1
        interval = float(base * failures)
        tracked_since = state.tracked_since or now
        since = max(state.last_success_at or tracked_since, tracked_since)
        if now - since >= timedelta(days=DISABLE_AFTER_DAYS):
            status = "disabled"
        elif failures >= FAILING_AFTER_FAILURES:
            status = "failing"
        else:
            status = "active"
    else:
        failures, status = 0, "active"
        current = state.poll_interval_minutes or base
        quiet = min(current * QUIET_GROWTH, base * QUIET_CEILING)
        interval = float(base if items_new else max(current, quiet))
        interval = max([interval, *_hint_minutes(poll)])
    if poll.retry_after_seconds:
        interval = max(interval, poll.retry_after_seconds / 60)
    minutes = int(min(max(interval, MIN_INTERVAL_MINUTES), MAX_INTERVAL_MINUTES))
    return FeedSchedule(poll.source, status, failures, minutes, now + timedelta(minutes=minutes))


def _hint_minutes(poll: FeedPoll) -> list[float]:
    """The intervals the feed asks for: its ``ttl``/``sy:updatePeriod`` and Cache-Control."""
    ttl = poll.feed.interval_hint_minutes if poll.feed else None
    max_age = poll.max_age_seconds / 60 if poll.max_age_seconds else None
    return [float(hint) for hint in (ttl, max_age) if hint]


def plan_page_retry(*, attempts: int, retryable: bool, now: datetime) -> datetime | None:
    """When a feed item's page is fetched again after a failed fetch; None: it is given up.

    Args:
        attempts: failed attempts so far, this one included.
        retryable: the failure may pass (a 5xx, a timeout, an unreachable site).

    Returns:
        1 h, 6 h, then 24 h after ``now`` while attempts remain, else None.
    """
    if not retryable or attempts > len(PAGE_RETRY_DELAYS_MINUTES):
        return None
    return now + timedelta(minutes=PAGE_RETRY_DELAYS_MINUTES[attempts - 1])
