"""The lake against the embedded warehouse: 1, 2 and 4 ``newsflow ingest`` processes at once.

The 990 corpus pages (``../shared``) are served on loopback as ``FEEDS`` RSS feeds, one
127.0.0.x host each (``bench.workload``, as ``make bench`` serves them). Each configuration
splits the feeds into consecutive shares, one sources file per process, so the total work
is the same and only the writers' concurrency changes; every configuration writes into a
new warehouse. One more configuration starts ``SAME_FEEDS`` processes on the whole sources
file at once, as workers of one deployment polling the same feeds do: they fetch every page
twice, and the article counts and duplicate keys show whether each is stored once.

Reported: articles per second (unique articles stored / wall time from the first start to the
last exit), CPU seconds of the processes (less disturbed by other load than wall time), the
lake's write conflicts retried, the catalog's errors (DuckLake's own commit retries, read
from PostgreSQL's log with ``--pg-log``), a reader's query latency while the lake's writers
commit, and one compaction of the last lake written afterwards. ``--configs`` runs only
some configurations (``--configs 4`` or ``--configs 1,"2 same"``), in the order given.

Run it in the lake venv, against a PostgreSQL in which this user may create databases::

    .venv-lake/bin/python -m bench.lake --pg "host=127.0.0.1 port=5432 user=postgres"

The embedded runs use the project venv's ``newsflow`` (``--embedded-newsflow``): duckdb 1.5.5
cannot build the embedded warehouse (README "Scaling out").
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.corpus import ROOT, read_pages
from bench.lake_runs import (
    CatalogLog,
    Outcome,
    Reader,
    Timed,
    count_conflicts,
    count_embedded,
    count_lake,
    run_processes,
)
from bench.runner import NEWSFLOW, Runner
from bench.server import LoopbackFarm
from bench.workload import Workload, serve_workload, write_sources
from warehouse.lake import LAKE_PREFIX
from warehouse.lake_warehouse import LakeWarehouse

CONCURRENCY = (1, 2, 4)
SAME_FEEDS = 2  # processes that poll every feed at once
SAME_LABEL = f"{SAME_FEEDS} same"
CONFIGS = (*(str(n) for n in CONCURRENCY), SAME_LABEL)  # every configuration, as labelled
FEEDS = 90  # 990 pages = 90 feeds x 11 items: shares of 23, 23, 22 and 22 feeds for 4


@dataclass(frozen=True, slots=True)
class Config:
    """Who polls what: one sources file per process."""

    label: str
    sources: list[Path]


@dataclass(frozen=True, slots=True)
class Bench:
    """What every configuration shares."""

    runner: Runner
    farm: LoopbackFarm
    env: dict[str, str]
    embedded_newsflow: Path
    pg: str
    catalog_log: CatalogLog
    databases: list[str]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="libpq settings: host=… port=… user=…")
    parser.add_argument(
        "--embedded-newsflow",
        type=Path,
        default=ROOT / ".venv" / "bin" / "newsflow",
        help="the project venv's newsflow (duckdb 2.x), for the embedded runs",
    )
    parser.add_argument("--pg-log", type=Path, default=None, help="PostgreSQL's log file")
    parser.add_argument("--pages", type=int, default=None, help="fewer pages, for a smoke run")
    parser.add_argument("--feeds", type=int, default=FEEDS, help="feeds serving the pages")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep logs and lakes in this folder"
    )
    parser.add_argument(
        "--configs",
        type=parse_configs,
        default=CONFIGS,
        help=f"only these configurations, in this order: a comma list of {', '.join(CONFIGS)} "
        "('same' for short); the last one's lake is compacted",
    )
    args = parser.parse_args()
    pages = read_pages(limit=args.pages)
    with (
        tempfile.TemporaryDirectory(prefix="newsflow-bench-lake-") as folder,
        LoopbackFarm() as farm,
    ):
        scratch = args.keep or Path(folder)
        scratch.mkdir(parents=True, exist_ok=True)
        workload = serve_workload(
            farm,
            pages,
            name="lake",
            feeds=args.feeds,
            items=len(pages) // args.feeds,
            directory=scratch,
        )
        configs = [_config(label, workload, scratch) for label in args.configs]
        runner = Runner(scratch)
        bench_databases: list[str] = []
        outcomes: list[Outcome] = []
        try:
            with runner.standing_server() as prefect:
                env = {**runner.env, **prefect, "PREFECT_LOGGING_LEVEL": "INFO"}
                # The lake's conflict lines are INFO lines of the warehouse logger.
                env["PREFECT_LOGGING_EXTRA_LOGGERS"] = "warehouse"
                env["PREFECT_LOGGING_ROOT_LEVEL"] = "INFO"
                bench = Bench(
                    runner,
                    farm,
                    env,
                    args.embedded_newsflow,
                    args.pg,
                    CatalogLog(args.pg_log),
                    bench_databases,
                )
                for config in configs:
                    outcomes.append(_embedded(bench, config))
                    outcome, lake = _lake(bench, config)
                    outcomes.append(outcome)
                    _print(outcomes[-2:])
                compaction = _compact(lake, configs[-1])
        finally:
            _drop(args.pg, bench_databases)
    print()
    print(
        f"pages: {workload.pages} corpus pages served on loopback as {len(workload.feed_urls)} "
        f"feeds of {workload.pages // len(workload.feed_urls)} items; config N: the feeds split "
        f"over N processes; '{SAME_FEEDS} same': {SAME_FEEDS} processes on every feed"
    )
    _print(outcomes)
    print(compaction)
    errors: Counter[str] = Counter()
    for outcome in outcomes:
        errors.update(outcome.catalog_errors or {})
    for message, count in errors.most_common(5):
        print(f"catalog ERROR x{count}: {message}")


def parse_configs(text: str) -> tuple[str, ...]:
    """The configurations a ``--configs`` value names, in its order, each once.

    Raises:
        argparse.ArgumentTypeError: a name is not a configuration's label (or ``same``).
    """
    labels: list[str] = []
    for part in text.split(","):
        label = SAME_LABEL if part.strip() == "same" else part.strip()
        if label not in CONFIGS:
            raise argparse.ArgumentTypeError(
                f"unknown configuration {part.strip()!r}: choose from {', '.join(CONFIGS)}"
            )
        if label not in labels:
            labels.append(label)
    return tuple(labels)


def _config(label: str, workload: Workload, directory: Path) -> Config:
    if label == SAME_LABEL:
        return Config(label, [workload.sources_file] * SAME_FEEDS)
    return Config(label, _split(workload, int(label), directory))


def _split(workload: Workload, n: int, directory: Path) -> list[Path]:
    """``n`` sources files, each with a consecutive share of the feeds (sizes differ by 1)."""
    size, extra = divmod(len(workload.feed_urls), n)
    files: list[Path] = []
    start = 0
    for index in range(n):
        end = start + size + (index < extra)
        path = directory / f"sources-{index + 1}-of-{n}.yaml"
        write_sources(path, workload.name, list(workload.feed_urls[start:end]), first=start)
        files.append(path)
        start = end
    return files


def _embedded(bench: Bench, config: Config) -> Outcome:
    n = len(config.sources)
    home = bench.runner.scratch / f"embedded-{config.label.replace(' ', '-')}"
    home.mkdir(parents=True)
    db = home / "news.duckdb"
    logs = [home / f"ingest-{i}.log" for i in range(n)]
    envs = [{**bench.env, "NEWSFLOW_DB": str(db)} for _ in range(n)]
    timed = run_processes(
        bench.embedded_newsflow,
        envs,
        config.sources,
        seeds=bench.runner.empty_seeds,
        logs=logs,
        farm=bench.farm,
    )
    counts = count_embedded(bench.embedded_newsflow.with_name("python"), db)
    return _outcome("embedded", config, timed, counts)


def _lake(bench: Bench, config: Config) -> tuple[Outcome, LakeWarehouse]:
    n = len(config.sources)
    home = bench.runner.scratch / f"lake-{config.label.replace(' ', '-')}"
    lake = _new_lake(bench, home)
    logs = [home / f"ingest-{i}.log" for i in range(n)]
    envs = [
        {
            **bench.env,
            "NEWSFLOW_WAREHOUSE": lake.target,
            "NEWSFLOW_LAKE_DATA": str(lake.data_dir),
            "NEWSFLOW_PRIVATE_DIR": str(home / f"worker-{i}"),  # a machine's own spool
        }
        for i in range(n)
    ]
    bench.catalog_log.errors_since_last()  # the lake's creation is not the run's
    reader = Reader(lake)
    reader.start()
    try:
        timed = run_processes(
            NEWSFLOW, envs, config.sources, seeds=bench.runner.empty_seeds, logs=logs,
            farm=bench.farm,
        )  # fmt: skip
    finally:
        reader.stop.set()
        reader.join(timeout=60)
    catalog_errors = bench.catalog_log.errors_since_last()
    outcome = _outcome(
        "lake",
        config,
        timed,
        count_lake(lake),
        conflicts=count_conflicts(logs),
        catalog_errors=catalog_errors,
        reader_ms=tuple(reader.ms),
    )
    return outcome, lake


def _outcome(
    engine: str,
    config: Config,
    timed: Timed,
    counts: tuple[int, int],
    *,
    conflicts: int | None = None,
    catalog_errors: Counter[str] | None = None,
    reader_ms: tuple[float, ...] = (),
) -> Outcome:
    """One configuration's outcome: its processes' times and the engine's counts."""
    articles, duplicates = counts
    return Outcome(
        engine,
        config.label,
        len(config.sources),
        articles,
        duplicates,
        timed.seconds,
        timed.cpu_seconds,
        timed.responses,
        timed.load,
        conflicts=conflicts,
        catalog_errors=catalog_errors,
        reader_ms=reader_ms,
    )


