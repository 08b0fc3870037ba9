"""The ingest run's feeds: the due ones, polled a batch at once, stored with their next polls.

The ingest flow plans once, then polls batch by batch; a poll's new items come back as page
requests, and the rest of each poll (its parsed feed, its schedule) stays in the warehouse.
"""

from __future__ import annotations

import socket
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from connectors import (
    Failure,
    FeedPoll,
    FeedState,
    PageRequest,
    fetch_feeds,
    plan_next_polls,
    read_sources,
    utcnow,
)
from flows.progress import report_progress
from flows.reporting import run_logger
from flows.settings import FetchSettings
from transforms import canonical_links
from warehouse import (
    Warehouse,
    load_feed_polls,
    load_feed_schedules,
    select_due_feeds,
    select_feed_states,
)


@task(cache_policy=NONE)
def plan_feeds_task(warehouse: Warehouse, sources_file: str, force: bool) -> list[FeedState]:
    """Sync sources.yaml into the warehouse and return the feeds due for a poll.

    The warehouse keeps each URL with its secrets redacted; the poll uses the real one.
    """
    sources = read_sources(Path(sources_file))
    names = [source.name for source in sources if source.enabled]
    listed_by = f"{socket.gethostname()}:{Path(sources_file).resolve()}"
    with warehouse.turn():
        warehouse.sync_sources(sources, listed_by=listed_by, now=utcnow())
        with warehouse.writing() as con:
            due = select_due_feeds(con, names, utcnow(), force=force)
    urls = {source.name: source.url for source in sources}
    return [replace(state, url=urls[state.name]) for state in due]


@dataclass(frozen=True, slots=True)
class PolledFeeds:
    """What one batch of feed polls leaves for the rest of the run."""

    requests: list[PageRequest]  # the new items' pages, links as the feeds gave them
    failures: list[Failure]
    polled: int


@task(cache_policy=NONE)
def poll_feeds_task(
    warehouse: Warehouse,
    run_id: str,
    states: list[FeedState],
    fetch: FetchSettings,
    force: bool = False,
) -> PolledFeeds:
    """Poll one batch of feeds concurrently, then store polls, items and schedules.

    Only the feeds this run claims are polled (a lake's writers on other machines may be
    polling some), and only those still due once claimed (another run may have just polled
    one). The parsed feeds stay inside the task (Prefect keeps every task's return value
    until its flow run ends); only the new items' pages come back (stored as pending too,
    so a crash before they are fetched loses none: plan_pages_task).
    """
    logger = run_logger()
    with warehouse.polling([state.name for state in states]) as claimed:
        due, enabled = _still_due(warehouse, states, claimed, force)
        _log_skipped(states, claimed, enabled, due)
        report_progress("feeds", len(states) - len(due))
        if not due:
            return PolledFeeds([], [], 0)
        polls = fetch_feeds(
            due,
            policy=fetch.policy,
            deadline=fetch.feed_deadline,
            max_bytes=fetch.max_feed_bytes,
        )
        report_progress("feeds", len(polls))
        links = canonical_links(polls)
        with warehouse.turn():  # one turn, several transactions (each retried alone on a lake)
            now = utcnow()
            # As stored now, inside the turn: a concurrent run's polls of a source count.
            with warehouse.writing() as con:
                before = select_feed_states(con, [poll.source for poll in polls])
            stored = warehouse.write(
                load_feed_polls, run_id=run_id, polls=polls, canonical_urls=links, now=now
            )
            schedules = plan_next_polls(polls, before, items_new=stored.items_new, now=now)
            warehouse.write(load_feed_schedules, polls=polls, schedules=schedules, now=now)
    requests = stored.requests
    new_pages = Counter(request.source for request in requests)
    for poll in polls:
        logger.info(_poll_line(poll, new_pages[poll.source]))
    failures = [poll.failure for poll in polls if poll.failure is not None]
    return PolledFeeds(requests, failures, len(polls))


def _log_skipped(
    planned: list[FeedState], claimed: list[str], enabled: set[str], due: list[FeedState]
) -> None:
    logger = run_logger()
    polling = {state.name for state in due}
    for state in planned:
        if state.name not in claimed:
            logger.info(f"feed {state.name}: another run is polling it; skipped")
        elif state.name not in enabled:
            logger.info(f"feed {state.name}: disabled since this run planned; skipped")
        elif state.name not in polling:
            logger.info(f"feed {state.name}: polled by another run since this one planned; skipped")


def _still_due(
    warehouse: Warehouse, planned: list[FeedState], claimed: list[str], force: bool
) -> tuple[list[FeedState], set[str]]:
    """The claimed feeds as stored now, if still due, with the URLs (secrets kept) planned.

    Also the names of those still enabled, due or not (``force`` ignores the schedule), so
    that a feed disabled since the plan is not said to be polled by another run.
    """
    if not claimed:
        return [], set()
    urls = {state.name: state.url for state in planned}
    now = utcnow()
    with warehouse.writing() as con:
        due = select_due_feeds(con, claimed, now, force=force)
        enabled = {state.name for state in select_due_feeds(con, claimed, now, force=True)}
    return [replace(state, url=urls[state.name]) for state in due], enabled


def _poll_line(poll: FeedPoll, new_items: int) -> str:
    """``feed lab: HTTP 200, 3 new items`` or ``feed lab: dns_error (no response): <message>``."""
    status = "no response" if poll.status is None else f"HTTP {poll.status}"
    if poll.failure is not None:
        return f"feed {poll.source}: {poll.failure.error_code} ({status}): {poll.failure.message}"
    unchanged = ", unchanged" if poll.unchanged else ""
    return f"feed {poll.source}: {status}{unchanged}, {new_items} new items"
