"""The offline demo (`make demo`): a warehouse that shows every part of the product without
network, from the labelled demo summaries in demo/articles and two feeds that never resolve."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.conftest import ROOT
from tests.test_readme import SQL_BLOCKS
from transforms.catalog import TOPICS

DEMO = ROOT / "demo"
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
# What `make demo` runs, once per poll: a feed is `failing` after 3 failed polls in a row.
INGEST_ARGS = ["--seeds", "demo/articles", "--sources", "demo/sources.yaml", "--force"]
POLLS = 3


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """The demo warehouse, built as `make demo` builds it, with no NEWSFLOW_* setting."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    args = [str(ROOT / arg) if arg.startswith("demo/") else arg for arg in INGEST_ARGS]
    with pytest.MonkeyPatch.context() as env:
        for name in [name for name in os.environ if name.startswith("NEWSFLOW_")]:
            env.delenv(name)
        for _ in range(POLLS):
            assert main(["ingest", *args, "--db", str(db)]) == 0
    return db


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_make_demo_runs_the_ingest_this_test_builds_into_its_own_warehouse() -> None:
    recipe = MAKEFILE.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "DEMO_DB := data/demo.duckdb" in MAKEFILE
    assert re.search(r"^DEMO_POLLS := 1 2 3$", MAKEFILE, flags=re.MULTILINE)
    assert "rm -rf $(DEMO_DB) $(DEMO_DB).* data/.demo.duckdb.*.partial data/demo.private" in recipe
    command = " ".join(recipe.replace("\\\n", " ").split())
    assert "NEWSFLOW_PRIVATE_DIR= $(BIN)/newsflow ingest --seeds demo/articles" in command
    assert "--sources demo/sources.yaml --db $(DEMO_DB) --force" in command


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
    [(entities,)] = _rows(demo_db, "SELECT count(DISTINCT entity_id) FROM article_entities")
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
