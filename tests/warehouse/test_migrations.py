"""Opening a database made by an older newsflow migrates it, and its data survives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from tests.factories import FETCHED, LABS, failure, tagged_article
from transforms import assign_stories
from warehouse import apply_schema, load_batch, migrations
from warehouse.db import connect_warehouse


def test_a_database_at_the_previous_schema_version_is_migrated_with_its_data(
    db_path: Path,
) -> None:
    versions = [number for number, _, _ in migrations()]
    previous = versions[-2]
    db_path.parent.mkdir(parents=True)
    with duckdb.connect(str(db_path)) as old:
        assert apply_schema(old, up_to=previous) == previous
        # Seed records as the previous version wrote them: entity rows with its columns only,
        # and no feed pages (today's loader writes columns and page states that version lacks).
        seeded = [
            replace(item, article=replace(item.article, origin="seed"))
            for item in (
                tagged_article("a", entities=()),
                tagged_article("b", topics=("open-source",), entities=()),
            )
        ]
        load_batch(
            old,
            assign_stories=assign_stories,
            run_id="r-old",
            tagged=seeded,
            failures=[replace(failure("https://example.com/broken"), stage="seed")],
            now=FETCHED,
        )
        for entity in LABS:
            old.execute(
                "INSERT INTO entities (entity_id, name, type, wikidata_id) VALUES (?, ?, ?, ?)",
                [entity.entity_id, entity.name, entity.type, entity.wikidata_id],
            )
            for key in ("a", "b"):
                old.execute(
                    "INSERT INTO article_entities (article_id, entity_id, mentions, evidence, "
                    "score) VALUES (?, ?, ?, ?, ?)",
                    [key, entity.entity_id, entity.mentions, list(entity.evidence), entity.score],
                )
    with connect_warehouse(db_path) as con:
        applied = [
            r[0] for r in con.execute("SELECT version FROM _migrations ORDER BY 1").fetchall()
        ]
        articles = con.execute(
            "SELECT article_id, topics, entities, run_id FROM articles_enriched ORDER BY 1"
        ).fetchall()
        failures = con.execute("SELECT url_or_path FROM failures").fetchall()
        origins = con.execute(
            "SELECT DISTINCT e.origin FROM entities e JOIN article_entities a USING (entity_id)"
        ).fetchall()
    assert applied == versions
    assert articles == [
        ("a", ["regulation"], ["OpenAI", "EU AI Act"], "r-old"),
        ("b", ["open-source"], ["OpenAI", "EU AI Act"], "r-old"),
    ]
    assert failures == [("https://example.com/broken",)]
    assert origins == [("catalog",)]


def test_every_view_is_documented(db_path: Path) -> None:
    with connect_warehouse(db_path) as con:
        views = con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() "
            "AND NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
    assert views == []
