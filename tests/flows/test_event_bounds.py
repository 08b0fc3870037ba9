"""Events never fail a run: every field is bounded, whatever the warehouse holds.

The field caps on titles (2,000 characters) are enforced before the warehouse; these
tests put an 800,000-character title in the warehouse directly, as a row written before
the caps would be, so the event guard is shown to hold on its own.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES, temporary_settings

from flows.events import MAX_EVENT_CHARS, article_ingested_event, bounded
from flows.reporting import emit, report_run_task
from tests.factories import tagged_article
from transforms import assign_stories
from warehouse import LoadCounts, Warehouse, finish_run, load_batch, start_run
from warehouse.reports import EntityRef, WrittenArticle

pytestmark = pytest.mark.usefixtures("prefect_harness")

HUGE = "Huge title " * 80_000  # 880,000 characters: over Prefect's 1.5 MB event limit twice over


def _article_events(run_id: str) -> list[dict[str, Any]]:
    """The ``newsflow.article.ingested`` events of ``run_id`` once the server has stored them."""
    with get_client(sync_client=True) as client:
        for _ in range(60):
            response = client.request(
                "POST",
                "/events/filter",
                json={"filter": {"event": {"name": ["newsflow.article.ingested"]}}, "limit": 50},
            )
            found = [e for e in response.json()["events"] if e["payload"]["run_id"] == run_id]
            if found:
                return found
            time.sleep(0.25)
    return []


def test_a_huge_title_in_the_warehouse_cannot_fail_the_run_that_reports_it(db_path: Path) -> None:
    warehouse = Warehouse(db_path)
    template = tagged_article("huge")
    article = replace(template, article=replace(template.article, title=HUGE))
    with warehouse.writing() as con:
        start_run(con, run_id="run-huge", flow="ingest", now=datetime(2026, 1, 1), locks=None)
        load_batch(
            con,
            assign_stories=assign_stories,
            run_id="run-huge",
            tagged=[article],
            failures=[],
            now=datetime(2026, 1, 1),
        )
        finish_run(
            con,
            run_id="run-huge",
            counts=LoadCounts(new=1),
            status="completed",
            now=datetime(2026, 1, 1),
            locks=None,
        )

    @flow
    def report() -> str:
        return report_run_task(warehouse, "run-huge", "ingest", "huge", LoadCounts(new=1))

    state = report(return_state=True)
    assert state.is_completed()
    [event] = _article_events("run-huge")
    assert len(event["payload"]["title"]) == MAX_EVENT_CHARS
    assert event["payload"]["title"].startswith("Huge title Huge title")
    assert len(event["resource"]["prefect.resource.name"]) == MAX_EVENT_CHARS


def test_lists_and_related_resources_stay_under_prefects_limits() -> None:
    written = WrittenArticle(
        "a1",
        "https://e.org/a",
        "T",
        "src",
        None,
        True,
        tuple(f"topic-{n}" for n in range(300)),
        tuple(EntityRef(f"e{n}", "N" * 5000, "ai_lab") for n in range(300)),
    )
    kwargs = article_ingested_event(written, run_id="r").as_kwargs()
    assert len(kwargs["related"]) == 50 and len(kwargs["payload"]["entities"]) == 50
    assert {len(name) for name in kwargs["payload"]["entities"]} == {MAX_EVENT_CHARS}
    assert bounded({"k": ("x" * 10, 3, None)}) == {"k": ["x" * 10, 3, None]}


def test_an_event_prefect_still_refuses_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    written = WrittenArticle("a1", "https://e.org/a", "T", "src", None, True, (), ())
    with temporary_settings({PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES: 100}):
        with caplog.at_level(logging.WARNING):
            emit(article_ingested_event(written, run_id="r"))
    assert "newsflow.article.ingested not sent" in caplog.text
