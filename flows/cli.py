"""The `newsflow` command: run flows locally on Prefect's embedded API and query the result."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from flows.settings import apply_prefect_offline_defaults, load_settings


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
    deploy = commands.add_parser(
        "deploy",
        help="set up the Prefect server in PREFECT_API_URL: work pool, write limit, deployments",
    )
    deploy.add_argument(
        "--project", type=Path, default=Path("."), help="folder with prefect.yaml (default: .)"
    )
    deploy.set_defaults(handler=_run_deploy)
    return parser


def _run_ingest(args: argparse.Namespace, settings: object) -> int:
    from flows.ingest import ingest  # imported late: Prefect reads its settings on import
    from flows.settings import Settings

    assert isinstance(settings, Settings)
    seeds = args.seeds or settings.seeds_dir
    db = args.db or settings.db_path
    with _progress_bar():
        summary = ingest(seeds_dir=str(seeds), db_path=str(db), batch_size=settings.batch_size)
    counts = summary.counts
    print(
        f"newsflow: {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged "
        f"articles; {counts.failures} failures -> {db}"
    )
    for code, number in sorted(summary.failures_by_code.items()):
        print(f"  failure {code}: {number}")
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
