"""The README never lies: its Quickstart has two commands, and every SQL block runs."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.readme_fixture import JUST_FAILED_FEED, build_readme_warehouse

README = (ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.DOTALL)
FEED_HEALTH_BLOCKS = [sql for sql in SQL_BLOCKS if "FROM feed_health" in sql]


def test_quickstart_holds_exactly_two_commands() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block.split("\n")[:2] == ["make run", "make test"] and block.count("\n") == 2


def test_querying_section_answers_at_least_eight_questions() -> None:
    section = README.split("## Querying", 1)[1].split("\n## ", 1)[0]
    assert section.count("```sql") >= 8


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """A published warehouse where every README query has rows to show (tests/readme_fixture)."""
    return build_readme_warehouse(tmp_path_factory.mktemp("readme"))


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[s.split("\n")[0][3:] for s in SQL_BLOCKS])
def test_readme_query_runs_on_the_seed_warehouse(seeded_db: Path, sql: str) -> None:
    with duckdb.connect(str(seeded_db), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert rows, "the README shows a query that answers nothing on the seed data"


@pytest.mark.parametrize(
    "sql", FEED_HEALTH_BLOCKS, ids=[s.split("\n")[0][3:] for s in FEED_HEALTH_BLOCKS]
)
def test_readme_feed_health_queries_show_a_feed_that_failed_only_its_last_poll(
    seeded_db: Path, sql: str
) -> None:
    with duckdb.connect(str(seeded_db), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    assert any(row[0] == JUST_FAILED_FEED[0] for row in rows)
