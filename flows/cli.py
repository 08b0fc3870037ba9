"""The `newsflow` command: run flows locally on Prefect's embedded API and query the result.

This module parses the command line; the commands live in ``flows.cli_runs`` (those that
run a flow) and ``flows.cli_warehouse`` (those on the warehouse itself). It imports little:
their modules (DuckDB, the warehouse, the extraction stack, Prefect) load in ``main`` once a
command that runs a flow has launched Prefect's embedded API, so that both load side by side.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from flows.embedded_api import EmbeddedApiError, discard_embedded_api, launch_embedded_api
from flows.render import FORMATS

if TYPE_CHECKING:
    from flows.settings import Settings

FLOW_COMMANDS = frozenset({"ingest", "reprocess", "retag"})  # each runs a flow on Prefect's API
# Prefect phones home unless told not to; newsflow runs offline by default.
PREFECT_OFFLINE_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


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
    for name, value in PREFECT_OFFLINE_DEFAULTS.items():  # before Prefect reads its settings
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if args.command in FLOW_COMMANDS:
        launch_embedded_api()  # it loads while this process imports what the command needs
    try:
        handler = _handler(args.command)
        from flows.settings import load_settings

        try:
            settings = load_settings()
        except ValueError as error:
            parser.error(str(error))
        return handler(args, settings)
    except EmbeddedApiError as error:
        print(f"newsflow: {error}", file=sys.stderr)
        return 2
    finally:
        discard_embedded_api()  # the command ended before its flow needed the server


def _handler(command: str) -> Callable[[argparse.Namespace, Settings], int]:
    """The function of ``command``; its module, imported here, loads DuckDB and the warehouse."""
    if command in FLOW_COMMANDS or command == "deploy":
        from flows import cli_runs

        return {
            "deploy": cli_runs.run_deploy,
            "ingest": cli_runs.run_ingest,
            "reprocess": cli_runs.run_reprocess,
            "retag": cli_runs.run_retag,
        }[command]
    from flows import cli_warehouse

    return {
        "export": cli_warehouse.run_export,
        "report": cli_warehouse.run_report,
        "sources": cli_warehouse.run_sources,
        "sql": cli_warehouse.run_sql,
        "status": cli_warehouse.run_status,
    }[command]


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
    deploy = commands.add_parser(
        "deploy",
        help="set up the Prefect server in PREFECT_API_URL: work pool, write limit, deployments",
    )
    deploy.add_argument(
        "--project", type=Path, default=Path("."), help="folder with prefect.yaml (default: .)"
    )
    reprocess = commands.add_parser(
        "reprocess", help="re-extract and re-tag stored raw pages (no network)"
    )
    reprocess.add_argument("--since", type=_day, help="first fetch day, YYYY-MM-DD (UTC)")
    reprocess.add_argument("--until", type=_day, help="last fetch day (included), YYYY-MM-DD (UTC)")
    _add_db_argument(reprocess)
    _add_sources_parser(commands)

    sql = commands.add_parser("sql", help="run SQL read-only against the analysts' database")
    sql.add_argument("query", help="SQL to run; several statements: the last one's rows")
    sql.add_argument("--format", choices=FORMATS, default="table", help="output (default: table)")
    _add_db_argument(sql)

    status = commands.add_parser("status", help="sources' health, the last runs and counts")
    status.add_argument("--runs", type=_count, default=5, help="how many recent runs (default: 5)")
    status.add_argument("--json", action="store_true", help="the same as one JSON object")
    _add_db_argument(status)

    export = commands.add_parser("export", help="write the warehouse as Parquet for other engines")
    export.add_argument("--parquet", type=Path, required=True, metavar="DIR", help="output folder")
    _add_db_argument(export)

    retag = commands.add_parser(
        "retag", help="re-apply the current entity catalog and topic taxonomy to stored articles"
    )
    retag.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD")
    retag.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(retag)

    report = commands.add_parser(
        "report", help="write the HTML briefing of a window, with charts (works offline)"
    )
    report.add_argument(
        "--out", type=Path, help="HTML file to write (default: briefing.html beside the database)"
    )
    report.add_argument("--since", type=_day, help="first publication day, YYYY-MM-DD (UTC)")
    report.add_argument("--until", type=_day, help="last publication day (included), YYYY-MM-DD")
    _add_db_argument(report)
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
