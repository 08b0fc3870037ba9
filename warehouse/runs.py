"""The ``runs`` table: a run is ``running`` until it says how it ended, or is found ``crashed``.

A process killed mid-run (SIGKILL, out of memory, power cut) cannot record its end, so
its row would say ``running`` forever. Every run therefore holds a lock of its own for as
long as its row says ``running``, one that goes away with its process. The next run to start
marks every ``running`` row whose lock is free as ``crashed``. A live run in another process
holds its lock between its short write sections (the writer lock is not held for a whole
run), so it is never mislabelled. Where the locks live is the warehouse's choice
(``Warehouse.run_locks``): ``flock``s on files in a local folder (:class:`FolderRunLocks`)
for the embedded warehouse, advisory locks on the lake's catalog for processes on several
machines (``warehouse.lake_locks``); without any, runs are recorded but never found crashed.
"""

from __future__ import annotations

import fcntl
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb

from warehouse.load import LoadCounts

_START_RUN = """
INSERT INTO runs (run_id, flow, started_at, status) VALUES (?, ?, ?, 'running')
ON CONFLICT (run_id) DO NOTHING
"""
_FINISH_RUN = """
UPDATE runs SET finished_at = ?, status = ?, articles_new = ?, articles_updated = ?,
    articles_unchanged = ?, failures = ?
WHERE run_id = ?
"""
_FAIL_RUN = """
UPDATE runs SET finished_at = ?, status = 'failed' WHERE run_id = ? AND status <> 'failed'
"""
_RUNNING = "SELECT run_id FROM runs WHERE status = 'running' ORDER BY started_at"
_MARK_CRASHED = "UPDATE runs SET status = 'crashed' WHERE run_id = ? AND status = 'running'"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

# Lock files this process holds, by run id: kept open while the run's row says running.
_held: dict[str, int] = {}


class RunLocks(Protocol):
    """Where runs show they are alive: each holds its lock while its row says ``running``."""

    def hold(self, run_id: str) -> None:
        """Hold the run's lock (shared: two processes that share a run id agree)."""

    def release(self, run_id: str) -> None:
        """Let go of the run's lock: it no longer counts as alive."""

    def is_dead(self, run_id: str) -> bool:
        """Whether no process holds the run's lock."""


@dataclass(frozen=True, slots=True)
class FolderRunLocks:
    """A ``flock``ed file per live run in ``folder`` (processes on one machine)."""

    folder: Path

    def hold(self, run_id: str) -> None:
        _hold(_run_lock_path(self.folder, run_id), run_id)

    def release(self, run_id: str) -> None:
        _release(self.folder, run_id)

    def is_dead(self, run_id: str) -> bool:
        return _remove_if_dead(_run_lock_path(self.folder, run_id))


def _run_lock_path(locks: Path, run_id: str) -> Path:
    """The lock file that says run ``run_id`` is alive."""
    return locks / f"{_UNSAFE.sub('_', run_id)}.lock"


def start_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    flow: str,
    now: datetime,
    locks: RunLocks | None,
) -> list[str]:
    """Record that a run has started (idempotent for a retried run); mark dead runs crashed.

    Call it inside the writer lock, as every write: then no other run starts or
    finishes while the ``running`` rows are checked.

    Args:
        locks: where runs hold their locks (``Warehouse.run_locks``; ``None``: no crash
            detection).

    Returns:
        The runs found dead and marked ``crashed``.
    """
    crashed: list[str] = []
    if locks is not None:
        locks.hold(run_id)
        for (other,) in con.execute(_RUNNING).fetchall():
            if locks.is_dead(other):
                con.execute(_MARK_CRASHED, [other])
                crashed.append(other)
    con.execute(_START_RUN, [run_id, flow, now])
    return crashed


def finish_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    counts: LoadCounts,
    status: str,
    now: datetime,
    locks: RunLocks | None,
) -> None:
    """Record how a run ended and what it did; it no longer counts as alive."""
    con.execute(
        _FINISH_RUN,
        [now, status, counts.new, counts.updated, counts.unchanged, counts.failures, run_id],
    )
    if locks is not None:
        locks.release(run_id)


def fail_run(
    con: duckdb.DuckDBPyConnection, *, run_id: str, now: datetime, locks: RunLocks | None
) -> None:
    """Record that a run raised, even after it recorded ``completed`` (a publish that failed).

    Its counts stay as recorded: what its loads committed is in the warehouse.
    """
    con.execute(_FAIL_RUN, [now, run_id])
    if locks is not None:
        locks.release(run_id)


def _hold(path: Path, run_id: str) -> None:
    if run_id in _held:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)  # shared: two processes that share a run id ("local") agree
    _held[run_id] = fd


def _release(locks: Path, run_id: str) -> None:
    fd = _held.pop(run_id, None)
    if fd is None:
        return
    os.close(fd)
    _remove_if_dead(_run_lock_path(locks, run_id))


def _remove_if_dead(path: Path) -> bool:
    """Whether no process holds the run's lock (an exclusive try-lock succeeds); if so, tidy up."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the probe's lock
    path.unlink(missing_ok=True)
    return True
