"""Re-tagging stored articles: tags replaced by the current tagger, runs recorded, CLI."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from bench.tagging.evaluate import article_for
from flows.cli import main
from flows.retag import retag, retag_articles
from tests.writer_turn import released_after, turn_held_elsewhere
from transforms import TAGGER_VERSION, assign_stories, tag_article
from transforms.records import TopicTag
from warehouse import Warehouse, load_batch


def _seed_stale(db_path: Path) -> None:
    """Store an article whose tags came from an older tagger, with a wrong topic."""
    article = replace(
        article_for(
            "a",
            "Nvidia unveils a chip",
            "Nvidia launched the H100 GPU for AI with Kestrel Labs. " * 4,
        ),
        published_at=datetime(2023, 11, 3),
    )
    stale = replace(
        tag_article(article), topics=(TopicTag("labor-jobs", 1.0, ("x@1",)),), tagger_version="old"
    )
    with Warehouse(db_path).writing() as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="ingest-1",
            tagged=[stale],
            failures=[],
            now=datetime(2024, 1, 1),
        )


def _topics(db_path: Path) -> set[str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {row[0] for row in con.execute("SELECT topic FROM article_topics").fetchall()}


def _private_topics(db_path: Path) -> set[str]:
    with Warehouse(db_path).writing() as con:
        return {row[0] for row in con.execute("SELECT topic FROM article_topics").fetchall()}


def test_retag_replaces_old_tags_in_the_private_database(db_path: Path) -> None:
    _seed_stale(db_path)
    summary = retag_articles(Warehouse(db_path), run_id="retag-1")
    assert (summary.retagged, summary.stale) == (1, 1)
    assert "labor-jobs" not in _private_topics(db_path)
    assert "chips-hardware" in _private_topics(db_path)
    with Warehouse(db_path).writing() as con:
        version = con.execute("SELECT tagger_version FROM articles").fetchone()
        candidates = con.execute("SELECT name, mentions FROM candidate_entities").fetchall()
    assert version == (TAGGER_VERSION,)
    assert candidates == [("Kestrel Labs", 4)]


def test_second_retag_changes_nothing(db_path: Path) -> None:
    _seed_stale(db_path)
    retag_articles(Warehouse(db_path), run_id="retag-1")
    before = _private_topics(db_path)
    summary = retag_articles(Warehouse(db_path), run_id="retag-2")
    assert (summary.retagged, summary.stale) == (1, 0)
    assert _private_topics(db_path) == before


def test_retag_outside_the_date_range_touches_nothing(db_path: Path) -> None:
    _seed_stale(db_path)
    assert main(["retag", "--db", str(db_path), "--since", "2023-11-04"]) == 0
    assert _topics(db_path) == {"labor-jobs"}


def test_cli_retag_without_a_warehouse_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retag", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "run newsflow ingest first" in capsys.readouterr().err


def test_cli_retag_reports_counts(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed_stale(db_path)
    assert main(["retag", "--db", str(db_path), "--until", "2023-11-03"]) == 0
    assert "retagged 1 article with" in capsys.readouterr().out


def test_cli_retag_rejects_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["retag", "--since", "2023-13-01"])
    assert "not a date" in capsys.readouterr().err


@pytest.mark.usefixtures("prefect_harness")
def test_retag_flow_records_its_run_and_publishes(db_path: Path) -> None:
    _seed_stale(db_path)
    summary = retag(db_path=str(db_path))
    assert (summary.retagged, summary.stale) == (1, 1)
    assert "chips-hardware" in _topics(db_path)  # the analysts' snapshot
    with duckdb.connect(str(db_path), read_only=True) as con:
        runs = con.execute(
            "SELECT run_id, flow, status, articles_updated, articles_unchanged FROM runs"
        ).fetchall()
    assert runs == [(summary.run_id, "retag", "completed", 1, 0)]
    assert not summary.run_id.startswith("retag-")  # the flow run's id


def test_cli_retag_records_its_run_in_the_snapshot(db_path: Path) -> None:
    _seed_stale(db_path)
    assert main(["retag", "--db", str(db_path)]) == 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        runs = con.execute("SELECT flow, status, articles_updated FROM runs").fetchall()
    assert runs == [("retag", "completed", 1)]


def test_cli_retag_waits_for_another_writer_instead_of_failing_on_its_lock(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed_stale(db_path)
    monkeypatch.setenv("NEWSFLOW_LOCK_WAIT", "0")  # DuckDB's own lock would fail at once
    with turn_held_elsewhere(Warehouse(db_path)) as holder, released_after(holder, 1.0):
        assert main(["retag", "--db", str(db_path)]) == 0
    assert "chips-hardware" in _topics(db_path)
