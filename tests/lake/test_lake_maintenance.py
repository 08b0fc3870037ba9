"""Time travel over merged batches, and maintenance that compacts without changing the data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.factories import FETCHED, tagged_article
from transforms import assign_stories
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

_SNAPSHOT = "SELECT max(snapshot_id) FROM lake.snapshots()"
_ARTICLES = "SELECT count(*) FROM articles"
_CURATED = ("articles", "article_topics", "article_entities", "entities", "stories")


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(
        tmp_path / "news.duckdb",
        target=lake_target,
        data_dir=lake_data,
        assign_stories=assign_stories,
    )


def _load(lake: LakeWarehouse, keys: list[str], text: str = "OpenAI and the EU AI Act.") -> None:
    path = lake.stage(
        run_id="r",
        tagged=[tagged_article(key, text=text) for key in keys],
        failures=[],
        now=FETCHED,
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

    assert stats.live_files_after < stats.live_files_before
    # The files compaction replaced wait out the cleanup grace (an hour) on disk.
    assert stats.files_after > stats.live_files_after
    assert stats.staged_deleted == 6
    assert _scalar(lake, _ARTICLES) == before == 120
    assert _scalar(lake, "SELECT count(*) FROM article_topics") == 120
    assert _scalar(lake, "SELECT count(*) FROM staged_batches") == 0


def test_maintenance_without_retention_or_grace_leaves_only_the_current_snapshot_files(
    lake: LakeWarehouse,
) -> None:
    keys = [f"k{i}" for i in range(150)]  # beyond what DuckLake inlines: Parquet files
    _load(lake, keys)
    first = _scalar(lake, _SNAPSHOT)
    # Re-extracted: the rows are replaced, so the first files only time travel reaches.
    _load(lake, keys, text="OpenAI, Mistral and the EU AI Act.")
    counts = {table: _scalar(lake, f"SELECT count(*) FROM {table}") for table in _CURATED}

    stats = lake.maintain(
        keep_snapshots=timedelta(0), keep_staged=timedelta(0), cleanup_grace=timedelta(0)
    )

    on_disk = [p for p in lake.data_dir.rglob("*") if p.is_file() and "raw" not in p.parts]
    assert stats.files_before > stats.live_files_before
    assert len(on_disk) == stats.files_after == stats.live_files_after
    assert stats.bytes_after == stats.live_bytes_after
    assert {table: _scalar(lake, f"SELECT count(*) FROM {table}") for table in _CURATED} == counts
    with lake.reading() as con, pytest.raises(duckdb.Error, match=f"No snapshot .* {first}"):
        con.execute(f"SELECT count(*) FROM articles AT (VERSION => {first})").fetchall()


def test_maintenance_leaves_fewer_files_to_read_when_articles_were_reloaded(
    lake: LakeWarehouse,
) -> None:
    batches = [[f"k{number}-{i}" for i in range(150)] for number in range(3)]
    for keys in batches:
        _load(lake, keys)
    # Re-extracted: each merge replaces rows, leaving delete files that merging alone skips.
    for keys in batches:
        _load(lake, keys, text="OpenAI, Mistral and the EU AI Act.")
    counts = {table: _scalar(lake, f"SELECT count(*) FROM {table}") for table in _CURATED}

    stats = lake.maintain(
        keep_snapshots=timedelta(0), keep_staged=timedelta(0), cleanup_grace=timedelta(0)
    )

    assert stats.live_files_after < stats.live_files_before
    assert stats.inlined_rows_before > stats.inlined_rows_after == 0
    assert {table: _scalar(lake, f"SELECT count(*) FROM {table}") for table in _CURATED} == counts


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
