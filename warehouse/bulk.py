"""Many records in one statement, with the columns, types and arrays taken from their fields.

DuckDB's ``executemany`` runs one statement per row. Passing each column as one array
parameter (``unnest(?::TYPE[])``) runs a whole batch as one statement, about 100 times
faster. Writing those placeholders and their value lists by hand meant keeping two lists
of up to 19 entries in step by eye; here both come from a frozen dataclass, one field per
column, so a column is added in one place. Statements stay named constants (built once,
at import); their engine-specific part (an ``ON CONFLICT`` clause) stays written out.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

ROWS = "{rows}"  # where a statement takes the records, as a subquery with one column per field
_SQL_TYPES: dict[object, str] = {
    str: "VARCHAR",
    bool: "BOOLEAN",
    int: "BIGINT",  # an INTEGER column takes it; DuckDB refuses a value out of its range
    float: "DOUBLE",
    datetime: "TIMESTAMP",
    date: "DATE",
}


def insert_sql(table: str, record_type: type[DataclassInstance], on_conflict: str = "") -> str:
    """``INSERT INTO table (fields…) SELECT … {on_conflict}``: a statement for execute_records.

    Args:
        table: the table, as written in SQL.
        record_type: the dataclass whose fields name the columns written.
        on_conflict: what follows the inserted rows, e.g.
            ``ON CONFLICT (article_id) DO UPDATE SET title = excluded.title``.
    """
    names = ", ".join(f'"{name}"' for name, _ in columns_of(record_type))
    rows = rows_subquery(record_type)
    return f"INSERT INTO {table} ({names})\nSELECT * FROM {rows}\n{on_conflict.strip()}"


def records_sql(template: str, record_type: type[DataclassInstance]) -> str:
    """``template`` with ``{rows}`` replaced by the records as a subquery, for execute_records.

    The subquery has one column per field, named as the field, so a statement can join
    or update from it: ``UPDATE articles SET story_id = v.story_id FROM {rows} AS v
    WHERE articles.article_id = v.article_id``.

    Raises:
        ValueError: ``template`` does not say ``{rows}`` exactly once.
    """
    if template.count(ROWS) != 1:
        raise ValueError(f"the statement must name {ROWS} once: {template.strip()[:80]}")
    return template.replace(ROWS, rows_subquery(record_type))


def execute_records(
    con: duckdb.DuckDBPyConnection, sql: str, rows: Sequence[DataclassInstance]
) -> None:
    """Run ``sql`` (from insert_sql or records_sql) once over all ``rows``, as column arrays.

    Nothing is run when there are no rows.

    Raises:
        ValueError: ``sql`` was built for another record type than the rows'.
    """
    if not rows:
        return
    if rows_subquery(type(rows[0])) not in sql:
        raise ValueError(f"{sql.strip()[:80]}… was not built for {type(rows[0]).__name__}")
    con.execute(sql, column_arrays(rows))


def column_arrays(rows: Sequence[DataclassInstance]) -> list[list[object]]:
    """One list per field of the records (in field order), each holding that field of every row."""
    return [list(map(getter, rows)) for getter in _getters(type(rows[0]))]


@cache
def _getters(record_type: type[DataclassInstance]) -> tuple[attrgetter[object], ...]:
    # map() over attrgetters: half the time of a getattr() comprehension per column.
    return tuple(attrgetter(name) for name, _ in columns_of(record_type))


@cache
def rows_subquery(record_type: type[DataclassInstance]) -> str:
    """``(SELECT unnest(?::VARCHAR[]) AS "url", …)``: the parameters are column_arrays' lists.

    Names are quoted: a field may be named as an SQL keyword (``failures."at"``).
    """
    columns = ", ".join(f'unnest(?::{sql}[]) AS "{name}"' for name, sql in columns_of(record_type))
    return f"(SELECT {columns})"


@cache
def columns_of(record_type: type[DataclassInstance]) -> tuple[tuple[str, str], ...]:
    """Each field's name and DuckDB type, in the order the dataclass declares them.

    Raises:
        TypeError: ``record_type`` is not a dataclass, or a field's annotation has no
            DuckDB type here.
    """
    if not dataclasses.is_dataclass(record_type):
        raise TypeError(f"{record_type!r} is not a dataclass")
    hints = typing.get_type_hints(record_type)
    columns = []
    for field in dataclasses.fields(record_type):
        sql = sql_type(hints[field.name])
        if sql is None:
            raise TypeError(
                f"{record_type.__name__}.{field.name}: no DuckDB type for {hints[field.name]!r} "
                "(map str, int, float, bool, datetime, date, a list or tuple of those, "
                "or one of them | None)"
            )
        columns.append((field.name, sql))
    return tuple(columns)


def sql_type(annotation: object) -> str | None:
    """The DuckDB type of a field's annotation (``None`` when there is none)."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        present = [a for a in arguments if a is not type(None)]
        return sql_type(present[0]) if len(present) == 1 else None
    if origin is list and len(arguments) == 1:
        item = sql_type(arguments[0])
    elif origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = sql_type(arguments[0])
    else:
        return _SQL_TYPES.get(annotation)
    return None if item is None else f"{item}[]"
