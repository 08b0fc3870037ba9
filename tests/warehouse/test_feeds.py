"""Feed state in DuckDB: due feeds, new-item anti-join and dedupe, failure states, re-enabling."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from connectors import Failure, FeedPoll, PageRequest, Source, plan_next_polls
from connectors.records import FeedItem, ParsedFeed
from transforms import canonical_links
from warehouse import (
    Warehouse,
    enable_source,
    load_feed_polls,
    load_feed_schedules,
    select_due_feeds,
    select_feed_states,
    select_sources,
    sync_sources,
)
from warehouse.db import connect_warehouse

NOW = datetime(2026, 1, 10, 12, 0)
LAB = Source("Lab", "https://lab.example/feed", interval_minutes=60)
WIRE = Source("Wire", "https://wire.example/rss", interval_minutes=30)


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_warehouse(db_path)
    sync_sources(connection, [LAB, WIRE], NOW)
    return connection


def item(guid: str, url: str | None) -> FeedItem:
    return FeedItem(guid, url, f"title {guid}", None, None, None)


def success(source: str, *items: FeedItem, **kwargs: object) -> FeedPoll:
    feed = ParsedFeed("rss20", "t", tuple(items), None, 0, None)
    fields: dict[str, object] = {
        "source": source,
        "url": "u",
        "final_url": "u",
        "started_at": NOW,
        "duration_ms": 1.0,
        "conditional": False,
        "status": 200,
        "feed": feed,
        "body_sha256": "h1",
        **kwargs,
    }
    return FeedPoll(**fields)  # type: ignore[arg-type]


def failure(source: str, code: str = "dns_error", **kwargs: object) -> FeedPoll:
    fields: dict[str, object] = {
        "source": source,
        "url": "u",
        "final_url": "u",
        "started_at": NOW,
        "duration_ms": 1.0,
        "conditional": False,
        "failure": Failure("feed", source, "u", code, "boom"),
        **kwargs,
    }
    return FeedPoll(**fields)  # type: ignore[arg-type]


def record_polls(
    con: duckdb.DuckDBPyConnection, *, run_id: str, polls: list[FeedPoll], now: datetime
) -> list[PageRequest]:
    """What the ingest flow does with a batch of polls: store them, then move their sources."""
    before = select_feed_states(con, [poll.source for poll in polls])
    links = canonical_links(polls)
    stored = load_feed_polls(con, run_id=run_id, polls=polls, canonical_urls=links, now=now)
    schedules = plan_next_polls(polls, before, items_new=stored.items_new, now=now)
    load_feed_schedules(con, polls=polls, schedules=schedules, now=now)
    return stored.requests


def due(con: duckdb.DuckDBPyConnection, at: datetime, force: bool = False) -> list[str]:
    return [s.name for s in select_due_feeds(con, ["Lab", "Wire"], at, force=force)]


def test_new_sources_are_due_at_once(con: duckdb.DuckDBPyConnection) -> None:
    assert due(con, NOW) == ["Lab", "Wire"]


def test_a_polled_source_is_not_due_inside_its_interval_unless_forced(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_polls(con, run_id="r1", polls=[success("Lab", item("a", "https://x/a"))], now=NOW)
    assert due(con, NOW + timedelta(minutes=5)) == ["Wire"]
    assert due(con, NOW + timedelta(minutes=5), force=True) == ["Lab", "Wire"]
    assert due(con, NOW + timedelta(minutes=61)) == ["Lab", "Wire"]


def test_items_are_deduplicated_by_guid_and_canonical_url_within_and_across_feeds(
    con: duckdb.DuckDBPyConnection,
) -> None:
    first = success(
        "Lab",
        item("a", "https://x.example/story?utm_source=rss"),
        item("a", "https://x.example/other"),  # same GUID again: ignored
        item("b", "https://x.example/story"),  # same canonical URL
        item("c", None),  # no link: stored, nothing to fetch
    )
    second = success("Wire", item("w1", "https://X.example/story#top"))
    requests = record_polls(con, run_id="r1", polls=[first, second], now=NOW)
    assert [r.url for r in requests] == ["https://x.example/story?utm_source=rss"]
    rows = con.execute(
        "SELECT source, guid, duplicate_of_seen FROM feed_items ORDER BY source, guid"
    ).fetchall()
    assert rows == [
        ("Lab", "a", False),
        ("Lab", "b", True),
        ("Lab", "c", False),
        ("Wire", "w1", True),
    ]
    fetches = con.execute(
        "SELECT source, items_new, items_seen FROM feed_fetches ORDER BY source"
    ).fetchall()
    assert fetches == [("Lab", 2, 2), ("Wire", 0, 1)]


def test_a_second_poll_of_the_same_items_finds_nothing_new(
    con: duckdb.DuckDBPyConnection,
) -> None:
    poll = success("Lab", item("a", "https://x/a"), item("b", "https://x/b"))
    assert len(record_polls(con, run_id="r1", polls=[poll], now=NOW)) == 2
    later = NOW + timedelta(hours=2)
    assert record_polls(con, run_id="r2", polls=[poll], now=later) == []


def test_a_url_already_loaded_as_an_article_is_not_fetched_again(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute(
        "INSERT INTO articles (article_id, url, canonical_url, source, origin, title, "
        "title_derived, text, word_count, content_hash, first_seen_at, last_seen_at, "
        "fetched_at, extractor_version, tagger_version, run_id) VALUES "
        "('id', 'https://x/a', 'https://x/a', 's', 'seed', 't', false, 'x', 1, 'h', "
        "now(), now(), now(), 'e', 't', 'r0')"
    )
    assert (
        record_polls(con, run_id="r1", polls=[success("Lab", item("a", "https://x/a"))], now=NOW)
        == []
    )


def test_three_failures_make_a_source_failing_and_the_wait_grows(
    con: duckdb.DuckDBPyConnection,
) -> None:
    moment = NOW
    waits = []
    for _ in range(3):
        record_polls(con, run_id="r", polls=[failure("Lab")], now=moment)
        [(state, failures, next_poll)] = con.execute(
            "SELECT state, consecutive_failures, next_poll_at FROM sources WHERE name = 'Lab'"
        ).fetchall()
        waits.append(next_poll - moment)
        moment = next_poll
    assert (state, failures) == ("failing", 3)
    assert waits == [timedelta(minutes=60), timedelta(minutes=120), timedelta(minutes=180)]
    assert con.execute(
        "SELECT count(*) FROM feed_fetches WHERE error_code = 'dns_error'"
    ).fetchone() == (3,)


def test_no_success_for_thirty_days_disables_and_enable_restores(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_polls(con, run_id="r1", polls=[success("Lab", item("a", "https://x/a"))], now=NOW)
    later = NOW + timedelta(days=31)
    record_polls(con, run_id="r2", polls=[failure("Lab", "http_status")], now=later)
    [status] = [s for s in select_sources(con) if s.name == "Lab"]
    assert status.state == "disabled"
    assert "Lab" not in due(con, later + timedelta(days=2), force=True)
    assert con.execute("SELECT count(*) FROM feed_items WHERE source = 'Lab'").fetchone() == (1,)
    assert enable_source(con, "Lab", later)
    assert due(con, later) == ["Lab", "Wire"]
    assert not enable_source(con, "Nobody", later)


def test_a_success_resets_the_failure_count(con: duckdb.DuckDBPyConnection) -> None:
    record_polls(con, run_id="r1", polls=[failure("Lab")], now=NOW)
    record_polls(con, run_id="r2", polls=[success("Lab")], now=NOW + timedelta(hours=1))
    [status] = [s for s in select_sources(con) if s.name == "Lab"]
    assert (status.state, status.consecutive_failures) == ("active", 0)


def test_feed_health_shows_a_failed_last_poll_before_the_source_is_failing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_polls(con, run_id="r1", polls=[success("Lab"), success("Wire")], now=NOW)
    later = NOW + timedelta(hours=1)
    record_polls(con, run_id="r2", polls=[failure("Lab"), success("Wire")], now=later)
    rows = con.execute(
        "SELECT source, state, last_poll_failed, last_error_code FROM feed_health ORDER BY 1"
    ).fetchall()
    assert rows == [("Lab", "active", True, "dns_error"), ("Wire", "active", False, None)]
    record_polls(con, run_id="r3", polls=[success("Lab")], now=later + timedelta(hours=1))
    assert con.execute(
        "SELECT last_poll_failed FROM feed_health WHERE source = 'Lab'"
    ).fetchone() == (False,)


def test_feed_health_knows_nothing_of_a_source_never_polled(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert con.execute(
        "SELECT last_poll_failed FROM feed_health WHERE source = 'Lab'"
    ).fetchone() == (None,)


def test_a_server_that_keeps_its_etag_for_a_new_body_loses_trust(
    con: duckdb.DuckDBPyConnection,
) -> None:
    record_polls(con, run_id="r1", polls=[success("Lab", etag='"v1"')], now=NOW)
    lying = success("Lab", etag='"v1"', body_sha256="h2", validators_lied=True)
    record_polls(con, run_id="r2", polls=[lying], now=NOW + timedelta(hours=13))
    [state] = select_due_feeds(con, ["Lab"], NOW + timedelta(days=2))
    assert (state.validators_trusted, state.body_sha256, state.etag) == (False, "h2", '"v1"')


def test_a_changed_url_forgets_the_validators(con: duckdb.DuckDBPyConnection) -> None:
    record_polls(con, run_id="r1", polls=[success("Lab", etag='"v1"')], now=NOW)
    sync_sources(con, [Source("Lab", "https://lab.example/new-feed"), WIRE], NOW)
    [state] = select_due_feeds(con, ["Lab"], NOW)
    assert (state.url, state.etag, state.body_sha256) == (
        "https://lab.example/new-feed",
        None,
        None,
    )


def test_sources_that_leave_the_file_stop_polling_but_keep_history(
    con: duckdb.DuckDBPyConnection,
) -> None:
    sync_sources(con, [WIRE], NOW)
    assert due(con, NOW) == ["Wire"]
    assert {s.name: s.enabled for s in select_sources(con)} == {"Lab": False, "Wire": True}


def test_a_file_sharing_the_warehouse_stops_polling_only_the_sources_it_listed_last(
    con: duckdb.DuckDBPyConnection,
) -> None:
    mine, theirs = "host-a:/srv/a.yaml", "host-b:/srv/b.yaml"
    sync_sources(con, [LAB], NOW, listed_by=mine)
    sync_sources(con, [WIRE], NOW, listed_by=theirs)
    assert due(con, NOW) == ["Lab", "Wire"]
    sync_sources(con, [], NOW, listed_by=mine)  # Lab left my file
    assert {s.name: s.enabled for s in select_sources(con)} == {"Lab": False, "Wire": True}
    rows = con.execute("SELECT name, listed_by FROM sources ORDER BY name").fetchall()
    assert rows == [("Lab", mine), ("Wire", theirs)]


def _enabled(warehouse: Warehouse) -> dict[str, bool]:
    with warehouse.writing() as con:
        return {s.name: s.enabled for s in select_sources(con)}


def test_two_files_synced_into_one_embedded_warehouse_both_stay_polling(db_path: Path) -> None:
    warehouse = Warehouse(db_path)
    warehouse.sync_sources([LAB], listed_by="host:/srv/a.yaml", now=NOW)
    warehouse.sync_sources([WIRE], listed_by="host:/srv/b.yaml", now=NOW)
    assert _enabled(warehouse) == {"Lab": True, "Wire": True}
    with warehouse.writing() as con:
        assert due(con, NOW) == ["Lab", "Wire"]


def test_a_source_dropped_from_its_file_stops_polling_in_the_embedded_warehouse(
    db_path: Path,
) -> None:
    warehouse = Warehouse(db_path)
    warehouse.sync_sources([LAB, WIRE], listed_by="host:/srv/a.yaml", now=NOW)
    warehouse.sync_sources([WIRE], listed_by="host:/srv/a.yaml", now=NOW)
    assert _enabled(warehouse) == {"Lab": False, "Wire": True}


def test_polls_stored_without_their_schedules_leave_the_source_due(
    con: duckdb.DuckDBPyConnection,
) -> None:
    polls = [success("Lab", item("a", "https://x/a"))]
    stored = load_feed_polls(
        con, run_id="r1", polls=polls, canonical_urls=canonical_links(polls), now=NOW
    )
    assert stored.items_new == {"Lab": 1} and len(stored.requests) == 1
    assert due(con, NOW) == ["Lab", "Wire"]  # a crash before the schedules: polled again
    assert (
        record_polls(con, run_id="r2", polls=[success("Lab", item("a", "https://x/a"))], now=NOW)
        == []
    )
