"""The ingest flow: seed files and due feeds to tagged articles in DuckDB, then published.

The feeds' tasks (which are due, the polls) are in ``flows/feed_polls.py``; the pages,
extraction, staging and loads are driven from here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from connectors import Failure, PageRequest, PageStream, RawDocument, iter_seed_documents, utcnow
from flows.artifacts import no_network_line
from flows.feed_polls import PolledFeeds, plan_feeds_task, poll_feeds_task
from flows.memory import keep_large_blocks_on_mmap
from flows.progress import report_progress
from flows.reporting import counts_line, emit_batch_loaded, run_logger
from flows.run import RunFrame, run_frame
from flows.run_names import timestamped_name
from transforms import (
    DocumentList,
    RawPage,
    StreamTransformer,
    TaggedArticle,
    TransformedBatch,
    split_results,
    stop_worker_server,
)
from warehouse import LoadCounts, PublishStats, Warehouse, select_due_pages

FEEDS_PER_POLL_TASK = 200  # one task per batch of feeds, never one per article


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, for the CLI's closing lines and the run artifact."""

    run_id: str
    counts: LoadCounts
    failures_by_code: dict[str, int] = field(default_factory=dict)  # every failure, feeds' too
    feeds_polled: int = 0
    feeds_failed: int = 0
    feed_failures_by_code: dict[str, int] = field(default_factory=dict)  # failed polls only
    pages_requested: int = 0
    batches_replayed: int = 0  # spooled by earlier runs that did not finish loading
    publish: PublishStats | None = None


@task(cache_policy=NONE)
def read_seeds_task(seeds_dir: str) -> list[RawDocument | Failure]:
    """Read every seed file; bad ones come back as failures."""
    return list(iter_seed_documents(Path(seeds_dir), now=utcnow()))


@task(cache_policy=NONE)
def plan_pages_task(
    warehouse: Warehouse, run_id: str, fresh: list[PageRequest]
) -> list[PageRequest]:
    """The pages to fetch: this run's new items, pending pages a dead run left, due retries.

    Pending pages another live run stored are left to it (it is fetching them).
    """
    with warehouse.writing() as con:
        return select_due_pages(
            con, utcnow(), fresh=fresh, run_id=run_id, locks=warehouse.run_locks
        )


@task(cache_policy=NONE)
def spool_transformed_task(
    warehouse: Warehouse, run_id: str, batch: TransformedBatch, stage: str | None = None
) -> list[Failure]:
    """Stage one batch of transformed documents on disk; return its failures.

    The documents never leave this task: Prefect keeps every task's return value
    until its flow run ends, so only the batch's failures are returned.

    Args:
        stage: the progress stage the batch's documents also advance ("pages").
    """
    tagged, extract_failures, raw = split_results(batch.transformed)
    failures = batch.failures + extract_failures
    if tagged or failures or raw:
        warehouse.stage(run_id=run_id, tagged=tagged, failures=failures, now=utcnow(), raw=raw)
    if stage is not None:
        report_progress(stage, len(batch))
    report_progress("extract", len(batch))
    return failures


@task(cache_policy=NONE)
def spool_task(
    warehouse: Warehouse,
    run_id: str,
    tagged: list[TaggedArticle],
    failures: list[Failure],
    raw: list[tuple[RawPage, str | None]] | None = None,
) -> str:
    """Stage one batch (its raw pages' references included) on disk before any load."""
    path = warehouse.stage(
        run_id=run_id, tagged=tagged, failures=failures, now=utcnow(), raw=raw or []
    )
    return str(path)


