"""The ingest flow: seed files and due feeds to tagged articles in DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import (
    Failure,
    FeedPoll,
    FeedState,
    PageRequest,
    RawDocument,
    fetch_feeds,
    fetch_pages,
    iter_seed_documents,
    load_sources,
)
from flows.progress import report_progress
from flows.reporting import emit_batch_loaded, report_run_task
from flows.settings import FetchSettings, load_settings
from flows.write_section import warehouse_section
from transforms import TaggedArticle, extract_article, tag_article
from warehouse import (
    LoadCounts,
    finish_run,
    load_batch,
    load_feed_polls,
    select_due_feeds,
    start_run,
    sync_sources,
)

FEEDS_PER_POLL_TASK = 200  # one task per batch of feeds, never one per article


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, for the CLI's closing lines and the run artifact."""

    run_id: str
    counts: LoadCounts
    failures_by_code: dict[str, int] = field(default_factory=dict)
    feeds_polled: int = 0
    feeds_failed: int = 0
    pages_requested: int = 0


@task(cache_policy=NONE)
def read_seeds_task(seeds_dir: str) -> list[RawDocument | Failure]:
    """Read every seed file; bad ones come back as failures."""
    return list(iter_seed_documents(Path(seeds_dir), now=_utcnow()))


@task(cache_policy=NONE)
def plan_feeds_task(db_path: str, sources_file: str, force: bool) -> list[FeedState]:
    """Sync sources.yaml into the warehouse and return the feeds due for a poll."""
    sources = load_sources(Path(sources_file))
    with warehouse_section(db_path) as con:
        sync_sources(con, sources, _utcnow())
        names = [source.name for source in sources if source.enabled]
        return select_due_feeds(con, names, _utcnow(), force=force)


@task(cache_policy=NONE)
def poll_feeds_task(states: list[FeedState], fetch: FetchSettings) -> list[FeedPoll]:
    """Poll one batch of feeds concurrently (no database: results are returned)."""
    polls = fetch_feeds(
        states,
        policy=fetch.policy,
        deadline=fetch.feed_deadline,
        max_bytes=fetch.max_feed_bytes,
    )
    report_progress("feeds", len(polls))
    return polls


@task(cache_policy=NONE)
def record_polls_task(db_path: str, run_id: str, polls: list[FeedPoll]) -> list[PageRequest]:
    """Store polls, items and schedules; return the new items' pages to fetch."""
    with warehouse_section(db_path) as con:
        return load_feed_polls(con, run_id=run_id, polls=polls, now=_utcnow())


@task(cache_policy=NONE)
def fetch_pages_task(
    requests: list[PageRequest], fetch: FetchSettings
) -> list[RawDocument | Failure]:
    """Fetch one batch of article pages concurrently."""
    results = fetch_pages(
        requests,
        policy=fetch.policy,
        deadline=fetch.page_deadline,
        max_bytes=fetch.max_page_bytes,
    )
    report_progress("pages", len(results))
    return results


@task(cache_policy=NONE)
def transform_task(documents: list[RawDocument]) -> list[TaggedArticle | Failure]:
    """Extract and tag one batch of documents."""
    results: list[TaggedArticle | Failure] = []
    for document in documents:
        article = extract_article(document)
        results.append(article if isinstance(article, Failure) else tag_article(article))
        report_progress("extract", 1)
    return results


@task(cache_policy=NONE)
def load_task(
    db_path: str, run_id: str, tagged: list[TaggedArticle], failures: list[Failure]
) -> LoadCounts:
    """Load one batch into the warehouse in one transaction."""
    with warehouse_section(db_path) as con:
        counts = load_batch(con, run_id=run_id, tagged=tagged, failures=failures, now=_utcnow())
    report_progress("load", len(tagged))
    return counts


def _run_name() -> str:
    return f"ingest-{datetime.now(UTC):%Y-%m-%dT%H:%M}"


