"""The `newsflow` command: run flows locally on Prefect's embedded API and query the result."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import duckdb

from connectors import utcnow
from flows.artifacts import no_network_line
from flows.embedded_api import EmbeddedApiError, start_embedded_api
from flows.render import FORMATS, counted, dump_json, records, render, render_failing_feeds
from flows.settings import Settings, apply_prefect_offline_defaults, load_settings, warehouse_for
from warehouse import QueryRefused, Warehouse, export_parquet, select_query, select_status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsflow`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since is not None and until is not None and until < since:  # before Prefect starts
        print(
            f"newsflow {args.command}: --until {until} is before --since {since}", file=sys.stderr
        )
        return 2
    try:
        settings = load_settings()
    except ValueError as error:
        parser.error(str(error))
    apply_prefect_offline_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    try:
        result: int = args.handler(args, settings)
    except EmbeddedApiError as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 2
    return result


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsflow", description="AI-industry news ingestion into DuckDB, run by Prefect."
    )
    parser.add_argument("--version", action="version", version=_versions())
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser(
        "ingest", help="read seeds, poll due feeds, extract, tag and load the warehouse"
    )
    ingest.add_argument(
        "--seeds", type=Path, help="seed folder (default: seeds, or NEWSFLOW_SEEDS)"
    )
    _add_db_argument(ingest)
    ingest.add_argument(
        "--sources",
        type=Path,
        help="feeds to poll (default: sources.yaml if present, or NEWSFLOW_SOURCES)",
    )
    ingest.add_argument(
        "--force", action="store_true", help="poll every enabled feed, even if not yet due"
    )
    ingest.set_defaults(handler=_run_ingest)
    deploy = commands.add_parser(
        "deploy",
        help="set up the Prefect server in PREFECT_API_URL: work pool, write limit, deployments",
    )
    deploy.add_argument(
        "--project", type=Path, default=Path("."), help="folder with prefect.yaml (default: .)"
    )
    deploy.set_defaults(handler=_run_deploy)
    reprocess = commands.add_parser(
        "reprocess", help="re-extract and re-tag stored raw pages (no network)"
    )
    reprocess.add_argument("--since", type=_day, help="first fetch day, YYYY-MM-DD (UTC)")
    reprocess.add_argument("--until", type=_day, help="last fetch day (included), YYYY-MM-DD (UTC)")
    _add_db_argument(reprocess)
    reprocess.set_defaults(handler=_run_reprocess)
    _add_sources_parser(commands)

    sql = commands.add_parser("sql", help="run SQL read-only against the analysts' database")
    sql.add_argument("query", help="SQL to run; several statements: the last one's rows")
    sql.add_argument("--format", choices=FORMATS, default="table", help="output (default: table)")
    _add_db_argument(sql)
    sql.set_defaults(handler=_run_sql)

    status = commands.add_parser("status", help="sources' health, the last runs and counts")
    status.add_argument("--runs", type=_count, default=5, help="how many recent runs (default: 5)")
    status.add_argument("--json", action="store_true", help="the same as one JSON object")
    _add_db_argument(status)
    status.set_defaults(handler=_run_status)

    export = commands.add_parser("export", help="write the warehouse as Parquet for other engines")
    export.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    _add_db_argument(export)
    export.set_defaults(handler=_run_export)

    retag = commands.add_parser(
        "retag", help="re-apply the current entity catalog and topic taxonomy to stored articles"
    )
    retag.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD")
    retag.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(retag)
    retag.set_defaults(handler=_run_retag)

    report = commands.add_parser(
        "report", help="write the HTML briefing of a window, with charts (works offline)"
    )
    report.add_argument(
        "--out", type=Path, help="HTML file to write (default: briefing.html beside the database)"
    )
    report.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD (UTC)")
    report.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(report)
    report.set_defaults(handler=_run_report)
    return parser


def _add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Every command that touches the warehouse takes the same --db."""
    parser.add_argument(
        "--db", type=Path, help="database (default: data/news.duckdb, or NEWSFLOW_DB)"
    )


