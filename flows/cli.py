"""The `newsflow` command: run flows locally on Prefect's embedded API and query the result."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.render import FORMATS, render
from flows.settings import Settings, apply_prefect_offline_defaults, load_settings, warehouse_paths
from warehouse import connect_snapshot, export_parquet, fetch_query, fetch_status, list_spooled


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsflow`` console script."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValueError as error:
        parser.error(str(error))
    apply_prefect_offline_defaults()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    result: int = args.handler(args, settings)
    return result


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsflow", description="AI-industry news ingestion into DuckDB, run by Prefect."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="read seeds, extract, tag and load the warehouse")
    ingest.add_argument(
        "--seeds", type=Path, help="seed folder (default: seeds, or NEWSFLOW_SEEDS)"
    )
    ingest.add_argument(
        "--db", type=Path, help="database (default: data/news.duckdb, or NEWSFLOW_DB)"
    )
    ingest.set_defaults(handler=_run_ingest)

    sql = commands.add_parser("sql", help="run SQL read-only against the analysts' database")
    sql.add_argument("query", help="SQL to run; several statements: the last one's rows")
    sql.add_argument("--format", choices=FORMATS, default="table", help="output (default: table)")
    sql.add_argument("--db", type=Path, help="database (default: data/news.duckdb, or NEWSFLOW_DB)")
    sql.set_defaults(handler=_run_sql)

    status = commands.add_parser("status", help="sources' health, the last runs and counts")
    status.add_argument("--runs", type=int, default=5, help="how many recent runs (default: 5)")
    status.add_argument(
        "--db", type=Path, help="database (default: data/news.duckdb, or NEWSFLOW_DB)"
    )
    status.set_defaults(handler=_run_status)

    export = commands.add_parser("export", help="write the warehouse as Parquet for other engines")
    export.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    export.add_argument(
        "--db", type=Path, help="database (default: data/news.duckdb, or NEWSFLOW_DB)"
    )
    export.set_defaults(handler=_run_export)
    return parser


def _run_ingest(args: argparse.Namespace, settings: object) -> int:
    from flows.ingest import ingest  # imported late: Prefect reads its settings on import
    from flows.settings import Settings

    assert isinstance(settings, Settings)
    seeds = args.seeds or settings.seeds_dir
    db = args.db or settings.db_path
    private_dir = settings.private_dir
    try:
        with _progress_bar():
            summary = ingest(
                seeds_dir=str(seeds),
                db_path=str(db),
                batch_size=settings.batch_size,
                private_dir=str(private_dir) if private_dir else None,
                lock_wait=settings.lock_wait,
            )
    except duckdb.Error as error:  # lock, disk full, I/O: DuckDB's own words, and what is kept
        spool = warehouse_paths(db, private_dir).spool_dir
        print(f"newsflow: ingest failed: {error}", file=sys.stderr)
        print(
            f"newsflow: {len(list_spooled(spool))} fetched batch(es) stay staged in {spool} "
            "and load on the next run",
            file=sys.stderr,
        )
        return 1
    counts = summary.counts
    print(
        f"newsflow: {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged "
        f"articles; {counts.failures} failures -> {db}"
    )
    for code, number in sorted(summary.failures_by_code.items()):
        print(f"  failure {code}: {number}")
    if summary.batches_replayed:
        print(f"  loaded {summary.batches_replayed} batch(es) staged by earlier runs")
    return 0


def _run_sql(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with connect_snapshot(args.db or settings.db_path) as con:
            result = fetch_query(con, args.query)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(render(result, args.format))
    return 0


def _run_status(args: argparse.Namespace, settings: Settings) -> int:
    db = args.db or settings.db_path
    try:
        with connect_snapshot(db) as con:
            status = fetch_status(con, last_runs=args.runs)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    published = datetime.fromtimestamp(db.stat().st_mtime, UTC)
    spool = warehouse_paths(db, settings.private_dir).spool_dir
    print(
        f"warehouse {db}: schema version {status.schema_version}, "
        f"published {published:%Y-%m-%d %H:%M:%S} UTC, {db.stat().st_size:,} bytes"
    )
    print("  " + ", ".join(f"{number:,} {name}" for name, number in status.counts.items()))
    print(f"  staged batches waiting for the next run: {len(list_spooled(spool))} ({spool})")
    print("\nlast runs")
    sys.stdout.write(render(status.runs, "table"))
    print("\nsources")
    sys.stdout.write(render(status.sources, "table"))
    return 0


def _run_export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with connect_snapshot(args.db or settings.db_path) as con:
            written = export_parquet(con, args.parquet)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


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