@task(cache_policy=NONE)
def load_task(warehouse: Warehouse, spool_file: str, run_id: str) -> LoadCounts:
    """Load one spooled batch into the private database in one transaction.

    A concurrent run may have loaded the file already (runs load every spooled
    batch, leftovers included): then it loads nothing.
    """
    loaded = warehouse.load_staged(Path(spool_file), run_id=run_id, now=utcnow())
    if loaded is None:
        return LoadCounts()
    counts = loaded.counts
    run_logger().info(f"batch {loaded.batch_id} loaded: {counts_line(counts)}")
    emit_batch_loaded(
        run_id=run_id,
        flow=flow_run.get_flow_name() or "ingest",
        batch=loaded.batch_id,
        counts=counts,
        topics=loaded.topics,
    )
    report_progress("load", counts.new + counts.updated + counts.unchanged)
    return counts


def _run_name() -> str:
    return timestamped_name("ingest")


@flow(name="ingest", flow_run_name=_run_name, log_prints=True)
def ingest(
    seeds_dir: str | None = None,
    db_path: str | None = None,
    batch_size: int | None = None,
    sources_file: str | None = None,
    force: bool = False,
    private_dir: str | None = None,
    lock_wait: float | None = None,
) -> RunSummary:
    """Read seeds and poll due feeds; extract, tag and spool batch by batch; load; publish.

    Args:
        seeds_dir: folder of seed files (default: NEWSFLOW_SEEDS, else seeds).
        db_path: the analysts' database, which this run publishes (default: NEWSFLOW_DB).
        batch_size: articles per transform task and load (default: NEWSFLOW_BATCH_SIZE).
        sources_file: the feeds to poll (none when ``None``).
        force: poll feeds even inside their poll interval.
        private_dir: where the private database and the spool live (default: beside db_path).
        lock_wait: seconds to wait whenever another process holds the private database.
    """
    keep_large_blocks_on_mmap()
    with run_frame("ingest", db_path=db_path, private_dir=private_dir, lock_wait=lock_wait) as run:
        batch_size = batch_size or run.settings.batch_size
        leftovers = run.warehouse.staged()
        seeds = _read_seeds(Path(seeds_dir or run.settings.seeds_dir))
        # One worker pool for seeds and pages; its workers write the raw pages' files.
        with StreamTransformer(raw_dir=run.warehouse.raw_dir) as transformer:
            # Seeds are staged before the first write, so a locked warehouse loses nothing read.
            failures = _spool_seeds(run, transformer, seeds, batch_size)
            run.start()
            feeds = _poll_feeds(run, sources_file, force)
            requests = _pages_to_fetch(run, sources_file, feeds, seeds)
            failures += feeds.failures + _fetch_pages(run, transformer, requests, batch_size)
        # Extraction is over: its forkserver and tracker (~60 MB) go before the loads and report.
        stop_worker_server()
        counts = _load_staged(run)
        published = run.finish(counts)
        _log_if_offline(feeds)
        run.report(counts, published)
    return _summary(run.run_id, counts, published, failures, feeds, requests, len(leftovers))


def _read_seeds(seeds_dir: Path) -> list[RawDocument | Failure]:
    """Every seed file's documents (none when the folder is missing); sets the extract total."""
    items = read_seeds_task(str(seeds_dir)) if seeds_dir.is_dir() else []
    report_progress("extract", 0, _documents(items))
    return items


def _spool_seeds(
    run: RunFrame,
    transformer: StreamTransformer,
    seeds: list[RawDocument | Failure],
    batch_size: int,
) -> list[Failure]:
    """Extract, tag and stage the seeds batch by batch; return their failures."""
    batches = transformer.iter_batches(DocumentList(seeds), batch_size)
    return _spool_all(batches, run.warehouse, run.run_id)


def _pages_to_fetch(
    run: RunFrame, sources_file: str | None, feeds: PolledFeeds, seeds: list[RawDocument | Failure]
) -> list[PageRequest]:
    """This run's new pages and the ones due again (none without feeds); sets progress totals."""
    requests = plan_pages_task(run.warehouse, run.run_id, feeds.requests) if sources_file else []
    _expect(documents=_documents(seeds) + len(requests), pages=len(requests))
    return requests


