"""Column-array statements built from a record type: types, order, NULLs, one statement a batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

import duckdb
import pytest

from tests.warehouse.test_load import _tagged
from transforms import assign_stories
from warehouse import load_batch
from warehouse.bulk import columns_of, execute_records, insert_sql, records_sql, sql_type
from warehouse.db import connect_warehouse
from warehouse.rows import select_records

NOW = datetime(2025, 3, 1, 12, 0)


@dataclass(frozen=True, slots=True)
class Sample:
    """Every kind of field the helper maps, in an order unlike the table's."""

    key: str
    count: int
    score: float
    flag: bool
    at: datetime  # an SQL keyword: the helper must quote it
    day: date
    tags: list[str]  # lists, not tuples: DuckDB reads list columns back as lists
    numbers: list[int]
    note: str | None = None


_CREATE = """
CREATE TABLE sample (
    note VARCHAR, day DATE, tags VARCHAR[], "at" TIMESTAMP, numbers BIGINT[],
    flag BOOLEAN, score DOUBLE, count INTEGER, key VARCHAR PRIMARY KEY
)
"""

_INSERT = insert_sql("sample", Sample)


def _sample(key: str, **changes: Any) -> Sample:
    values: dict[str, Any] = {
        "key": key,
        "count": 3,
        "score": 0.5,
        "flag": True,
        "at": NOW,
        "day": date(2025, 3, 1),
        "tags": ["a", "b"],
        "numbers": [1, 2**40],
        "note": f"note {key}",
    }
    return Sample(**{**values, **changes})


class _CountingConnection:
    """A real connection that counts the statements run through it; executemany is refused."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.statements = 0

    def execute(self, sql: str, params: object = None) -> duckdb.DuckDBPyConnection:
        self.statements += 1
        return self._con.execute(sql, params)

    def executemany(self, sql: str, params: object = None) -> None:
        raise AssertionError("a batch must not run one statement per row")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        pytest.param(str, "VARCHAR", id="str"),
        pytest.param(int, "BIGINT", id="int"),
        pytest.param(float, "DOUBLE", id="float"),
        pytest.param(bool, "BOOLEAN", id="bool-not-int"),
        pytest.param(datetime, "TIMESTAMP", id="datetime-not-date"),
        pytest.param(date, "DATE", id="date"),
        pytest.param(list[str], "VARCHAR[]", id="list"),
        pytest.param(tuple[int, ...], "BIGINT[]", id="tuple"),
        pytest.param(list[tuple[str, ...]], "VARCHAR[][]", id="nested"),
        pytest.param(str | None, "VARCHAR", id="union-none"),
        pytest.param(Optional[datetime], "TIMESTAMP", id="optional"),  # noqa: UP045
        pytest.param(tuple[str, ...] | None, "VARCHAR[]", id="optional-list"),
        pytest.param(bytes, None, id="bytes"),
        pytest.param(dict[str, int], None, id="dict"),
        pytest.param(tuple[str, int], None, id="fixed-tuple"),
        pytest.param(str | int, None, id="two-types"),
        pytest.param(list[object], None, id="list-of-unknown"),
    ],
)
def test_sql_type_maps_annotations(annotation: object, expected: str | None) -> None:
    assert sql_type(annotation) == expected


def test_columns_follow_the_dataclass_field_order() -> None:
    assert [name for name, _ in columns_of(Sample)] == [
        "key",
        "count",
        "score",
        "flag",
        "at",
        "day",
        "tags",
        "numbers",
        "note",
    ]


def test_a_field_without_a_duckdb_type_is_named_in_the_error() -> None:
    @dataclass(frozen=True)
    class Page:
        url: str
        body: bytes

    with pytest.raises(TypeError, match=r"Page\.body: no DuckDB type for <class 'bytes'>"):
        insert_sql("pages", Page)


def test_records_round_trip_through_a_database_file_by_column_name(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    rows = [_sample("a"), _sample("b", note=None, tags=[], numbers=[])]
    execute_records(con, _INSERT, rows)
    con.close()

    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    back = select_records(con, "SELECT * FROM sample ORDER BY key", record_type=Sample)
    assert back == rows


def test_none_in_an_optional_column_is_stored_as_null(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    execute_records(con, _INSERT, [_sample("a", note=None), _sample("b")])
    assert con.execute("SELECT key, note FROM sample ORDER BY key").fetchall() == [
        ("a", None),
        ("b", "note b"),
    ]


def test_the_conflict_clause_decides_what_a_second_insert_does(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    upsert = insert_sql(
        "sample", Sample, on_conflict="ON CONFLICT (key) DO UPDATE SET count = excluded.count"
    )
    execute_records(con, _INSERT, [_sample("a", count=1)])
    execute_records(con, upsert, [_sample("a", count=2, note="kept?")])
    assert con.execute("SELECT count, note FROM sample").fetchall() == [(2, "note a")]


def test_an_int_too_big_for_an_integer_column_is_refused_not_wrapped(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    with pytest.raises(duckdb.ConversionException):
        execute_records(con, _INSERT, [_sample("a", count=2**40)])


def test_a_statement_over_records_names_them_once() -> None:
    with pytest.raises(ValueError, match="must name"):
        records_sql("UPDATE sample SET count = 1", Sample)


def test_records_of_another_type_than_the_statement_was_built_for_are_refused() -> None:
    @dataclass(frozen=True)
    class Other:
        key: str

    with pytest.raises(ValueError, match="was not built for Other"):
        execute_records(duckdb.connect(), _INSERT, [Other("a")])


def test_an_update_joins_the_records_by_field_name(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    execute_records(con, _INSERT, [_sample("a"), _sample("b")])
    update = records_sql(
        "UPDATE sample SET note = v.note FROM {rows} AS v WHERE sample.key = v.key", Sample
    )
    execute_records(con, update, [_sample("b", note="changed")])
    assert con.execute("SELECT key, note FROM sample ORDER BY key").fetchall() == [
        ("a", "note a"),
        ("b", "changed"),
    ]


def test_no_records_run_no_statement() -> None:
    counting = _CountingConnection(duckdb.connect())
    execute_records(counting, _INSERT, [])  # type: ignore[arg-type]
    assert counting.statements == 0


def test_thousands_of_records_are_one_statement(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "bulk.duckdb"))
    con.execute(_CREATE)
    counting = _CountingConnection(con)
    execute_records(counting, _INSERT, [_sample(f"k{n}") for n in range(5000)])  # type: ignore[arg-type]
    assert counting.statements == 1
    assert con.execute("SELECT count(*) FROM sample").fetchone() == (5000,)


def test_a_batch_load_runs_as_many_statements_for_thousands_of_articles_as_for_two(
    db_path: Path,
) -> None:
    def statements(size: int, run_id: str) -> int:
        counting = _CountingConnection(connect_warehouse(db_path))
        tagged = [_tagged(f"{run_id}-{n}") for n in range(size)]
        load_batch(
            counting,
            assign_stories=assign_stories,
            run_id=run_id,
            tagged=tagged,
            failures=[],
            now=NOW,
        )  # type: ignore[arg-type]
        counting.close()
        return counting.statements

    assert statements(3000, "big") == statements(2, "small")
