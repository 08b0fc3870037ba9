"""Run ``newsflow ingest`` and the naive peer as child processes, as a user would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx

from bench.corpus import ROOT
from bench.measure import ChildRun, run_child

BIN = Path(sys.executable).parent
NEWSFLOW = BIN / "newsflow"
# A first start creates Prefect's database: over a minute when the 2 cores are shared.
SERVER_START_SECONDS = 300


@dataclass(frozen=True, slots=True)
class IngestRun:
    """One ``newsflow ingest`` run: the child's measurements and what the run table says."""

    child: ChildRun
    in_flow_seconds: float | None  # runs.finished_at - runs.started_at: start-up excluded
    articles_new: int

    @property
    def seconds(self) -> float:
        return self.child.seconds


class Runner:
    """Everything the child runs share: one Prefect home, one scratch folder, the environment.

    Args:
        scratch: a fresh folder for databases, sources files and Prefect's home.
    """

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.empty_seeds = scratch / "no-seeds"
        self.empty_seeds.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
        self.env = {
            **base,
            "PREFECT_HOME": str(scratch / "prefect-home"),
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "NEWSFLOW_ALLOWED_NETWORKS": "127.0.0.0/8",
            "NEWSFLOW_HOST_DELAY_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
        }

    def feeds_supported(self) -> bool:
        """Whether this newsflow has the feed connector (``ingest --sources``)."""
        help_text = subprocess.run(
            [str(NEWSFLOW), "ingest", "--help"], env=self.env, capture_output=True, text=True
        ).stdout
        return "--sources" in help_text

    def force_flag(self) -> list[str]:
        """``--force`` when ``ingest`` has it: a re-poll inside the poll interval needs it."""
        help_text = subprocess.run(
            [str(NEWSFLOW), "ingest", "--help"], env=self.env, capture_output=True, text=True
        ).stdout
        return ["--force"] if "--force" in help_text else []

    def ingest(
        self,
        sources: Path | None,
        db: Path,
        *,
        extra_args: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> IngestRun:
        """Run ``newsflow ingest`` to the end; raise if it fails.

        Raises:
            RuntimeError: the run exited non-zero (its stderr tail is in the message).
        """
        argv = [str(NEWSFLOW), "ingest", "--seeds", str(self.empty_seeds), "--db", str(db)]
        if sources is not None:
            argv += ["--sources", str(sources)]
        child = run_child(
            argv + (extra_args or []), env={**self.env, **(env or {})}, cwd=self.scratch
        )
        if child.returncode != 0:
            raise RuntimeError(
                f"newsflow ingest failed ({child.returncode}): {child.stderr[-2000:]}"
            )
        in_flow, new = _last_run(db)
        return IngestRun(child, in_flow, new)

    @contextmanager
    def standing_server(self) -> Iterator[dict[str, str]]:
        """A ``prefect server start`` of its own, as a deployment runs against.

        Yields the environment that points ``newsflow ingest`` at it: the run's
        process tree is then the flow process and its workers, the server not included.

        Raises:
            RuntimeError: the server did not answer within ``SERVER_START_SECONDS``.
        """
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}/api"
        log = (self.scratch / "prefect-server.log").open("wb")
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_START_SECONDS
            while not _healthy(url):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the standing Prefect server did not start")
                time.sleep(0.5)
            yield {"PREFECT_API_URL": url}
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()

    def naive(self, sources: Path, db: Path) -> tuple[ChildRun, int]:
        """Run the naive peer; return its measurements and the articles it stored.

        Raises:
            RuntimeError: the script failed.
        """
        argv = [sys.executable, "-m", "bench.naive", str(sources), str(db)]
        child = run_child(argv, env=self.env, cwd=ROOT)
        if child.returncode != 0:
            raise RuntimeError(f"naive peer failed: {child.stderr[-2000:]}")
        return child, int(child.stdout.strip().splitlines()[-1])


def _healthy(api_url: str) -> bool:
    try:
        with httpx.Client(timeout=2, trust_env=False) as client:  # a local server, no guard
            return client.get(f"{api_url}/health").status_code == 200
    except httpx.HTTPError:
        return False


def _last_run(db: Path) -> tuple[float | None, int]:
    """The newest ingest run's in-flow duration and new-article count, from ``runs``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT epoch(finished_at) - epoch(started_at), coalesce(articles_new, 0) FROM runs "
            "WHERE flow = 'ingest' ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    if row is None:
        return None, 0
    return (float(row[0]) if row[0] is not None else None), int(row[1])
