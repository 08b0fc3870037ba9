"""`newsflow sql`, `status` and `export`: read-only views of the analysts' database."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.render import render_failing_feeds
from tests.factories import FETCHED, failure, tagged_article
from transforms import assign_stories
from warehouse import QueryResult, Warehouse, load_batch


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """A published warehouse with two articles in two months and one failure."""
    warehouse = Warehouse(tmp_path / "news.duckdb")
    with warehouse.writing() as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r1",
            tagged=[
                tagged_article("a", published=datetime(2024, 1, 5)),
                tagged_article("b", published=datetime(2024, 2, 5), topics=("open-source",)),
            ],
            failures=[failure("https://example.com/down")],
            now=FETCHED,
        )
    return warehouse.publish().snapshot


def _sql(snapshot: Path, query: str, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["sql", query, "--format", fmt, "--db", str(snapshot)]) == 0
    return capsys.readouterr().out


def test_sql_prints_an_aligned_table_with_a_row_count(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _sql(
        snapshot, "SELECT article_id, topics FROM articles_enriched ORDER BY 1", "table", capsys
    )
    assert out.splitlines() == [
        "article_id  topics",
        "----------  ---------------",
        'a           ["regulation"]',
        'b           ["open-source"]',
        "(2 rows)",
    ]


def test_sql_csv_and_json_carry_lists_and_times(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "SELECT article_id, published_at, entities FROM articles_enriched ORDER BY 1"
    rows = list(csv.DictReader(io.StringIO(_sql(snapshot, query, "csv", capsys))))
    records = json.loads(_sql(snapshot, query, "json", capsys))
    assert rows[0] == {
        "article_id": "a",
        "published_at": "2024-01-05T00:00:00",
        "entities": '["OpenAI", "EU AI Act"]',
    }
    assert records[1] == {
        "article_id": "b",
        "published_at": "2024-02-05T00:00:00",
        "entities": ["OpenAI", "EU AI Act"],
    }


def test_sql_cannot_change_the_warehouse(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "DELETE FROM articles", "--db", str(snapshot)]) == 2
    assert "read-only" in capsys.readouterr().err
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("", "newsflow sql: no SQL given", id="empty"),
        pytest.param("  \n", "newsflow sql: no SQL given", id="blank"),
        pytest.param("-- just a comment\n;", "newsflow sql: no SQL statement to run", id="comment"),
        pytest.param(
            "SELEC 1", 'newsflow sql: Parser Error: syntax error at or near "SELEC"', id="syntax"
        ),
        pytest.param(
            "SELECT * FROM nope",
            "newsflow sql: Catalog Error: Table with name nope does not exist!",
            id="unknown-table",
        ),
    ],
)
def test_sql_that_cannot_run_is_one_line_and_exit_2(
    snapshot: Path, capsys: pytest.CaptureFixture[str], query: str, message: str
) -> None:
    assert main(["sql", query, "--db", str(snapshot)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_sql_csv_and_json_never_cut_long_cells(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "SELECT repeat('x', 500) AS long"
    table = _sql(snapshot, query, "table", capsys)
    assert "x" * 500 not in table and "…" in table
    assert list(csv.DictReader(io.StringIO(_sql(snapshot, query, "csv", capsys)))) == [
        {"long": "x" * 500}
    ]
    assert json.loads(_sql(snapshot, query, "json", capsys)) == [{"long": "x" * 500}]


def test_sql_on_a_missing_database_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "run `newsflow ingest` first" in capsys.readouterr().err


LONG_ERROR = (
    "https://example.com/feed: HTTP 503 Service Unavailable from the origin behind the CDN, "
    "which says the feed is being rebuilt and to come back later; the body was an HTML page "
    "THE-VERY-END"
)


def _add_failing_source_and_run(snapshot: Path) -> None:
    warehouse = Warehouse(snapshot)
    with warehouse.writing() as con:
        con.execute(
            "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
            "consecutive_failures, last_polled_at, last_error_code, last_error, tracked_since) "
            "VALUES ('down', 'https://example.com/feed', 'rss', [], 30, true, 'failing', 3, "
            "TIMESTAMP '2026-01-01 12:00', 'http_status', ?, TIMESTAMP '2026-01-01')",
            [LONG_ERROR],
        )
        con.execute(
            "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
            "last_polled_at, last_success_at, tracked_since) VALUES ('fine', "
            "'https://example.com/ok', 'rss', [], 30, true, 'active', "
            "TIMESTAMP '2026-01-01 12:00', TIMESTAMP '2026-01-01 12:00', TIMESTAMP '2026-01-01')"
        )
        con.execute(
            "INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r1', 'ingest', "
            "TIMESTAMP '2026-01-01 12:00', 'completed')"
        )
    warehouse.publish()


def test_status_shows_counts_runs_and_sources(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_failing_source_and_run(snapshot)
    assert main(["status", "--db", str(snapshot)]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "1 failures" in out
    assert "r1" in out and "completed" in out
    assert "down" in out and "failing" in out and "http_status" in out


@pytest.mark.parametrize("runs", ["-1", "five"])
def test_status_refuses_a_runs_count_that_is_not_0_or_more(
    runs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["status", "--runs", runs])
    assert caught.value.code == 2
    assert f"{runs!r} is not a count (0 or more)" in capsys.readouterr().err


def test_status_shows_each_failing_feed_with_its_whole_last_error_wrapped(
    snapshot: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_failing_source_and_run(snapshot)
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["status", "--db", str(snapshot)]) == 0
    out = capsys.readouterr().out
    section = out.split("feeds whose last poll failed, with their last error\n", 1)[1]
    head, *message = section.splitlines()
    assert head == "  down: failing, 3 failures in a row, last poll 2026-01-01 12:00: http_status"
    assert all(len(line) <= 60 and line.startswith("    ") for line in message)
    assert " ".join(line.strip() for line in message) == LONG_ERROR
    assert "fine:" not in section


def test_status_json_carries_the_same_content(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_failing_source_and_run(snapshot)
    assert main(["status", "--json", "--db", str(snapshot)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["warehouse"] == str(snapshot)
    assert document["counts"]["articles"] == 2 and document["counts"]["failures"] == 1
    assert document["staged_batches"] == 0 and isinstance(document["schema_version"], int)
    assert [(run["run_id"], run["status"]) for run in document["runs"]] == [("r1", "completed")]
    assert [(s["source"], s["state"], s["last_poll_failed"]) for s in document["sources"]] == [
        ("down", "failing", True),
        ("fine", "active", False),
    ]
    [failing] = document["failing_feeds"]
    assert (failing["source"], failing["last_error"]) == ("down", LONG_ERROR)


def test_export_writes_parquet_partitioned_by_published_month(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "parquet"
    assert main(["export", "--parquet", str(out), "--db", str(snapshot)]) == 0
    months = sorted(p.name for p in (out / "articles").iterdir())
    assert months == ["published_month=2024-01", "published_month=2024-02"]
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT article_id, published_month FROM read_parquet('{out}/articles/*/*.parquet', "
            "hive_partitioning = true) ORDER BY 1"
        ).fetchall()
    assert rows == [("a", "2024-01"), ("b", "2024-02")]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("COPY articles TO '{tmp}/out.csv'", id="copy-to"),
        pytest.param("COPY (SELECT title FROM articles) TO '{tmp}/out.parquet'", id="copy-query"),
        pytest.param("EXPORT DATABASE '{tmp}/out'", id="export-database"),
        pytest.param("SELECT * FROM read_csv('/etc/passwd')", id="read-csv"),
        pytest.param("SELECT * FROM read_text('/etc/passwd')", id="read-text"),
        pytest.param("WITH f AS (SELECT * FROM glob('/etc/*')) SELECT * FROM f", id="glob-in-cte"),
        pytest.param("SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')", id="http-read"),
        pytest.param("ATTACH '{tmp}/out.duckdb' AS other", id="attach"),
        pytest.param("ATTACH ':memory:' AS scratch", id="attach-memory"),
        pytest.param("INSTALL httpfs", id="install"),
        pytest.param("LOAD httpfs", id="load"),
        pytest.param("SET enable_external_access = true", id="set-external-access"),
        pytest.param("SET lock_configuration = false", id="set-lock"),
        pytest.param("RESET enable_external_access", id="reset"),
        pytest.param("PRAGMA enable_profiling", id="pragma-setting"),
        pytest.param("SELECT 1; COPY articles TO '{tmp}/out.csv'", id="second-statement"),
    ],
)
def test_sql_refuses_to_reach_past_the_database(
    snapshot: Path, tmp_path: Path, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert main(["sql", query.format(tmp=scratch), "--db", str(snapshot)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsflow: refused: ") and err.count("\n") == 1
    assert list(scratch.iterdir()) == []


def test_sql_still_reads_the_database_and_duckdb_functions(
    snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = (
        "SELECT count(*) AS n, max(strftime(published_at, '%Y-%m')) AS month, "
        "json_extract('{\"a\": 1}', '$.a') AS j FROM articles"
    )
    assert json.loads(_sql(snapshot, query, "json", capsys)) == [
        {"n": 2, "month": "2024-02", "j": "1"}
    ]


HOSTILE = "\x1b[2J\x1b]0;owned\x07Evil\u202eeltiT\x9b31m\x7f\tend"


@pytest.fixture
def hostile_snapshot(tmp_path: Path) -> Path:
    """A published warehouse whose article title and failure message carry terminal controls."""
    warehouse = Warehouse(tmp_path / "news.duckdb")
    item = tagged_article("a")
    item = replace(item, article=replace(item.article, title=HOSTILE))
    with warehouse.writing() as con:
        load_batch(
            con, assign_stories=assign_stories, run_id="r1", tagged=[item], failures=[], now=FETCHED
        )
        con.execute(
            "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
            "last_error_code, last_error, tracked_since, last_polled_at) VALUES ('evil', "
            "'https://example.com/feed', 'rss', [], 30, true, 'failing', 'parse_error', ?, "
            "TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-02')",
            [HOSTILE],
        )
    return warehouse.publish().snapshot


def _no_controls(text: str) -> bool:
    return not any(
        (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u202a"
        for c in text
    )


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_sql_prints_terminal_controls_as_visible_escapes(
    hostile_snapshot: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _sql(hostile_snapshot, "SELECT title FROM articles", fmt, capsys)
    assert _no_controls(out)
    assert "[2J" in out and "Evil" in out
    if fmt == "json":
        assert json.loads(out) == [{"title": HOSTILE}]  # escapes keep the exact text
    else:
        assert "\\x1b[2J\\x1b]0;owned\\x07Evil\\u202eeltiT\\x9b31m\\x7f" in out


def test_status_prints_terminal_controls_as_visible_escapes(
    hostile_snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--db", str(hostile_snapshot)]) == 0
    out = capsys.readouterr().out
    assert "evil" in out and "\\x1b[2J" in out
    assert _no_controls(out)


def test_status_json_escapes_terminal_controls_and_keeps_the_text(
    hostile_snapshot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--json", "--db", str(hostile_snapshot)]) == 0
    out = capsys.readouterr().out
    assert _no_controls(out)
    [feed] = json.loads(out)["failing_feeds"]
    assert feed["last_error"] == HOSTILE


def test_a_failing_feeds_message_does_not_repeat_the_source_its_head_names() -> None:
    result = QueryResult(
        ("source", "state", "failures_in_a_row", "last_polled_at", "last_error_code", "last_error"),
        (("Lab", "failing", 3, None, "dns_error", "source 'Lab': https://lab.example/feed: gone"),),
    )
    assert render_failing_feeds(result, width=80) == (
        "  Lab: failing, 3 failures in a row: dns_error\n    https://lab.example/feed: gone\n"
    )