def _new_lake(bench: Bench, home: Path) -> LakeWarehouse:
    name = f"newsflow_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *_pg_flags(bench.pg), name], check=True)
    bench.databases.append(name)
    target = f"{LAKE_PREFIX}postgres:dbname={name} {bench.pg}"
    lake = LakeWarehouse(home / "news.duckdb", target=target, data_dir=home / "lake-data")
    with lake.writing():
        pass  # the lake and its schema exist before the clock starts, as in production
    return lake


def _drop(pg: str, names: list[str]) -> None:
    for name in names:
        subprocess.run(["dropdb", *_pg_flags(pg), "--force", name], check=False)


def _pg_flags(pg: str) -> list[str]:
    settings = dict(part.split("=", 1) for part in pg.split())
    return [f"--{flag}={settings[key]}" for flag, key in (("host", "host"), ("port", "port"),
            ("username", "user")) if key in settings]  # fmt: skip


def _compact(lake: LakeWarehouse, config: Config) -> str:
    """Compact the lake one configuration wrote; say what it took."""
    stats = lake.maintain(
        keep_snapshots=timedelta(0), keep_staged=timedelta(0), cleanup_grace=timedelta(0)
    )
    if stats is None:
        return "no lake to compact"
    return (
        f"compaction of config {config.label!r}'s lake: {stats.seconds:.1f} s, "
        f"on disk {stats.files_before} -> {stats.files_after} files, "
        f"{stats.bytes_before / 1e6:.2f} -> {stats.bytes_after / 1e6:.2f} MB; "
        f"read by the current snapshot {stats.live_files_before} -> {stats.live_files_after} "
        f"files, {stats.live_bytes_before / 1e6:.2f} -> {stats.live_bytes_after / 1e6:.2f} MB, "
        f"rows inlined in the catalog {stats.inlined_rows_before} -> {stats.inlined_rows_after} "
        f"({stats.staged_deleted} merged staging rows deleted)"
    )


