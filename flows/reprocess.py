"""The reprocess flow: stored raw pages to re-extracted, re-tagged articles, then published."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.progress import report_progress
from flows.run import run_frame
from flows.run_names import timestamped_name
from warehouse import LoadCounts, Warehouse
from warehouse.reprocess import reprocess_stored_pages


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
