"""The reprocess flow: stored raw pages to re-extracted, re-tagged articles, then published."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors.clock import utcnow
from flows.progress import report_progress
from flows.run_names import timestamped_name
from flows.settings import DEFAULT_DB, DEFAULT_LOCK_WAIT, warehouse_paths
from flows.write_section import failed_run_recorded
from warehouse import (
    LoadCounts,
    PublishStats,
    connect_warehouse,
    finish_run,
    publish_snapshot,
    start_run,
)
from warehouse.reprocess import reprocess_stored_pages


@task(cache_policy=NONE)
def reprocess_task(
    write_db: str, run_id: str, since: datetime | None, until: datetime | None, lock_wait: float
) -> LoadCounts:
    """Re-extract and re-tag stored pages batch by batch (the only writer of this run)."""
    return reprocess_stored_pages(
        Path(write_db),
        run_id=run_id,
        since=since,
        until=until,
        lock_wait=lock_wait,
        on_batch=lambda pages: report_progress("reprocess", pages),
    )


@task(cache_policy=NONE)
def publish_task(write_db: str, snapshot: str, lock_wait: float) -> PublishStats:
    """Publish the analysts' snapshot of the private database."""
    return publish_snapshot(Path(write_db), Path(snapshot), lock_wait=lock_wait)


def _run_name() -> str:
    return timestamped_name("reprocess")


@flow(name="reprocess", flow_run_name=_run_name, log_prints=True)
def reprocess(
    db_path: str = str(DEFAULT_DB),
    since: datetime | None = None,
    until: datetime | None = None,
    private_dir: str | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> LoadCounts:
    """Run stored raw pages fetched in [since, until) through today's extractor and tagger.

    Args:
        db_path: the analysts' database, which this run publishes afterwards.
        since: only pages fetched at or after this time (UTC).
        until: only pages fetched before this time (UTC).
        private_dir: where the private database and its raw store live (default: beside db_path).
        lock_wait: seconds to wait whenever another process holds the private database.
    """
    run_id = str(flow_run.get_id() or "local")
    write_db = str(
        warehouse_paths(Path(db_path), Path(private_dir) if private_dir else None).write_db
    )
    con = connect_warehouse(Path(write_db), lock_wait=lock_wait)
    try:
        start_run(con, run_id=run_id, flow="reprocess", now=utcnow())
    finally:
        con.close()
    with failed_run_recorded(write_db, run_id, lock_wait=lock_wait):  # as its exit code says
        counts = reprocess_task(write_db, run_id, since, until, lock_wait)
        con = connect_warehouse(Path(write_db), lock_wait=lock_wait)
        try:
            finish_run(con, run_id=run_id, counts=counts, status="completed", now=utcnow())
        finally:
            con.close()
        publish_task(write_db, db_path, lock_wait)
    return counts


if __name__ == "__main__":
    reprocess()
