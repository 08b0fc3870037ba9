"""`newsflow status` and `newsflow retag` with NEWSFLOW_WAREHOUSE naming a lake."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.cli import main
from tests.factories import FETCHED, tagged_article
from transforms import TAGGER_VERSION, assign_stories, tag_article
from transforms.records import TopicTag
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

STALE = replace(
    tagged_article("a", text="Nvidia launched the H100 GPU for AI chips. " * 4),
    topics=(TopicTag("labor-jobs", 1.0, ("x@1",)),),
    tagger_version="old",
)


@pytest.fixture
def lake(
    lake_target: str, lake_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> LakeWarehouse:
    """The lake the CLI's settings name, with two articles merged (one tagged by an old tagger)."""
    monkeypatch.setenv("NEWSFLOW_WAREHOUSE", lake_target)
    monkeypatch.setenv("NEWSFLOW_LAKE_DATA", str(lake_data))
    monkeypatch.setenv("NEWSFLOW_PRIVATE_DIR", str(tmp_path / "private"))
    lake = LakeWarehouse(
        tmp_path / "news.duckdb",
        target=lake_target,
        data_dir=lake_data,
        assign_stories=assign_stories,
    )
    tagged = [STALE, tagged_article("b")]
    path = lake.stage(run_id="ingest-1", tagged=tagged, failures=[], now=FETCHED)
    lake.load_staged(path, run_id="ingest-1", now=FETCHED)
    return lake


def _tags(lake: LakeWarehouse) -> list[tuple[str, str, str]]:
    with lake.reading() as con:
        rows = con.execute(
            "SELECT a.article_id, a.tagger_version, t.topic FROM articles a "
            "JOIN article_topics t USING (article_id) ORDER BY 1, 3"
        ).fetchall()
    return [(str(a), str(v), str(t)) for a, v, t in rows]


def test_status_reads_the_lake_and_names_its_catalog(
    lake: LakeWarehouse, lake_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"warehouse {lake_target}: schema version ")
    assert "2 articles" in out


def test_status_json_gives_the_lakes_last_commit_and_size(
    lake: LakeWarehouse, lake_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["warehouse"] == lake.target
    assert document["counts"]["articles"] == 2
    published = datetime.fromisoformat(document["published_at"])
    assert abs(datetime.now(UTC) - published) < timedelta(minutes=10)
    on_disk = sum(path.stat().st_size for path in lake_data.rglob("*") if path.is_file())
    assert document["bytes"] == on_disk


def test_status_hides_a_password_in_the_lake_setting(
    lake: LakeWarehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # PostgreSQL trusts the test user, so any password is accepted and must not be shown.
    monkeypatch.setenv("NEWSFLOW_WAREHOUSE", lake.target + " password=s3cret")
    assert main(["status", "--json"]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    assert json.loads(out)["warehouse"] == lake.target + " password=REDACTED"


def test_retag_rewrites_the_lakes_stale_tags_and_records_the_run(
    lake: LakeWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ("a", "old", "labor-jobs") in _tags(lake)

    assert main(["retag"]) == 0
    assert "retagged 2 articles" in capsys.readouterr().out
    tags = _tags(lake)
    assert all(version == TAGGER_VERSION for _, version, _ in tags)
    expected = {tag.topic for tag in tag_article(STALE.article).topics}
    assert {topic for key, _, topic in tags if key == "a"} == expected
    assert "labor-jobs" not in expected
    with lake.reading() as con:
        runs = con.execute(
            "SELECT flow, status, articles_updated, articles_unchanged FROM runs WHERE flow = 'retag'"
        ).fetchall()
    assert runs == [("retag", "completed", 2, 0)]