@flow(name="ingest", flow_run_name=_run_name, log_prints=True)
def ingest(
    seeds_dir: str | None = None,
    db_path: str | None = None,
    batch_size: int | None = None,
    sources_file: str | None = None,
    force: bool = False,
) -> RunSummary:
    """Read seeds and poll due feeds, then extract, tag and load, batch by batch.

    Args:
        seeds_dir: Folder of seed files (default: NEWSFLOW_SEEDS, else seeds).
        db_path: Warehouse file (default: NEWSFLOW_DB, else data/news.duckdb).
        batch_size: Articles per transform task and load transaction (default: NEWSFLOW_BATCH_SIZE).
        sources_file: Feeds to poll (none when empty).
        force: Poll the feeds even inside their poll interval.
    """
    settings = load_settings()
    seeds_dir = seeds_dir or str(settings.seeds_dir)
    db_path = db_path or str(settings.db_path)
    batch_size = batch_size or settings.batch_size
    run_id = str(flow_run.get_id() or "local")
    flow_name = flow_run.get_flow_name() or "ingest"
    _record_run_start(db_path, run_id, flow_name)
    items = read_seeds_task(seeds_dir) if Path(seeds_dir).is_dir() else []
    documents = [item for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    requests: list[PageRequest] = []
    polled = failed = 0
    fetch = settings.fetch
    if sources_file is not None:
        states = plan_feeds_task(db_path, sources_file, force)
        report_progress("feeds", 0, len(states))
        for start in range(0, len(states), FEEDS_PER_POLL_TASK):
            polls = poll_feeds_task(states[start : start + FEEDS_PER_POLL_TASK], fetch)
            requests += record_polls_task(db_path, run_id, polls)
            failures += [poll.failure for poll in polls if poll.failure is not None]
            polled, failed = polled + len(polls), failed + sum(1 for p in polls if p.failure)
    report_progress("pages", 0, len(requests))
    report_progress("extract", 0, len(documents) + len(requests))
    report_progress("load", 0, len(documents) + len(requests))
    counts, all_failures = _transform_and_load(
        db_path, run_id, flow_name, documents, failures, batch_size
    )
    for start in range(0, len(requests), batch_size):
        fetched = fetch_pages_task(requests[start : start + batch_size], fetch)
        pages = [item for item in fetched if isinstance(item, RawDocument)]
        page_failures = [item for item in fetched if isinstance(item, Failure)]
        more, more_failures = _transform_and_load(
            db_path, run_id, flow_name, pages, page_failures, batch_size
        )
        counts, all_failures = counts + more, all_failures + more_failures
    _record_run_end(db_path, run_id, counts)
    report_run_task(db_path, run_id, flow_name, flow_run.get_name() or flow_name, counts)
    by_code: dict[str, int] = {}
    for failure in all_failures:
        by_code[failure.error_code] = by_code.get(failure.error_code, 0) + 1
    return RunSummary(run_id, counts, by_code, polled, failed, len(requests))


def _transform_and_load(
    db_path: str,
    run_id: str,
    flow_name: str,
    documents: list[RawDocument],
    failures: list[Failure],
    batch_size: int,
) -> tuple[LoadCounts, list[Failure]]:
    """Extract, tag and load documents batch by batch; earlier failures ride with the first."""
    counts = LoadCounts()
    all_failures = list(failures)
    pending_failures = failures
    for start in range(0, max(len(documents), 1), batch_size):
        batch = documents[start : start + batch_size]
        results = transform_task(batch) if batch else []
        tagged = [r for r in results if isinstance(r, TaggedArticle)]
        batch_failures = [r for r in results if isinstance(r, Failure)]
        all_failures += batch_failures
        if tagged or pending_failures or batch_failures:
            loaded = load_task(db_path, run_id, tagged, pending_failures + batch_failures)
            emit_batch_loaded(
                run_id=run_id,
                flow=flow_name,
                batch=start // batch_size + 1,
                counts=loaded,
                tagged=tagged,
            )
            counts += loaded
        pending_failures = []
    return counts, all_failures


def _record_run_start(db_path: str, run_id: str, flow_name: str) -> None:
    with warehouse_section(db_path) as con:
        start_run(con, run_id=run_id, flow=flow_name, now=_utcnow())


def _record_run_end(db_path: str, run_id: str, counts: LoadCounts) -> None:
    with warehouse_section(db_path) as con:
        finish_run(con, run_id=run_id, counts=counts, status="completed", now=_utcnow())


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


if __name__ == "__main__":
    ingest()
