"""The scale case's pre-fill: distinct articles through the real load path, in a run of its own."""

from __future__ import annotations

from pathlib import Path

from bench.prefill import prefill_warehouse
from tests.factories import tagged_article
from warehouse import Warehouse


def test_prefill_loads_distinct_copies_of_the_templates_under_its_own_run(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "news.duckdb")

    prefill_warehouse(warehouse, [tagged_article("a"), tagged_article("b")], 5)

    with warehouse.writing() as con:
        assert con.execute("SELECT count(DISTINCT url) FROM articles").fetchone() == (5,)
        runs = con.execute("SELECT run_id, flow FROM runs").fetchall()
    assert runs == [("prefill-5", "prefill")]
