"""Re-tagging: apply the current catalog and taxonomy to stored articles, replacing their tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import uuid4

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors.clock import utcnow
from flows.reporting import report_run_task
from flows.run_names import timestamped_name
from flows.settings import DEFAULT_BATCH_SIZE, DEFAULT_LOCK_WAIT, load_settings, warehouse_paths
from flows.write_section import failed_run_recorded, writer_turn
from transforms import TAGGER_VERSION, tag_article
from warehouse import (
    LoadCounts,
    connect_warehouse,
    fetch_stored_articles,
    finish_run,
    publish_snapshot,
    replace_tags,
    select_article_ids,
    start_run,
)


@dataclass(frozen=True, slots=True)
class RetagSummary:
    """What a re-tagging run did."""

    run_id: str
    tagger_version: str
    retagged: int  # articles whose tags were rewritten
    stale: int  # of those, articles tagged by another tagger version before


def retag_articles(
    db_path: str | Path,
    *,
    since: date | None = None,
    until: date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    run_id: str | None = None,
    private_dir: str | Path | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> RetagSummary:
    """Re-tag every stored article dated in ``[since, until]`` with the current tagger.

    Tags of the previous version are replaced, not added to, one transaction per
    batch, so the run can be repeated or resumed. The run is recorded in ``runs``
    with ``flow = 'retag'``: ``articles_updated`` counts articles whose tagger
    version changed, ``articles_unchanged`` those already current.

    Like ingest, it writes the flows' private database and then publishes the
    analysts' snapshot ``db_path``.

    Args:
        db_path: the analysts' database, which this run publishes.
        since: first publication day to re-tag (default: the earliest).
        until: last publication day to re-tag, included (default: the latest).
        batch_size: articles per transaction.
        run_id: id for the ``runs`` row (a Prefect flow-run id when a flow calls this).
        private_dir: where the private database lives (default: beside ``db_path``).
        lock_wait: seconds to wait while another process holds the private database.
    """
    run_id = run_id or f"retag-{uuid4()}"
    paths = warehouse_paths(Path(db_path), Path(private_dir) if private_dir else None)
    con = connect_warehouse(paths.write_db, lock_wait=lock_wait)
    try:
        start_run(con, run_id=run_id, flow="retag", now=utcnow())
        ids = select_article_ids(con, since=since, until=until)
        stale = 0
        for start in range(0, len(ids), batch_size):
            stored = fetch_stored_articles(con, ids[start : start + batch_size])
            stale += sum(1 for item in stored if item.tagger_version != TAGGER_VERSION)
            replace_tags(con, [tag_article(item.article) for item in stored], run_id=run_id)
        counts = LoadCounts(updated=stale, unchanged=len(ids) - stale)
        finish_run(con, run_id=run_id, counts=counts, status="completed", now=utcnow())
    finally:
        con.close()
    publish_snapshot(paths.write_db, Path(db_path), lock_wait=lock_wait)
    return RetagSummary(run_id, TAGGER_VERSION, retagged=len(ids), stale=stale)


@task(cache_policy=NONE)
def retag_task(
    db_path: str,
    since: date | None,
    until: date | None,
    batch_size: int,
    run_id: str,
    private_dir: str | None,
    lock_wait: float,
) -> RetagSummary:
    """The one writer of a retag run: re-tag the range in the warehouse, then publish."""
    write_db = warehouse_paths(Path(db_path), Path(private_dir) if private_dir else None).write_db
    with writer_turn(str(write_db)):  # other runs wait instead of meeting DuckDB's lock
        return retag_articles(
            db_path,
            since=since,
            until=until,
            batch_size=batch_size,
            run_id=run_id,
            private_dir=private_dir,
            lock_wait=lock_wait,
        )


def _run_name() -> str:
    return timestamped_name("retag")


@flow(name="retag", flow_run_name=_run_name, log_prints=True)
def retag(
    since: date | None = None,
    until: date | None = None,
    db_path: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    private_dir: str | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> RetagSummary:
    """Re-apply the current catalog and taxonomy to stored articles published in a range.

    Args:
        since: First publication day to re-tag (default: the earliest).
        until: Last publication day to re-tag, included (default: the latest).
        db_path: The analysts' database (default: NEWSFLOW_DB, else data/news.duckdb).
        batch_size: Articles per transaction.
        private_dir: Where the private database lives (default: beside db_path).
        lock_wait: Seconds to wait while another process holds the private database.
    """
    settings = load_settings()
    db_path = db_path or str(settings.db_path)
    private_dir = private_dir or (str(settings.private_dir) if settings.private_dir else None)
    run_id = str(flow_run.get_id() or f"retag-{uuid4()}")
    write_db = warehouse_paths(Path(db_path), Path(private_dir) if private_dir else None).write_db
    with failed_run_recorded(str(write_db), run_id, lock_wait=lock_wait):  # as its exit code
        summary = retag_task(db_path, since, until, batch_size, run_id, private_dir, lock_wait)
        counts = LoadCounts(updated=summary.stale, unchanged=summary.retagged - summary.stale)
        run_name = flow_run.get_name() or "retag"
        report_run_task(str(write_db), db_path, run_id, "retag", run_name, counts)
    print(
        f"retagged {summary.retagged} articles ({summary.stale} stale)"
        f" with {summary.tagger_version}"
    )
    return summary


if __name__ == "__main__":
    retag()
