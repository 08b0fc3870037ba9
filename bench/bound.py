"""The bound: bare trafilatura extraction of the benchmark's pages in a 2-process pool."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from bench.corpus import Page

POOL_PROCESSES = 2
CHUNK_SIZE = 8


@dataclass(frozen=True, slots=True)
class BoundResult:
    """Pages extracted per second, and how many gave text."""

    pages: int
    with_text: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def measure_extraction_bound(bodies: list[bytes], processes: int = POOL_PROCESSES) -> BoundResult:
    """Extract every page once with ``trafilatura.extract`` in a process pool.

    Pages are decoded (trafilatura's own charset detection) and the pool is
    started and warmed before the clock starts: the bound is the extraction
    work alone, on the same ``str`` input the pipeline's extractor gets.
    """
    from trafilatura.utils import decode_file

    htmls = [decode_file(body) for body in bodies]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_warm, range(processes)))
        start = time.perf_counter()
        found = sum(pool.map(_extract, htmls, chunksize=CHUNK_SIZE))
        seconds = time.perf_counter() - start
    return BoundResult(len(bodies), found, seconds)


def pages_bodies(pages: list[Page], page_ids: tuple[str, ...]) -> list[bytes]:
    """The bodies behind a workload's items, in item order."""
    by_id = {page.page_id: page.body for page in pages}
    return [by_id[page_id] for page_id in page_ids]


def _warm(_: int) -> None:
    import trafilatura

    time.sleep(0.5)  # hold this worker, so that every worker gets a warm-up task
    trafilatura.extract("<html><body><p>warm up</p></body></html>")


def _extract(html: str) -> int:
    import trafilatura

    return 1 if trafilatura.extract(html, include_comments=False) else 0
