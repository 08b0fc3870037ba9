"""The lake has the embedded warehouse's tables, views and comments, and records its migrations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.lake.conftest import EMBEDDED_PYTHON
from tests.lake.schema_dump import dump
from warehouse.db import migrations
from warehouse.lake import LakeConnection, apply_lake_schema, connect_lake

pytestmark = pytest.mark.lake

LAKE_ONLY = {"_view_column_comments", "merge_cursor", "staged_batches"}


def _embedded_schema() -> dict[str, dict[str, object]]:
    """The schema a fresh embedded warehouse gets, from the project venv (duckdb 2.x)."""
    python = Path(EMBEDDED_PYTHON or ROOT / ".venv" / "bin" / "python")
    if not python.exists():
        pytest.fail(f"{python} is missing: run `make test` first (it builds .venv)")
    done = subprocess.run(
        [str(python), "-m", "tests.lake.schema_dump"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_lake_schema_matches_the_embedded_warehouse(lake_target: str, lake_data: Path) -> None:
    embedded = _embedded_schema()
    con = connect_lake(lake_target, data_path=str(lake_data))
    version = apply_lake_schema(LakeConnection(con))
    lake = dump(con)
    notes = {(v, c): text for v, c, text in con.execute("FROM _view_column_comments").fetchall()}
    con.close()

    assert version == migrations()[-1][0]
    tables = {name: comment for name, comment in lake["tables"].items() if name not in LAKE_ONLY}
    assert tables == embedded["tables"]
    assert lake["views"] == embedded["views"]
    for name, columns in embedded["columns"].items():
        if name in embedded["views"]:
            # DuckLake keeps no comments on a view's columns: they are rows of a table instead.
            assert [c[:2] for c in lake["columns"][name]] == [c[:2] for c in columns], name
            assert {c[0]: notes.get((name, c[0])) for c in columns} == {
                c[0]: c[2] for c in columns
            }, name
        else:
            assert lake["columns"][name] == columns, name


def test_schema_is_applied_once_when_two_processes_open_a_new_lake(
    lake_target: str, lake_data: Path
) -> None:
    script = (
        "import sys; from warehouse.lake import *; "
        "c = connect_lake(sys.argv[1], data_path=sys.argv[2]); "
        "print(apply_lake_schema(LakeConnection(c)))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, lake_target, str(lake_data)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0].strip() for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    latest = str(migrations()[-1][0])
    assert outputs == [latest, latest]
    con = connect_lake(lake_target, read_only=True)
    applied = con.execute("SELECT version, count(*) FROM _migrations GROUP BY ALL").fetchall()
    cursor = con.execute("SELECT count(*) FROM merge_cursor").fetchall()
    con.close()
    assert sorted(applied) == [(version, 1) for version, _, _ in migrations()]
    assert cursor == [(1,)]
