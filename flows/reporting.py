"""The end of every run: read back what it wrote, emit its events, leave its artifact."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.events import emit_event
from prefect.exceptions import EventTooLarge, MissingContextError

from flows.artifacts import (
    TopicsChartDrawer,
    chart_and_briefing_markdown,
    loaded_topics,
    run_summary_markdown,
)
from flows.briefing_link import latest_briefing
from flows.events import (
    EventSpec,
    article_ingested_event,
    batch_loaded_event,
    catalog_changed_event,
    feed_polled_event,
    warehouse_published_event,
)
from transforms import TAGGER_VERSION
from warehouse import LoadCounts, PublishStats, Warehouse
from warehouse.reports import select_run_report, select_stale_tags

_log = logging.getLogger(__name__)
# Runs that notice a catalog change (not retag, which the change triggers: that would loop).
_CATALOG_WATCHERS = frozenset({"ingest", "poll"})
# Runs whose written articles are news; a retag rewrites tags of every article in its range.
_ARTICLE_EVENT_FLOWS = frozenset({"ingest", "poll", "backfill"})


def run_logger() -> logging.Logger | logging.LoggerAdapter[Any]:
    """The current flow or task run's logger, whose lines the UI shows in the run's Logs tab.

    Outside a run (a task's function called directly) it is the plain ``newsflow`` logger.
    """
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("newsflow")


def counts_line(counts: LoadCounts) -> str:
    """``3 new, 1 updated, 5 unchanged, 2 failures``: one load's outcome in a log line."""
    return (
        f"{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.failures} failures"
    )


def emit(spec: EventSpec) -> None:
    """Send one event to the Prefect API (it is buffered and sent in the background).

    An event is a notification: one Prefect still refuses as too large (its limit is a
    setting) is logged and dropped, and never fails the run whose work is committed.
    """
    try:
        emit_event(**spec.as_kwargs())
    except EventTooLarge as error:
        _log.warning("newsflow: event %s not sent: %s", spec.event, error)


def emit_batch_loaded(
    *, run_id: str, flow: str, batch: str, counts: LoadCounts, topics: Sequence[str]
) -> None:
    """Announce one committed batch with its counts by topic."""
    emit(batch_loaded_event(run_id=run_id, flow=flow, batch=batch, counts=counts, topics=topics))


@task(cache_policy=NONE)
def report_run_task(
    warehouse: Warehouse,
    run_id: str,
    flow: str,
    run_name: str,
    counts: LoadCounts,
    published: PublishStats | None = None,
    days: Sequence[tuple[str, LoadCounts | None]] = (),
) -> str:
    """Emit the run's feed, article and warehouse events and create its summary artifact.

    Args:
        warehouse: the warehouse the run wrote (its private database is read back here).
        run_id: the run.
        flow: the flow's name (ingest, poll, backfill).
        run_name: the flow run's readable name, the artifact's title.
        counts: what the run's loads did.
        published: the snapshot the run published, when it reports one.
        days: a backfill's rows, day by day (``None``: the day failed).

    Returns:
        The artifact's markdown, so callers and tests can see what the UI shows.
    """
    # The chart's child starts up while the report is read and the events go out; a run that
    # wrote no article has no chart to draw.
    drawer = _start_drawer() if counts.new or counts.updated else None
    with warehouse.writing() as con:
        report = select_run_report(con, run_id=run_id)
        stale = select_stale_tags(con, tagger_version=TAGGER_VERSION)
    for poll in report.feeds:
        emit(feed_polled_event(poll, run_id=run_id))
    for article in report.articles if flow in _ARTICLE_EVENT_FLOWS else ():
        emit(article_ingested_event(article, run_id=run_id))
    emit(
        warehouse_published_event(
            db_path=str(warehouse.snapshot),
            run_id=run_id,
            flow=flow,
            counts=counts,
            snapshot_bytes=published.bytes if published else None,
            schema_version=published.schema_version if published else None,
        )
    )
    if flow in _CATALOG_WATCHERS and report.articles and stale.articles:
        emit(catalog_changed_event(tagger_version=TAGGER_VERSION, stale=stale))
    markdown = run_summary_markdown(report, counts=counts, title=run_name, days=days)
    markdown += chart_and_briefing_markdown(
        _draw(drawer, loaded_topics(report)), latest_briefing(warehouse.folder)
    )
    create_markdown_artifact(
        markdown=markdown, key=f"{flow}-summary", description=f"What {run_name} did"
    )
    return markdown


def _start_drawer() -> TopicsChartDrawer | None:
    try:
        return TopicsChartDrawer()
    except OSError as error:  # the summary goes on without its chart
        get_run_logger().warning("run summary chart not drawn: %s", error)
        return None


def _draw(drawer: TopicsChartDrawer | None, topics: dict[str, int]) -> bytes | None:
    """The summary's chart, or None when the run loaded nothing or the chart failed to draw."""
    if drawer is None:
        return None
    try:
        return drawer.draw(topics)
    except subprocess.SubprocessError as error:
        get_run_logger().warning("run summary chart not drawn: %s", error)
        return None
