"""The lake's translation of the embedded warehouse's SQL (pure: runs without the lake)."""

from __future__ import annotations

import re
from types import ModuleType

import duckdb
import pytest

from warehouse import feeds, load, raw, runs, stories, tags
from warehouse.db import migrations
from warehouse.lake_sql import lake_ddl, lake_dml, primary_keys, view_names

SCRIPTS = [sql for _, _, sql in migrations()]
KEYS = primary_keys(SCRIPTS)
VIEWS = view_names(SCRIPTS)


def _upserts(*modules: ModuleType) -> list[str]:
    return [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, str)
        and re.match(r"\s*INSERT\b", value)
        and re.search(r"ON CONFLICT|INSERT OR IGNORE", value)
    ]


def test_primary_keys_come_from_the_embedded_schema() -> None:
    assert KEYS["articles"] == ["article_id"]
    assert KEYS["feed_items"] == ["source", "guid"]
    assert KEYS["raw_documents"] == ["url", "sha256"]


@pytest.mark.parametrize("sql", _upserts(feeds, load, raw, runs, stories, tags))
def test_every_upsert_of_the_warehouse_becomes_a_merge(sql: str) -> None:
    merged = lake_dml(sql, columns_of=lambda table: ["c1", "c2"], keys=KEYS)
    assert merged.startswith("MERGE INTO")
    assert "ON CONFLICT" not in merged
    assert merged.count("?") == sql.count("?")


def test_a_translated_upsert_does_what_the_original_does() -> None:
    create = "CREATE TABLE t (k VARCHAR PRIMARY KEY, v INTEGER, first VARCHAR)"
    upsert = """
    INSERT INTO t (k, v, first) SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]),
        unnest(?::VARCHAR[]))
    ON CONFLICT (k) DO UPDATE SET v = excluded.v
    """
    batches = [[["a", "b"], [1, 2], ["x", "y"]], [["b", "c"], [5, 6], ["z", "w"]]]
    tables = []
    for sql in (upsert, lake_dml(upsert, columns_of=lambda t: [], keys={})):
        con = duckdb.connect()
        con.execute(create)
        for params in batches:
            con.execute(sql, params)
        tables.append(con.execute("FROM t ORDER BY k").fetchall())
    assert tables[0] == tables[1] == [("a", 1, "x"), ("b", 5, "y"), ("c", 6, "w")]


def test_insert_or_ignore_takes_the_tables_key() -> None:
    sql = "INSERT OR IGNORE INTO feed_items (source, guid) VALUES (?, ?)"
    merged = lake_dml(sql, columns_of=lambda table: [], keys=KEYS)
    assert "feed_items.source = excluded.source AND feed_items.guid = excluded.guid" in merged
    assert "WHEN MATCHED" not in merged


def test_other_statements_are_left_alone() -> None:
    sql = "UPDATE articles SET last_seen_at = ? WHERE article_id = ?"
    assert lake_dml(sql, columns_of=lambda table: [], keys=KEYS) == sql


def test_lake_schema_has_no_keys_and_no_constrained_added_columns() -> None:
    for sql in SCRIPTS:
        lake = lake_ddl(sql, VIEWS)
        assert "PRIMARY KEY" not in lake.upper()
        assert not re.search(r"ADD COLUMN[^;]*NOT NULL", lake, re.IGNORECASE)


def test_comments_on_view_columns_become_rows_and_table_comments_stay() -> None:
    sql = """
    CREATE OR REPLACE VIEW v AS SELECT 1 AS one;
    COMMENT ON COLUMN v.one IS 'It''s one.';
    COMMENT ON COLUMN articles.title IS 'Headline.';
    """
    lake = lake_ddl(sql, {"v"})
    assert "DELETE FROM _view_column_comments WHERE view_name = 'v';" in lake
    assert "INSERT INTO _view_column_comments VALUES ('v', 'one', 'It''s one.');" in lake
    assert "COMMENT ON COLUMN articles.title IS 'Headline.';" in lake
