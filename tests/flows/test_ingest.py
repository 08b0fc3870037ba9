"""The ingest flow end to end under Prefect's test harness, on real DuckDB files."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEED_TOPICS = {"open-source", "regulation"}
SEED_ENTITIES = {"Meta", "Yann LeCun", "PyTorch", "Google", "Microsoft"}


def _table_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("articles", "article_topics", "article_entities", "entities", "failures")
        }


def test_bundled_seed_lands_with_date_topics_and_entities(db_path: Path) -> None:
    summary = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))
    assert (summary.counts.new, summary.counts.failures) == (1, 0)
    with duckdb.connect(str(db_path), read_only=True) as con:
        [(article_id, published, run_id)] = con.execute(
            "SELECT article_id, published_at, run_id FROM articles"
        ).fetchall()
        topics = {r[0] for r in con.execute("SELECT topic FROM article_topics").fetchall()}
        names = {
            r[0]
            for r in con.execute(
                "SELECT name FROM article_entities JOIN entities USING (entity_id)"
            ).fetchall()
        }
        status = con.execute("SELECT status, articles_new FROM runs").fetchall()
    assert published == datetime(2023, 12, 17)
    assert run_id == summary.run_id
    assert SEED_TOPICS <= topics
    assert SEED_ENTITIES <= names
    assert status == [("completed", 1)]


def test_second_run_changes_no_counts(db_path: Path) -> None:
    ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))
    before = _table_counts(db_path)
    summary = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))
    assert (summary.counts.new, summary.counts.unchanged) == (0, 1)
    assert _table_counts(db_path) == before


def test_edited_seed_updates_its_row(tmp_path: Path, db_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = seeds / "note.txt"
    seed.write_text("date 2024-01-01 OpenAI shipped a model. It is good.", encoding="utf-8")
    ingest(seeds_dir=str(seeds), db_path=str(db_path))
    seed.write_text("date 2024-01-02 OpenAI shipped a model. It is great.", encoding="utf-8")
    summary = ingest(seeds_dir=str(seeds), db_path=str(db_path))
    assert (summary.counts.new, summary.counts.updated) == (0, 1)
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute("SELECT published_at, text FROM articles").fetchall()
    assert rows == [(datetime(2024, 1, 2), "OpenAI shipped a model. It is great.")]


def test_bad_seeds_become_failure_rows_and_the_rest_loads(tmp_path: Path, db_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "broken.jsonl").write_text(
        '{"text": "ok", "title": "Fine"}\n{oops\n', encoding="utf-8"
    )
    (seeds / "bad-date.txt").write_text("date 2023-13-01 Text.", encoding="utf-8")
    (seeds / "empty.html").write_text(
        "<html><head><title>t</title></head><body></body></html>", encoding="utf-8"
    )
    summary = ingest(seeds_dir=str(seeds), db_path=str(db_path))
    assert summary.counts.new == 2
    assert summary.failures_by_code == {"bad_json": 1, "bad_date": 1, "extraction_empty": 1}
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "SELECT url_or_path, error_code, run_id FROM failures ORDER BY url_or_path"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("bad-date.txt", "bad_date"),
        ("broken.jsonl#2", "bad_json"),
        ("empty.html", "extraction_empty"),
    ]
    assert {r[2] for r in rows} == {summary.run_id}


def test_missing_seed_folder_is_an_empty_run(tmp_path: Path, db_path: Path) -> None:
    summary = ingest(seeds_dir=str(tmp_path / "nowhere"), db_path=str(db_path))
    assert (summary.counts.new, summary.counts.failures) == (0, 0)
