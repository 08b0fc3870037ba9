"""Time travel over merged batches, and maintenance that compacts without changing the data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.factories import FETCHED, tagged_article
from transforms import assign_stories
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

_SNAPSHOT = "SELECT max(snapshot_id) FROM lake.snapshots()"
_ARTICLES = "SELECT count(*) FROM articles"


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(
        tmp_path / "news.duckdb",
        target=lake_target,
        data_dir=lake_data,
        assign_stories=assign_stories,
    )


def _load(lake: LakeWarehouse, keys: list[str]) -> None:
    path = lake.stage(
        run_id="r", tagged=[tagged_article(key) for key in keys], failures=[], now=FETCHED
    )
    lake.load_staged(path, run_id="r", now=FETCHED)


def _scalar(lake: LakeWarehouse, sql: str) -> int:
    with lake.reading() as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_time_travel_reads_the_lake_as_it_was_after_an_earlier_merge(lake: LakeWarehouse) -> None:
    _load(lake, ["a", "b"])
    version = _scalar(lake, _SNAPSHOT)
    _load(lake, ["c", "d", "e"])

    assert _scalar(lake, _ARTICLES) == 5
    assert _scalar(lake, f"SELECT count(*) FROM articles AT (VERSION => {version})") == 2


def test_maintenance_compacts_files_and_keeps_every_row(lake: LakeWarehouse) -> None:
    for number in range(6):
        _load(lake, [f"k{number}-{i}" for i in range(20)])
    before = _scalar(lake, _ARTICLES)

    stats = lake.maintain(keep_snapshots=timedelta(0), keep_staged=timedelta(0))

    assert stats.files_after < stats.files_before
    assert stats.staged_deleted == 6
    assert _scalar(lake, _ARTICLES) == before == 120
    assert _scalar(lake, "SELECT count(*) FROM article_topics") == 120
    assert _scalar(lake, "SELECT count(*) FROM staged_batches") == 0


@pytest.mark.usefixtures("prefect_harness")
def test_the_maintenance_flow_compacts_the_lake_the_settings_name(
    lake: LakeWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.maintain import maintain_warehouse

    for number in range(3):
        _load(lake, [f"k{number}-{i}" for i in range(5)])
    monkeypatch.setenv("NEWSFLOW_WAREHOUSE", lake.target)
    monkeypatch.setenv("NEWSFLOW_LAKE_DATA", str(lake.data_dir))
    monkeypatch.setenv("NEWSFLOW_DB", str(lake.snapshot))

    stats = maintain_warehouse(keep_snapshot_days=0, keep_staged_days=0)

    assert stats is not None and stats.staged_deleted == 3
    assert _scalar(lake, _ARTICLES) == 15
