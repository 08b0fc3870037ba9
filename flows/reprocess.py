"""The reprocess flow: stored raw pages to re-extracted, re-tagged articles, then published."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors.clock import utcnow
from flows.progress import report_progress
from flows.run import failed_run_recorded
from flows.run_names import timestamped_name
from flows.settings import DEFAULT_DB, DEFAULT_LOCK_WAIT, load_settings, warehouse_for
from warehouse import LoadCounts, PublishStats, Warehouse, finish_run, start_run
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


@task(cache_policy=NONE)
def publish_task(warehouse: Warehouse) -> PublishStats:
    """Publish the analysts' snapshot of the private database."""
    return warehouse.publish()


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
    warehouse = warehouse_for(
        load_settings(), db_path=db_path, private_dir=private_dir, lock_wait=lock_wait
    )
    with warehouse.writing() as con:
        start_run(con, run_id=run_id, flow="reprocess", now=utcnow())
    with failed_run_recorded(warehouse, run_id):  # as its exit code says
        counts = reprocess_task(warehouse, run_id, since, until)
        with warehouse.writing() as con:
            finish_run(con, run_id=run_id, counts=counts, status="completed", now=utcnow())
        publish_task(warehouse)
    return counts


if __name__ == "__main__":
    reprocess()
