"""The ingest flow end to end under Prefect's test harness, on real DuckDB files."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import flows.ingest
import flows.run
from flows.ingest import ingest
from tests.conftest import FIXTURES, ROOT
from transforms import start_worker_server

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


def test_poison_seeds_are_failure_rows_and_every_good_seed_loads(
    tmp_path: Path, db_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copy(FIXTURES / "seeds" / "alias-bomb.md", seeds / "bomb.md")
    (seeds / "unclosed.md").write_text("---\ntitle: x\nBody.", encoding="utf-8")
    lines = [
        b'{"url": "https://e.com/y", "published": "2024", "text": "OpenAI shipped a model."}',
        b'{"text": "a", "published": "9999-12-31T23:00:00-05:00"}',
        b'{"text": "a", "views": ' + b"7" * 5000 + b"}",
        b"[" * 200_000 + b"]" * 200_000,
        b'{"text": "caf\xe9"}',
        b'{"url": "https://e.com/m", "published": "2023-11", "text": "Google shipped a model."}',
    ]
    (seeds / "poison.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    summary = ingest(seeds_dir=str(seeds), db_path=str(db_path))
    assert summary.counts.new == 3
    assert summary.failures_by_code == {
        "bad_date": 1,
        "too_large": 1,
        "too_deep": 1,
        "undecodable": 1,
        "bad_front_matter": 2,
    }
    with duckdb.connect(str(db_path), read_only=True) as con:
        failures = con.execute("SELECT url_or_path FROM failures ORDER BY 1").fetchall()
        dated = con.execute(
            "SELECT url, published_at, published_precision FROM articles "
            "WHERE url LIKE 'https://e.com/%' ORDER BY url"
        ).fetchall()
        runs = con.execute("SELECT status FROM runs").fetchall()
        longest = con.execute("SELECT max(length(title)) FROM articles").fetchone()
    assert [r[0] for r in failures] == [
        "bomb.md",
        "poison.jsonl#2",
        "poison.jsonl#3",
        "poison.jsonl#4",
        "poison.jsonl#5",
        "unclosed.md",
    ]
    assert dated == [
        ("https://e.com/m", datetime(2023, 11, 1), "month"),
        ("https://e.com/y", datetime(2024, 1, 1), "year"),
    ]
    assert runs == [("completed",)]
    assert longest is not None and longest[0] < 200


def _pool_processes() -> list[str]:
    """This process's children that serve the extraction pool (its forkserver, its tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and "multiprocessing" in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_extraction_pool_is_gone_before_the_run_loads_and_reports(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_worker_server()  # as `newsflow ingest` does, first thing
    assert _pool_processes()
    seen: dict[str, list[str]] = {}
    real_load, real_report = flows.ingest.load_task, flows.run.report_run_task

    def load_task(*args: object) -> object:
        seen.setdefault("load", _pool_processes())
        return real_load(*args)

    def report_run_task(*args: object) -> object:
        seen["report"] = _pool_processes()
        return real_report(*args)

    monkeypatch.setattr(flows.ingest, "load_task", load_task)
    monkeypatch.setattr(flows.run, "report_run_task", report_run_task)
    summary = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))

    assert summary.counts.new == 1
    assert seen == {"load": [], "report": []}
