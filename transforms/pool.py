"""A process pool with a hard per-item time limit: a runaway page is killed, not waited for.

``concurrent.futures`` cannot stop one stuck task (lxml holds the GIL in C and
ignores signals), so each worker is a process of its own that is killed and
replaced when its item runs past the limit. Workers come from a forkserver:
safe in a multi-threaded parent such as a Prefect flow, and cheap to restart. As with any
non-fork start method, a script that calls the pool needs an ``if __name__ == "__main__":``
guard: workers import the main module.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_CONTEXT = multiprocessing.get_context("forkserver")
# The forkserver imports the extraction stack and builds the tagging indices once; each
# (re)started worker is a cheap fork of it.
_CONTEXT.set_forkserver_preload(["transforms.pipeline", "transforms.warmup"])
STARTUP_TIMEOUT_S = 120.0  # a worker's imports do not count against an item's time limit


@dataclass(frozen=True, slots=True)
class ItemFailed:
    """An item that produced no result: it ran out of time, raised, or killed its worker."""

    index: int
    reason: str  # "timeout", "error" or "crashed"
    message: str


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    index: int | None = None
    deadline: float = 0.0


def run_in_pool(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    workers: int,
    timeout_s: float,
) -> list[Result | ItemFailed]:
    """Apply ``func`` to every item in worker processes, results in input order.

    Args:
        func: a module-level function (it is sent to the workers by reference).
        items: picklable inputs.
        workers: processes to run at once (at least 1).
        timeout_s: wall-clock limit per item; its worker is killed when it is exceeded.
    """
    if not items:
        return []
    results: list[Result | ItemFailed | None] = [None] * len(items)
    pending = deque(range(len(items)))
    pool = [_start(func) for _ in range(max(1, min(workers, len(items))))]
    try:
        while pending or any(worker.index is not None for worker in pool):
            for worker in pool:
                if worker.index is None and pending:
                    worker.index = pending.popleft()
                    worker.deadline = time.monotonic() + timeout_s
                    worker.conn.send((worker.index, items[worker.index]))
            busy = [worker for worker in pool if worker.index is not None]
            wait_s = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = set(wait([worker.conn for worker in busy], timeout=wait_s))
            for slot, worker in enumerate(pool):
                index = worker.index
                if index is None:
                    continue
                if worker.conn in ready:
                    try:
                        results[index] = _receive(worker)
                        worker.index = None
                        continue
                    except (EOFError, OSError):
                        results[index] = ItemFailed(index, "crashed", "the worker process died")
                elif time.monotonic() >= worker.deadline:
                    results[index] = ItemFailed(
                        index, "timeout", f"no result after {timeout_s:g} s; worker killed"
                    )
                else:
                    continue
                _stop(worker, kill=True)
                pool[slot] = _start(func)
    finally:
        for worker in pool:
            _stop(worker, kill=worker.index is not None)
    return [result for result in results if result is not None]


def _start(func: Callable[[Item], Result]) -> _Worker:
    parent_conn, child_conn = _CONTEXT.Pipe()
    process = _CONTEXT.Process(target=_serve, args=(child_conn, func), daemon=True)
    process.start()
    child_conn.close()
    if not parent_conn.poll(STARTUP_TIMEOUT_S):
        process.kill()
        raise RuntimeError(f"worker process not ready after {STARTUP_TIMEOUT_S:g} s")
    parent_conn.recv()  # the worker's "ready"
    return _Worker(process=process, conn=parent_conn)


def _receive(worker: _Worker) -> Any:
    """The worker's answer: its result, or ItemFailed when the function raised.

    Raises:
        EOFError: the worker died before answering.
    """
    index, ok, payload = worker.conn.recv()
    return payload if ok else ItemFailed(index, "error", str(payload))


def _stop(worker: _Worker, *, kill: bool) -> None:
    try:
        if kill:
            worker.process.kill()
        else:
            worker.conn.send(None)
    except (BrokenPipeError, OSError):
        worker.process.kill()
    worker.process.join(timeout=5)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join()
    worker.conn.close()


def _serve(conn: Connection, func: Callable[[object], object]) -> None:
    """Worker loop: say ready, then answer (index, ok, result-or-message) until told to stop."""
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        index, item = message
        try:
            conn.send((index, True, func(item)))
        except Exception as error:  # noqa: BLE001 - one bad item must not end the worker
            conn.send((index, False, f"{type(error).__name__}: {error}"))
