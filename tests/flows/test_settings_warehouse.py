"""Where the warehouse lives, from NEWSFLOW_* settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import load_settings, warehouse_paths


def test_the_private_side_lives_beside_the_analysts_database_by_default() -> None:
    settings = load_settings({"NEWSFLOW_DB": "/srv/news/ai.duckdb"})
    paths = warehouse_paths(settings.db_path, settings.private_dir)
    assert (paths.snapshot, paths.write_db, paths.spool_dir) == (
        Path("/srv/news/ai.duckdb"),
        Path("/srv/news/ai.private/warehouse.duckdb"),
        Path("/srv/news/ai.private/spool"),
    )


def test_newsflow_private_dir_moves_the_private_side() -> None:
    settings = load_settings({"NEWSFLOW_PRIVATE_DIR": "/var/lib/newsflow"})
    paths = warehouse_paths(settings.db_path, settings.private_dir)
    assert paths.write_db == Path("/var/lib/newsflow/warehouse.duckdb")
    assert paths.snapshot == Path("data/news.duckdb")


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_a_bad_lock_wait_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(ValueError, match="NEWSFLOW_LOCK_WAIT"):
        load_settings({"NEWSFLOW_LOCK_WAIT": value})
