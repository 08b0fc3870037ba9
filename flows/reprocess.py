"""The reprocess flow: stored raw pages to re-extracted, re-tagged articles, then published."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NONE

from connectors import utcnow
from flows.progress import report_progress
from flows.run import run_frame
from flows.run_names import timestamped_name
from transforms import (
    DEFAULT_WORKERS,
    EXTRACTION_TIMEOUT_S,
    assign_stories,
    split_results,
    to_raw_document,
    transform_documents,
)
from warehouse import (
    LoadCounts,
    Warehouse,
    load_batch,
    read_stored_pages,
    select_stored_pages,
)

DEFAULT_REPROCESS_BATCH = 200


def reprocess_stored_pages(
    warehouse: Warehouse,
    *,
    run_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = DEFAULT_REPROCESS_BATCH,
    workers: int = DEFAULT_WORKERS,
    timeout_s: float = EXTRACTION_TIMEOUT_S,
    on_batch: Callable[[int], None] | None = None,
) -> LoadCounts:
    """Re-extract and re-tag the latest stored page of every URL fetched in [since, until).

    Reads only the warehouse and its raw store (no network). Articles whose
    text, metadata and versions come out the same are only marked as seen, so
    running it twice changes nothing the second time; failures are stored as
    in any run. The backfill flow calls this same function.

    The writer turn is held throughout, so no other run stores a newer page of a URL
    between the selection and its load; the database is open only to select the pages
    and to load each batch, never while the worker pool extracts. The worker stores each
    page again as it does in ingest, which finds the same bytes, the same file (no
    re-encoding, no rewrite).

    Args:
        warehouse: the warehouse whose stored pages are read and whose articles are written.
        run_id: the run to record rows and failures under (the caller records the run itself).
        since: only pages fetched at or after this time (UTC), if given.
        until: only pages fetched before this time (UTC), if given.
        batch_size: pages per worker-pool batch and per load transaction.
        workers: worker processes for extraction.
        timeout_s: per-page extraction limit; a slower page becomes ``extraction_timeout``.
        on_batch: called with the number of pages after each batch (progress).

    Returns:
        What the loads did, summed over batches.
    """
    counts = LoadCounts()
    with warehouse.turn():
        with warehouse.writing() as con:
            pages = select_stored_pages(con, since=since, until=until)
        for start in range(0, len(pages), batch_size):
            batch = read_stored_pages(warehouse.raw_dir, pages[start : start + batch_size])
            documents = [to_raw_document(page, body) for page, body in batch]
            transformed = transform_documents(
                documents, raw_dir=warehouse.raw_dir, workers=workers, timeout_s=timeout_s
            )
            tagged, failures, raw = split_results(transformed)
            # One transaction, which a lake runs again when it loses to a concurrent merge.
            counts += warehouse.write(
                load_batch,
                run_id=run_id,
                tagged=tagged,
                failures=failures,
                now=utcnow(),
                raw=raw,
                assign_stories=assign_stories,
            )
            if on_batch is not None:
                on_batch(len(batch))
    return counts


@task(cache_policy=NONE)
def reprocess_task(
    warehouse: Warehouse, run_id: str, since: datetime | None, until: datetime | None
) -> LoadCounts:
    """Re-extract and re-tag stored pages batch by batch (the only writer of this run)."""
    return reprocess_stored_pages(
        warehouse,
        run_id=run_id,
        since=since,
        until=until,
        on_batch=lambda pages: report_progress("reprocess", pages),
    )


def _run_name() -> str:
    return timestamped_name("reprocess")


@flow(name="reprocess", flow_run_name=_run_name, log_prints=True)
def reprocess(
    db_path: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    private_dir: str | None = None,
    lock_wait: float | None = None,
) -> LoadCounts:
    """Run stored raw pages fetched in [since, until) through today's extractor and tagger.

    Args:
        db_path: the analysts' database, which this run publishes (default: NEWSFLOW_DB).
        since: only pages fetched at or after this time (UTC).
        until: only pages fetched before this time (UTC).
        private_dir: where the private database and its raw store live (default: beside db_path).
        lock_wait: seconds to wait whenever another process holds the private database
            (default: NEWSFLOW_LOCK_WAIT).
    """
    frame = run_frame("reprocess", db_path=db_path, private_dir=private_dir, lock_wait=lock_wait)
    with frame as run:
        run.start()
        counts = reprocess_task(run.warehouse, run.run_id, since, until)
        run.finish(counts)
    return counts


if __name__ == "__main__":
    reprocess()
