"""Where the warehouse lives, from NEWSFLOW_* settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import load_settings, warehouse_for


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
