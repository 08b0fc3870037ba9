"""What one configuration of the lake benchmark runs and reads: processes, counts, a reader.

A configuration starts N ``newsflow ingest`` processes at one instant, each polling the
feeds of its own sources file, and waits for the last one. Reported per configuration:
unique articles stored, duplicate keys (any table), wall time, the CPU time of the
processes, the HTTP responses the feeds' hosts sent, and on the lake its write conflicts,
the catalog's errors (DuckLake's own commit retries) and a reader's query latencies.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.server import LoopbackFarm
from warehouse.db import migrations
from warehouse.lake_sql import primary_keys
from warehouse.lake_warehouse import LakeWarehouse

# The INFO line warehouse.lake logs each time a write transaction loses and is run again.
CONFLICT_LINE = "lost to a concurrent writer"
_READER_QUERY = """
SELECT t.topic, count(*) FROM articles a JOIN article_topics t USING (article_id) GROUP BY ALL
"""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One configuration's run on one engine."""

    engine: str
    config: str  # "1", "2", "4": the feeds split over that many processes; "2 same": not split
    processes: int
    articles: int
    duplicates: int  # rows beyond the first with the same key, over every keyed table
    seconds: float  # from the first start to the last exit
    cpu_seconds: float  # user + system of the processes and every child they waited for
    responses: int  # HTTP 200 responses of the feeds' hosts: feeds, robots.txt and pages
    load: tuple[float, float]  # 1-minute load average before and after
    conflicts: int | None = None  # lake: write transactions that lost and ran again
    catalog_errors: Counter[str] | None = None  # lake, with --pg-log: PostgreSQL's ERRORs
    reader_ms: tuple[float, ...] = ()

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


@dataclass(frozen=True, slots=True)
class Timed:
    """The processes' wall time, CPU time and the responses their feeds' hosts sent."""

    seconds: float
    cpu_seconds: float
    responses: int
    load: tuple[float, float]


def counts_sql() -> str:
    """Articles, and rows beyond the first per key summed over every table the schema keys.

    The embedded warehouse's primary keys make the second figure 0 there; on the lake,
    which has no keys, it is the merge's uniqueness that keeps it 0.
    """
    keys = primary_keys(sql for _, _, sql in migrations())
    extra = " + ".join(
        f"(SELECT count(*) - count(DISTINCT ({', '.join(columns)})) FROM {table})"
        for table, columns in sorted(keys.items())
    )
    return f"SELECT (SELECT count(*) FROM articles), {extra}"


def run_processes(
    newsflow: Path,
    envs: list[dict[str, str]],
    sources: list[Path],
    *,
    seeds: Path,
    logs: list[Path],
    farm: LoopbackFarm,
) -> Timed:
    """Start one ``newsflow ingest`` per sources file at once; wait for every one.

    Raises:
        RuntimeError: a process exited non-zero (the logs' tails are in the message).
    """
    farm.reset_counts()
    load_before = os.getloadavg()[0]
    cpu_before = _children_cpu()
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [str(newsflow), "ingest", "--seeds", str(seeds), "--sources", str(file)],
            env=env,
            cwd=log.parent,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for env, file, log in zip(envs, sources, logs, strict=True)
    ]
    codes = [process.wait(timeout=3600) for process in processes]
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    if any(codes):
        tails = "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)
        raise RuntimeError(f"newsflow ingest failed: {codes}\n{tails}")
    return Timed(seconds, cpu, farm.statuses()[200], (load_before, os.getloadavg()[0]))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def count_embedded(python: Path, db: Path) -> tuple[int, int]:
    """Articles and duplicate keys of an embedded warehouse, read by the project venv's DuckDB.

    The lake venv's DuckDB (1.5.5) cannot read a file DuckDB 2.x wrote.

    Raises:
        RuntimeError: the count failed.
    """
    script = (
        "import sys, duckdb; "
        "print(*duckdb.connect(sys.argv[1], read_only=True).execute(sys.argv[2]).fetchone())"
    )
    done = subprocess.run(
        [str(python), "-c", script, str(db), counts_sql()], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"counting {db}: {done.stderr[-1500:]}")
    articles, duplicates = done.stdout.split()
    return int(articles), int(duplicates)


def count_lake(lake: LakeWarehouse) -> tuple[int, int]:
    """Articles and duplicate keys of a lake, read as an analyst reads it."""
    with lake.reading() as con:
        row = con.execute(counts_sql()).fetchone()
    if row is None:
        raise RuntimeError("the count returned no row")
    return int(row[0]), int(row[1])


def count_conflicts(logs: list[Path]) -> int:
    return sum(log.read_text(errors="replace").count(CONFLICT_LINE) for log in logs)


class CatalogLog:
    """PostgreSQL's log, read from where the last look ended: the ERROR lines of one run.

    DuckLake retries a commit whose snapshot id another writer took; PostgreSQL logs each
    such attempt as an ERROR (a duplicate ``ducklake_snapshot_pkey``).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._offset = path.stat().st_size if path is not None else 0

    def errors_since_last(self) -> Counter[str] | None:
        """The ERROR messages logged since the last call; ``None`` without a log to read."""
        if self.path is None:
            return None
        with self.path.open("rb") as log:
            log.seek(self._offset)
            text = log.read().decode(errors="replace")
            self._offset = log.tell()
        return Counter(
            line.split("ERROR:", 1)[1].strip() for line in text.splitlines() if "ERROR:" in line
        )


class Reader(threading.Thread):
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
                con.execute("SELECT count(*) FROM articles").fetchall()
                con.execute(_READER_QUERY).fetchall()
                self.ms.append((time.monotonic() - started) * 1000)
                time.sleep(0.2)
