"""Read-only access for analysts and the CLI: ad-hoc SQL, the status summary, Parquet export.

Connections run sandboxed: DuckDB may read the database file and nothing else (no other files,
no network, no extension installs or loads), and the configuration is locked so a query cannot
undo that. Ad-hoc SQL comes from whoever runs ``newsflow sql``; it must not reach the machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.rows import select_dicts

# Every column but the schema version is a table's row count, named as the table.
_COUNTS = """
SELECT (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM article_topics) AS article_topics,
       (SELECT count(*) FROM entities) AS entities,
       (SELECT count(*) FROM article_entities) AS article_entities,
       (SELECT count(*) FROM failures) AS failures, (SELECT count(*) FROM runs) AS runs,
       (SELECT max(version) FROM _migrations) AS schema_version
"""
_LAST_RUNS = """
SELECT run_id, flow, started_at, finished_at, status, articles_new AS new,
       articles_updated AS updated, articles_unchanged AS unchanged, failures
FROM runs ORDER BY started_at DESC LIMIT ?
"""
_SOURCES = """
SELECT source, state, consecutive_failures AS failures_in_a_row, last_success_at,
       fetches, failed_fetches, last_poll_failed, last_error_code
FROM feed_health ORDER BY state = 'active', last_poll_failed IS NOT true, source
"""
# Whole messages: the table above is for scanning, this is for reading why.
_FAILING = """
SELECT source, state, consecutive_failures AS failures_in_a_row, last_polled_at,
       last_error_code, last_error
FROM feed_health WHERE last_poll_failed ORDER BY state = 'active', source
"""
# Articles and their tags are partitioned by publication month so engines can prune by date.
_EXPORTS = {
    "articles": (
        "SELECT *, coalesce(strftime(published_at, '%Y-%m'), 'unknown') AS published_month "
        "FROM articles"
    ),
    "article_topics": (
        "SELECT t.*, coalesce(strftime(a.published_at, '%Y-%m'), 'unknown') AS published_month "
        "FROM article_topics t JOIN articles a USING (article_id)"
    ),
    "article_entities": (
        "SELECT e.*, coalesce(strftime(a.published_at, '%Y-%m'), 'unknown') AS published_month "
        "FROM article_entities e JOIN articles a USING (article_id)"
    ),
    "entities": "SELECT * FROM entities",
    "runs": "SELECT * FROM runs",
    "failures": "SELECT * FROM failures",
}
_PARTITIONED = frozenset({"articles", "article_topics", "article_entities"})
# Statements that reach past the database (files, other databases, extensions) or would unlock
# the sandbox. The sandbox refuses them too; naming them first gives one clear reason.
_REFUSED_STATEMENTS = {
    duckdb.StatementType.ATTACH: "ATTACH",
    duckdb.StatementType.DETACH: "DETACH",
    duckdb.StatementType.COPY: "COPY",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE",
    duckdb.StatementType.LOAD: "INSTALL/LOAD",
    duckdb.StatementType.SET: "SET/RESET",
    duckdb.StatementType.VARIABLE_SET: "SET",
}
_LOCKED = "the configuration has been locked"


class QueryRefused(Exception):
    """A query tried to reach past the database: files, the network, extensions, settings."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of a query with their column names."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True, slots=True)
class WarehouseStatus:
    """What `newsflow status` shows: counts, the last runs and the sources' health."""

    schema_version: int
    counts: dict[str, int]
    runs: QueryResult
    sources: QueryResult
    failing: QueryResult  # sources whose last poll failed, with the full last error


def connect_snapshot(path: Path, *, write_dirs: Iterable[Path] = ()) -> duckdb.DuckDBPyConnection:
    """Open the analysts' database read-only and sandboxed (see the module docstring).

    Args:
        write_dirs: folders DuckDB may write into besides (an export's target).

    Raises:
        FileNotFoundError: there is no database at ``path`` yet.
        duckdb.Error: DuckDB cannot open it (its message says why).
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no warehouse here yet; run `newsflow ingest` first")
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        # Allowed folders can only be set while external access is on, so the order matters.
        allowed = [str(folder.resolve()) + "/" for folder in write_dirs]
        con.execute("SET allowed_directories = $dirs", {"dirs": allowed})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def select_query(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()
) -> QueryResult:
    """Run ``sql`` (several statements: the last one's result) and return its rows.

    Raises:
        QueryRefused: a statement reads or writes files, attaches a database, installs or
            loads an extension, or changes a setting.
        ValueError: ``sql`` holds no statement (only blanks, comments or semicolons).
        duckdb.Error: DuckDB cannot run it (its message says why).
    """
    for statement in duckdb.extract_statements(sql):
        refused = _REFUSED_STATEMENTS.get(statement.type)
        if refused is not None:
            raise QueryRefused(
                f"{refused} statements are not allowed; newsflow sql only reads the warehouse"
            )
    try:
        cursor = con.execute(sql, list(params)) if params else con.execute(sql)
    except duckdb.PermissionException as error:
        raise QueryRefused(_first_line(error)) from None
    except duckdb.InvalidInputException as error:
        if _LOCKED in str(error):
            raise QueryRefused(_first_line(error)) from None
        raise
    if cursor is None:  # DuckDB returns no cursor when there was nothing to execute
        raise ValueError("no SQL statement to run")
    if cursor.description is None:
        return QueryResult((), ())
    columns = tuple(str(column[0]) for column in cursor.description)
    return QueryResult(columns, tuple(tuple(row) for row in cursor.fetchall()))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def select_status(con: duckdb.DuckDBPyConnection, *, last_runs: int = 5) -> WarehouseStatus:
    """Summarise the warehouse: row counts, the ``last_runs`` latest runs, every source."""
    [counts] = select_dicts(con, _COUNTS)  # an aggregate query returns one row
    schema_version = counts.pop("schema_version")
    return WarehouseStatus(
        schema_version=int(schema_version),
        counts={table: int(rows) for table, rows in counts.items()},
        runs=select_query(con, _LAST_RUNS, [last_runs]),
        sources=select_query(con, _SOURCES),
        failing=select_query(con, _FAILING),
    )


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Path]:
    """Write the main tables as Parquet under ``out_dir`` for other engines.

    Articles and their tags go to ``<table>/published_month=YYYY-MM/*.parquet`` (Hive
    partitions; ``unknown`` for undated articles), the rest to ``<table>.parquet``.
    Existing files of the same names are overwritten.

    Returns:
        The files and partition folders written, one per table.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table, sql in _EXPORTS.items():
        relation = con.sql(sql)
        if table in _PARTITIONED:
            target = out_dir / table
            relation.write_parquet(str(target), partition_by=["published_month"], overwrite=True)
        else:
            target = out_dir / f"{table}.parquet"
            relation.write_parquet(str(target))
        written.append(target)
    return written
