"""Reprocessing stored raw pages: offline, idempotent, and it upgrades old extractions."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors import RawDocument
from flows.cli import main
from flows.ingest import ingest
from flows.reprocess import reprocess, reprocess_stored_pages
from tests.transforms.test_extract import PARAGRAPHS, _page
from tests.writer_turn import released_after, turn_held_elsewhere
from transforms import assign_stories
from transforms.pipeline import Transformed, split_results, transform_documents
from warehouse import Warehouse, load_batch

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


def _store_fetched_page(warehouse: Warehouse, body: bytes, content_type: str) -> None:
    """Store a fetched page and its article as an ingest run does: transform, then load."""
    document = RawDocument(
        url="https://news.example.com/zurich",
        source="example",
        origin="feed",
        fetched_at=datetime(2026, 1, 2),
        status=200,
        content_type=content_type,
        body=body,
    )
    tagged, failures, raw = split_results(
        transform_documents([document], raw_dir=warehouse.raw_dir, workers=1)
    )
    assert len(tagged) == 1 and failures == []
    with warehouse.writing() as con:
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="r1",
            tagged=tagged,
            failures=[],
            now=datetime(2026, 1, 2),
            raw=raw,
        )
        con.execute("UPDATE articles SET text = 'old', extractor_version = 'old/0'")


def test_a_reprocessed_iso_8859_1_page_is_stored_and_extracted_without_mojibake(
    db_path: Path,
) -> None:
    text = "Die Zürcher Forscher zeigten ein Modell, das Überwachung erkennt und Grüße übersetzt."
    body = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>".encode(
        "iso-8859-1"
    )
    warehouse = Warehouse(db_path)
    _store_fetched_page(warehouse, body, "text/html; charset=ISO-8859-1")  # charset: header only
    [file] = warehouse.raw_dir.rglob("*.html.gz")
    written = file.stat()
    counts = reprocess_stored_pages(warehouse, run_id="again", workers=1)
    assert counts.updated == 1
    with duckdb.connect(str(warehouse.write_db), read_only=True) as con:
        raw = con.execute(
            "SELECT sha256, bytes, content_type, storage_path, run_id FROM raw_documents"
        ).fetchall()
        [(article_text,)] = con.execute("SELECT text FROM articles").fetchall()
    assert [row[:3] for row in raw] == [
        (hashlib.sha256(body).hexdigest(), len(body), "text/html; charset=ISO-8859-1")
    ]
    assert raw[0][4] == "again"  # stored again by the reprocess, as the bytes it was given
    assert gzip.decompress((warehouse.raw_dir / raw[0][3]).read_bytes()) == body
    assert text in article_text and "Ã" not in article_text
    assert list(warehouse.raw_dir.rglob("*.html.gz")) == [file]  # its own file, not rewritten
    assert (file.stat().st_ino, file.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def test_reprocess_extracts_with_the_database_closed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = Warehouse(db_path)
    _store_fetched_page(warehouse, b"<article><p>" + b"A sentence of words. " * 20 + b"</p>", "")
    opened_elsewhere: list[bool] = []

    def probing(documents: list[RawDocument], **kwargs: Any) -> list[Transformed]:
        # Another process can open the private database only when this one has it closed.
        probe = f"import duckdb; duckdb.connect({str(warehouse.write_db)!r}).close()"
        opened_elsewhere.append(subprocess.run([sys.executable, "-c", probe]).returncode == 0)
        return transform_documents(documents, **kwargs)

    monkeypatch.setattr("flows.reprocess.transform_documents", probing)
    counts = reprocess_stored_pages(warehouse, run_id="again", workers=1)
    assert counts.updated == 1 and opened_elsewhere == [True]
