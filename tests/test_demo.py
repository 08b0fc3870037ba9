"""The offline demo (`make demo`): a warehouse that shows every part of the product without
network, from the labelled demo summaries in demo/articles and two feeds that never resolve."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.cli import main as newsflow
from flows.demo import POLLS, main
from tests.conftest import ROOT
from tests.test_readme import README, SQL_BLOCKS
from transforms.catalog import TOPICS

DEMO = ROOT / "demo"
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """A project folder after `make demo`: built over a broken earlier demo build, with a
    NEWSFLOW_PRIVATE_DIR that the demo must leave alone."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copytree(DEMO, folder / "demo")
    (folder / "data" / "demo.private").mkdir(parents=True)
    (folder / "data" / "demo.private" / "warehouse.duckdb").write_bytes(b"not a database")
    (folder / "data" / "demo.duckdb").write_bytes(b"not a database")
    with pytest.MonkeyPatch.context() as env:
        for name in [name for name in os.environ if name.startswith("NEWSFLOW_")]:
            env.delenv(name)
        env.setenv("NEWSFLOW_PRIVATE_DIR", str(folder / "someone-elses-private-dir"))
        env.setenv("NEWSFLOW_ALLOWED_NETWORKS", "")  # main() sets it; restored afterwards
        env.chdir(folder)
        assert main() == 0
    return folder


@pytest.fixture(scope="module")
def demo_db(demo_folder: Path) -> Path:
    return demo_folder / "data" / "demo.duckdb"


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_make_demo_runs_the_demo_module() -> None:
    recipe = MAKEFILE.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert [line.strip() for line in recipe.splitlines()] == [
        "$(STAMP)",
        "$(BIN)/python -m flows.demo",
    ]


def test_the_demo_builds_its_own_warehouse_from_scratch(demo_folder: Path) -> None:
    assert sorted(path.name for path in (demo_folder / "data").iterdir()) == [
        "demo.duckdb",
        "demo.private",
    ]
    assert not (demo_folder / "someone-elses-private-dir").exists()


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[s.split("\n")[0][3:] for s in SQL_BLOCKS])
def test_readme_query_answers_on_the_demo(demo_db: Path, sql: str) -> None:
    assert _rows(demo_db, sql), "a README query answers nothing on the demo"


def test_demo_holds_at_least_40_articles_over_more_than_a_year(demo_db: Path) -> None:
    [(articles, days)] = _rows(
        demo_db,
        "SELECT count(*), date_diff('day', min(published_at), max(published_at)) FROM articles",
    )
    assert articles >= 40 and days >= 365


def test_demo_covers_every_topic_of_the_taxonomy(demo_db: Path) -> None:
    topics = {topic for (topic,) in _rows(demo_db, "SELECT DISTINCT topic FROM article_topics")}
    assert topics == set(TOPICS)


def test_demo_mentions_at_least_60_catalog_entities(demo_db: Path) -> None:
    [(entities,)] = _rows(
        demo_db,
        "SELECT count(DISTINCT entity_id) FROM article_entities JOIN entities e USING (entity_id) "
        "WHERE e.origin = 'catalog'",
    )
    assert entities >= 60


def test_demo_feeds_are_failing_on_dns(demo_db: Path) -> None:
    rows = _rows(
        demo_db,
        "SELECT state, consecutive_failures, last_error_code FROM feed_health "
        "WHERE state <> 'active'",
    )
    assert rows == [("failing", POLLS, "dns_error")] * 2


def test_wire_copies_join_the_stories_of_their_originals(demo_db: Path) -> None:
    stories = _rows(
        demo_db,
        "SELECT list(DISTINCT l.source ORDER BY l.source) FROM articles a "
        "JOIN article_links l USING (article_id) GROUP BY a.story_id HAVING count(*) > 1",
    )
    assert stories == [(["newsflow-demo", "newsflow-demo-wire"],)] * 2


def test_every_demo_article_is_labelled_as_a_demo_summary(demo_db: Path) -> None:
    unlabelled = _rows(
        demo_db,
        "SELECT url FROM articles WHERE NOT (title LIKE '[Demo] %' "
        "AND url LIKE 'https://demo.newsflow.invalid/%' AND source LIKE 'newsflow-demo%' "
        "AND text LIKE '%This is a demo summary written for the newsflow project%') "
        "OR word_count NOT BETWEEN 120 AND 250",
    )
    assert unlabelled == []
    assert len(_rows(demo_db, "FROM articles")) == len(list((DEMO / "articles").glob("*.md")))


def test_the_readme_demo_commands_run_on_the_demo(
    demo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = README.split("## Demo without network", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)[1].splitlines()
    monkeypatch.chdir(demo_folder)
    for command in commands:
        program, *args = shlex.split(command, comments=True)
        assert program == "newsflow" and newsflow(args) == 0, command
    assert (demo_folder / "data" / "demo-briefing.html").stat().st_size > 0
