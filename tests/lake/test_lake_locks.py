"""Locks on the lake's catalog: a feed polled by one process at a time, dead runs found crashed.

Each process has one PostgreSQL session for its locks; two ``CatalogLocks`` in one test
process are two sessions, as two machines' processes would be.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import ROOT
from warehouse.lake_locks import CatalogLocks, parse_conninfo
from warehouse.lake_warehouse import LakeWarehouse
from warehouse.load import LoadCounts
from warehouse.runs import finish_run, start_run

pytestmark = pytest.mark.lake

NOW = datetime(2026, 1, 1)
# A process that starts a run and claims a feed, says so, then waits to be killed.
HOLDER = """
import sys, time
from datetime import datetime
from pathlib import Path
from warehouse.lake_warehouse import LakeWarehouse
from warehouse.runs import start_run

lake = LakeWarehouse(Path("x.duckdb"), target=sys.argv[1], data_dir=Path(sys.argv[2]))
with lake.writing() as con:
    start_run(con, run_id="held-run", flow="ingest", now=datetime(2026, 1, 1), locks=lake.run_locks)
with lake.polling(["feed-x"]) as claimed:
    print(",".join(claimed), flush=True)
    time.sleep(600)
"""


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(tmp_path / "news.duckdb", target=lake_target, data_dir=lake_data)


def test_a_feed_claimed_by_one_session_is_left_out_by_another_until_released(
    lake_target: str,
) -> None:
    first, second = (CatalogLocks(parse_conninfo(lake_target)) for _ in range(2))

    assert first.try_exclusive(["feed-a"]) == ["feed-a"]
    assert second.try_exclusive(["feed-a", "feed-b"]) == ["feed-b"]
    first.release_exclusive(["feed-a"])
    assert second.try_exclusive(["feed-a"]) == ["feed-a"]
    assert first.try_exclusive(["feed-a", "feed-b", "feed-c"]) == ["feed-c"]


def test_threads_of_one_process_do_not_claim_a_feed_twice(lake: LakeWarehouse) -> None:
    with lake.polling(["feed-a"]) as outer:
        with lake.polling(["feed-a", "feed-b"]) as inner:
            assert (outer, inner) == (["feed-a"], ["feed-b"])
    with lake.polling(["feed-a", "feed-b"]) as again:
        assert again == ["feed-a", "feed-b"]


def test_a_live_run_elsewhere_is_not_crashed_and_a_killed_one_is_then_its_feed_is_free(
    lake: LakeWarehouse, lake_target: str, lake_data: Path, tmp_path: Path
) -> None:
    with lake.writing():
        pass  # the lake exists before two processes attach it
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lake_target, str(lake_data)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "feed-x"  # it holds the run and the feed

        with lake.polling(["feed-x"]) as claimed:
            assert claimed == []
        with lake.writing() as con:
            assert start_run(con, run_id="live", flow="ingest", now=NOW, locks=lake.run_locks) == []
            finish_run(
                con,
                run_id="live",
                counts=LoadCounts(),
                status="completed",
                now=NOW,
                locks=lake.run_locks,
            )
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()

    # PostgreSQL ends the killed process's session when its socket closes: no expiry to wait.
    deadline = time.monotonic() + 30
    while True:
        with lake.polling(["feed-x"]) as claimed:
            if claimed == ["feed-x"]:
                break
        assert time.monotonic() < deadline, "the killed process's claim outlived it by 30 s"
        time.sleep(0.1)
    with lake.writing() as con:
        crashed = start_run(con, run_id="next", flow="ingest", now=NOW, locks=lake.run_locks)
        statuses = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
    assert crashed == ["held-run"]
    assert statuses == {"held-run": "crashed", "live": "completed", "next": "running"}
