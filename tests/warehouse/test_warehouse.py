"""The Warehouse object: its file layout, its writer turn across processes and threads, loads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.factories import tagged_article
from tests.writer_turn import released_after, turn_held_elsewhere
from transforms import assign_stories
from warehouse import LakeWarehouse, Warehouse
from warehouse.lake_locks import CatalogRunLocks
from warehouse.runs import FolderRunLocks

NOW = datetime(2026, 1, 1)


def test_the_private_side_lives_beside_the_snapshot_by_default() -> None:
    warehouse = Warehouse(Path("/srv/news/ai.duckdb"))
    private = Path("/srv/news/ai.private")
    layout = (
        warehouse.write_db,
        warehouse.spool_dir,
        warehouse.raw_dir,
        warehouse.lock_file,
        warehouse.runs_dir,
    )
    assert layout == (
        private / "warehouse.duckdb",
        private / "spool",
        private / "warehouse-raw",
        private / "warehouse.duckdb.lock",
        private / "warehouse.duckdb.runs",
    )


def test_a_private_dir_moves_the_whole_private_side() -> None:
    warehouse = Warehouse(Path("data/news.duckdb"), private_dir=Path("/var/lib/newsflow"))
    assert warehouse.folder == Path("/var/lib/newsflow")
    assert warehouse.write_db == Path("/var/lib/newsflow/warehouse.duckdb")


def test_a_write_section_waits_for_the_turn_instead_of_failing_on_duckdbs_lock(
    db_path: Path,
) -> None:
    warehouse = Warehouse(db_path, lock_wait=0)  # DuckDB's lock alone would fail at once
    with turn_held_elsewhere(warehouse) as holder, released_after(holder, 0.5):
        started = time.monotonic()
        with warehouse.writing() as con:
            waited = time.monotonic() - started
            assert con.execute("SELECT max(version) FROM _migrations").fetchone() is not None
    assert waited >= 0.4


def test_a_turn_that_stays_taken_fails_naming_the_lock_file(db_path: Path) -> None:
    warehouse = Warehouse(db_path, turn_wait=0.2)
    with turn_held_elsewhere(warehouse):
        with pytest.raises(TimeoutError, match=str(warehouse.lock_file)):
            with warehouse.writing():
                pass


def test_sections_inside_a_held_turn_do_not_queue_behind_it(db_path: Path) -> None:
    warehouse = Warehouse(db_path, turn_wait=0.5)
    with warehouse.turn():
        with warehouse.writing() as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
        with warehouse.writing() as con:
            assert con.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_another_thread_waits_while_one_holds_the_turn(db_path: Path) -> None:
    warehouse = Warehouse(db_path)
    order: list[str] = []
    entered = threading.Event()

    def other() -> None:
        entered.set()
        with warehouse.writing():
            order.append("other")

    with warehouse.turn():
        thread = threading.Thread(target=other)
        thread.start()
        entered.wait()
        time.sleep(0.3)
        order.append("holder")
    thread.join(timeout=30)
    assert order == ["holder", "other"]


def test_a_shared_turn_is_held_around_every_section(db_path: Path) -> None:
    held: list[str] = []

    @contextmanager
    def shared() -> Iterator[None]:
        held.append("in")
        yield
        held.append("out")

    warehouse = Warehouse(db_path, shared_turn=shared)
    with warehouse.writing():
        assert held == ["in"]
    assert held == ["in", "out"]


def test_a_staged_batch_loads_once_and_is_published(db_path: Path) -> None:
    warehouse = Warehouse(db_path, assign_stories=assign_stories)
    path = warehouse.stage(run_id="r1", tagged=[tagged_article("a")], failures=[], now=NOW)
    assert warehouse.staged() == [path]
    loaded = warehouse.load_staged(path, run_id="r1", now=NOW)
    assert loaded is not None and loaded.counts.new == 1 and loaded.topics
    assert warehouse.staged() == []
    assert warehouse.load_staged(path, run_id="r1", now=NOW) is None  # another run loaded it
    stats = warehouse.publish()
    assert stats.snapshot == db_path
    with warehouse.reading() as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_a_warehouse_without_a_story_rule_refuses_to_load(db_path: Path) -> None:
    warehouse = Warehouse(db_path)
    path = warehouse.stage(run_id="r1", tagged=[tagged_article("a")], failures=[], now=NOW)
    with pytest.raises(ValueError, match="assign_stories"):
        warehouse.load_staged(path, run_id="r1", now=NOW)
    assert warehouse.staged() == [path]  # kept for a load that can place its stories


def test_reading_is_read_only(db_path: Path) -> None:
    warehouse = Warehouse(db_path)
    with warehouse.writing():
        pass
    warehouse.publish()
    with warehouse.reading() as con, pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE t (x INTEGER)")


def test_the_lake_keeps_its_run_locks_on_its_catalog_not_in_a_local_folder() -> None:
    lake = LakeWarehouse(Path("data/news.duckdb"), target="ducklake:postgres:dbname=x")
    assert lake.runs_dir is None
    assert isinstance(lake.run_locks, CatalogRunLocks)
    assert isinstance(Warehouse(Path("data/news.duckdb")).run_locks, FolderRunLocks)
