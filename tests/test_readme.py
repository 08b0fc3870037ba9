"""The README never lies: its Quickstart has two commands, every SQL block runs, and every
`newsflow` command and option it names exists."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import duckdb
import pytest

from flows.cli import _build_parser
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


def _readme_commands() -> list[str]:
    """Every `newsflow …` line of the README's shell blocks and inline code."""
    lines = [
        line.split("  #")[0]
        for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
        for line in block.splitlines()
    ]
    lines += re.findall(r"`([^`\n]*newsflow [^`\n]*)`", README)
    found = [re.search(r"(?:^|[\s/])newsflow\s+(\S.*)", line) for line in lines]
    return [match.group(1) for match in found if match]


@pytest.mark.parametrize("command", _readme_commands())
def test_every_command_and_option_the_readme_names_exists(command: str) -> None:
    parser = _build_parser()
    words = command.split()
    if not words[0].startswith("--"):
        commands = _subcommands(parser)
        assert words[0] in commands, f"newsflow {command}: no command {words[0]}"
        parser = commands[words[0]]
        nested = _subcommands(parser)
        if nested and len(words) > 1 and words[1] in nested:
            parser = nested[words[1]]
    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", command):
        assert option in parser._option_string_actions, f"newsflow {command}: no {option}"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
