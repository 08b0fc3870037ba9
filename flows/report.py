"""The weekly briefing: write `newsflow report`'s HTML page and say where it is."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NONE

from connectors import utcnow
from flows.briefing import BriefingFile, default_briefing_path, write_briefing
from flows.briefing_link import remember_briefing
from flows.events import report_written_event
from flows.render import counted
from flows.reporting import emit
from flows.run_names import timestamped_name
from flows.settings import load_settings, warehouse_for
from warehouse import Warehouse


def report_window(
    *, days: int | None, since: date | None, until: date | None, today: date
) -> tuple[date | None, date | None]:
    """The days a report covers: ``since``/``until`` as given, or the ``days`` before ``today``.

    Raises:
        ValueError: ``days`` is below 1, or given together with ``since`` or ``until``.
    """
    if days is None:
        return since, until
    if since is not None or until is not None:
        raise ValueError("give either days or since/until, not both")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    last = today - timedelta(days=1)  # a finished day: a Monday run covers Monday to Sunday
    return last - timedelta(days=days - 1), last


@task(cache_policy=NONE)
def write_briefing_task(
    warehouse: Warehouse, out: str, since: date | None, until: date | None
) -> BriefingFile:
    """Write the briefing from the analysts' snapshot and note it for the runs' summaries."""
    now = utcnow()
    written = write_briefing(warehouse, Path(out), since=since, until=until, now=now)
    remember_briefing(warehouse.folder, written.path, now=now)
    return written


def _run_name() -> str:
    return timestamped_name("report")


@flow(name="report", flow_run_name=_run_name, log_prints=True)
def report(
    out: str | None = None,
    days: int | None = None,
    since: date | None = None,
    until: date | None = None,
    db_path: str | None = None,
    private_dir: str | None = None,
) -> BriefingFile:
    """Write the HTML briefing of a window of publication days; emit newsflow.report.written.

    Args:
        out: The HTML file to write (default: briefing.html beside the database).
        days: Cover the last N full days (UTC) before today; leave empty to use since/until.
        since: First publication day (default: the earliest article's).
        until: Last publication day, included (default: the latest article's).
        db_path: The analysts' database (default: NEWSFLOW_DB, else data/news.duckdb).
        private_dir: Where the private database lives (default: beside db_path).
    """
    warehouse = warehouse_for(load_settings(), db_path=db_path, private_dir=private_dir)
    db = warehouse.snapshot
    target = out or str(default_briefing_path(db))
    first, last = report_window(days=days, since=since, until=until, today=utcnow().date())
    written = write_briefing_task(warehouse, target, first, last)
    window = written.window
    emit(
        report_written_event(
            path=str(written.path),
            db_path=str(db),
            size=written.bytes,
            since=window.since.isoformat() if window else None,
            until=window.until.isoformat() if window else None,
            articles=written.articles,
            charts=written.charts,
        )
    )
    create_link_artifact(
        key="briefing",
        link=written.path.as_uri(),
        link_text=f"Briefing: {written.path}",
        description=f"{counted(written.articles, 'article')}, {counted(written.charts, 'chart')}",
    )
    articles = counted(written.articles, "article")
    print(f"briefing of {articles} -> {written.path} ({written.bytes:,} bytes)")
    return written


if __name__ == "__main__":
    report()
