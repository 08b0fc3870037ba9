"""The `newsflow` commands on the warehouse itself, without a flow run.

``sql``, ``status``, ``export`` and ``report`` read the analysts' snapshot; ``sources``
lists the feeds' health and re-enables one (a write to the private database, then a publish).
"""

from __future__ import annotations

import argparse
import shutil
import sys

import duckdb

from connectors import utcnow
from flows.render import counted, dump_json, records, render, render_failing_feeds
from flows.settings import Settings, warehouse_for
from warehouse import QueryRefused, Warehouse, export_parquet, select_query, select_status


def run_sql(args: argparse.Namespace, settings: Settings) -> int:
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


def run_status(args: argparse.Namespace, settings: Settings) -> int:
    """``newsflow status``: the snapshot's counts, staged batches, last runs and sources."""
    warehouse = warehouse_for(settings, db_path=args.db)
    try:
        with warehouse.reading() as con:
            status = select_status(con, last_runs=args.runs)
            published = warehouse.published(con)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    spool = warehouse.spool_dir
    staged = len(warehouse.staged())
    if args.json:
        document = {
            "warehouse": published.location,
            "schema_version": status.schema_version,
            "published_at": published.at.isoformat(),
            "bytes": published.bytes,
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
        f"warehouse {published.location}: schema version {status.schema_version}, "
        f"published {published.at:%Y-%m-%d %H:%M:%S} UTC, {published.bytes:,} bytes"
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


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """``newsflow export``: write the snapshot as Parquet files and print their paths."""
    try:
        with warehouse_for(settings, db_path=args.db).reading(write_dirs=[args.parquet]) as con:
            written = export_parquet(con, args.parquet)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    """``newsflow report``: write the HTML briefing of a window and remember where."""
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


def run_sources(args: argparse.Namespace, settings: object) -> int:
    """``newsflow sources list`` and ``sources enable NAME``."""
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