def _add_sources_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sources = commands.add_parser("sources", help="feed health: list sources, re-enable one")
    actions = sources.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every known source with its state")
    enable = actions.add_parser("enable", help="make a failing or disabled source active again")
    enable.add_argument("name", help="source name as in sources.yaml")
    for action in (listing, enable):
        _add_db_argument(action)
        action.set_defaults(handler=_run_sources)


def _run_ingest(args: argparse.Namespace, settings: object) -> int:
    from flows.ingest import ingest  # imported late: Prefect reads its settings on import
    from flows.settings import Settings
    from transforms import start_worker_server

    start_worker_server()  # boots while Prefect starts its API

    assert isinstance(settings, Settings)
    seeds = args.seeds or settings.seeds_dir
    if (args.seeds or settings.seeds_from_env) and not seeds.is_dir():
        print(f"newsflow: seed folder {seeds} does not exist", file=sys.stderr)
        return 2
    db = args.db or settings.db_path
    sources = _sources_file(args.sources, settings)
    private_dir = settings.private_dir
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


def _run_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from flows.reprocess import reprocess  # imported late: Prefect reads its settings on import

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


def _run_sql(args: argparse.Namespace, settings: Settings) -> int:
    """Print the query's rows; a query that cannot run is one line on stderr and exit 2."""
    if not args.query.strip():
        print(
            "newsflow sql: no SQL given; e.g. newsflow sql 'FROM articles LIMIT 5'", file=sys.stderr
        )
        return 2
    try:
        with warehouse_for(settings, db_path=args.db).reading() as con:
            result = select_query(con, args.query)
    except QueryRefused as error:
        print(f"newsflow: refused: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # only comments or semicolons: no statement to run
        print(f"newsflow sql: {error}", file=sys.stderr)
        return 2
    except duckdb.ProgrammingError as error:  # syntax, unknown table or column, a write
        print(f"newsflow sql: {_first_paragraph(error)}", file=sys.stderr)
        return 2
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {_first_paragraph(error)}", file=sys.stderr)
        return 1
    sys.stdout.write(render(result, args.format))
    return 0


def _first_paragraph(error: Exception) -> str:
    """DuckDB's message on one line, without the quoted query and its caret marks."""
    paragraph = str(error).strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip())


def _run_status(args: argparse.Namespace, settings: Settings) -> int:
    warehouse = warehouse_for(settings, db_path=args.db)
    db = warehouse.snapshot
    try:
        with warehouse.reading() as con:
            status = select_status(con, last_runs=args.runs)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    published = datetime.fromtimestamp(db.stat().st_mtime, UTC)
    spool = warehouse.spool_dir
    staged = len(warehouse.staged())
    if args.json:
        document = {
            "warehouse": str(db),
            "schema_version": status.schema_version,
            "published_at": published.isoformat(),
            "bytes": db.stat().st_size,
            "counts": status.counts,
            "staged_batches": staged,
            "spool": str(spool),
            "runs": records(status.runs),
            "sources": records(status.sources),
            "failing_feeds": records(status.failing),
        }
        sys.stdout.write(dump_json(document))
        return 0
    print(
        f"warehouse {db}: schema version {status.schema_version}, "
        f"published {published:%Y-%m-%d %H:%M:%S} UTC, {db.stat().st_size:,} bytes"
    )
    print("  " + ", ".join(f"{number:,} {name}" for name, number in status.counts.items()))
    print(f"  staged batches waiting for the next run: {staged} ({spool})")
    print("\nlast runs")
    sys.stdout.write(render(status.runs, "table"))
    print("\nsources")
    sys.stdout.write(render(status.sources, "table"))
    if status.failing.rows:
        print("\nfeeds whose last poll failed, with their last error")
        sys.stdout.write(render_failing_feeds(status.failing, width=_terminal_width()))
    return 0


