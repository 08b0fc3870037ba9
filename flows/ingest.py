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
from flows.reporting import emit_batch_loaded, report_run_task
from flows.settings import load_settings
from flows.write_section import warehouse_section
from transforms import TaggedArticle, extract_article, tag_article
from warehouse import LoadCounts, finish_run, load_batch, start_run


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
) -> RunSummary:
    """Read seeds, extract, tag and load them, batch by batch.

    Args:
        seeds_dir: Folder of seed files (default: NEWSFLOW_SEEDS, else seeds).
        db_path: Warehouse file (default: NEWSFLOW_DB, else data/news.duckdb).
        batch_size: Articles per transform task and load transaction (default: NEWSFLOW_BATCH_SIZE).
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
    report_progress("extract", 0, len(documents))
    report_progress("load", 0, len(documents))
    counts = LoadCounts()
    all_failures = list(failures)
    pending_failures = failures  # seed failures ride with the first batch
    for start in range(0, max(len(documents), 1), batch_size):
        results = transform_task(documents[start : start + batch_size])
        tagged = [r for r in results if isinstance(r, TaggedArticle)]
        batch_failures = [r for r in results if isinstance(r, Failure)]
        all_failures += batch_failures
        batch_counts = load_task(db_path, run_id, tagged, pending_failures + batch_failures)
        emit_batch_loaded(
            run_id=run_id,
            flow=flow_name,
            batch=start // batch_size + 1,
            counts=batch_counts,
            tagged=tagged,
        )
        counts += batch_counts
        pending_failures = []
    _record_run_end(db_path, run_id, counts)
    report_run_task(db_path, run_id, flow_name, flow_run.get_name() or flow_name, counts)
    by_code: dict[str, int] = {}
    for failure in all_failures:
        by_code[failure.error_code] = by_code.get(failure.error_code, 0) + 1
    return RunSummary(run_id=run_id, counts=counts, failures_by_code=by_code)


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
