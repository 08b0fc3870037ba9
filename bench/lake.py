"""The lake against the embedded warehouse: 1, 2 and 4 ``newsflow ingest`` processes at once.

Each configuration ingests the same 990 corpus pages (``../shared``), split round-robin over
the processes as ``.html`` seed files, so the total work is the same and only the writers'
concurrency changes. Reported: articles per second (unique articles stored / wall time from
the first start to the last exit), the lake's write conflicts retried, a reader's query
latency while the lake's writers commit, and one compaction of the lake afterwards.

The pages come as seed files, not from loopback feeds: every process of a deployment reads
the same ``sources.yaml``, so processes polling one set of feeds would race for the same
items rather than share the work (see the README's "Scaling out").

Run it in the lake venv, against a PostgreSQL in which this user may create databases::

    .venv-lake/bin/python -m bench.lake --pg "host=127.0.0.1 port=5432 user=postgres"

The embedded runs use the project venv's ``newsflow`` (``--embedded-newsflow``): duckdb 1.5.5
cannot build the embedded warehouse (README "Scaling out").
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.corpus import ROOT, read_pages
from bench.runner import NEWSFLOW, Runner
from warehouse.lake import LAKE_PREFIX
from warehouse.lake_warehouse import LakeWarehouse

CONCURRENCY = (1, 2, 4)
CONFLICT_LINE = "lost to a concurrent writer"
_COUNT = "SELECT count(*) FROM articles"
_READER_QUERY = """
SELECT t.topic, count(*) FROM articles a JOIN article_topics t USING (article_id) GROUP BY ALL
"""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One configuration's run."""

    engine: str
    processes: int
    articles: int
    seconds: float
    conflicts: int = 0
    reader_ms: tuple[float, ...] = ()

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", required=True, help="libpq settings: host=… port=… user=…")
    parser.add_argument(
        "--embedded-newsflow",
        type=Path,
        default=ROOT / ".venv" / "bin" / "newsflow",
        help="the project venv's newsflow (duckdb 2.x), for the embedded runs",
    )
    parser.add_argument("--pages", type=int, default=None, help="fewer pages, for a smoke run")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep logs and lakes in this folder"
    )
    args = parser.parse_args()
    pages = read_pages(limit=args.pages)
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-lake-") as folder:
        scratch = args.keep or Path(folder)
        pages_dir = scratch / "pages"
        pages_dir.mkdir(parents=True)
        for page in pages:
            (pages_dir / f"{page.page_id}.html").write_bytes(page.body)
        runner = Runner(scratch)
        outcomes: list[Outcome] = []
        with runner.standing_server() as prefect:
            env = {**runner.env, **prefect, "PREFECT_LOGGING_LEVEL": "INFO"}
            # The lake's conflict lines are INFO lines of the warehouse logger: let them through.
            env["PREFECT_LOGGING_EXTRA_LOGGERS"] = "warehouse"
            env["PREFECT_LOGGING_ROOT_LEVEL"] = "INFO"
            for n in CONCURRENCY:
                seeds = _split(pages_dir, scratch / f"seeds-{n}", n)
                outcomes.append(_embedded(args.embedded_newsflow, env, scratch, seeds))
                outcome, lake = _lake(args.pg, env, scratch, seeds)
                outcomes.append(outcome)
                _print(outcomes[-2:])
            compaction = _compact(lake)
    print()
    print(f"pages: {len(pages)} corpus pages as .html seed files, split over the processes")
    print(f"{'engine':<9}{'procs':>6}{'articles':>10}{'seconds':>9}{'art/s':>8}"
          f"{'conflicts':>11}{'reader p50 ms':>15}{'reader p95 ms':>15}")  # fmt: skip
    _print(outcomes, header=False)
    print(compaction)


def _split(pages_dir: Path, into: Path, n: int) -> list[Path]:
    folders = [into / f"worker-{i}" for i in range(n)]
    for folder in folders:
        folder.mkdir(parents=True)
    for index, page in enumerate(sorted(pages_dir.iterdir())):
        shutil.copy(page, folders[index % n] / page.name)
    return folders


def _start(newsflow: Path, env: dict[str, str], seeds: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(newsflow), "ingest", "--seeds", str(seeds)],
        env=env,
        cwd=log.parent,  # no sources.yaml there: seeds only
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _run_all(
    newsflow: Path, envs: list[dict[str, str]], seeds: list[Path], logs: list[Path]
) -> float:
    started = time.monotonic()
    processes = [
        _start(newsflow, env, folder, log)
        for env, folder, log in zip(envs, seeds, logs, strict=True)
    ]
    codes = [process.wait(timeout=3600) for process in processes]
    seconds = time.monotonic() - started
    if any(codes):
        tails = "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)
        raise RuntimeError(f"newsflow ingest failed: {codes}\n{tails}")
    return seconds


