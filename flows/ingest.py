"""The ingest flow: seed files (and, later, feeds) to tagged articles in DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import Failure, RawDocument, iter_seed_documents
from flows.progress import report_progress
from flows.settings import DEFAULT_BATCH_SIZE, DEFAULT_DB, DEFAULT_SEEDS
from transforms import TaggedArticle
from transforms.pipeline import Transformed, transform_documents
from transforms.rawpage import RawPage
from warehouse import LoadCounts, connect_warehouse, finish_run, load_batch, start_run
from warehouse.raw import raw_store_for, store_raw_files


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did, for the CLI's closing lines and the run artifact."""

    run_id: str
    counts: LoadCounts
    failures_by_code: dict[str, int] = field(default_factory=dict)


@task(cache_policy=NONE)
def read_seeds_task(seeds_dir: str) -> list[RawDocument | Failure]:
    """Read every seed file; bad ones come back as failures."""
    return list(iter_seed_documents(Path(seeds_dir), now=_utcnow()))


@task(cache_policy=NONE)
def transform_task(documents: list[RawDocument]) -> list[Transformed]:
    """Extract and tag one batch of documents in the worker-process pool (30 s limit per page)."""
    results = transform_documents(documents)
    report_progress("extract", len(documents))
    return results


@task(cache_policy=NONE)
def load_task(
    db_path: str,
    run_id: str,
    tagged: list[TaggedArticle],
    failures: list[Failure],
    raw: list[tuple[RawPage, str | None]] | None = None,
) -> LoadCounts:
    """Keep the batch's raw pages, then load it into the warehouse in one transaction."""
    pages = raw or []
    store_raw_files(raw_store_for(Path(db_path)), [page for page, _ in pages])
    con = connect_warehouse(Path(db_path))
    try:
        counts = load_batch(
            con, run_id=run_id, tagged=tagged, failures=failures, now=_utcnow(), raw=pages
        )
    finally:
        con.close()
    report_progress("load", len(tagged))
    return counts


def _run_name() -> str:
    return f"ingest-{datetime.now(UTC):%Y-%m-%dT%H:%M}"


@flow(name="ingest", flow_run_name=_run_name, log_prints=True)
def ingest(
    seeds_dir: str = str(DEFAULT_SEEDS),
    db_path: str = str(DEFAULT_DB),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RunSummary:
    """Read seeds, extract, tag and load them, batch by batch."""
    run_id = str(flow_run.get_id() or "local")
    _record_run_start(db_path, run_id)
    items = read_seeds_task(seeds_dir) if Path(seeds_dir).is_dir() else []
    documents = [item for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    report_progress("extract", 0, len(documents))
    report_progress("load", 0, len(documents))
    counts = LoadCounts()
    all_failures = list(failures)
    pending_failures = failures  # seed failures ride with the first batch
    for start in range(0, max(len(documents), 1), batch_size):
        results = transform_task(documents[start : start + batch_size])
        tagged = [r.result for r in results if isinstance(r.result, TaggedArticle)]
        batch_failures = [r.result for r in results if isinstance(r.result, Failure)]
        raw = [(r.raw, r.article_id) for r in results if r.raw is not None]
        all_failures += batch_failures
        counts += load_task(db_path, run_id, tagged, pending_failures + batch_failures, raw)
        pending_failures = []
    _record_run_end(db_path, run_id, counts)
    by_code: dict[str, int] = {}
    for failure in all_failures:
        by_code[failure.error_code] = by_code.get(failure.error_code, 0) + 1
    return RunSummary(run_id=run_id, counts=counts, failures_by_code=by_code)


def _record_run_start(db_path: str, run_id: str) -> None:
    con = connect_warehouse(Path(db_path))
    try:
        start_run(con, run_id=run_id, flow="ingest", now=_utcnow())
    finally:
        con.close()


def _record_run_end(db_path: str, run_id: str, counts: LoadCounts) -> None:
    con = connect_warehouse(Path(db_path))
    try:
        finish_run(con, run_id=run_id, counts=counts, status="completed", now=_utcnow())
    finally:
        con.close()


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


if __name__ == "__main__":
    ingest()
