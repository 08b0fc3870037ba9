"""Lake fixtures: a fresh DuckLake on the PostgreSQL named by NEWSFLOW_TEST_LAKE, per test.

The lake tests need the lake venv (``make lake-venv``: duckdb 1.5.5 and its extensions) and a
PostgreSQL that lets this user create databases; ``.ci/lake`` starts one. Without
NEWSFLOW_TEST_LAKE they skip, except in CI (``CI=true``), where they fail: CI must run them.
Each module is marked ``lake``; the default run (``make test``) deselects them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Read at import: the autouse fixture clears every NEWSFLOW_* variable before each test.
TEST_LAKE = os.environ.get("NEWSFLOW_TEST_LAKE")
# The project's own venv (duckdb 2.x), for what the lake venv cannot run: default ./.venv.
EMBEDDED_PYTHON = os.environ.get("NEWSFLOW_TEST_EMBEDDED_PYTHON")
LAKE_PREFIX = "ducklake:postgres:"


def _require_lake() -> str:
    if TEST_LAKE:
        return TEST_LAKE
    reason = (
        "NEWSFLOW_TEST_LAKE is not set: the lake tests need PostgreSQL and the lake venv "
        "(run `bash .ci/lake`)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run them, not skip them")
    pytest.skip(reason)


def _conninfo(target: str) -> dict[str, str]:
    if not target.startswith(LAKE_PREFIX):
        raise ValueError(f"NEWSFLOW_TEST_LAKE must start with {LAKE_PREFIX}: {target!r}")
    return dict(part.split("=", 1) for part in target[len(LAKE_PREFIX) :].split())


def _pg_args(info: dict[str, str]) -> list[str]:
    return [
        f"--{flag}={info[key]}"
        for flag, key in (("host", "host"), ("port", "port"), ("username", "user"))
        if key in info
    ]


@pytest.fixture
def lake_target() -> Iterator[str]:
    """A ``ducklake:postgres:`` setting naming a new, empty database, dropped afterwards."""
    info = _conninfo(_require_lake())
    name = f"newsflow_{uuid.uuid4().hex[:12]}"
    createdb, dropdb = shutil.which("createdb"), shutil.which("dropdb")
    if createdb is None or dropdb is None:
        pytest.fail("createdb/dropdb (PostgreSQL's client) are not on PATH")
    subprocess.run([createdb, *_pg_args(info), name], check=True, timeout=60)
    info["dbname"] = name
    try:
        yield LAKE_PREFIX + " ".join(f"{key}={value}" for key, value in info.items())
    finally:
        subprocess.run([dropdb, *_pg_args(info), "--force", name], check=False, timeout=60)


@pytest.fixture
def lake_data(tmp_path: Path) -> Path:
    """The lake's data directory (Parquet files and raw pages)."""
    path = tmp_path / "lake-data"
    path.mkdir()
    return path