def _terminal_width() -> int:
    return max(shutil.get_terminal_size((100, 24)).columns, 40)


def _run_export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with warehouse_for(settings, db_path=args.db).reading(write_dirs=[args.parquet]) as con:
            written = export_parquet(con, args.parquet)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
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


def _run_sources(args: argparse.Namespace, settings: object) -> int:
    from warehouse import select_sources

    assert isinstance(settings, Settings)
    warehouse = warehouse_for(settings, db_path=args.db)
    if args.action == "enable":
        return _enable_source(args.name, warehouse)
    try:
        with warehouse.reading() as con:
            sources = select_sources(con)
    except FileNotFoundError as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    for row in sources:
        last = f"{row.last_success_at:%Y-%m-%d %H:%M}" if row.last_success_at else "never"
        due = f"{row.next_poll_at:%Y-%m-%d %H:%M}" if row.next_poll_at else "now"
        state = row.state if row.enabled else f"{row.state} (off in sources file)"
        last_error = f"  last error: {row.last_error_code}" if row.last_error_code else ""
        print(
            f"{row.name}: {state}, {counted(row.consecutive_failures, 'failure')} in a row, "
            f"last success {last}, next poll {due}{last_error}"
        )
    return 0


def _enable_source(name: str, warehouse: Warehouse) -> int:
    """Re-enable a source in the flows' private database, then publish it to analysts."""
    from warehouse import enable_source

    with warehouse.writing() as con:
        found = enable_source(con, name, utcnow())
    if not found:
        print(f"newsflow: no source named {name!r} in {warehouse.snapshot}", file=sys.stderr)
        return 1
    warehouse.publish()
    print(f"newsflow: {name} is active again and due at the next ingest")
    return 0


def _run_deploy(args: argparse.Namespace, settings: object) -> int:
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


def _run_retag(args: argparse.Namespace, settings: object) -> int:
    from flows.retag import retag  # imported late: Prefect reads its settings on import

    assert isinstance(settings, Settings)
    warehouse = warehouse_for(settings, db_path=args.db)
    if not warehouse.write_db.exists():
        print(
            f"newsflow: no warehouse at {warehouse.write_db}; run newsflow ingest first",
            file=sys.stderr,
        )
        return 1
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


def _versions() -> str:
    """``newsflow X (prefect Y, duckdb Z)``: what a bug report needs."""
    names = ("newsflow", "prefect", "duckdb")
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # a source tree that was never installed
            found[name] = "unknown"
    return f"newsflow {found['newsflow']} (prefect {found['prefect']}, duckdb {found['duckdb']})"


def _run_report(args: argparse.Namespace, settings: Settings) -> int:
    from flows.briefing import default_briefing_path, write_briefing
    from flows.briefing_link import remember_briefing

    warehouse = warehouse_for(settings, db_path=args.db)
    out = args.out or default_briefing_path(warehouse.snapshot)
    try:
        written = write_briefing(warehouse, out, since=args.since, until=args.until)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {_first_paragraph(error)}", file=sys.stderr)
        return 1
    remember_briefing(warehouse.folder, written.path, now=utcnow())
    window = written.window
    covered = f"{window.since} – {window.until}" if window else "no dated articles"
    print(
        f"newsflow: briefing of {counted(written.articles, 'article')} ({covered}), "
        f"{counted(written.charts, 'chart')} "
        f"-> {written.path} ({written.bytes:,} bytes)"
    )
    return 0


def _day(value: str) -> date:
    """A ``--since`` / ``--until`` day; every command's ``--until`` includes the day it names."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _count(value: str) -> int:
    """A number of things to show: 0 or more (DuckDB refuses a negative LIMIT)."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a count (0 or more)")
    return number


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


if __name__ == "__main__":
    raise SystemExit(main())
