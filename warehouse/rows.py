"""Query rows read by column name, so a column added to a SELECT cannot shift the others.

``Record(*row)`` and ``row[13]`` depend on the order of the SELECT list; a column
inserted in the middle moves every value after it into the wrong field, often
without an error. Here each value goes to the field its column is named after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import duckdb

R = TypeVar("R")


def select_records(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[object] | Mapping[str, object] = (),
    *,
    record_type: type[R],
) -> list[R]:
    """Run ``sql`` and build one ``record_type`` per row, each column into the field of its name.

    Fields with defaults may be left out of the SELECT.

    Raises:
        ValueError: a column has no field of its name, or two columns share a name.
        TypeError: a field without a default has no column.
    """
    if not dataclasses.is_dataclass(record_type):
        raise TypeError(f"{record_type!r} is not a dataclass")
    fields = {field.name for field in dataclasses.fields(record_type)}
    names, rows = _named(con, sql, params)
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise ValueError(f"{record_type.__name__} has no field for column(s) {unknown}")
    return [record_type(**dict(zip(names, row, strict=True))) for row in rows]


def select_dicts(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[object] | Mapping[str, object] = (),
) -> list[dict[str, Any]]:
    """Run ``sql`` and return its rows as dicts keyed by column name (rows that are no one record).

    Raises:
        ValueError: two columns share a name.
    """
    names, rows = _named(con, sql, params)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _named(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | Mapping[str, object]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = con.execute(sql, params if isinstance(params, Mapping) else list(params))
    names = [str(column[0]) for column in cursor.description or ()]
    if len(set(names)) != len(names):
        raise ValueError(f"two columns share a name: {names}")
    return names, cursor.fetchall()
