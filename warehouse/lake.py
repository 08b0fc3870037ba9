"""The lake engine: DuckLake on a PostgreSQL catalog, attached through DuckDB 1.5.5's extensions.

The extensions come from the ``lake`` extra's wheels and are installed once into a
directory this environment owns; DuckDB never downloads one (``autoinstall_known_extensions``
is off), so the lake works offline and on machines that reach only the package registry.

A :class:`LakeConnection` speaks the embedded warehouse's SQL (see :mod:`warehouse.lake_sql`)
and makes every write transaction on the curated tables also bump the one row of
``merge_cursor``: DuckLake aborts one of two concurrent commits that update the same table,
so two such writers can never both commit (two merges inserting the same new article would
otherwise both succeed). The loser's transaction is rolled back and retried.
"""

from __future__ import annotations

import fcntl
import logging
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

import duckdb

from warehouse.db import apply_schema, migrations, rollback_quietly
from warehouse.lake_sql import (
    lake_ddl,
    lake_dml,
    primary_keys,
    view_names,
)

LAKE_PREFIX = "ducklake:"
CATALOG = "lake"  # the name the lake is attached under
EXTENSIONS = ("postgres", "ducklake")
DEFAULT_EXTENSION_DIR = Path(sys.prefix) / "share" / "newsflow" / "duckdb-extensions"
# DuckLake retries a commit whose snapshot id another writer took; 10 (its default) ran
# out with 4 writers committing small batches (../shared/notes/scale-out-ducklake.md §2).
MAX_COMMIT_RETRIES = 100
CONFLICT_RETRIES = 50  # whole transactions retried after a conflict, with growing pauses
_FIRST_PAUSE = 0.05
_MAX_PAUSE = 2.0
_ATTACH_ATTEMPTS = 5
_NEW_LAKE_RACE = "Failed to initialize DuckLake"

LAKE_SCHEMA_FILE = Path(__file__).parent / "lake_schema.sql"
_BUMP_CURSOR = "UPDATE merge_cursor SET merges = merges + 1, merged_at = now() AT TIME ZONE 'UTC'"
_TABLE_EXISTS = """
SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = ?
"""
_COLUMNS = """
SELECT column_name FROM duckdb_columns()
WHERE database_name = current_database() AND table_name = ? ORDER BY column_index
"""
_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
_BEGIN = re.compile(r"^\s*BEGIN\b", re.IGNORECASE)
_END = re.compile(r"^\s*(COMMIT|ROLLBACK|ABORT|END)\b", re.IGNORECASE)

T = TypeVar("T")
_log = logging.getLogger(__name__)


class LakeConflict(Exception):
    """A write transaction lost to a concurrent one; run it again (see retry_conflicts)."""


def is_lake_target(target: str) -> bool:
    """Whether a warehouse setting names a lake (``ducklake:…``) rather than a DuckDB file."""
    return target.startswith(LAKE_PREFIX)


def hide_password(target: str) -> str:
    """The lake setting as it may be shown: a ``password=`` in it becomes ``password=REDACTED``."""
    return _PASSWORD.sub(r"\1REDACTED", target)


