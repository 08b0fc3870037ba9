"""Event shapes and the run artifact: what automations match on and what the UI shows."""

from __future__ import annotations

from datetime import datetime

from prefect.events import Event

from flows.artifacts import run_summary_markdown
from flows.events import (
    ARTICLE_INGESTED,
    article_ingested_event,
    batch_loaded_event,
    feed_polled_event,
    warehouse_published_event,
)
from warehouse.load import LoadCounts
from warehouse.reports import EntityRef, PolledFeed, RunReport, WrittenArticle

EU_ARTICLE = WrittenArticle(
    article_id="abc",
    url="https://e.org/eu",
    title="EU AI Act passes",
    source="euractiv",
    published_at=datetime(2024, 3, 2, 9),
    is_new=True,
    topics=("regulation", "geopolitics"),
    entities=(EntityRef("eu-ai-act", "EU AI Act", "law"),),
)


def _validated(spec: object) -> Event:
    """The event as Prefect would accept it (resource and related checked)."""
    return Event(occurred=datetime(2024, 1, 1), **spec.as_kwargs())  # type: ignore[attr-defined]


def test_article_event_names_its_topics_and_entities_as_related_resources() -> None:
    event = _validated(article_ingested_event(EU_ARTICLE, run_id="r1"))
    assert event.event == ARTICLE_INGESTED
    assert event.resource.id == "newsflow.article.abc"
    roles = {(r.role, r.id) for r in event.related}
    assert ("topic", "newsflow.topic.regulation") in roles
    assert ("entity", "newsflow.entity.eu-ai-act") in roles
    assert ("source", "newsflow.source.euractiv") in roles
    assert event.payload["topics"] == ["regulation", "geopolitics"]
    assert event.payload["entities"] == ["EU AI Act"]
    assert event.payload["status"] == "new"


def test_batch_event_counts_topics() -> None:
    spec = batch_loaded_event(
        run_id="r1",
        flow="poll",
        batch="b2",
        counts=LoadCounts(new=2, updated=1),
        topics=["safety", "regulation", "safety"],
    )
    event = _validated(spec)
    assert event.resource.id == "newsflow.run.r1"
    assert event.payload["topics"] == {"regulation": 1, "safety": 2}
    assert (event.payload["batch"], event.payload["new"], event.payload["updated"]) == ("b2", 2, 1)


def test_feed_and_warehouse_events_carry_their_outcome() -> None:
    poll = PolledFeed("openai-blog", 200, 3, 17, None, 412.34)
    feed = _validated(feed_polled_event(poll, run_id="r1"))
    assert feed.resource.id == "newsflow.source.openai-blog"
    assert (feed.payload["items_new"], feed.payload["status"]) == (3, 200)
    published = _validated(
        warehouse_published_event(db_path="d.duckdb", run_id="r1", flow="poll", counts=LoadCounts())
    )
    assert published.resource.id == "newsflow.warehouse"
    assert published.payload["run_id"] == "r1"


def test_run_summary_tables_split_new_and_updated_by_source_and_topic() -> None:
    updated = WrittenArticle(
        "def", "https://e.org/x", "X", "euractiv", None, False, ("regulation",), ()
    )
    report = RunReport(
        run_id="r1",
        articles=(EU_ARTICLE, updated),
        failures_by_code=(("http_status", 2), ("not_a_feed", 1)),
        feeds=(PolledFeed("slow|feed", 200, 1, 0, None, 2500.0),),
    )
    markdown = run_summary_markdown(report, counts=LoadCounts(1, 1, 5, 3), title="poll-x")
    assert "**1 new, 1 updated, 5 unchanged articles; 3 failures**" in markdown
    assert "| euractiv | 1 | 1 |" in markdown
    assert "| regulation | 1 | 1 |" in markdown
    assert "| geopolitics | 1 | 0 |" in markdown
    assert "| http_status | 2 |" in markdown
    assert "| slow\\|feed | 200 | 1 | 0 | 2500 |  |" in markdown
