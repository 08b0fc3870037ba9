"""Publishing: analysts' connections never block a publish, and see old or new, never a mix."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from tests.factories import FETCHED, tagged_article
from transforms import assign_stories
from warehouse import load_batch
from warehouse.db import connect_warehouse, migrations
from warehouse.publish import publish_snapshot

HOLD_WRITE_LOCK = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""


def _articles(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM articles").fetchone()
    assert row is not None
    return int(row[0])


def _articles_elsewhere(path: Path) -> int:
    script = (
        "import sys, duckdb; "
        "print(duckdb.connect(sys.argv[1], read_only=True).sql('FROM articles').shape[0])"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return int(run.stdout)


def _load(write_db: Path, *keys: str) -> None:
    with connect_warehouse(write_db) as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r",
            tagged=[tagged_article(k) for k in keys],
            failures=[],
            now=FETCHED,
        )


def test_open_reader_keeps_its_view_and_a_new_one_sees_the_publish(tmp_path: Path) -> None:
    write_db, snapshot = tmp_path / "private.duckdb", tmp_path / "news.duckdb"
    _load(write_db, "a")
    publish_snapshot(write_db, snapshot)
    with duckdb.connect(str(snapshot), read_only=True) as reader:
        _load(write_db, "b", "c")
        stats = publish_snapshot(write_db, snapshot)
        assert reader.execute("SELECT count(*) FROM articles").fetchone() == (1,)
        # In this process DuckDB would hand back the open (old) database for the same path,
        # so the new connection is made from another process, as a second analyst would.
        assert _articles_elsewhere(snapshot) == 3
    assert _articles(snapshot) == 3
    assert stats.bytes == snapshot.stat().st_size
    assert stats.schema_version == migrations()[-1][0]


def test_publish_while_the_private_database_is_locked_fails_and_keeps_the_old_snapshot(
    tmp_path: Path,
) -> None:
    write_db, snapshot = tmp_path / "private.duckdb", tmp_path / "news.duckdb"
    _load(write_db, "a")
    publish_snapshot(write_db, snapshot)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(write_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with pytest.raises(duckdb.IOException, match="Could not set lock"):
            publish_snapshot(write_db, snapshot)
    finally:
        holder.communicate("\n", timeout=30)
    assert _articles(snapshot) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_a_stale_wal_beside_the_snapshot_does_not_break_the_next_publish(tmp_path: Path) -> None:
    write_db, snapshot = tmp_path / "private.duckdb", tmp_path / "news.duckdb"
    _load(write_db, "a")
    publish_snapshot(write_db, snapshot)
    # Someone opened the snapshot read-write, wrote, and was killed: a WAL is left behind.
    script = (
        "import os, signal, sys, duckdb; con = duckdb.connect(sys.argv[1]); "
        "con.execute(\"SET checkpoint_threshold = '1GB'\"); "
        "con.execute('CREATE TABLE scratch AS SELECT 1 AS x'); os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", script, str(snapshot)], check=False)
    assert Path(f"{snapshot}.wal").exists()
    _load(write_db, "b")
    publish_snapshot(write_db, snapshot)
    assert _articles(snapshot) == 2


def test_a_writer_waits_for_a_lock_that_is_released(tmp_path: Path) -> None:
    write_db = tmp_path / "private.duckdb"
    _load(write_db, "a")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(write_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    with pytest.raises(duckdb.IOException, match="Conflicting lock is held"):
        connect_warehouse(write_db)  # DuckDB's own behaviour: fail at once
    opened: list[int] = []
    waiter = threading.Thread(
        target=lambda: opened.append(_count_with(connect_warehouse(write_db, lock_wait=60)))
    )
    waiter.start()
    holder.communicate("\n", timeout=30)  # the other process finishes its write
    waiter.join(timeout=90)
    assert opened == [1]


def _count_with(con: duckdb.DuckDBPyConnection) -> int:
    with con:
        row = con.execute("SELECT count(*) FROM articles").fetchone()
    assert row is not None
    return int(row[0])