def _embedded(newsflow: Path, env: dict[str, str], scratch: Path, seeds: list[Path]) -> Outcome:
    n = len(seeds)
    home = scratch / f"embedded-{n}"
    db = home / "news.duckdb"
    logs = [_log_file(home, i) for i in range(n)]
    envs = [{**env, "NEWSFLOW_DB": str(db)} for _ in range(n)]
    seconds = _run_all(newsflow, envs, seeds, logs)
    # Counted by the project venv's DuckDB: this one (1.5.5) cannot read a 2.x file.
    script = (
        "import sys, duckdb; "
        "print(duckdb.connect(sys.argv[1], read_only=True).execute(sys.argv[2]).fetchall()[0][0])"
    )
    count = subprocess.run(
        [str(newsflow.with_name("python")), "-c", script, str(db), _COUNT],
        capture_output=True,
        text=True,
    )
    if count.returncode != 0:
        raise RuntimeError(f"counting {db}: {count.stderr[-1500:]}")
    return Outcome("embedded", n, int(count.stdout), seconds)


def _lake(
    pg: str, env: dict[str, str], scratch: Path, seeds: list[Path]
) -> tuple[Outcome, LakeWarehouse]:
    n = len(seeds)
    home = scratch / f"lake-{n}"
    lake = _new_lake(pg, home)
    logs = [_log_file(home, i) for i in range(n)]
    envs = [
        {
            **env,
            "NEWSFLOW_WAREHOUSE": lake.target,
            "NEWSFLOW_LAKE_DATA": str(lake.data_dir),
            "NEWSFLOW_PRIVATE_DIR": str(home / f"worker-{i}"),  # a machine's own spool
        }
        for i in range(n)
    ]
    reader = _Reader(lake)
    reader.start()
    try:
        seconds = _run_all(NEWSFLOW, envs, seeds, logs)
    finally:
        reader.stop.set()
        reader.join(timeout=60)
    with lake.reading() as con:
        row = con.execute(_COUNT).fetchone()
    conflicts = sum(log.read_text(errors="replace").count(CONFLICT_LINE) for log in logs)
    articles = int(row[0]) if row else 0
    return Outcome("lake", n, articles, seconds, conflicts, tuple(reader.ms)), lake


def _new_lake(pg: str, home: Path) -> LakeWarehouse:
    name = f"newsflow_bench_{uuid.uuid4().hex[:8]}"
    settings = dict(part.split("=", 1) for part in pg.split())
    flags = [f"--{flag}={settings[key]}" for flag, key in (("host", "host"), ("port", "port"),
             ("username", "user")) if key in settings]  # fmt: skip
    subprocess.run(["createdb", *flags, name], check=True)
    target = f"{LAKE_PREFIX}postgres:dbname={name} {pg}"
    lake = LakeWarehouse(home / "news.duckdb", target=target, data_dir=home / "lake-data")
    with lake.writing():
        pass  # the lake and its schema exist before the clock starts, as in production
    return lake


def _log_file(home: Path, index: int) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home / f"ingest-{index}.log"


class _Reader(threading.Thread):
    """An analyst polling the lake read-only while the writers commit: query latencies."""

    def __init__(self, lake: LakeWarehouse) -> None:
        super().__init__(daemon=True)
        self.lake = lake
        self.stop = threading.Event()
        self.ms: list[float] = []

    def run(self) -> None:
        with self.lake.reading() as con:
            while not self.stop.is_set():
                started = time.monotonic()
                con.execute(_COUNT).fetchall()
                con.execute(_READER_QUERY).fetchall()
                self.ms.append((time.monotonic() - started) * 1000)
                time.sleep(0.2)


def _compact(lake: LakeWarehouse) -> str:
    """Compact a lake written by several processes; say what it took."""
    stats = lake.maintain(keep_snapshots=timedelta(0), keep_staged=timedelta(0))
    if stats is None:
        return "no lake to compact"
    return (
        f"compaction of the {CONCURRENCY[-1]}-writer lake: {stats.seconds:.1f} s, "
        f"{stats.files_before} -> {stats.files_after} files, "
        f"{stats.bytes_before / 1e6:.2f} -> {stats.bytes_after / 1e6:.2f} MB "
        f"({stats.staged_deleted} merged staging rows deleted)"
    )


def _print(outcomes: list[Outcome], *, header: bool = True) -> None:
    for o in outcomes:
        p50 = f"{statistics.median(o.reader_ms):.0f}" if o.reader_ms else "-"
        p95 = f"{statistics.quantiles(o.reader_ms, n=20)[18]:.0f}" if len(o.reader_ms) > 1 else "-"
        conflicts = str(o.conflicts) if o.engine == "lake" else "-"
        print(
            f"{o.engine:<9}{o.processes:>6}{o.articles:>10}{o.seconds:>9.1f}{o.rate:>8.1f}"
            f"{conflicts:>11}{p50:>15}{p95:>15}",
            flush=True,
        )


if __name__ == "__main__":
    main()
