"""A warehouse's tables, views and comments; as a script, a new embedded warehouse's as JSON.

The lake venv's DuckDB (1.5.5) cannot build the embedded warehouse (migration 0004), so the
lake test runs this script in the project's own venv: ``python -m tests.lake.schema_dump``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb

_TABLES = """
SELECT table_name, comment FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal ORDER BY table_name
"""
_VIEWS = """
SELECT view_name, comment FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal ORDER BY view_name
"""
_COLUMNS = """
SELECT table_name, column_name, data_type, comment FROM duckdb_columns()
WHERE database_name = current_database() ORDER BY table_name, column_index
"""


def dump(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Tables and views with their comments, and every column with its type and comment."""
    views = dict(con.execute(_VIEWS).fetchall())
    columns: dict[str, list[list[object]]] = {}
    for table, column, data_type, comment in con.execute(_COLUMNS).fetchall():
        columns.setdefault(table, []).append([column, data_type, comment])
    return {"tables": dict(con.execute(_TABLES).fetchall()), "views": views, "columns": columns}


def main() -> None:
    from warehouse.db import connect_warehouse

    with tempfile.TemporaryDirectory() as folder:
        con = connect_warehouse(Path(folder) / "news.duckdb")
        print(json.dumps(dump(con), sort_keys=True, default=str))
        con.close()


if __name__ == "__main__":
    main()
