"""The `newsflow` commands that run a flow: ingest, reprocess and retag, and deploy.

Each runs its flow on Prefect's embedded API (launched by ``flows.cli``, let go on here once
the arguments are checked) and prints the closing lines; a broken run is one line and exit 1.
"""

from __future__ import annotations

import argparse
import errno
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from flows.artifacts import no_network_line
from flows.embedded_api import let_embedded_api_start, start_embedded_api
from flows.render import counted
from flows.settings import Settings, warehouse_for


def run_ingest(args: argparse.Namespace, settings: object) -> int:
    """``newsflow ingest``: run the ingest flow, then print what it did (exit 1: it broke)."""
    from transforms import start_worker_server

    assert isinstance(settings, Settings)
    seeds = args.seeds or settings.seeds_dir
    if (args.seeds or settings.seeds_from_env) and not seeds.is_dir():
        print(f"newsflow: seed folder {seeds} does not exist", file=sys.stderr)
        return 2
    db = args.db or settings.db_path
    sources = _sources_file(args.sources, settings)
    private_dir = settings.private_dir
    let_embedded_api_start()  # its database and services start while the imports below run
    start_worker_server()  # and so do the extraction workers' imports
    from flows.ingest import ingest  # Prefect's flow engine: a second or two of imports

    start_embedded_api()
    try:
        with _progress_bar():
            summary = ingest(
                seeds_dir=str(seeds),
                db_path=str(db),
                batch_size=settings.batch_size,
                sources_file=None if sources is None else str(sources),
                force=args.force,
                private_dir=str(private_dir) if private_dir else None,
                lock_wait=settings.lock_wait,
            )
    except (duckdb.Error, OSError) as error:  # lock, disk full, I/O: one line, and what is kept
        warehouse = warehouse_for(settings, db_path=db)
        spool = warehouse.spool_dir
        print(failure_line("ingest", error), file=sys.stderr)
        print(
            f"newsflow: {len(warehouse.staged())} fetched batch(es) stay staged in {spool} "
            "and load on the next run",
            file=sys.stderr,
        )
        return 1
    counts = summary.counts
    failures_by_code = Counter(summary.failures_by_code)
    offline = no_network_line(
        summary.feeds_polled, Counter(summary.feed_failures_by_code).elements()
    )
    if offline:  # one line, not one per feed: the feeds' rows are in the warehouse
        print(f"newsflow: {offline}; each feed's failure is in feed_fetches and failures")
        failures_by_code -= Counter(summary.feed_failures_by_code)
    elif sources is not None and not summary.feeds_polled:
        print("newsflow: no feed due for a poll (--force polls every enabled one)")
    elif sources is not None:
        print(
            f"newsflow: {counted(summary.feeds_polled, 'feed')} polled "
            f"({summary.feeds_failed} failed), {counted(summary.pages_requested, 'new page')} "
            "requested"
        )
    print(
        f"newsflow: {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged "
        f"articles; {counts.failures} failures -> {db}"
    )
    for code, number in sorted(failures_by_code.items()):
        print(f"  failure {code}: {number}")
    if summary.batches_replayed:
        print(f"  loaded {summary.batches_replayed} batch(es) staged by earlier runs")
    return 0


def failure_line(command: str, error: BaseException) -> str:
    """The one line that says why a run broke: a full disk by that name, else DuckDB's words.

    DuckDB reports a full disk as whatever step failed ("Failed to commit: Could not
    write file ...: No space left on device"); the reason goes first, the detail after.
    """
    text = " ".join(str(error).split())  # DuckDB's messages may span lines
    full = (isinstance(error, OSError) and error.errno == errno.ENOSPC) or (
        os.strerror(errno.ENOSPC).lower() in text.lower()
    )
    reason = "no space left on device: " if full else ""
    return f"newsflow: {command} failed: {reason}{text}"


def run_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    """``newsflow reprocess``: run the reprocess flow over the stored pages of the window."""
    let_embedded_api_start()
    from flows.reprocess import reprocess  # Prefect's flow engine: a second or two of imports

    db = args.db or settings.db_path
    private_dir = settings.private_dir
    start_embedded_api()
    try:
        with _progress_bar():
            counts = reprocess(
                db_path=str(db),
                since=_start_of(args.since),
                until=_start_of(args.until + timedelta(days=1) if args.until else None),
                private_dir=str(private_dir) if private_dir else None,
                lock_wait=settings.lock_wait,
            )
    except (duckdb.Error, OSError) as error:  # a lock held too long, disk full
        print(failure_line("reprocess", error), file=sys.stderr)
        return 1
    print(
        f"newsflow reprocess: {counts.new} new, {counts.updated} updated, "
        f"{counts.unchanged} unchanged articles; {counts.failures} failures -> {db}"
    )
    return 0


def run_retag(args: argparse.Namespace, settings: object) -> int:
    """``newsflow retag``: run the retag flow (exit 1 when there is no warehouse yet)."""
    assert isinstance(settings, Settings)
    warehouse = warehouse_for(settings, db_path=args.db)
    if not warehouse.exists():
        print(
            f"newsflow: no warehouse at {warehouse.write_db}; run newsflow ingest first",
            file=sys.stderr,
        )
        return 1
    let_embedded_api_start()
    from flows.retag import retag  # Prefect's flow engine: a second or two of imports

    start_embedded_api()
    summary = retag(
        since=args.since,
        until=args.until,
        db_path=str(warehouse.snapshot),
        batch_size=settings.batch_size,
        private_dir=str(settings.private_dir) if settings.private_dir else None,
        lock_wait=settings.lock_wait,
    )
    print(
        f"newsflow: retagged {counted(summary.retagged, 'article')} with {summary.tagger_version} "
        f"({summary.stale} had older tags) -> {warehouse.snapshot}"
    )
    return 0


def run_deploy(args: argparse.Namespace, settings: object) -> int:
    """``newsflow deploy``: set up the Prefect server of ``PREFECT_API_URL``."""
    from flows.deploy import deploy_project  # imported late: Prefect reads its settings on import

    try:
        deploy_project(args.project)
    except ValueError as error:
        print(f"newsflow deploy: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"newsflow deploy: prefect deploy failed ({error.returncode})", file=sys.stderr)
        return 1
    return 0


def _sources_file(given: Path | None, settings: object) -> Path | None:
    """The sources file to poll, validated now so that a bad file fails before the run."""
    from connectors import SourcesError, read_sources
    from flows.settings import Settings

    assert isinstance(settings, Settings)
    path = given or settings.sources_path
    if given is None and not settings.sources_from_env and not path.exists():
        return None  # no sources.yaml here: a seeds-only run
    try:
        read_sources(path)
    except SourcesError as error:
        raise SystemExit(f"newsflow: {error}") from None
    return path


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day)


@contextmanager
def _progress_bar() -> Iterator[None]:
    """Show a live progress bar on a terminal; stay quiet in pipes and CI logs."""
    if not sys.stdout.isatty():
        yield
        return
    from rich.progress import Progress

    from flows.progress import set_progress_hook

    with Progress(transient=True) as progress:
        bars: dict[str, object] = {}

        def hook(stage: str, advance: int, total: int | None) -> None:
            if stage not in bars:
                bars[stage] = progress.add_task(stage, total=total)
            task_id = bars[stage]
            progress.update(task_id, advance=advance)  # type: ignore[arg-type]
            if total is not None:
                progress.update(task_id, total=total)  # type: ignore[arg-type]

        set_progress_hook(hook)
        try:
            yield
        finally:
            set_progress_hook(None)