def connect_lake(
    target: str,
    *,
    data_path: str | None = None,
    read_only: bool = False,
    extension_dir: Path = DEFAULT_EXTENSION_DIR,
) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection with the lake attached as ``lake`` and in use.

    Args:
        target: ``ducklake:postgres:dbname=… host=… port=… user=…``.
        data_path: the directory of the lake's Parquet files; needed when the lake is
            created, stored in the catalog afterwards.
        read_only: attach read-only (analysts, ``newsflow sql``).
        extension_dir: where the extensions are installed from the ``lake`` extra's wheels.

    Raises:
        ValueError: ``target`` is not a ``ducklake:`` setting.
    """
    if not is_lake_target(target):
        raise ValueError(f"not a lake: {target!r} (expected {LAKE_PREFIX}postgres:…)")
    con = duckdb.connect(
        config={
            "extension_directory": str(extension_dir),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": True,
        }
    )
    try:
        con.execute("SET enable_progress_bar = false")  # DuckDB would draw it on stdout
        install_extensions(con, extension_dir)
        con.execute("LOAD ducklake")
        options = ["READ_ONLY"] if read_only else []
        if data_path is not None:
            options.append(f"DATA_PATH {_literal(data_path.rstrip('/') + '/')}")
        suffix = f" ({', '.join(options)})" if options else ""
        _attach(con, f"ATTACH {_literal(target)} AS {CATALOG}{suffix}")
        con.execute(f"USE {CATALOG}")
        con.execute(f"SET ducklake_max_retry_count = {MAX_COMMIT_RETRIES}")
    except BaseException:
        con.close()
        raise
    return con


def _attach(con: duckdb.DuckDBPyConnection, attach: str) -> None:
    """Attach the lake; two processes creating a new lake race on its catalog: the loser retries."""
    for attempt in range(_ATTACH_ATTEMPTS):
        try:
            con.execute(attach)
            return
        except duckdb.Error as error:
            if _NEW_LAKE_RACE not in str(error) or attempt == _ATTACH_ATTEMPTS - 1:
                raise
            time.sleep(_FIRST_PAUSE * 2**attempt)


def install_extensions(con: duckdb.DuckDBPyConnection, extension_dir: Path) -> None:
    """Install the lake's extensions from their wheels into ``extension_dir``, once.

    Raises:
        ModuleNotFoundError: the ``lake`` extra is not installed (``make lake-venv``).
    """
    installed = {
        row[0]
        for row in con.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE installed"
        ).fetchall()
    }
    missing = [name for name in EXTENSIONS if _installed_name(name) not in installed]
    if not missing:
        return
    from duckdb_extensions import import_extension  # the lake extra's; absent elsewhere

    extension_dir.mkdir(parents=True, exist_ok=True)
    with open(extension_dir / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes starting at once install it once
        for name in missing:
            import_extension(name, con=con)


def _installed_name(name: str) -> str:
    return "postgres_scanner" if name == "postgres" else name


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class LakeConnection:
    """A lake connection that runs the embedded warehouse's statements and guards its writes.

    Functions of ``warehouse`` take it where they take a DuckDB connection (see
    :meth:`as_duckdb`): statements are translated for DuckLake, and every write
    transaction updates ``merge_cursor``. A write outside a transaction runs in one of
    its own, retried when it conflicts; an explicit transaction whose commit conflicts
    raises :class:`LakeConflict`.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        scripts = [sql for _, _, sql in migrations()]
        self._views = view_names(scripts)
        self._keys = primary_keys(scripts)
        self._translated: dict[str, str] = {}
        self._in_transaction = False
        self._bumped = False

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection) -> LakeConnection:
        """The lake connection behind one that ``as_duckdb`` handed out.

        Raises:
            TypeError: ``con`` is a plain DuckDB connection.
        """
        found: object = con
        if not isinstance(found, LakeConnection):
            raise TypeError("not a lake connection")
        return found

    def as_duckdb(self) -> duckdb.DuckDBPyConnection:
        """This connection, typed as the DuckDB connection warehouse functions expect."""
        return cast(duckdb.DuckDBPyConnection, self)

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying connection (no translation, no cursor)."""
        return self._con

    def close(self) -> None:
        self._con.close()

    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        return self._con.sql(self._translate(query))

    def execute(self, query: str, parameters: object = None) -> object:
        """Run one statement (or a script without parameters), translated for the lake."""
        sql = self._translate(query)
        if _BEGIN.match(sql):
            self._con.execute(sql)
            self._in_transaction, self._bumped = True, False
            return self
        if _END.match(sql):
            return self._end(sql)
        if not _WRITE.match(sql):
            return self._run(sql, parameters)
        if self._in_transaction:
            if not self._bumped:
                self._con.execute(_BUMP_CURSOR)
                self._bumped = True
            return self._run(sql, parameters)
        return retry_conflicts(lambda: self._write_alone(sql, parameters))

    def _run(self, sql: str, parameters: object) -> duckdb.DuckDBPyConnection:
        if parameters is None:
            return self._con.execute(sql)
        return self._con.execute(sql, parameters)

    def _end(self, sql: str) -> object:
        self._in_transaction = False
        if not sql.lstrip().upper().startswith("COMMIT"):
            return self._con.execute(sql)
        try:
            return self._con.execute(sql)
        except duckdb.TransactionException as error:
            rollback_quietly(self._con)
            raise LakeConflict(str(error)) from error

    def _write_alone(self, sql: str, parameters: object) -> _Rows:
        self._con.execute("BEGIN TRANSACTION")
        try:
            self._con.execute(_BUMP_CURSOR)
            rows = _Rows(self._run(sql, parameters).fetchall())
            self._con.execute("COMMIT")
        except duckdb.TransactionException as error:
            rollback_quietly(self._con)
            raise LakeConflict(str(error)) from error
        except BaseException:
            rollback_quietly(self._con)
            raise
        return rows

    def _translate(self, query: str) -> str:
        done = self._translated.get(query)
        if done is None:
            done = lake_dml(
                lake_ddl(query, self._views), columns_of=self._columns_of, keys=self._keys
            )
            self._translated[query] = done
        return done

    def _columns_of(self, table: str) -> list[str]:
        return [row[0] for row in self._con.execute(_COLUMNS, [table]).fetchall()]


class _Rows:
    """The rows of a write that ran in a transaction of its own, fetched before its commit."""

    def __init__(self, rows: list[tuple[object, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[tuple[object, ...]]:
        return self._rows

    def fetchone(self) -> tuple[object, ...] | None:
        return self._rows[0] if self._rows else None


def retry_conflicts(
    write: Callable[[], T],
    *,
    attempts: int = CONFLICT_RETRIES,
    on_conflict: Callable[[], None] | None = None,
) -> T:
    """Run a write transaction again, after a growing pause, while it loses to a concurrent one.

    Args:
        on_conflict: called at each conflict (the lake benchmark counts them).

    Raises:
        LakeConflict: it still conflicted after ``attempts`` tries.
    """
    pause = _FIRST_PAUSE
    for attempt in range(attempts):
        try:
            return write()
        except (LakeConflict, duckdb.TransactionException) as error:
            _log.info("lake: a write lost to a concurrent writer (try %d): %s", attempt + 1, error)
            if on_conflict is not None:
                on_conflict()
            if attempt == attempts - 1:
                raise
            time.sleep(pause)
            pause = min(pause * 2, _MAX_PAUSE)
    raise AssertionError("unreachable")


def apply_lake_schema(con: LakeConnection) -> int:
    """Bring the lake to the latest schema: the lake's own tables, then every migration translated.

    Two processes starting on a new lake conflict on its first tables; the loser
    retries and finds them there.

    Returns:
        The schema version the lake is at afterwards.
    """
    raw = con.raw

    def create_own() -> None:
        if _table_exists(raw, "staged_batches"):
            return
        raw.execute("BEGIN TRANSACTION")
        try:
            raw.execute(LAKE_SCHEMA_FILE.read_text(encoding="utf-8"))
            raw.execute("COMMIT")
        except BaseException:
            rollback_quietly(raw)
            raise

    retry_conflicts(create_own)
    return retry_conflicts(lambda: apply_schema(con.as_duckdb()))


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(_TABLE_EXISTS, [name]).fetchone()
    return bool(row and row[0])
