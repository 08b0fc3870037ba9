"""The ingest run's feed polls: what a run says of the planned feeds it skips."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connectors import Source, utcnow
from flows.feed_polls import poll_feeds_task
from flows.settings import FetchSettings
from warehouse import Warehouse, select_due_feeds

LAB = Source("Lab", "https://lab.example/feed")
WIRE = Source("Wire", "https://wire.example/rss")


def test_a_feed_disabled_since_the_plan_is_skipped_as_disabled(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    warehouse = Warehouse(db_path)
    warehouse.sync_sources([LAB, WIRE], listed_by="host:/srv/a.yaml", now=utcnow())
    with warehouse.writing() as con:
        planned = select_due_feeds(con, ["Lab"], utcnow())
    warehouse.sync_sources([WIRE], listed_by="host:/srv/a.yaml", now=utcnow())  # Lab dropped
    with caplog.at_level(logging.INFO, logger="newsflow"):
        polled = poll_feeds_task.fn(warehouse, "r1", planned, FetchSettings())
    assert polled.polled == 0
    assert "feed Lab: disabled since this run planned; skipped" in caplog.messages
