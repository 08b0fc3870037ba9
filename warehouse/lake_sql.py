"""The embedded warehouse's SQL, translated for DuckLake, which has no keys.

DuckLake (1.5.5) refuses PRIMARY KEY and UNIQUE, ``ON CONFLICT`` (it needs a key), adding a
column with a constraint, and comments on a view's columns. The embedded warehouse's schema
files and statements stay the one source of truth: this module rewrites them, so a new
migration or upsert needs no second copy for the lake. What the keys enforced there, the
lake's single merge step enforces (see :mod:`warehouse.lake_merge`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

VIEW_COMMENTS_TABLE = "_view_column_comments"  # created by warehouse/lake_schema.sql
_COLUMN_KEY = re.compile(r"\s+PRIMARY KEY\b(?!\s*\()|\s+UNIQUE\b(?!\s*\()", re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*(?:PRIMARY KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)
_ADD_NOT_NULL = re.compile(
    r"ALTER TABLE\s+(?P<table>\w+)\s+ADD COLUMN\s+(?P<if>IF NOT EXISTS\s+)?(?P<column>\w+)"
    r"\s+(?P<type>[\w\[\]]+)\s+NOT NULL\s+DEFAULT\s+(?P<default>'[^']*'|[\w.-]+)\s*;",
    re.IGNORECASE,
)
_CREATE_TABLE = re.compile(
    r"CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)\s*\((.*?)\)\s*;", re.IGNORECASE | re.DOTALL
)
_KEY_COLUMN = re.compile(r"^\s*(\w+)\s[^,]*?\bPRIMARY KEY\b", re.IGNORECASE | re.MULTILINE)
_KEY_CLAUSE = re.compile(r"PRIMARY KEY\s*\(([^)]*)\)", re.IGNORECASE)
_VIEW = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", re.IGNORECASE)
_COLUMN_COMMENT = re.compile(
    r"COMMENT ON COLUMN\s+(?P<view>\w+)\.(?P<column>\"?\w+\"?)\s+IS\s+(?P<text>'(?:[^']|'')*')\s*;",
    re.IGNORECASE,
)
_UPSERT = re.compile(
    r"^\s*INSERT\s+(?P<ignore>OR\s+IGNORE\s+)?INTO\s+(?P<table>\w+)\s*"
    r"(?:\((?P<columns>[^)]*)\))?\s*(?P<source>.*?)"
    r"(?:\s+ON\s+CONFLICT\s*\((?P<keys>[^)]*)\)\s+DO\s+(?P<action>NOTHING|UPDATE\s+SET\s+.*?))?"
    r"\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def view_names(scripts: Iterable[str]) -> set[str]:
    """Every view the scripts create (case-folded)."""
    return {name.lower() for sql in scripts for name in _VIEW.findall(sql)}


def primary_keys(scripts: Iterable[str]) -> dict[str, list[str]]:
    """Each table's primary key as the embedded schema declares it (the merge keys on the lake)."""
    keys: dict[str, list[str]] = {}
    for sql in scripts:
        for table, body in _CREATE_TABLE.findall(sql):
            clause = _KEY_CLAUSE.search(body)
            if clause is not None:
                keys[table.lower()] = [c.strip() for c in clause.group(1).split(",")]
            elif (column := _KEY_COLUMN.search(body)) is not None:
                keys[table.lower()] = [column.group(1)]
    return keys


def lake_ddl(sql: str, views: set[str]) -> str:
    """A schema script without what DuckLake refuses, keeping what it means.

    Keys are dropped (the merge enforces them); ``ADD COLUMN x T NOT NULL DEFAULT v``
    keeps its default but not NOT NULL (``SET NOT NULL`` fails in the same transaction
    as the ``ADD``, and the loads always give a value); a comment on a view's
    column becomes a row of ``_view_column_comments`` (the view's rows are rewritten with it).

    Args:
        sql: one migration script of the embedded warehouse.
        views: the names of every view, this script's and earlier ones' (see view_names).
    """
    sql = _TABLE_KEY.sub("", sql)
    sql = _COLUMN_KEY.sub("", sql)
    sql = _ADD_NOT_NULL.sub(_split_not_null, sql)

    def comment(match: re.Match[str]) -> str:
        view = match["view"]
        if view.lower() not in views:
            return match[0]
        column = match["column"].strip('"')
        return f"INSERT INTO {VIEW_COMMENTS_TABLE} VALUES ('{view}', '{column}', {match['text']});"

    sql = _COLUMN_COMMENT.sub(comment, sql)
    # A replaced view's column comments are written again after it.
    return _VIEW.sub(
        lambda m: f"DELETE FROM {VIEW_COMMENTS_TABLE} WHERE view_name = '{m[1]}';\n{m[0]}", sql
    )


def _split_not_null(match: re.Match[str]) -> str:
    table, column = match["table"], match["column"]
    return (
        f"ALTER TABLE {table} ADD COLUMN {match['if'] or ''}{column} {match['type']} "
        f"DEFAULT {match['default']};"
    )


def lake_dml(
    sql: str, *, columns_of: Callable[[str], list[str]], keys: dict[str, list[str]]
) -> str:
    """An ``INSERT … ON CONFLICT`` or ``INSERT OR IGNORE`` as the ``MERGE INTO`` it means.

    Other statements come back unchanged. The parameters keep their order: they all
    sit in the inserted rows' query, which becomes the merge's source.

    Args:
        sql: one statement of the embedded warehouse.
        columns_of: the columns of a table, in order (for inserts without a column list).
        keys: each table's primary key (see primary_keys), for ``INSERT OR IGNORE``.

    Raises:
        ValueError: an ``INSERT OR IGNORE`` into a table without a known key.
    """
    match = _UPSERT.match(sql)
    if match is None or (match["keys"] is None and match["ignore"] is None):
        return sql
    table = match["table"]
    columns = _names(match["columns"]) if match["columns"] else columns_of(table)
    key = (
        [k.strip() for k in match["keys"].split(",")] if match["keys"] else keys.get(table.lower())
    )
    if not key:
        raise ValueError(f"INSERT OR IGNORE INTO {table}: the table has no primary key")
    source = match["source"].strip()
    if source.upper().startswith("VALUES"):
        source = f"SELECT * FROM ({source})"
    on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in key)
    action = match["action"] or "NOTHING"
    matched = (
        ""
        if action.upper() == "NOTHING"
        else f" WHEN MATCHED THEN UPDATE SET {action.split(None, 2)[2].strip()}"
    )
    names = ", ".join(columns)
    values = ", ".join(f"excluded.{c}" for c in columns)
    return (
        f"MERGE INTO {table} USING ({source}) AS excluded ({names}) ON ({on}){matched}"
        f" WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
    )


def _names(listed: str) -> list[str]:
    return [name.strip() for name in listed.split(",")]
