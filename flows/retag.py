"""Re-tagging: apply the current catalog and taxonomy to stored articles, replacing their tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prefect import flow, task
from prefect.cache_policies import NONE

from flows.reporting import run_logger
from flows.run import run_frame
from flows.run_names import timestamped_name
from flows.settings import DEFAULT_BATCH_SIZE
from transforms import TAGGER_VERSION, tag_article
from warehouse import (
    LoadCounts,
    Warehouse,
    replace_tags,
    select_article_ids,
    select_stored_articles,
)


@dataclass(frozen=True, slots=True)
class RetagSummary:
    """What a re-tagging run did."""

    run_id: str
    tagger_version: str
    retagged: int  # articles whose tags were rewritten
    stale: int  # of those, articles tagged by another tagger version before

    @property
    def counts(self) -> LoadCounts:
        """As the run's row counts it: updated (another tagger version before), unchanged."""
        return LoadCounts(updated=self.stale, unchanged=self.retagged - self.stale)


def retag_articles(
    warehouse: Warehouse,
    *,
    run_id: str,
    since: date | None = None,
    until: date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> RetagSummary:
    """Re-tag every stored article dated in ``[since, until]`` with the current tagger.

    Tags of the previous version are replaced, not added to, one transaction per
    batch, in the flows' private database, so the run can be repeated or resumed.
    The run's row and the publish are the run frame's (see ``retag``).

    Args:
        warehouse: the warehouse to re-tag.
        run_id: the run that writes the tags (a Prefect flow-run id).
        since: first publication day to re-tag (default: the earliest).
        until: last publication day to re-tag, included (default: the latest).
        batch_size: articles per transaction.
    """
    with warehouse.turn():
        with warehouse.writing() as con:
            ids = select_article_ids(con, since=since, until=until)
        stale = 0
        for start in range(0, len(ids), batch_size):
            with warehouse.writing() as con:
                stored = select_stored_articles(con, ids[start : start + batch_size])
            stale += sum(1 for item in stored if item.tagger_version != TAGGER_VERSION)
            # One transaction per batch, which a lake runs again when it loses to a merge.
            tagged = [tag_article(item.article) for item in stored]
            warehouse.write(replace_tags, tagged, run_id=run_id)
    return RetagSummary(run_id, TAGGER_VERSION, retagged=len(ids), stale=stale)


@task(cache_policy=NONE)
def retag_task(
    warehouse: Warehouse, since: date | None, until: date | None, batch_size: int, run_id: str
) -> RetagSummary:
    """The one writer of a retag run: re-tag the range in the warehouse's private database."""
    return retag_articles(warehouse, run_id=run_id, since=since, until=until, batch_size=batch_size)


def _run_name() -> str:
    return timestamped_name("retag")


@flow(name="retag", flow_run_name=_run_name, log_prints=True)
def retag(
    since: date | None = None,
    until: date | None = None,
    db_path: str | None = None,
    batch_size: int | None = None,
    private_dir: str | None = None,
    lock_wait: float | None = None,
) -> RetagSummary:
    """Re-apply the current catalog and taxonomy to stored articles published in a range.

    Args:
        since: First publication day to re-tag (default: the earliest).
        until: Last publication day to re-tag, included (default: the latest).
        db_path: The analysts' database (default: NEWSFLOW_DB, else data/news.duckdb).
        batch_size: Articles per transaction (default: NEWSFLOW_BATCH_SIZE).
        private_dir: Where the private database lives (default: beside db_path).
        lock_wait: Seconds to wait while another process holds the private database.
    """
    frame = run_frame("retag", db_path=db_path, private_dir=private_dir, lock_wait=lock_wait)
    with frame as run:
        run.start()
        size = batch_size or run.settings.batch_size
        summary = retag_task(run.warehouse, since, until, size, run.run_id)
        run.finish(summary.counts)
        run.report(summary.counts)
    run_logger().info(
        f"retagged {summary.retagged} articles ({summary.stale} stale)"
        f" with {summary.tagger_version}"
    )
    return summary


if __name__ == "__main__":
    retag()
