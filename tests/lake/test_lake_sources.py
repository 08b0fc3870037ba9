"""Processes with sources files of their own share one lake: none disables the others' feeds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from connectors import Source
from warehouse import select_due_feeds, select_sources
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

NOW = datetime(2026, 1, 10, 12)
LAB = Source("Lab", "https://lab.example/feed")
LAB_BLOG = Source("Lab blog", "https://lab.example/blog.xml")
WIRE = Source("Wire", "https://wire.example/rss")
MINE, THEIRS = "host-a:/srv/newsflow/a.yaml", "host-b:/srv/newsflow/b.yaml"


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(tmp_path / "news.duckdb", target=lake_target, data_dir=lake_data)


def _enabled(lake: LakeWarehouse) -> dict[str, bool]:
    with lake.writing() as con:
        return {source.name: source.enabled for source in select_sources(con)}


def test_each_files_sync_leaves_the_other_files_sources_polling(lake: LakeWarehouse) -> None:
    lake.sync_sources([LAB, LAB_BLOG], listed_by=MINE, now=NOW)
    lake.sync_sources([WIRE], listed_by=THEIRS, now=NOW)
    lake.sync_sources([LAB, LAB_BLOG], listed_by=MINE, now=NOW)  # my next run
    assert _enabled(lake) == {"Lab": True, "Lab blog": True, "Wire": True}
    with lake.writing() as con:
        assert [state.name for state in select_due_feeds(con, ["Wire"], NOW)] == ["Wire"]


def test_a_source_that_leaves_its_file_stops_polling_and_no_other(lake: LakeWarehouse) -> None:
    lake.sync_sources([LAB, LAB_BLOG], listed_by=MINE, now=NOW)
    lake.sync_sources([WIRE, LAB], listed_by=THEIRS, now=NOW)  # Lab in both files
    lake.sync_sources([LAB], listed_by=MINE, now=NOW)  # Lab blog left my file
    lake.sync_sources([WIRE], listed_by=THEIRS, now=NOW)  # Lab left theirs, still in mine
    assert _enabled(lake) == {"Lab": True, "Lab blog": False, "Wire": True}
