"""The `newsflow` command: run flows locally on Prefect's embedded API and query the result.

This module parses the command line; the commands live in ``flows.cli_runs`` (those that
run a flow) and ``flows.cli_warehouse`` (those on the warehouse itself).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flows.cli_runs import run_deploy, run_ingest, run_reprocess, run_retag
from flows.cli_warehouse import run_export, run_report, run_sources, run_sql, run_status
from flows.embedded_api import EmbeddedApiError
from flows.render import FORMATS
from flows.settings import apply_prefect_offline_defaults, load_settings


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
    ingest.set_defaults(handler=run_ingest)
    deploy = commands.add_parser(
        "deploy",
        help="set up the Prefect server in PREFECT_API_URL: work pool, write limit, deployments",
    )
    deploy.add_argument(
        "--project", type=Path, default=Path("."), help="folder with prefect.yaml (default: .)"
    )
    deploy.set_defaults(handler=run_deploy)
    reprocess = commands.add_parser(
        "reprocess", help="re-extract and re-tag stored raw pages (no network)"
    )
    reprocess.add_argument("--since", type=_day, help="first fetch day, YYYY-MM-DD (UTC)")
    reprocess.add_argument("--until", type=_day, help="last fetch day (included), YYYY-MM-DD (UTC)")
    _add_db_argument(reprocess)
    reprocess.set_defaults(handler=run_reprocess)
    _add_sources_parser(commands)

    sql = commands.add_parser("sql", help="run SQL read-only against the analysts' database")
    sql.add_argument("query", help="SQL to run; several statements: the last one's rows")
    sql.add_argument("--format", choices=FORMATS, default="table", help="output (default: table)")
    _add_db_argument(sql)
    sql.set_defaults(handler=run_sql)

    status = commands.add_parser("status", help="sources' health, the last runs and counts")
    status.add_argument("--runs", type=_count, default=5, help="how many recent runs (default: 5)")
    status.add_argument("--json", action="store_true", help="the same as one JSON object")
    _add_db_argument(status)
    status.set_defaults(handler=run_status)

    export = commands.add_parser("export", help="write the warehouse as Parquet for other engines")
    export.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    _add_db_argument(export)
    export.set_defaults(handler=run_export)

    retag = commands.add_parser(
        "retag", help="re-apply the current entity catalog and topic taxonomy to stored articles"
    )
    retag.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD")
    retag.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(retag)
    retag.set_defaults(handler=run_retag)

    report = commands.add_parser(
        "report", help="write the HTML briefing of a window, with charts (works offline)"
    )
    report.add_argument(
        "--out", type=Path, help="HTML file to write (default: briefing.html beside the database)"
    )
    report.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD (UTC)")
    report.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(report)
    report.set_defaults(handler=run_report)
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
        action.set_defaults(handler=run_sources)


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


if __name__ == "__main__":
    raise SystemExit(main())
