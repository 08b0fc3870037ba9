"""The README never lies: its Quickstart has two commands, and every SQL block runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.DOTALL)


def test_quickstart_holds_exactly_two_commands() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block.split("\n")[:2] == ["make run", "make test"] and block.count("\n") == 2


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """The bundled seeds plus one broken seed and one refused feed, so every query has rows."""
    folder = tmp_path_factory.mktemp("readme")
    seeds = folder / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    sources = folder / "sources.yaml"  # loopback is refused by default: no request is made
    sources.write_text("sources:\n  - {name: Local, url: 'http://127.0.0.1:9/feed'}\n")
    ingest(seeds_dir=str(seeds), db_path=str(folder / "news.duckdb"), sources_file=str(sources))
    return folder / "news.duckdb"


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[s.split("\n")[0][3:] for s in SQL_BLOCKS])
def test_readme_query_runs_on_the_seed_warehouse(seeded_db: Path, sql: str) -> None:
    with duckdb.connect(str(seeded_db), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert rows, "the README shows a query that answers nothing on the seed data"
