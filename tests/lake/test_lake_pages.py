"""On the lake, a run leaves the pending pages of a live run elsewhere to it, not a dead one's.

The other run holds its run lock in a PostgreSQL session of its own, as a process on another
machine would; this process's run uses the lake's own session (``LakeWarehouse.run_locks``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors import PageRequest
from tests.warehouse.test_feeds import LAB, NOW, item, success
from transforms import canonical_links
from warehouse import load_feed_polls, select_due_pages, start_run, sync_sources
from warehouse.lake_locks import CatalogLocks, CatalogRunLocks, parse_conninfo
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

A, B, C = "https://example.com/a", "https://example.com/b", "https://example.com/c"


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(tmp_path / "news.duckdb", target=lake_target, data_dir=lake_data)


@pytest.fixture
def elsewhere(lake_target: str) -> CatalogRunLocks:
    """Run locks in a session of their own: another process's."""
    return CatalogRunLocks(CatalogLocks(parse_conninfo(lake_target)))


def _store(
    con: duckdb.DuckDBPyConnection, run_id: str, *items: tuple[str, str]
) -> list[PageRequest]:
    polls = [success("Lab", *(item(guid, url) for guid, url in items))]
    links = canonical_links(polls)
    return load_feed_polls(con, run_id=run_id, polls=polls, canonical_urls=links, now=NOW).requests


def _start_both(
    lake: LakeWarehouse, con: duckdb.DuckDBPyConnection, elsewhere: CatalogRunLocks
) -> list[PageRequest]:
    """The other run stores A and B, then this run stores C; return this run's fresh pages."""
    sync_sources(con, [LAB], NOW)
    start_run(con, run_id="other", flow="ingest", now=NOW, locks=elsewhere)
    _store(con, "other", ("a", A), ("b", B))
    start_run(con, run_id="mine", flow="ingest", now=NOW, locks=lake.run_locks)
    return _store(con, "mine", ("c", C))


def test_pending_pages_of_a_live_run_elsewhere_are_left_to_it(
    lake: LakeWarehouse, elsewhere: CatalogRunLocks
) -> None:
    with lake.writing() as con:
        fresh = _start_both(lake, con, elsewhere)
        due = select_due_pages(con, NOW, fresh=fresh, run_id="mine", locks=lake.run_locks)
    assert [request.url for request in due] == [C]


def test_pending_pages_of_a_run_whose_lock_went_are_due(
    lake: LakeWarehouse, elsewhere: CatalogRunLocks
) -> None:
    with lake.writing() as con:
        fresh = _start_both(lake, con, elsewhere)
        elsewhere.release("other")  # its session let go: its row still says running
        due = select_due_pages(con, NOW, fresh=fresh, run_id="mine", locks=lake.run_locks)
    assert [request.url for request in due] == [C, A, B]