def _log_if_offline(feeds: PolledFeeds) -> None:
    """One line when every feed failed for want of a network, not one per feed."""
    offline = no_network_line(feeds.polled, (f.error_code for f in feeds.failures))
    if offline:
        run_logger().info(offline)


def _summary(
    run_id: str,
    counts: LoadCounts,
    published: PublishStats,
    failures: list[Failure],
    feeds: PolledFeeds,
    requests: list[PageRequest],
    batches_replayed: int,
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        counts=counts,
        failures_by_code=_by_code(failures),
        feeds_polled=feeds.polled,
        feeds_failed=len(feeds.failures),
        feed_failures_by_code=_by_code(feeds.failures),
        pages_requested=len(requests),
        batches_replayed=batches_replayed,
        publish=published,
    )


def _documents(items: list[RawDocument | Failure]) -> int:
    return sum(1 for item in items if isinstance(item, RawDocument))


def _poll_feeds(run: RunFrame, sources_file: str | None, force: bool) -> PolledFeeds:
    """Poll the due feeds of ``sources_file`` batch by batch; stage the failed polls."""
    if sources_file is None:
        return PolledFeeds([], [], 0)
    states = plan_feeds_task(run.warehouse, sources_file, force)
    report_progress("feeds", 0, len(states))
    requests: list[PageRequest] = []
    failures: list[Failure] = []
    polled = 0
    for start in range(0, len(states), FEEDS_PER_POLL_TASK):
        batch = states[start : start + FEEDS_PER_POLL_TASK]
        polls = poll_feeds_task(run.warehouse, run.run_id, batch, run.settings.fetch, force)
        if polls.failures:
            spool_task(run.warehouse, run.run_id, [], polls.failures)
        requests += polls.requests
        failures += polls.failures
        polled += polls.polled
    return PolledFeeds(requests, failures, polled)


def _expect(*, documents: int, pages: int) -> None:
    """The progress totals, once the pages to fetch are known."""
    report_progress("pages", 0, pages)
    report_progress("extract", 0, documents)
    report_progress("load", 0, documents)


def _fetch_pages(
    run: RunFrame, transformer: StreamTransformer, requests: list[PageRequest], batch_size: int
) -> list[Failure]:
    """Fetch the pages and stage each batch as the pool extracts it; return the failures.

    One client fetches all pages (robots.txt once per host, hosts spaced across batches),
    taking hosts in turn so the fetches in flight spread over all of them; each page is
    extracted as soon as it arrives.
    """
    fetch = run.settings.fetch
    with PageStream(
        requests,
        policy=fetch.policy,
        deadline=fetch.page_deadline,
        max_bytes=fetch.max_page_bytes,
    ) as pages:
        batches = transformer.iter_batches(pages, batch_size)
        return _spool_all(batches, run.warehouse, run.run_id, stage="pages")


def _load_staged(run: RunFrame) -> LoadCounts:
    """Load every staged batch, earlier runs' leftovers first, one transaction each."""
    counts = LoadCounts()
    for spool_file in run.warehouse.staged():
        counts += load_task(run.warehouse, str(spool_file), run.run_id)
    return counts


def _by_code(failures: list[Failure]) -> dict[str, int]:
    return dict(Counter(failure.error_code for failure in failures))


def _spool_all(
    batches: Iterator[TransformedBatch], warehouse: Warehouse, run_id: str, stage: str | None = None
) -> list[Failure]:
    """Stage each batch as the pool finishes it; return every failure.

    The pool and the page stream stay in the flow, which drives ``batches``;
    each task gets only the batch's records. They go in quoted, which the task
    receives unwrapped: Prefect would otherwise walk every record of the batch
    looking for futures (measured: 160 ms of flow CPU per 200-document batch).
    """
    failures: list[Failure] = []
    for batch in batches:
        quoted = quote(batch)
        failures += spool_transformed_task(warehouse, run_id, quoted, stage)  # type: ignore[call-overload]
    return failures


if __name__ == "__main__":
    ingest()
