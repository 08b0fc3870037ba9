"""Poll schedules: backoff, quiet stretching, feed hints and Retry-After, from records alone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from connectors import Failure, FeedPoll, FeedState, plan_next_polls
from connectors.records import ParsedFeed
from connectors.schedule import plan_next_poll, plan_page_retry

NOW = datetime(2026, 1, 10, 12, 0)


def poll(*, failed: bool = True, ttl: int | None = None, **kwargs: object) -> FeedPoll:
    fields: dict[str, object] = {
        "source": "Lab",
        "url": "u",
        "final_url": "u",
        "started_at": NOW,
        "duration_ms": 1.0,
        "conditional": False,
        **kwargs,
    }
    if failed:
        fields["failure"] = Failure("feed", "Lab", "u", "dns_error", "boom")
    else:
        fields["feed"] = ParsedFeed("rss20", "t", (), ttl, 0, None)
    return FeedPoll(**fields)  # type: ignore[arg-type]


def state(**kwargs: object) -> FeedState:
    fields: dict[str, object] = {"name": "Lab", "url": "u", "interval_minutes": 20, **kwargs}
    fields.setdefault("tracked_since", NOW)
    return FeedState(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("the_poll", "the_state", "items_new", "minutes"),
    [
        pytest.param(poll(retry_after_seconds=3600.0), state(), 0, 60, id="retry-after"),
        pytest.param(
            poll(retry_after_seconds=10 * 86400.0), state(), 0, 1440, id="retry-after-capped"
        ),
        pytest.param(poll(failed=False, ttl=240), state(), 0, 240, id="ttl-hint"),
        pytest.param(
            poll(failed=False, max_age_seconds=7200.0), state(), 0, 120, id="cache-control"
        ),
        pytest.param(poll(failed=False), state(poll_interval_minutes=20), 0, 30, id="quiet"),
        pytest.param(poll(failed=False), state(poll_interval_minutes=60), 3, 20, id="busy"),
        pytest.param(poll(), state(consecutive_failures=2), 0, 60, id="linear-backoff"),
    ],
)
def test_the_next_poll_honours_hints_within_bounds(
    the_poll: FeedPoll, the_state: FeedState, items_new: int, minutes: int
) -> None:
    schedule = plan_next_poll(the_state, the_poll, items_new=items_new, now=NOW)
    assert schedule.next_poll_at == NOW + timedelta(minutes=minutes)
    assert schedule.poll_interval_minutes == minutes


def test_the_third_failure_in_a_row_makes_a_source_failing() -> None:
    second = plan_next_poll(state(consecutive_failures=1), poll(), items_new=0, now=NOW)
    third = plan_next_poll(state(consecutive_failures=2), poll(), items_new=0, now=NOW)
    assert (second.state, second.consecutive_failures) == ("active", 2)
    assert (third.state, third.consecutive_failures) == ("failing", 3)


def test_thirty_days_without_a_success_disable_a_source() -> None:
    later = NOW + timedelta(days=30)
    schedule = plan_next_poll(state(last_success_at=NOW), poll(), items_new=0, now=later)
    assert schedule.state == "disabled"


def test_a_success_resets_the_failures() -> None:
    schedule = plan_next_poll(
        state(consecutive_failures=5), poll(failed=False), items_new=0, now=NOW
    )
    assert (schedule.state, schedule.consecutive_failures) == ("active", 0)


def test_every_poll_gets_a_schedule_in_order_and_an_unknown_source_starts_now() -> None:
    other = poll(failed=False, source="Wire")
    schedules = plan_next_polls(
        [poll(), other], [state(consecutive_failures=2)], items_new={"Wire": 1}, now=NOW
    )
    assert [(s.source, s.state, s.poll_interval_minutes) for s in schedules] == [
        ("Lab", "failing", 60),
        ("Wire", "active", 60),  # no stored state: the default interval
    ]


@pytest.mark.parametrize(
    ("attempts", "retryable", "expected"),
    [
        pytest.param(1, True, NOW + timedelta(hours=1), id="first"),
        pytest.param(3, True, NOW + timedelta(hours=24), id="third"),
        pytest.param(4, True, None, id="attempts-used"),
        pytest.param(1, False, None, id="final"),
    ],
)
def test_a_failed_page_is_planned_again_with_back_off_until_its_attempts_run_out(
    attempts: int, retryable: bool, expected: datetime | None
) -> None:
    assert plan_page_retry(attempts=attempts, retryable=retryable, now=NOW) == expected
