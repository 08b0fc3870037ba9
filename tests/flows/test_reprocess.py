"""Reprocessing stored raw pages: offline, idempotent, and it upgrades old extractions."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.ingest import ingest
from flows.reprocess import reprocess
from tests.transforms.test_extract import PARAGRAPHS, _page
from tests.writer_turn import released_after, turn_held_elsewhere
from warehouse import Warehouse
from warehouse.reprocess import reprocess_stored_pages

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def ingested(tmp_path: Path, db_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ai-act.html").write_text(_page(), encoding="utf-8")
    (seeds / "note.txt").write_text("A plain text seed without any raw page.\n", encoding="utf-8")
    summary = ingest(seeds_dir=str(seeds), db_path=str(db_path))
    assert (summary.counts.new, summary.counts.failures) == (2, 0)
    return db_path


def test_ingest_keeps_the_raw_page_of_html_seeds_only(ingested: Path) -> None:
    with duckdb.connect(str(ingested), read_only=True) as con:
        rows = con.execute(
            "SELECT r.url, r.bytes, r.article_id = a.article_id, a.raw_sha256 = r.sha256 "
            "FROM raw_documents r JOIN articles a USING (article_id)"
        ).fetchall()
    assert rows == [("seed://ai-act.html", len(_page().encode()), True, True)]
    store = Warehouse(ingested).raw_dir  # beside the private database
    assert len(list(store.rglob("*.html.gz"))) == 1


def test_reprocess_twice_changes_nothing(ingested: Path) -> None:
    first = reprocess(db_path=str(ingested))
    second = reprocess(db_path=str(ingested))
    assert (first.new, first.updated, first.unchanged) == (0, 0, 1)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 1)


def test_reprocess_rewrites_articles_of_an_older_extractor(ingested: Path) -> None:
    private = Warehouse(ingested).write_db
    with duckdb.connect(str(private)) as con:
        con.execute(
            "UPDATE articles SET text = 'old', extractor_version = 'old/0' WHERE url LIKE '%.html'"
        )
    counts = reprocess_stored_pages(Warehouse(ingested), run_id="manual", workers=1)
    assert (counts.updated, counts.unchanged) == (1, 0)
    with duckdb.connect(str(private), read_only=True) as con:
        [(text, version)] = con.execute(
            "SELECT text, extractor_version FROM articles WHERE url LIKE '%.html'"
        ).fetchall()
    assert PARAGRAPHS[0] in text and version.startswith("newsflow-")


def test_reprocess_window_excludes_pages_fetched_outside_it(ingested: Path) -> None:
    counts = reprocess_stored_pages(
        Warehouse(ingested), run_id="manual", until=datetime(2000, 1, 1)
    )
    assert (counts.new, counts.updated, counts.unchanged) == (0, 0, 0)


def test_cli_reprocess_reports_counts(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reprocess", "--db", str(ingested), "--since", "2000-01-01"]) == 0
    assert "0 new, 0 updated, 1 unchanged articles; 0 failures" in capsys.readouterr().out


def test_cli_rejects_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["reprocess", "--since", "last tuesday"])
    assert "is not a date" in capsys.readouterr().err


def test_cli_until_includes_the_day_it_names(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    private = Warehouse(ingested).write_db
    with duckdb.connect(str(private)) as con:
        con.execute("UPDATE raw_documents SET fetched_at = TIMESTAMP '2024-03-05 23:59:00'")
    assert main(["reprocess", "--db", str(ingested), "--until", "2024-03-04"]) == 0
    assert "0 new, 0 updated, 0 unchanged articles" in capsys.readouterr().out
    assert main(["reprocess", "--db", str(ingested), "--until", "2024-03-05"]) == 0
    assert "0 new, 0 updated, 1 unchanged articles" in capsys.readouterr().out


def test_reprocess_keeps_a_seeds_month_precision(tmp_path: Path, db_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    line = {"url": "https://e.com/a", "published": "2023-06", "html": _page()}
    (seeds / "pages.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    ingest(seeds_dir=str(seeds), db_path=str(db_path))
    private = Warehouse(db_path).write_db
    with duckdb.connect(str(private)) as con:
        con.execute("UPDATE articles SET extractor_version = 'old/0'")
    counts = reprocess_stored_pages(Warehouse(db_path), run_id="manual", workers=1)
    assert counts.updated == 1
    with duckdb.connect(str(private), read_only=True) as con:
        rows = con.execute("SELECT published_at, published_precision FROM articles").fetchall()
    assert rows == [(datetime(2023, 6, 1), "month")]


def test_cli_reprocess_waits_for_another_writer_instead_of_failing_on_its_lock(
    ingested: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSFLOW_LOCK_WAIT", "0")  # DuckDB's own lock would fail at once
    with turn_held_elsewhere(Warehouse(ingested)) as holder, released_after(holder, 1.0):
        assert main(["reprocess", "--db", str(ingested)]) == 0
    assert "0 new, 0 updated, 1 unchanged articles" in capsys.readouterr().out
