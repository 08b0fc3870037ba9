"""Loads: one transaction per batch, idempotent, updates in place, tags replaced."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from connectors import Failure
from tests.factories import FETCHED as NOW
from tests.factories import tagged_article
from transforms import TaggedArticle, assign_stories
from transforms.records import EntityMention
from warehouse import apply_schema, load_batch, migrations
from warehouse.db import connect_warehouse

META = EntityMention("meta", "Meta", "company", "Q380", 2, ("Meta@0", "Meta@9"))


def _tagged(
    key: str, text: str = "Some text.", topics: tuple[str, ...] = ("research",)
) -> TaggedArticle:
    return tagged_article(key, text=text, topics=topics, entities=(META,))


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    return tuple(
        con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        for table in ("articles", "article_topics", "entities", "article_entities", "failures")
    )


def test_second_identical_load_changes_no_counts(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    batch = [_tagged("a"), _tagged("b")]
    first = load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=batch, failures=[], now=NOW
    )
    before = _counts(con)
    second = load_batch(
        con, assign_stories=assign_stories, run_id="r2", tagged=batch, failures=[], now=NOW
    )
    assert (first.new, second.new, second.unchanged, second.updated) == (2, 0, 2, 0)
    assert _counts(con) == before == (2, 2, 1, 2, 0)


def test_changed_article_is_updated_and_its_tags_replaced(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    load_batch(
        con,
        assign_stories=assign_stories,
        run_id="r1",
        tagged=[_tagged("a", topics=("research", "safety"))],
        failures=[],
        now=NOW,
    )
    counts = load_batch(
        con,
        assign_stories=assign_stories,
        run_id="r2",
        tagged=[_tagged("a", text="New text.", topics=("funding",))],
        failures=[],
        now=NOW.replace(hour=13),
    )
    assert (counts.new, counts.updated) == (0, 1)
    assert con.execute("SELECT topic FROM article_topics").fetchall() == [("funding",)]
    row = con.execute("SELECT text, run_id, first_seen_at, last_seen_at FROM articles").fetchone()
    assert row == ("New text.", "r2", NOW, NOW.replace(hour=13))


def test_failed_batch_leaves_nothing_behind(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    good = _tagged("a")
    broken = _tagged("b")
    broken = dataclasses.replace(broken, article=dataclasses.replace(broken.article, text=None))  # type: ignore[arg-type]
    with pytest.raises(duckdb.ConstraintException):
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r1",
            tagged=[good, broken],
            failures=[],
            now=NOW,
        )
    assert _counts(con) == (0, 0, 0, 0, 0)


def test_failures_are_stored_as_typed_rows(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    failure = Failure("seed", "seeds", "x.jsonl#2", "bad_json", "x.jsonl:2: not valid JSON")
    load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=[], failures=[failure], now=NOW
    )
    assert con.execute('SELECT "at", run_id, error_code, message FROM failures').fetchall() == [
        (NOW, "r1", "bad_json", "x.jsonl:2: not valid JSON")
    ]


def test_every_table_and_column_is_documented(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    undocumented = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND (comment IS NULL OR comment = '')"
    ).fetchall()
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert (undocumented, tables) == ([], [])


def test_reopening_applies_no_migration_twice(db_path: Path) -> None:
    connect_warehouse(db_path).close()
    con = connect_warehouse(db_path)
    versions = [
        row[0] for row in con.execute("SELECT version FROM _migrations ORDER BY 1").fetchall()
    ]
    assert versions == [number for number, _, _ in migrations()]
    assert apply_schema(con) == versions[-1]
