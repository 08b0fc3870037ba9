"""The backfill flow: re-run a window of days, one task per day, started from the Prefect UI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import (
    Failure,
    HistoryPages,
    PageRequest,
    RawDocument,
    Source,
    fetch_pages,
    find_history_pages,
    load_sources,
)
from connectors.clock import utcnow
from connectors.redact import redact_text
from connectors.seeds import SEED_SOURCE
from flows.backfill_window import BackfillWindow, check_backfill_window, group_by_day
from flows.ingest import load_task, publish_task, read_seeds_task, spool_task
from flows.reporting import counts_line, report_run_task, run_logger
from flows.run_names import keep_typed_name
from flows.settings import FetchSettings, Settings, load_settings, warehouse_for
from transforms.pipeline import split_results, transform_documents
from warehouse import LoadCounts, Warehouse, finish_run, start_run
from warehouse.reports import read_article_sources
from warehouse.reprocess import reprocess_stored_pages

Mode = Literal["reprocess", "refetch"]
AVAILABLE_MODES = ("reprocess", "refetch")


@dataclass(frozen=True, slots=True)
class BackfillSummary:
    """What a backfill did, day by day."""

    run_id: str
    days: int
    counts: LoadCounts
    pages_requested: int = 0


@task(cache_policy=NONE, task_run_name="history-{start}..{end}")
def find_history_task(
    sources: list[Source], start: date, end: date, fetch: FetchSettings
) -> HistoryPages:
    """Walk each feed's history back to ``start``: the pages published in the window.

    Feeds and sitemaps it cannot reach come back as failures, loaded with the run.
    """
    return find_history_pages(
        sources,
        since=start,
        until=end,
        policy=fetch.policy,
        deadline=fetch.feed_deadline,
        max_bytes=fetch.max_feed_bytes,
    )


@task(cache_policy=NONE, task_run_name="day-{day}")
def backfill_day_task(
    day: date,
    documents: list[RawDocument],
    requests: list[PageRequest],
    warehouse: Warehouse,
    run_id: str,
    fetch: FetchSettings,
    stored_pages: bool,
) -> LoadCounts:
    """One day of the window: re-extract its stored pages, or fetch them; extract, tag, load.

    ``stored_pages`` re-extracts and re-tags the raw pages stored for the day
    (fetched that day, any source) with today's extractor and tagger.
    """
    counts = LoadCounts()
    if stored_pages:  # it holds the writer turn for all its batches
        counts += reprocess_stored_pages(
            warehouse,
            run_id=run_id,
            since=datetime(day.year, day.month, day.day),
            until=datetime(day.year, day.month, day.day) + timedelta(days=1),
        )
    fetched = fetch_pages(
        requests,
        policy=fetch.policy,
        deadline=fetch.page_deadline,
        max_bytes=fetch.max_page_bytes,
    )
    documents = documents + [item for item in fetched if isinstance(item, RawDocument)]
    tagged, failures, raw = split_results(transform_documents(documents))
    failures += [item for item in fetched if isinstance(item, Failure)]
    if not tagged and not failures and not raw:
        return counts
    spool_file = spool_task.fn(warehouse, run_id, tagged, failures, raw)
    loaded: LoadCounts = load_task.fn(warehouse, spool_file, run_id)
    return counts + loaded


def _run_name() -> str:
    """``backfill-2024-03-01..2024-03-31``, or the name the user typed in the run form."""
    parameters = flow_run.get_parameters()
    return keep_typed_name(f"backfill-{parameters['start']}..{parameters['end']}")


@flow(name="backfill", flow_run_name=_run_name, log_prints=True)
def backfill(
    start: date,
    end: date,
    sources: list[str] | None = None,
    mode: Mode = "reprocess",
) -> BackfillSummary:
    """Re-run every day from start to end, one task per day; each day can be re-run alone.

    Args:
        start: First day of the window (UTC), included.
        end: Last day of the window (UTC), included; equal to start for a single day.
        sources: Only these sources (names from sources.yaml, or seeds); leave empty for all.
        mode: reprocess re-extracts and re-tags what is stored for the window (seed files, raw
            pages), without network; refetch walks back through each feed's history (RFC 5005
            archives, WordPress ?paged=N, sitemaps) and fetches what was published in the window.
    """
    settings = load_settings()
    warehouse = warehouse_for(settings)
    feeds = _feed_sources(settings)
    with warehouse.writing() as con:
        stored_sources = read_article_sources(con)
    window = check_backfill_window(
        start=start,
        end=end,
        sources=sources,
        mode=mode,
        known_sources=[SEED_SOURCE, *stored_sources, *(feed.name for feed in feeds)],
        available_modes=AVAILABLE_MODES,
    )
    run_id = str(flow_run.get_id() or "local")
    with warehouse.writing() as con:
        start_run(con, run_id=run_id, flow="backfill", now=utcnow())
    documents = _seed_documents_by_day(settings.seeds_dir, window)
    requests: dict[date, list[PageRequest]] = {}
    counts = LoadCounts()
    logger = run_logger()
    rows: list[tuple[str, LoadCounts | None]] = []  # the artifact's table; None: the day failed
    if window.mode == "refetch":
        chosen = [feed for feed in feeds if feed.name in window.sources]
        history = find_history_task(chosen, window.start, window.end, settings.fetch)
        logger.info(
            f"history walk: {len(history.requests)} pages of {window.start}..{window.end} "
            f"found through {len(chosen)} feeds, {len(history.failures)} out of reach"
        )
        for failure in history.failures:
            logger.info(f"history {failure.source}: {failure.error_code}: {failure.message}")
        for request in history.requests:
            if request.published_at is not None:
                requests.setdefault(request.published_at.date(), []).append(request)
        if history.failures:  # a feed or sitemap out of reach: the window is not covered
            spool_file = spool_task(warehouse, run_id, [], history.failures)
            walked = load_task(warehouse, spool_file, run_id)
            counts += walked
            rows.append(("history walk", walked))
    failed: list[date] = []
    for day in window.days:
        try:
            day_counts = backfill_day_task(
                day,
                documents.get(day, []) if window.mode == "reprocess" else [],
                requests.get(day, []),
                warehouse,
                run_id,
                settings.fetch,
                window.mode == "reprocess",
            )
        except Exception as error:  # one bad day must not stop the others; it is re-runnable
            logger.error(f"day {day} failed: {redact_text(str(error))}")
            failed.append(day)
            rows.append((day.isoformat(), None))
            continue
        counts += day_counts
        rows.append((day.isoformat(), day_counts))
        logger.info(f"day {day}: {counts_line(day_counts)}")
    status = "failed" if failed else "completed"
    with warehouse.writing() as con:
        finish_run(con, run_id=run_id, counts=counts, status=status, now=utcnow())
    published = publish_task(warehouse)
    run_name = flow_run.get_name() or "backfill"
    report_run_task(warehouse, run_id, "backfill", run_name, counts, published, rows)
    logger.info(f"{run_name}: {counts_line(counts)} -> {warehouse.snapshot}")
    if failed:
        days = ", ".join(str(day) for day in failed)
        raise RuntimeError(f"{len(failed)} day(s) failed: {days}; re-run each with start = end")
    pages = sum(len(day_requests) for day_requests in requests.values())
    return BackfillSummary(run_id, len(window.days), counts, pages)


def _feed_sources(settings: Settings) -> list[Source]:
    """The feeds of the sources file (NEWSFLOW_SOURCES, else sources.yaml when present)."""
    if not settings.sources_from_env and not settings.sources_path.exists():
        return []
    return load_sources(settings.sources_path)


def _seed_documents_by_day(
    seeds_dir: Path, window: BackfillWindow
) -> dict[date, list[RawDocument]]:
    if window.mode != "reprocess" or SEED_SOURCE not in window.sources or not seeds_dir.is_dir():
        return {}
    items = read_seeds_task(str(seeds_dir))
    return group_by_day((i for i in items if isinstance(i, RawDocument)), window)


if __name__ == "__main__":
    backfill(start=date.today(), end=date.today())
