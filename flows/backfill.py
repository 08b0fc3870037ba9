"""The backfill flow: re-run a window of days, one task per day, started from the Prefect UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import (
    SEED_SOURCE,
    Failure,
    HistoryPages,
    PageRequest,
    RawDocument,
    Source,
    fetch_history_pages,
    fetch_pages,
    read_sources,
    redact_text,
)
from flows.backfill_window import BackfillWindow, check_backfill_window, group_by_day
from flows.ingest import load_task, read_seeds_task, spool_task
from flows.reporting import counts_line, run_logger
from flows.reprocess import reprocess_stored_pages
from flows.run import RunFrame, run_frame
from flows.run_names import keep_typed_name
from flows.settings import FetchSettings, Settings
from transforms import split_results, transform_documents
from warehouse import LoadCounts, Warehouse
from warehouse.reports import select_article_sources

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
    return fetch_history_pages(
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
    transformed = transform_documents(documents, raw_dir=warehouse.raw_dir)
    tagged, failures, raw = split_results(transformed)
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
    with run_frame("backfill") as run:
        feeds = _feed_sources(run.settings)
        window = _checked_window(run, start, end, sources, mode, feeds)
        run.start()
        walked = _walk_history(run, window, feeds)
        days = _run_days(run, window, walked.requests)
        counts = walked.counts + days.counts
        published = run.finish(counts, status="failed" if days.failed else "completed")
        run.report(counts, published, walked.rows + days.rows)
    if days.failed:
        failed = ", ".join(str(day) for day in days.failed)
        raise RuntimeError(
            f"{len(days.failed)} day(s) failed: {failed}; re-run each with start = end"
        )
    pages = sum(len(day_requests) for day_requests in walked.requests.values())
    return BackfillSummary(run.run_id, len(window.days), counts, pages)


@dataclass(frozen=True, slots=True)
class _Progress:
    """What part of a backfill did: counts, the artifact's rows (``None``: the day failed)."""

    counts: LoadCounts = LoadCounts()
    rows: list[tuple[str, LoadCounts | None]] = field(default_factory=list)
    requests: dict[date, list[PageRequest]] = field(default_factory=dict)  # pages by day
    failed: list[date] = field(default_factory=list)


def _checked_window(
    run: RunFrame,
    start: date,
    end: date,
    sources: list[str] | None,
    mode: Mode,
    feeds: list[Source],
) -> BackfillWindow:
    """The window, checked before any day starts (bad input fails the run at once)."""
    with run.warehouse.writing() as con:
        stored_sources = select_article_sources(con)
    return check_backfill_window(
        start=start,
        end=end,
        sources=sources,
        mode=mode,
        known_sources=[SEED_SOURCE, *stored_sources, *(feed.name for feed in feeds)],
        available_modes=AVAILABLE_MODES,
    )


def _walk_history(run: RunFrame, window: BackfillWindow, feeds: list[Source]) -> _Progress:
    """Refetch mode: the window's pages by publication day; feeds out of reach are loaded."""
    if window.mode != "refetch":
        return _Progress()
    logger = run_logger()
    chosen = [feed for feed in feeds if feed.name in window.sources]
    history = find_history_task(chosen, window.start, window.end, run.settings.fetch)
    logger.info(
        f"history walk: {len(history.requests)} pages of {window.start}..{window.end} "
        f"found through {len(chosen)} feeds, {len(history.failures)} out of reach"
    )
    for failure in history.failures:
        logger.info(f"history {failure.source}: {failure.error_code}: {failure.message}")
    requests: dict[date, list[PageRequest]] = {}
    for request in history.requests:
        if request.published_at is not None:
            requests.setdefault(request.published_at.date(), []).append(request)
    if not history.failures:
        return _Progress(requests=requests)
    # A feed or sitemap out of reach: the window is not covered, and the run says so.
    spool_file = spool_task(run.warehouse, run.run_id, [], history.failures)
    counts = load_task(run.warehouse, spool_file, run.run_id)
    return _Progress(counts, [("history walk", counts)], requests)


def _run_days(
    run: RunFrame, window: BackfillWindow, requests: dict[date, list[PageRequest]]
) -> _Progress:
    """One task per day; a day that fails is logged and the others go on (it is re-runnable)."""
    logger = run_logger()
    documents = _seed_documents_by_day(run.settings.seeds_dir, window)
    counts = LoadCounts()
    rows: list[tuple[str, LoadCounts | None]] = []
    failed: list[date] = []
    for day in window.days:
        try:
            day_counts = backfill_day_task(
                day,
                documents.get(day, []),
                requests.get(day, []),
                run.warehouse,
                run.run_id,
                run.settings.fetch,
                window.mode == "reprocess",
            )
        except Exception as error:  # one bad day must not stop the others
            logger.error(f"day {day} failed: {redact_text(str(error))}")
            failed.append(day)
            rows.append((day.isoformat(), None))
            continue
        counts += day_counts
        rows.append((day.isoformat(), day_counts))
        logger.info(f"day {day}: {counts_line(day_counts)}")
    return _Progress(counts, rows, failed=failed)


def _feed_sources(settings: Settings) -> list[Source]:
    """The feeds of the sources file (NEWSFLOW_SOURCES, else sources.yaml when present)."""
    if not settings.sources_from_env and not settings.sources_path.exists():
        return []
    return read_sources(settings.sources_path)


def _seed_documents_by_day(
    seeds_dir: Path, window: BackfillWindow
) -> dict[date, list[RawDocument]]:
    if window.mode != "reprocess" or SEED_SOURCE not in window.sources or not seeds_dir.is_dir():
        return {}
    items = read_seeds_task(str(seeds_dir))
    return group_by_day((i for i in items if isinstance(i, RawDocument)), window)


if __name__ == "__main__":
    backfill(start=date.today(), end=date.today())
