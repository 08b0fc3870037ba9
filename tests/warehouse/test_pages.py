"""Feed items' page state: pending until an article or a failure; retries back off, then stop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from connectors import Failure, PageRequest
from connectors.schedule import plan_page_retry
from tests.factories import tagged_article
from tests.warehouse.test_feeds import LAB, NOW, item, success
from transforms import assign_stories, canonical_links
from warehouse import load_batch, load_feed_polls, select_due_pages, sync_sources
from warehouse.db import connect_warehouse
from warehouse.runs import FolderRunLocks, start_run

A, B, C = "https://example.com/a", "https://example.com/b", "https://example.com/c"


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_warehouse(db_path)
    sync_sources(connection, [LAB], NOW)
    poll = success("Lab", item("a", A), item("b", B), item("dup", A), item("none", None))
    load_feed_polls(
        connection, run_id="r1", polls=[poll], canonical_urls=canonical_links([poll]), now=NOW
    )
    return connection


@pytest.fixture
def locks(tmp_path: Path) -> Iterator[FolderRunLocks]:
    """Run locks in a folder of the test's own; the runs' locks are let go afterwards."""
    folder = FolderRunLocks(tmp_path / "runs")
    yield folder
    for run_id in ("r1", "r2"):
        folder.release(run_id)


def due(con: duckdb.DuckDBPyConnection, at: datetime) -> list[str]:
    return [request.url for request in select_due_pages(con, at)]


def state(con: duckdb.DuckDBPyConnection, guid: str) -> tuple[str, int, datetime | None]:
    row = con.execute(
        "SELECT page_state, page_attempts, page_next_attempt_at FROM feed_items WHERE guid = ?",
        [guid],
    ).fetchone()
    assert row is not None
    return row


def fail(con: duckdb.DuckDBPyConnection, url: str, retry_at: datetime | None) -> None:
    failure = Failure("fetch", "Lab", url, "http_status", "HTTP 503", retry_at=retry_at)
    load_batch(
        con, assign_stories=assign_stories, run_id="r", tagged=[], failures=[failure], now=NOW
    )


def fail_due(con: duckdb.DuckDBPyConnection, url: str, at: datetime) -> None:
    """Fail the due page ``url`` at ``at`` as its fetch would, planning its retry from attempts."""
    [request] = [r for r in select_due_pages(con, at) if r.url == url]
    retry_at = plan_page_retry(attempts=request.attempts + 1, retryable=True, now=at)
    fail(con, url, retry_at)


def test_new_items_are_pending_and_duplicates_or_linkless_items_are_skipped(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert due(con, NOW) == [A, B]
    assert [state(con, g)[0] for g in ("a", "b", "dup", "none")] == [
        "pending",
        "pending",
        "skipped",
        "skipped",
    ]


def test_a_pending_page_stays_due_until_its_article_is_loaded(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert due(con, NOW + timedelta(days=3)) == [A, B]  # a crashed run's pages wait for the next
    article = tagged_article("a")
    load_batch(
        con, assign_stories=assign_stories, run_id="r2", tagged=[article], failures=[], now=NOW
    )
    assert state(con, "a")[0] == "done"
    assert due(con, NOW) == [B]


def test_a_passing_failure_is_retried_with_back_off_then_given_up(
    con: duckdb.DuckDBPyConnection,
) -> None:
    at = NOW
    waits = []
    for _ in range(3):
        fail_due(con, B, at)
        page_state, _, next_at = state(con, "b")
        assert page_state == "retry" and next_at is not None
        assert due(con, next_at - timedelta(seconds=1)) == [A]
        assert due(con, next_at) == [A, B]
        waits.append(next_at - at)
        at = next_at
    fail_due(con, B, at)
    assert state(con, "b") == ("failed", 4, None)
    assert waits == [timedelta(hours=1), timedelta(hours=6), timedelta(hours=24)]
    assert due(con, at + timedelta(days=30)) == [A]


def test_a_failure_without_a_retry_time_gives_the_page_up_at_once(
    con: duckdb.DuckDBPyConnection,
) -> None:
    fail(con, B, None)
    assert state(con, "b") == ("failed", 1, None)
    assert due(con, NOW + timedelta(days=30)) == [A]


def test_a_failure_of_a_page_already_done_does_not_reopen_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load_batch(
        con,
        assign_stories=assign_stories,
        run_id="r2",
        tagged=[tagged_article("a")],
        failures=[],
        now=NOW,
    )
    fail(con, A, NOW + timedelta(hours=1))  # e.g. a backfill's refetch of the same page
    assert state(con, "a")[0] == "done"


def test_an_article_after_a_failure_marks_the_page_done(con: duckdb.DuckDBPyConnection) -> None:
    fail(con, B, NOW + timedelta(hours=1))
    load_batch(
        con,
        assign_stories=assign_stories,
        run_id="r3",
        tagged=[tagged_article("b")],
        failures=[],
        now=NOW,
    )
    assert state(con, "b")[:2] == ("done", 1)


def test_an_extraction_failure_ends_the_page(con: duckdb.DuckDBPyConnection) -> None:
    empty = Failure("extract", "Lab", A, "extraction_empty", "no text")
    load_batch(con, assign_stories=assign_stories, run_id="r", tagged=[], failures=[empty], now=NOW)
    assert state(con, "a")[0] == "failed"


def test_a_seed_article_with_the_same_url_leaves_feed_pages_alone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seed = tagged_article("a")
    seed = replace(seed, article=replace(seed.article, origin="seed"))
    load_batch(con, assign_stories=assign_stories, run_id="r", tagged=[seed], failures=[], now=NOW)
    assert state(con, "a")[0] == "pending"


def test_this_runs_pages_keep_their_secret_links_and_stand_for_their_stored_rows(
    con: duckdb.DuckDBPyConnection,
) -> None:
    signed = "https://example.com/c?token=s3cret"
    polls = [success("Lab", item("c", signed))]
    links = canonical_links(polls)
    [fresh] = load_feed_polls(con, run_id="r2", polls=polls, canonical_urls=links, now=NOW).requests
    stored = con.execute("SELECT url FROM feed_items WHERE guid = 'c'").fetchone()
    assert stored is not None and "s3cret" not in stored[0]
    assert [r.url for r in select_due_pages(con, NOW, fresh=[fresh])] == [signed, A, B]


def test_pending_pages_of_a_live_other_run_are_left_to_it(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)  # alive: holds its lock
    [fresh] = _store_c(con, run_id="r2")
    start_run(con, run_id="r2", flow="ingest", now=NOW, locks=locks)

    assert _urls(select_due_pages(con, NOW, fresh=[fresh], run_id="r2", locks=locks)) == [C]


def test_a_live_runs_pending_pages_are_due_once_it_releases_its_lock(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)
    locks.release("r1")  # its process died: the row still says running

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=locks)) == [A, B]


def test_a_crashed_runs_pending_pages_are_due(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)
    locks.release("r1")
    assert start_run(con, run_id="r2", flow="ingest", now=NOW, locks=locks) == ["r1"]

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=locks)) == [A, B]


def test_pending_pages_of_a_run_that_ended_are_due_while_its_process_lives(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)
    con.execute("UPDATE runs SET status = 'failed' WHERE run_id = 'r1'")

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=locks)) == [A, B]


def test_a_runs_own_pending_pages_are_due_to_it_after_its_fresh_ones(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)
    [fresh] = _store_c(con, run_id="r1")

    assert _urls(select_due_pages(con, NOW, fresh=[fresh], run_id="r1", locks=locks)) == [C, A, B]


def test_items_of_a_run_without_a_runs_row_are_due(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    locks.hold("r1")  # the fixture's items' run, never recorded in runs (older warehouses)

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=locks)) == [A, B]


def test_retries_of_a_live_other_run_are_due(
    con: duckdb.DuckDBPyConnection, locks: FolderRunLocks
) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=locks)
    fail(con, B, NOW)

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=locks)) == [B]


def test_without_run_locks_every_pending_page_is_due(con: duckdb.DuckDBPyConnection) -> None:
    start_run(con, run_id="r1", flow="ingest", now=NOW, locks=None)

    assert _urls(select_due_pages(con, NOW, run_id="r2", locks=None)) == [A, B]


def _store_c(con: duckdb.DuckDBPyConnection, *, run_id: str) -> list[PageRequest]:
    polls = [success("Lab", item("c", C))]
    links = canonical_links(polls)
    return load_feed_polls(con, run_id=run_id, polls=polls, canonical_urls=links, now=NOW).requests


def _urls(requests: list[PageRequest]) -> list[str]:
    return [request.url for request in requests]
