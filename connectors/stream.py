"""A run's pages fetched in the background, handed over as they arrive.

Fetching batch by batch starts a new client per batch: robots.txt is fetched
again, host spacing restarts, and extraction waits for a batch's slowest
page. A ``PageStream`` fetches all of a run's pages with one client on an
event loop of its own thread, and the consumer takes pages as they complete,
while at most ``window`` pages sit fetched and not yet taken (memory stays
bounded however many pages a run has).

Pages are started host by host in turn, at most ``host_concurrency`` of one
host at a time: a window filled with one host's pages, waiting on its
politeness limits, would hold every other host back.
"""

from __future__ import annotations

import asyncio
import functools
import queue
import threading
from collections import deque
from collections.abc import Sequence

from connectors.client import GuardedClient, HttpPolicy, Resolver, host_key, make_client
from connectors.pages import fetch_page
from connectors.records import Failure, PageRequest, RawDocument
from connectors.settings import MAX_PAGE_BYTES, PAGE_DEADLINE_SECONDS

PageResult = RawDocument | Failure
DEFAULT_WINDOW = 64  # pages fetched ahead of the consumer (about 10 MB of HTML)
_END = object()


class PageStream:
    """Fetch pages in a background thread; ``take`` returns the ones that are done.

    Use it as a context manager: leaving it cancels the fetches still running.

    Args:
        requests: the pages, in the order their fetches should start.
        policy: limits (per-host concurrency and spacing apply across the whole stream).
        window: most pages fetched or in flight and not yet taken.
    """

    def __init__(
        self,
        requests: Sequence[PageRequest],
        *,
        policy: HttpPolicy | None = None,
        resolver: Resolver | None = None,
        obey_robots: bool = True,
        deadline: float = PAGE_DEADLINE_SECONDS,
        max_bytes: int = MAX_PAGE_BYTES,
        window: int = DEFAULT_WINDOW,
    ) -> None:
        self._requests = list(requests)
        self._policy = policy
        self._resolver = resolver
        self._obey_robots = obey_robots
        self._deadline = deadline
        self._max_bytes = max_bytes
        self._window = max(1, window)
        self._ready: queue.Queue[object] = queue.Queue()
        self._remaining = len(self._requests)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._main: asyncio.Task[None] | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="page-stream", daemon=True)
        self._error: BaseException | None = None

    def __enter__(self) -> PageStream:
        if self._requests:
            self._thread.start()
            self._started.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._main is not None and self._thread.is_alive():
            try:
                self._loop.call_soon_threadsafe(self._main.cancel)
            except RuntimeError:  # every fetch has finished: the thread is closing its loop
                pass
        if self._thread.ident is not None:
            self._thread.join()

    @property
    def exhausted(self) -> bool:
        """True once every page has been taken."""
        return self._remaining == 0

    def take(self, limit: int, timeout_s: float | None) -> list[PageResult]:
        """Up to ``limit`` finished pages, waiting up to ``timeout_s`` for the first.

        Raises:
            RuntimeError: the fetching thread itself failed (not a page: pages fail as rows).
        """
        taken: list[PageResult] = []
        block = True
        while len(taken) < limit and self._remaining:
            try:
                item = self._ready.get(block=block, timeout=timeout_s if block else None)
            except queue.Empty:
                break
            block = False
            if item is _END:
                raise RuntimeError("page fetching stopped early") from self._error
            assert isinstance(item, RawDocument | Failure)
            taken.append(item)
            self._remaining -= 1
        if taken:
            self._free_slots(len(taken))
        return taken

    def _free_slots(self, count: int) -> None:
        if self._loop is None or self._slots is None:
            return
        for _ in range(count):
            try:
                self._loop.call_soon_threadsafe(self._slots.release)
            except RuntimeError:  # every fetch has finished and the loop is gone
                return

    def _run(self) -> None:
        try:
            asyncio.run(self._fetch_all())
        except asyncio.CancelledError:
            pass
        except BaseException as error:  # noqa: BLE001 - handed to the consumer by take()
            self._error = error
            self._ready.put(_END)
        finally:
            self._started.set()  # never leave __enter__ waiting

    async def _fetch_all(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._slots = asyncio.Semaphore(self._window)
        self._main = asyncio.current_task()
        self._started.set()
        async with make_client(self._policy, resolver=self._resolver) as client:
            per_host = client.policy.host_concurrency
            waiting: dict[str, deque[PageRequest]] = {}
            for request in self._requests:
                waiting.setdefault(host_key(request.url), deque()).append(request)
            active = dict.fromkeys(waiting, 0)
            turn: deque[str] = deque(waiting)  # hosts with pages left, in round-robin order
            freed = asyncio.Event()  # a fetch finished: its host may take another page
            running: set[asyncio.Task[None]] = set()

            def finished(host: str, task: asyncio.Task[None]) -> None:
                running.discard(task)
                active[host] -= 1
                freed.set()

            try:
                while turn:
                    host = next((h for h in turn if active[h] < per_host), None)
                    if host is None:
                        freed.clear()
                        await freed.wait()
                        continue
                    await self._slots.acquire()
                    turn.remove(host)
                    request = waiting[host].popleft()
                    if waiting[host]:
                        turn.append(host)
                    active[host] += 1
                    task = asyncio.create_task(self._fetch_one(client, request))
                    running.add(task)
                    task.add_done_callback(functools.partial(finished, host))
                await asyncio.gather(*running)
            finally:
                for task in running:
                    task.cancel()

    async def _fetch_one(self, client: GuardedClient, request: PageRequest) -> None:
        result = await fetch_page(
            client,
            request,
            obey_robots=self._obey_robots,
            deadline=self._deadline,
            max_bytes=self._max_bytes,
        )
        self._ready.put(result)
