"""Reading rows by column name: a reordered or added column cannot land in the wrong field."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pytest

from warehouse.rows import select_dicts, select_records


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    size: int
    note: str | None = None


def test_columns_go_to_the_fields_of_their_names_in_any_order() -> None:
    con = duckdb.connect()
    rows = select_records(con, "SELECT 3 AS size, 'a' AS name, 'n' AS note", record_type=Item)
    assert rows == [Item("a", 3, "n")]


def test_a_field_with_a_default_may_be_left_out() -> None:
    rows = select_records(duckdb.connect(), "SELECT 'a' AS name, 3 AS size", record_type=Item)
    assert rows == [Item("a", 3)]


def test_parameters_are_passed_by_position_or_name() -> None:
    con = duckdb.connect()
    by_position = select_records(con, "SELECT ? AS name, ? AS size", ["a", 1], record_type=Item)
    by_name = select_records(
        con, "SELECT $name AS name, $size AS size", {"name": "a", "size": 1}, record_type=Item
    )
    assert by_position == by_name == [Item("a", 1)]


def test_a_column_without_a_field_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Item has no field for column\(s\) \['extra'\]"):
        select_records(
            duckdb.connect(), "SELECT 'a' AS name, 1 AS size, 2 AS extra", record_type=Item
        )


def test_a_missing_required_field_is_refused() -> None:
    with pytest.raises(TypeError, match="size"):
        select_records(duckdb.connect(), "SELECT 'a' AS name", record_type=Item)


def test_two_columns_of_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="share a name"):
        select_dicts(duckdb.connect(), "SELECT 1 AS size, 2 AS size")


def test_dicts_are_keyed_by_column_name() -> None:
    assert select_dicts(
        duckdb.connect(), "SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS t(a, b) ORDER BY a"
    ) == [
        {"a": 1, "b": "x"},
        {"a": 2, "b": "y"},
    ]
