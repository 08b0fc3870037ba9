"""Opening the warehouse: one connection, schema and numbered migrations applied."""

from __future__ import annotations

import re
import time
from contextlib import suppress
from pathlib import Path

import duckdb

SCHEMA_FILE = Path(__file__).parent / "schema.sql"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCKED = "Could not set lock"  # DuckDB's words when another process holds the file
_FIRST_LOCK_PAUSE = 0.05
_MAX_LOCK_PAUSE = 2.0

_CREATE_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS _migrations (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
COMMENT ON TABLE _migrations IS 'Schema versions applied to this database, in order.';
COMMENT ON COLUMN _migrations.version IS
    'Migration number: 1 is warehouse/schema.sql, later ones warehouse/migrations/NNNN_*.sql.';
COMMENT ON COLUMN _migrations.name IS 'File the migration came from.';
COMMENT ON COLUMN _migrations.applied_at IS 'When it was applied (UTC).';
"""
_APPLIED = "SELECT version FROM _migrations"
_RECORD = "INSERT INTO _migrations (version, name) VALUES (?, ?)"


def connect_warehouse(path: Path, *, lock_wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse at ``path``, migrated to the latest schema.

    Args:
        lock_wait: seconds to keep retrying, with growing pauses, while another process holds
            the file. DuckDB itself fails at once; two flows that each write for a moment then
            take turns instead of failing.

    Raises:
        duckdb.IOException: still locked after ``lock_wait`` seconds (DuckDB's message names
            the process that holds it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_wait
    pause = _FIRST_LOCK_PAUSE
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as error:
            if _LOCKED not in str(error) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, _MAX_LOCK_PAUSE)
    try:
        apply_schema(con)
    except BaseException:
        con.close()
        raise
    return con


def migrations() -> list[tuple[int, str, str]]:
    """Every schema step as (version, name, SQL), version 1 being schema.sql, in order."""
    steps = [(1, SCHEMA_FILE.name, SCHEMA_FILE.read_text(encoding="utf-8"))]
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path}: migration files are named NNNN_description.sql")
        steps.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [version for version, _, _ in steps]
    # Numbers must be unique and ascending; a gap is allowed, because branches that each add
    # one numbered migration are merged in any order.
    if len(set(versions)) != len(versions):
        raise ValueError(f"two migrations share a number, found {versions}")
    return steps


def apply_schema(con: duckdb.DuckDBPyConnection, *, up_to: int | None = None) -> int:
    """Apply every migration not yet recorded, each in its own transaction.

    Args:
        con: an open read-write connection.
        up_to: stop after this version (tests use it to build older databases).

    Returns:
        The schema version the database is at afterwards.
    """
    con.execute(_CREATE_MIGRATIONS)
    applied = {row[0] for row in con.execute(_APPLIED).fetchall()}
    version = max(applied, default=0)
    for number, name, sql in migrations():
        if number in applied or (up_to is not None and number > up_to):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(_RECORD, [number, name])
            con.execute("COMMIT")
        except BaseException:
            rollback_quietly(con)
            raise
        version = number
    return version


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """End a failed write's transaction without hiding why it failed.

    A COMMIT that fails (no space left on device) has already ended the transaction:
    a ROLLBACK then raises "no transaction is active", and that error would replace
    the one that says what happened. Whatever the rollback says, the caller re-raises
    the original error.
    """
    with suppress(duckdb.Error):
        con.execute("ROLLBACK")
