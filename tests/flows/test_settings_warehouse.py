"""Where the warehouse lives, from NEWSFLOW_* settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import load_settings, warehouse_for
from warehouse import LakeWarehouse, Warehouse


def test_the_private_side_lives_beside_the_analysts_database_by_default() -> None:
    warehouse = warehouse_for(load_settings({"NEWSFLOW_DB": "/srv/news/ai.duckdb"}))
    assert (warehouse.snapshot, warehouse.write_db, warehouse.spool_dir) == (
        Path("/srv/news/ai.duckdb"),
        Path("/srv/news/ai.private/warehouse.duckdb"),
        Path("/srv/news/ai.private/spool"),
    )


def test_newsflow_private_dir_moves_the_private_side() -> None:
    warehouse = warehouse_for(load_settings({"NEWSFLOW_PRIVATE_DIR": "/var/lib/newsflow"}))
    assert warehouse.write_db == Path("/var/lib/newsflow/warehouse.duckdb")
    assert warehouse.snapshot == Path("data/news.duckdb")


def test_a_flows_own_arguments_win_over_the_environment() -> None:
    settings = load_settings({"NEWSFLOW_DB": "/srv/a.duckdb", "NEWSFLOW_LOCK_WAIT": "5"})
    warehouse = warehouse_for(settings, db_path="/srv/b.duckdb", lock_wait=0)
    assert (warehouse.write_db, warehouse.lock_wait) == (Path("/srv/b.private/warehouse.duckdb"), 0)


def test_no_write_limit_means_the_file_lock_alone() -> None:
    assert warehouse_for(load_settings({})).shared_turn is None
    assert warehouse_for(load_settings({"NEWSFLOW_WRITE_LIMIT": "w"})).shared_turn is not None


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_lock_wait_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(ValueError, match="NEWSFLOW_LOCK_WAIT"):
        load_settings({"NEWSFLOW_LOCK_WAIT": value})


LAKE = "ducklake:postgres:dbname=news host=db port=5432 user=newsflow"


def test_newsflow_warehouse_names_a_lake_with_its_data_and_a_local_spool() -> None:
    settings = load_settings(
        {
            "NEWSFLOW_WAREHOUSE": LAKE,
            "NEWSFLOW_LAKE_DATA": "/mnt/lake",
            "NEWSFLOW_DB": "/w/n.duckdb",
        }
    )
    warehouse = warehouse_for(settings)
    assert isinstance(warehouse, LakeWarehouse)
    assert (warehouse.target, warehouse.data_dir, warehouse.spool_dir) == (
        LAKE,
        Path("/mnt/lake"),
        Path("/w/n.private/spool"),
    )


@pytest.mark.parametrize("value", ["", "duckdb:"], ids=["unset", "duckdb"])
def test_without_a_lake_the_warehouse_is_the_embedded_one(value: str) -> None:
    warehouse = warehouse_for(load_settings({"NEWSFLOW_WAREHOUSE": value}))
    assert type(warehouse) is Warehouse


def test_a_lake_without_its_data_directory_is_refused() -> None:
    with pytest.raises(ValueError, match="NEWSFLOW_LAKE_DATA"):
        warehouse_for(load_settings({"NEWSFLOW_WAREHOUSE": LAKE}))


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="NEWSFLOW_WAREHOUSE"):
        load_settings({"NEWSFLOW_WAREHOUSE": "postgres://db/news"})
