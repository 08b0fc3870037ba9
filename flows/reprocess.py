"""The reprocess flow: stored raw pages to re-extracted, re-tagged articles, without network."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from flows.progress import report_progress
from flows.settings import DEFAULT_DB
from warehouse import LoadCounts, connect_warehouse, finish_run, start_run
from warehouse.reprocess import reprocess_stored_pages


@task(cache_policy=NONE)
def reprocess_task(
    db_path: str, run_id: str, since: datetime | None, until: datetime | None
) -> LoadCounts:
    """Re-extract and re-tag stored pages batch by batch (the only writer of this run)."""
    return reprocess_stored_pages(
        Path(db_path),
        run_id=run_id,
        since=since,
        until=until,
        on_batch=lambda pages: report_progress("reprocess", pages),
    )


def _run_name() -> str:
    return f"reprocess-{datetime.now(UTC):%Y-%m-%dT%H:%M}"


@flow(name="reprocess", flow_run_name=_run_name, log_prints=True)
def reprocess(
    db_path: str = str(DEFAULT_DB),
    since: datetime | None = None,
    until: datetime | None = None,
) -> LoadCounts:
    """Run stored raw pages fetched in [since, until) through today's extractor and tagger."""
    run_id = str(flow_run.get_id() or "local")
    con = connect_warehouse(Path(db_path))
    try:
        start_run(con, run_id=run_id, flow="reprocess", now=_utcnow())
    finally:
        con.close()
    counts = reprocess_task(db_path, run_id, since, until)
    con = connect_warehouse(Path(db_path))
    try:
        finish_run(con, run_id=run_id, counts=counts, status="completed", now=_utcnow())
    finally:
        con.close()
    return counts


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


if __name__ == "__main__":
    reprocess()
