"""The ingest flow: seed files (and, later, feeds) to tagged articles in DuckDB, then published."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import Failure, RawDocument, iter_seed_documents
from flows.progress import report_progress
from flows.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DB,
    DEFAULT_LOCK_WAIT,
    DEFAULT_SEEDS,
    warehouse_paths,
)
from transforms import TaggedArticle, extract_article, tag_article
from warehouse import (
    LoadCounts,
    PublishStats,
    connect_warehouse,
    finish_run,
    list_spooled,
    load_spooled,
    publish_snapshot,
    spool_batch,
    start_run,
)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, for the CLI's closing lines and the run artifact."""

    run_id: str
    counts: LoadCounts
    failures_by_code: dict[str, int] = field(default_factory=dict)
    batches_replayed: int = 0  # spooled by earlier runs that did not finish loading
    publish: PublishStats | None = None


@task(cache_policy=NONE)
def read_seeds_task(seeds_dir: str) -> list[RawDocument | Failure]:
    """Read every seed file; bad ones come back as failures."""
    return list(iter_seed_documents(Path(seeds_dir), now=_utcnow()))


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
def spool_task(
    spool_dir: str, run_id: str, tagged: list[TaggedArticle], failures: list[Failure]
) -> str:
    """Stage one batch on disk before any load, so a failed or killed run loses nothing."""
    path = spool_batch(
        Path(spool_dir), run_id=run_id, tagged=tagged, failures=failures, now=_utcnow()
    )
    return str(path)


@task(cache_policy=NONE)
def load_task(write_db: str, spool_file: str, run_id: str, lock_wait: float) -> LoadCounts:
    """Load one spooled batch into the private database in one transaction."""
    con = connect_warehouse(Path(write_db), lock_wait=lock_wait)
    try:
        counts = load_spooled(con, Path(spool_file), run_id=run_id, now=_utcnow())
    finally:
        con.close()
    report_progress("load", counts.new + counts.updated + counts.unchanged)
    return counts


@task(cache_policy=NONE)
def publish_task(write_db: str, snapshot: str, lock_wait: float) -> PublishStats:
    """Publish the analysts' snapshot of the private database."""
    return publish_snapshot(Path(write_db), Path(snapshot), lock_wait=lock_wait)


def _run_name() -> str:
    return f"ingest-{datetime.now(UTC):%Y-%m-%dT%H:%M}"


@flow(name="ingest", flow_run_name=_run_name, log_prints=True)
def ingest(
    seeds_dir: str = str(DEFAULT_SEEDS),
    db_path: str = str(DEFAULT_DB),
    batch_size: int = DEFAULT_BATCH_SIZE,
    private_dir: str | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> RunSummary:
    """Read seeds, extract, tag and spool them batch by batch; load the spool; publish.

    Args:
        db_path: the analysts' database, which this run publishes.
        private_dir: where the private database and the spool live (default: beside db_path).
        lock_wait: seconds to wait whenever another process holds the private database.
    """
    run_id = str(flow_run.get_id() or "local")
    started_at = _utcnow()
    paths = warehouse_paths(Path(db_path), Path(private_dir) if private_dir else None)
    leftovers = list_spooled(paths.spool_dir)
    items = read_seeds_task(seeds_dir) if Path(seeds_dir).is_dir() else []
    documents = [item for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    report_progress("extract", 0, len(documents))
    report_progress("load", 0, len(documents))
    all_failures = list(failures)
    pending_failures = failures  # seed failures ride with the first batch
    for start in range(0, max(len(documents), 1), batch_size):
        results = transform_task(documents[start : start + batch_size])
        tagged = [r for r in results if isinstance(r, TaggedArticle)]
        batch_failures = [r for r in results if isinstance(r, Failure)]
        all_failures += batch_failures
        if tagged or pending_failures or batch_failures:
            spool_task(str(paths.spool_dir), run_id, tagged, pending_failures + batch_failures)
        pending_failures = []
    write_db = str(paths.write_db)
    _record_run_start(write_db, run_id, started_at, lock_wait)
    counts = LoadCounts()
    for spool_file in list_spooled(paths.spool_dir):  # leftovers of earlier runs first
        counts += load_task(write_db, str(spool_file), run_id, lock_wait)
    _record_run_end(write_db, run_id, counts, lock_wait)
    published = publish_task(write_db, db_path, lock_wait)
    by_code: dict[str, int] = {}
    for failure in all_failures:
        by_code[failure.error_code] = by_code.get(failure.error_code, 0) + 1
    return RunSummary(
        run_id=run_id,
        counts=counts,
        failures_by_code=by_code,
        batches_replayed=len(leftovers),
        publish=published,
    )


def _record_run_start(write_db: str, run_id: str, started_at: datetime, lock_wait: float) -> None:
    con = connect_warehouse(Path(write_db), lock_wait=lock_wait)
    try:
        start_run(con, run_id=run_id, flow="ingest", now=started_at)
    finally:
        con.close()


def _record_run_end(write_db: str, run_id: str, counts: LoadCounts, lock_wait: float) -> None:
    con = connect_warehouse(Path(write_db), lock_wait=lock_wait)
    try:
        finish_run(con, run_id=run_id, counts=counts, status="completed", now=_utcnow())
    finally:
        con.close()


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


if __name__ == "__main__":
    ingest()