def _print(outcomes: list[Outcome]) -> None:
    print(f"{'engine':<9}{'config':>7}{'articles':>9}{'dup keys':>9}{'seconds':>8}{'art/s':>7}"
          f"{'cpu s':>7}{'art/cpu s':>10}{'http 200':>9}{'conflicts':>10}{'catalog err':>12}"
          f"{'reader p50/p95 ms':>19}{'load':>11}")  # fmt: skip
    for o in outcomes:
        ms = o.reader_ms
        reader = (
            f"{statistics.median(ms):.0f}/{statistics.quantiles(ms, n=20)[18]:.0f}"
            if len(ms) > 1
            else "-"
        )
        lake = o.engine == "lake"
        print(
            f"{o.engine:<9}{o.config:>7}{o.articles:>9}{o.duplicates:>9}{o.seconds:>8.1f}"
            f"{o.rate:>7.1f}{o.cpu_seconds:>7.0f}{o.articles / o.cpu_seconds:>10.2f}"
            f"{o.responses:>9}{o.conflicts if lake else '-':>10}"
            f"{_total(o.catalog_errors) if lake else '-':>12}{reader:>19}"
            f"{o.load[0]:>5.1f}-{o.load[1]:<5.1f}",
            flush=True,
        )


def _total(errors: Counter[str] | None) -> str:
    return "-" if errors is None else str(sum(errors.values()))


if __name__ == "__main__":
    main()
