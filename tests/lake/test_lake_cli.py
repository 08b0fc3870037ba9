"""`newsflow status` and `newsflow retag` with NEWSFLOW_WAREHOUSE naming a lake."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors import Source
from flows.cli import main
from tests.factories import FETCHED, tagged_article
from transforms import TAGGER_VERSION, assign_stories, tag_article
from transforms.records import TopicTag
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = pytest.mark.lake

NOW = datetime(2026, 1, 1)

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
            "SELECT flow, status, articles_updated, articles_unchanged FROM runs "
            "WHERE flow = 'retag'"
        ).fetchall()
    assert runs == [("retag", "completed", 2, 0)]


def test_sql_reads_the_lake_and_its_earlier_versions(
    lake: LakeWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    # The lake's last commit is the merge of the fixture's batch; the one before, its append.
    assert (
        main(["sql", "--format", "json", "SELECT max(snapshot_id) AS v FROM lake.snapshots()"]) == 0
    )
    [latest] = json.loads(capsys.readouterr().out)
    query = (
        "SELECT (SELECT count(*) FROM articles) AS merged, "
        f"(SELECT count(*) FROM articles AT (VERSION => {latest['v'] - 1})) AS staged"
    )
    assert main(["sql", "--format", "json", query]) == 0
    assert json.loads(capsys.readouterr().out) == [{"merged": 2, "staged": 0}]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("DELETE FROM articles", id="write"),
        pytest.param("CREATE TABLE notes (x INTEGER)", id="create"),
        pytest.param("ATTACH ':memory:' AS other", id="attach"),
        pytest.param("SELECT * FROM read_text('/etc/hostname')", id="file"),
        pytest.param("SET enable_external_access = true", id="setting"),
    ],
)
def test_sql_refuses_to_write_the_lake_or_reach_past_it(
    lake: LakeWarehouse, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", query]) == 2
    assert capsys.readouterr().err.strip()
    assert main(["sql", "--format", "json", "SELECT count(*) AS n FROM articles"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 2}]


def test_sources_enable_on_the_lake_makes_a_disabled_source_due(
    lake: LakeWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    lake.sync_sources([Source("Lab", "https://lab.example/feed")], listed_by="h:/s.yaml", now=NOW)
    with lake.writing() as con:
        con.execute(
            "UPDATE sources SET state = 'disabled', next_poll_at = ? WHERE name = 'Lab'", [NOW]
        )
    assert main(["sources", "enable", "Lab"]) == 0
    assert main(["sources", "list"]) == 0
    assert "Lab: active, 0 failures in a row" in capsys.readouterr().out
