"""The spool: staged batches survive failures and kills, and every one lands exactly once."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.factories import failure, tagged_article
from transforms import assign_stories
from warehouse.db import connect_warehouse
from warehouse.spool import _decode, _encode, list_spooled, load_spooled, read_spooled, spool_batch

NOW = datetime(2026, 1, 1, 12)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_spooled_batch_reads_back_equal(tmp_path: Path) -> None:
    tagged = [tagged_article("a", published=None), tagged_article("b", topics=())]
    failures = [failure("https://example.com/x")]
    path = spool_batch(tmp_path, run_id="r1", tagged=tagged, failures=failures, now=NOW)
    batch = read_spooled(path)
    assert (batch.run_id, batch.spooled_at, batch.batch_id) == ("r1", NOW, path.stem)
    assert (list(batch.tagged), list(batch.failures)) == (tagged, failures)


def test_records_and_dicts_survive_the_encoding() -> None:
    record = failure("https://example.com/a")
    assert _decode(_encode([record, {"etag": "x"}])) == (record, {"etag": "x"})


def test_page_bytes_are_refused_by_the_spool() -> None:
    """Pages travel as references to the files their workers wrote, never inside a spool file."""
    with pytest.raises(TypeError, match="bytes"):
        _encode([b"<html>"])


def test_spool_files_list_oldest_first_and_skip_partial_files(tmp_path: Path) -> None:
    later = spool_batch(tmp_path, run_id="r", tagged=[], failures=[], now=NOW.replace(hour=13))
    first = spool_batch(tmp_path, run_id="r", tagged=[], failures=[], now=NOW)
    (tmp_path / ".x.partial").write_text("{", encoding="utf-8")
    assert list_spooled(tmp_path) == [first, later]


def test_a_replayed_spool_file_loads_once(tmp_path: Path, db_path: Path) -> None:
    path = spool_batch(
        tmp_path / "spool",
        run_id="r1",
        tagged=[tagged_article("a")],
        failures=[failure("u")],
        now=NOW,
    )
    copy = tmp_path / "copy.json"
    shutil.copy(path, copy)
    con = connect_warehouse(db_path)
    first = load_spooled(con, path, run_id="r2", now=NOW, assign_stories=assign_stories)
    again = load_spooled(
        con, copy, run_id="r2", now=NOW, assign_stories=assign_stories
    )  # as if killed before the unlink
    assert (first.new, first.failures, again.new, again.failures) == (1, 1, 0, 0)
    assert not path.exists() and not copy.exists()
    assert [_count(con, f"SELECT count(*) FROM {t}") for t in ("failures", "load_batches")] == [
        1,
        1,
    ]


def test_an_unreadable_spool_file_is_set_aside_as_a_failure(tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / "20260101T000000000000-bad.json"
    bad.write_text('{"batch_id": 1}', encoding="utf-8")
    con = connect_warehouse(db_path)
    counts = load_spooled(con, bad, run_id="r9", now=NOW, assign_stories=assign_stories)
    assert counts.failures == 1 and list_spooled(tmp_path) == []
    assert bad.with_suffix(".rejected").exists()
    assert con.execute("SELECT run_id, error_code FROM failures").fetchall() == [
        ("r9", "bad_spool")
    ]


def _run_child(private: Path, snapshot: Path, run_id: str, kill_after: str | None) -> str:
    """Run the loader; with ``kill_after``, SIGKILL it soon after it prints that line."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.warehouse.load_child"]
        + [str(private), str(snapshot), run_id, str(ARTICLES), str(BATCH)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    seen = ""
    for line in child.stdout:
        seen = line.strip()
        if kill_after is not None and seen.startswith(kill_after):
            # Land somewhere inside the step (a load takes ~0.1-0.3 s here): at its start or
            # some way into it, varying with the run id.
            time.sleep(random.Random(run_id).uniform(0, 0.1))
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=120)
    return seen


ARTICLES, BATCH = 300, 50


@pytest.mark.parametrize(
    "kills",
    [
        pytest.param(("load 3 ", "publish"), id="in-a-load-then-in-the-publish"),
        pytest.param(("load 0 ", "load 1 "), id="in-the-first-loads-twice"),
    ],
)
def test_sigkill_mid_load_then_rerun_gives_every_article_exactly_once(
    tmp_path: Path, kills: tuple[str, ...]
) -> None:
    private, snapshot = tmp_path / "news.private", tmp_path / "news.duckdb"
    for number, kill_after in enumerate(kills):
        _run_child(private, snapshot, f"killed-{number}-{kill_after}", kill_after)
        # Reopening also finishes migrations a kill may have interrupted.
        with connect_warehouse(private / "warehouse.duckdb") as con:
            loaded = _count(con, "SELECT count(*) FROM articles")
        assert loaded % BATCH == 0, "a batch was half-written"
        if kill_after.startswith("load"):
            assert list_spooled(private / "spool"), "the kill came after the loads"
    assert _run_child(private, snapshot, "rerun", None) == "done"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        counts = [
            _count(con, f"SELECT count(*) FROM {table}")
            for table in ("articles", "article_topics", "article_entities", "entities")
        ]
        failures = _count(con, "SELECT count(*) FROM failures")
        distinct_failures = _count(con, "SELECT count(DISTINCT url_or_path) FROM failures")
        batches = _count(con, "SELECT count(*) FROM load_batches")
    assert counts == [ARTICLES, ARTICLES, 2 * ARTICLES, 2]
    assert failures == distinct_failures == batches  # one failure per batch, each batch once
    assert list_spooled(private / "spool") == []
