"""Staging and merging on the lake: each article once, each batch once, merges may race."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.factories import FETCHED, tagged_article
from transforms import assign_stories
from warehouse.lake import LakeConnection
from warehouse.lake_merge import stage_spooled
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(
        tmp_path / "news.duckdb",
        target=lake_target,
        data_dir=lake_data,
        assign_stories=assign_stories,
    )


def _counts(lake: LakeWarehouse) -> dict[str, int]:
    with lake.reading() as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("articles", "article_topics", "article_entities", "load_batches")
        }


def test_a_batch_is_queryable_when_load_staged_returns(lake: LakeWarehouse) -> None:
    path = lake.stage(
        run_id="r1", tagged=[tagged_article("a"), tagged_article("b")], failures=[], now=FETCHED
    )
    loaded = lake.load_staged(path, run_id="r1", now=FETCHED)

    assert loaded is not None and loaded.counts.new == 2
    assert not path.exists()
    assert _counts(lake) == {
        "articles": 2,
        "article_topics": 2,
        "article_entities": 4,
        "load_batches": 1,
    }
    with lake.reading() as con:
        rows = con.execute("SELECT article_id, topics FROM articles_enriched ORDER BY 1").fetchall()
    assert rows == [("a", ["regulation"]), ("b", ["regulation"])]


def test_overlapping_batches_keep_one_row_per_article_with_the_latest_tags(
    lake: LakeWarehouse,
) -> None:
    first = lake.stage(run_id="r1", tagged=[tagged_article("a")], failures=[], now=FETCHED)
    second = lake.stage(
        run_id="r2",
        tagged=[
            tagged_article("a", topics=("safety", "research"), text="New text."),
            tagged_article("b"),
        ],
        failures=[],
        now=FETCHED,
    )
    lake.load_staged(first, run_id="r1", now=FETCHED)
    lake.load_staged(second, run_id="r2", now=FETCHED)

    with lake.reading() as con:
        topics = con.execute(
            "SELECT topic FROM article_topics WHERE article_id = 'a' ORDER BY topic"
        ).fetchall()
        text = con.execute("SELECT text, run_id FROM articles WHERE article_id = 'a'").fetchall()
    assert _counts(lake)["articles"] == 2
    assert topics == [("research",), ("safety",)]
    assert text == [("New text.", "r2")]


def test_a_batch_appended_twice_is_merged_once(lake: LakeWarehouse) -> None:
    path = lake.stage(run_id="r1", tagged=[tagged_article("a")], failures=[], now=FETCHED)
    copy = path.with_name("copy.json")
    shutil.copy(path, copy)  # a writer killed after its append, before deleting the file
    lake.load_staged(path, run_id="r1", now=FETCHED)
    again = lake.load_staged(copy, run_id="r1", now=FETCHED)

    assert again is not None and again.counts.new == 0
    assert _counts(lake) == {
        "articles": 1,
        "article_topics": 1,
        "article_entities": 2,
        "load_batches": 1,
    }


MERGE = """
import sys
from datetime import datetime
from pathlib import Path
from transforms import assign_stories
from warehouse.lake_warehouse import LakeWarehouse
lake = LakeWarehouse(
    Path(sys.argv[3]),
    target=sys.argv[1],
    data_dir=Path(sys.argv[2]),
    assign_stories=assign_stories,
)
result = lake.merge(now=datetime(2026, 1, 2))
print(result.batches, result.counts.new, result.conflicts)
"""


def test_two_merges_at_once_merge_each_batch_and_article_once(
    lake: LakeWarehouse, tmp_path: Path
) -> None:
    # 12 batches of 20 articles over 60 keys: every key is in four batches.
    with lake.writing() as con:
        for number in range(12):
            start = (number * 20) % 60
            keys = [f"k{(start + i) % 60:02d}" for i in range(20)]
            path = lake.stage(
                run_id=f"r{number}",
                tagged=[tagged_article(key) for key in keys],
                failures=[],
                now=FETCHED,
            )
            stage_spooled(LakeConnection.of(con).raw, path, now=FETCHED)
    merges = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                MERGE,
                lake.target,
                str(lake.data_dir),
                str(tmp_path / "x" / "news.duckdb"),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [m.communicate(timeout=600)[0].split() for m in merges]
    print("merges (batches, new, conflicts):", outputs)

    assert [m.returncode for m in merges] == [0, 0]
    assert sum(int(out[1]) for out in outputs) == 60  # each article new exactly once
    assert _counts(lake) == {
        "articles": 60,
        "article_topics": 60,
        "article_entities": 120,
        "load_batches": 12,
    }
    with lake.reading() as con:
        assert con.execute(
            "SELECT count(DISTINCT batch_id), count(*) FROM load_batches"
        ).fetchall() == [(12, 12)]
