"""Tags in the warehouse: date selection, round trip, replacement and candidate names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb

from bench.tagging.evaluate import article_for
from transforms import assign_stories, tag_article
from transforms.records import CandidateName, TaggedArticle, TopicTag
from warehouse import (
    apply_schema,
    load_batch,
    replace_tags,
    select_article_ids,
    select_stored_articles,
)
from warehouse.db import connect_warehouse
from warehouse.spool import read_spooled, spool_batch

NOW = datetime(2024, 1, 1)


def _stored(con: duckdb.DuckDBPyConnection, key: str, published: datetime) -> TaggedArticle:
    article = replace(
        article_for(key, "OpenAI sued", "OpenAI faces a copyright lawsuit in court. " * 3),
        published_at=published,
    )
    tagged = tag_article(article)
    load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=[tagged], failures=[], now=NOW
    )
    return tagged


def test_select_article_ids_filters_by_publication_day(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    _stored(con, "a", datetime(2023, 12, 1, 23, 30))
    _stored(con, "b", datetime(2023, 12, 2, 8, 0))
    assert select_article_ids(con) == ["a", "b"]
    assert select_article_ids(con, until=date(2023, 12, 1)) == ["a"]
    assert select_article_ids(con, since=date(2023, 12, 2)) == ["b"]


def test_stored_article_reads_back_equal(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    tagged = _stored(con, "a", datetime(2023, 12, 1))
    [stored] = select_stored_articles(con, ["a"])
    assert stored.article == tagged.article
    assert stored.tagger_version == tagged.tagger_version


def test_replace_tags_replaces_and_is_idempotent(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    tagged = _stored(con, "a", datetime(2023, 12, 1))
    changed = replace(
        tagged,
        topics=(TopicTag("safety", 9.0, ("risk@1",)),),
        tagger_version="new",
        candidates=(CandidateName("Anna Hehir", 2),),
    )
    for _ in range(2):
        replace_tags(con, [changed], run_id="retag-1")
    topics = con.execute("SELECT topic, score, evidence FROM article_topics").fetchall()
    version = con.execute("SELECT tagger_version, run_id FROM articles").fetchall()
    entities = con.execute("SELECT count(*) FROM article_entities").fetchone()
    assert topics == [("safety", 9.0, ["risk@1"])]
    assert version == [("new", "retag-1")]
    assert entities == (len(tagged.entities),)


def test_candidate_view_aggregates_across_articles(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    first = _stored(con, "a", datetime(2023, 12, 1))
    second = _stored(con, "b", datetime(2023, 12, 2))
    replace_tags(con, [replace(first, candidates=(CandidateName("Kestrel Labs", 3),))], run_id="r")
    for _ in range(2):
        replace_tags(
            con, [replace(second, candidates=(CandidateName("Kestrel Labs", 1),))], run_id="r"
        )
    row = con.execute(
        "SELECT name, articles, mentions, example_article_ids FROM candidate_entities"
    ).fetchall()
    assert row == [("Kestrel Labs", 2, 4, ["a", "b"])]


def test_loaded_batches_carry_their_candidate_names(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    article = article_for("c", "Kestrel Labs ships", "Kestrel Labs and OpenAI ship AI. " * 3)
    tagged = tag_article(article)
    assert CandidateName("Kestrel Labs", 4) in tagged.candidates
    load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=[tagged], failures=[], now=NOW
    )
    rows = con.execute("SELECT name, mentions FROM article_candidates").fetchall()
    assert ("Kestrel Labs", 4) in rows


def test_entity_rows_keep_their_salience_score(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    tagged = _stored(con, "a", datetime(2023, 12, 1))
    stored = dict(con.execute("SELECT entity_id, score FROM article_entities").fetchall())
    assert stored == {e.entity_id: e.score for e in tagged.entities}
    assert all(score > 0 for score in stored.values())


def test_older_entity_rows_get_score_zero_on_upgrade(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(db_path))
    apply_schema(con, up_to=3)
    con.execute("INSERT INTO article_entities VALUES ('a', 'meta', 2, ['Meta@0'])")
    apply_schema(con)
    assert con.execute("SELECT mentions, score FROM article_entities").fetchall() == [(2, 0.0)]


def test_tags_survive_the_spool(tmp_path: Path) -> None:
    tagged = tag_article(article_for("s", "Kestrel Labs and Nvidia", "Nvidia chips for AI. " * 3))
    assert tagged.candidates and tagged.entities[0].score > 0
    path = spool_batch(tmp_path, run_id="r", tagged=[tagged], failures=[], now=NOW)
    assert read_spooled(path).tagged == (tagged,)


def test_discovered_entities_are_stored_with_origin_and_cue(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    text = "Kestrel Labs CEO Jane Okafor said the startup would ship its app. " * 2
    tagged = tag_article(article_for("d", "Kestrel Labs ships", text))
    load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=[tagged], failures=[], now=NOW
    )
    rows = con.execute(
        "SELECT e.name, e.type, e.origin, e.wikidata_id, ae.origin, ae.cue"
        " FROM article_entities ae JOIN entities e USING (entity_id) ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("Jane Okafor", "person", "discovered", None, "discovered", "ceo"),
        ("Kestrel Labs", "company", "discovered", None, "discovered", "Labs"),
    ]


def test_a_discovered_name_the_catalog_learns_links_to_the_catalog_entity(db_path: Path) -> None:
    con = connect_warehouse(db_path)
    text = "Kestrel Labs CEO Jane Okafor said the startup would ship its app. " * 2
    tagged = tag_article(article_for("d", "Kestrel Labs ships", text))
    load_batch(
        con, assign_stories=assign_stories, run_id="r1", tagged=[tagged], failures=[], now=NOW
    )
    [person] = [e for e in tagged.entities if e.name == "Jane Okafor"]
    learned = replace(person, entity_id="jane-okafor", wikidata_id="Q1", origin="catalog", cue=None)
    replace_tags(con, [replace(tagged, entities=(learned,))], run_id="retag-1")
    links = con.execute(
        "SELECT entity_id, origin, linked_entity_id FROM entities ORDER BY 1"
    ).fetchall()
    tags = con.execute("SELECT entity_id, origin FROM article_entities").fetchall()
    assert ("discovered:jane-okafor", "discovered", "jane-okafor") in links
    assert ("jane-okafor", "catalog", None) in links
    assert tags == [("jane-okafor", "catalog")]
