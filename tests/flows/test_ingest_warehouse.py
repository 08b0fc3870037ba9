"""The ingest flow against the warehouse's guarantees: analysts never block it, nothing is lost."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.conftest import ROOT
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")

# An analyst's session in another process: count, wait, count again on the same connection.
ANALYST = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
"""
HOLD_WRITE_LOCK = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""
SECOND_SEED = "date 2024-02-01 OpenAI and Anthropic lobbied lawmakers about the EU AI Act. " * 3


def _seeds(tmp_path: Path, *extra: str) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder, dirs_exist_ok=True)
    for number, text in enumerate(extra):
        (folder / f"extra-{number}.txt").write_text(text, encoding="utf-8")
    return folder


def _articles(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM articles").fetchone()
    assert row is not None
    return int(row[0])


def _start(script: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_ingest_succeeds_while_an_analyst_holds_the_database(tmp_path: Path, db_path: Path) -> None:
    ingest(seeds_dir=str(_seeds(tmp_path)), db_path=str(db_path))
    analyst = _start(ANALYST, db_path)
    try:
        assert analyst.stdout is not None and analyst.stdout.readline() == "1\n"
        summary = ingest(seeds_dir=str(_seeds(tmp_path, SECOND_SEED)), db_path=str(db_path))
        assert summary.counts.new == 1
        assert _articles(db_path) == 2  # a new connection sees the new data at once
    finally:
        after, _ = analyst.communicate("\n", timeout=30)
    assert after == "1\n"  # the open session kept its consistent view
    assert analyst.returncode == 0


def test_a_locked_private_database_fails_the_run_and_the_next_run_loads_what_it_fetched(
    tmp_path: Path, db_path: Path
) -> None:
    warehouse = Warehouse(db_path)
    warehouse.write_db.parent.mkdir(parents=True)
    holder = _start(HOLD_WRITE_LOCK, warehouse.write_db)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with pytest.raises(duckdb.IOException, match="Could not set lock on file"):
            ingest(seeds_dir=str(_seeds(tmp_path, SECOND_SEED)), db_path=str(db_path), lock_wait=0)
    finally:
        holder.communicate("\n", timeout=30)
    assert len(warehouse.staged()) == 1  # fetched and staged, not lost
    summary = ingest(seeds_dir=str(tmp_path / "nowhere"), db_path=str(db_path))
    assert (summary.batches_replayed, summary.counts.new) == (1, 2)
    assert warehouse.staged() == []
    again = ingest(seeds_dir=str(_seeds(tmp_path, SECOND_SEED)), db_path=str(db_path))
    assert (again.counts.new, again.counts.unchanged) == (0, 2)
    assert _articles(db_path) == 2
