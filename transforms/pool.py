"""A process pool with a hard per-item time limit: a runaway page is killed, not waited for.

``concurrent.futures`` cannot stop one stuck task (lxml holds the GIL in C and
ignores signals), so each worker is a process of its own that is killed and
replaced when its item runs past the limit. Workers come from a forkserver:
safe in a multi-threaded parent such as a Prefect flow, and cheap to restart. As with any
non-fork start method, a script that calls the pool needs an ``if __name__ == "__main__":``
guard: workers import the main module.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import forkserver, resource_tracker
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_CONTEXT = multiprocessing.get_context("forkserver")
# The forkserver imports the extraction stack and builds the tagging indices once; each
# (re)started worker is a cheap fork of it.
_CONTEXT.set_forkserver_preload(["transforms.pipeline", "transforms.warmup"])
STARTUP_TIMEOUT_S = 120.0  # a worker's imports do not count against an item's time limit


def start_worker_server() -> None:
    """Start the forkserver now, without waiting for it.

    Its imports (the extraction stack, the tagging indices) take a CPU-second or two;
    started early, they run while the caller starts up instead of before the first page.
    """
    forkserver.ensure_running()


def stop_worker_server() -> None:
    """Stop the forkserver and the resource tracker it started, once no pool needs them.

    Between runs they only hold memory: the forkserver its preloaded extraction stack and
    tagging indices (~50 MB RSS), the tracker an interpreter (~13 MB), alive beside the
    loads, the report and its chart. The next pool starts them again (a second or two, as
    at the first start). Call it when no pool of this process has workers; a worker still
    running keeps the tracker's pipe open and would hold this call until it exits.
    A no-op when they are not running, or where multiprocessing cannot stop them.
    """
    for stop in (
        getattr(forkserver._forkserver, "_stop", None),  # what CPython's own tests call
        getattr(resource_tracker._resource_tracker, "_stop", None),
    ):
        if stop is not None:
            stop()


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
    with WorkerPool(func, workers=min(workers, len(items)), timeout_s=timeout_s) as pool:
        for index, item in enumerate(items):
            pool.submit(index, item)
        while pool.pending:
            for index, outcome in pool.collect(timeout_s=None):
                results[index] = outcome
    return [result for result in results if result is not None]


class WorkerPool(Generic[Item, Result]):
    """Worker processes that stay up while items come and go, one item per worker at a time.

    A run keeps one pool for all its pages, so workers start once (with the
    first item: a pool that is given nothing starts none) and are never idle at
    a batch boundary: items are submitted as they arrive and results collected
    as they finish, in any order, each under its key.

    Args:
        func: a module-level function (it is sent to the workers by reference).
        workers: processes to run at once (at least 1).
        timeout_s: wall-clock limit per item; its worker is killed and replaced when exceeded.
    """

    def __init__(self, func: Callable[[Item], Result], *, workers: int, timeout_s: float) -> None:
        self._func = func
        self._size = max(1, workers)
        self._timeout_s = timeout_s
        self._workers: list[_Worker] = []
        self._queued: deque[tuple[int, Item]] = deque()

    def __enter__(self) -> WorkerPool[Item, Result]:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            _stop(worker, kill=worker.index is not None)
        self._workers = []

    @property
    def pending(self) -> int:
        """Items submitted and not yet collected (queued or running)."""
        return len(self._queued) + sum(1 for w in self._workers if w.index is not None)

    def submit(self, key: int, item: Item) -> None:
        """Queue an item; it starts as soon as a worker is free (the first one starts them)."""
        if not self._workers:
            self._workers = [_start(self._func) for _ in range(self._size)]
        self._queued.append((key, item))
        self._dispatch()

    def collect(self, timeout_s: float | None) -> list[tuple[int, Result | ItemFailed]]:
        """Finished items as (key, outcome), waiting up to ``timeout_s`` for the first one.

        ``None`` waits until at least one item finishes or runs out of time.
        """
        busy = [worker for worker in self._workers if worker.index is not None]
        if not busy:
            return []
        limit = min(worker.deadline for worker in busy) - time.monotonic()
        wait_s = max(0.0, limit if timeout_s is None else min(limit, timeout_s))
        ready = set(wait([worker.conn for worker in busy], timeout=wait_s))
        finished: list[tuple[int, Result | ItemFailed]] = []
        for slot, worker in enumerate(self._workers):
            key = worker.index
            if key is None:
                continue
            if worker.conn in ready:
                try:
                    finished.append((key, _receive(worker)))
                    worker.index = None
                    continue
                except (EOFError, OSError):
                    finished.append((key, ItemFailed(key, "crashed", "the worker process died")))
            elif time.monotonic() >= worker.deadline:
                message = f"no result after {self._timeout_s:g} s; worker killed"
                finished.append((key, ItemFailed(key, "timeout", message)))
            else:
                continue
            _stop(worker, kill=True)
            self._workers[slot] = _start(self._func)
        self._dispatch()
        return finished

    def _dispatch(self) -> None:
        for worker in self._workers:
            if worker.index is None and self._queued:
                worker.index, item = self._queued.popleft()
                worker.deadline = time.monotonic() + self._timeout_s
                worker.conn.send((worker.index, item))


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


def _memory_release() -> Callable[[], object]:
    """glibc's ``malloc_trim(0)``: give the pages of freed heap blocks back to the system.

    A page's extraction allocates and frees megabytes of trees and strings; glibc keeps
    freed heap space below live blocks, so a worker grew by ~48 MB over its first pages
    and then stayed there, ~16 MB of it free space (300 corpus pages, one process). A trim
    after each item costs ~0.6 ms. A no-op where the C library has no ``malloc_trim``.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return functools.partial(trim, 0)


def _serve(conn: Connection, func: Callable[[object], object]) -> None:
    """Worker loop: say ready, then answer (index, ok, result-or-message) until told to stop.

    Freed memory goes back to the system after each answer, so a worker stays at its
    working size however many items it serves.
    """
    release = _memory_release()
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
        release()
