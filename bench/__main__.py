"""``python -m bench``: run every case in one go, print the table, write the JSON."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cases
from bench.corpus import CORPUS_DIR, ROOT, read_pages
from bench.report import evaluate, render_table, write_json
from bench.runner import Runner
from bench.server import LoopbackFarm

RESULTS_DIR = ROOT / "bench" / "results"
FEED_CASES = frozenset({"baseline", "throughput", "repoll", "scale", "memory", "polite"})
CASES: dict[str, Callable[[cases.Context], dict[str, Any]]] = {
    "baseline": cases.case_baseline,
    "throughput": cases.case_throughput,
    "bound": cases.case_bound,
    "naive": cases.case_naive,
    "repoll": cases.case_repoll,
    "scale": cases.case_scale,
    "memory": cases.case_memory,
    "polite": cases.case_polite,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--cases",
        default=",".join(CASES),
        help=f"comma-separated subset of {','.join(CASES)} (default: all)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the JSON")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="*.html.gz pages")
    args = parser.parse_args(argv)
    chosen = [name for name in args.cases.split(",") if name]
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    return run_suite(chosen, quick=args.quick, out=args.out, corpus=args.corpus)


def run_suite(chosen: list[str], *, quick: bool, out: Path, corpus: Path) -> int:
    scale = cases.QUICK if quick else cases.FULL
    started = datetime.now(UTC)
    pages = read_pages(corpus, limit=60 if quick else None)
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    with (
        tempfile.TemporaryDirectory(prefix="newsflow-bench-") as scratch,
        LoopbackFarm() as farm,
        LoopbackFarm(latency=cases.LATENCY_SECONDS) as slow_farm,
    ):
        runner = Runner(Path(scratch))
        feeds = runner.feeds_supported()
        ctx = cases.Context(runner, pages, scale, Path(scratch), farm, slow_farm, {})
        ctx.results["large_workload"] = ctx.serve("large", scale.large)
        for name in CASES:
            if name not in chosen:
                continue
            if name in FEED_CASES and not feeds:
                errors[name] = "skipped: this newsflow has no `ingest --sources` yet"
                continue
            clock = time.perf_counter()
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            try:
                results[name] = CASES[name](ctx)
            except Exception:
                errors[name] = traceback.format_exc(limit=3)
                print(errors[name], file=sys.stderr)
                continue
            ctx.results[name] = results[name]
            results[name]["case_seconds"] = time.perf_counter() - clock
    rows = evaluate(results)
    document = {
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "quick": quick,
        "machine": _machine(),
        "scale": asdict(scale),
        "figures": rows,
        "cases": results,
        "errors": errors,
    }
    path = out / f"bench-{started:%Y%m%dT%H%M%SZ}{'-quick' if quick else ''}.json"
    write_json(path, document)
    render_table(rows)
    for name, error in errors.items():
        print(f"\n{name}: {error.strip().splitlines()[-1]}")
    print(f"\nresults: {path}")
    return 0 if not errors else 1


def _machine() -> dict[str, Any]:
    import trafilatura

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "trafilatura": trafilatura.__version__,
        "commit": commit,
    }


if __name__ == "__main__":
    raise SystemExit(main())
