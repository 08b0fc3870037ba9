"""The process pool: results in order, a runaway item killed at its limit, errors contained."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connectors import Failure, RawDocument
from transforms.entities import entity_index
from transforms.pipeline import DocumentList, StreamTransformer, transform_documents
from transforms.pool import ItemFailed, WorkerPool, run_in_pool
from transforms.topics import topic_index


def work(item: str) -> tuple[str, int]:
    """Module-level, so worker processes can import it."""
    if item == "hang":
        time.sleep(120)
    if item == "boom":
        raise ValueError("bad item")
    if item == "die":
        os._exit(3)
    return item.upper(), os.getpid()


def built_indices(_: object) -> tuple[int, int]:
    """How many tagging indices this worker already holds before its first tag."""
    return entity_index.cache_info().currsize, topic_index.cache_info().currsize


def test_workers_start_with_the_tagging_indices_built_so_no_batch_rebuilds_them() -> None:
    assert run_in_pool(built_indices, [None, None], workers=2, timeout_s=30) == [(1, 1), (1, 1)]


def test_results_come_back_in_input_order_from_several_processes() -> None:
    items = [f"item-{n}" for n in range(12)]
    results = run_in_pool(work, items, workers=2, timeout_s=30)
    assert [r[0] for r in results if not isinstance(r, ItemFailed)] == [i.upper() for i in items]
    assert os.getpid() not in {r[1] for r in results if not isinstance(r, ItemFailed)}


def test_an_item_over_the_limit_is_killed_and_the_rest_goes_on() -> None:
    results = run_in_pool(work, ["a", "hang", "b", "c"], workers=2, timeout_s=2.0)
    assert results[1] == ItemFailed(1, "timeout", "no result after 2 s; worker killed")
    assert [results[0], results[2], results[3]] == [
        ("A", results[0][1]),  # type: ignore[index]
        ("B", results[2][1]),  # type: ignore[index]
        ("C", results[3][1]),  # type: ignore[index]
    ]


def test_an_exception_or_a_dead_worker_fails_only_its_item() -> None:
    results = run_in_pool(work, ["boom", "die", "ok"], workers=1, timeout_s=30)
    assert results[0] == ItemFailed(0, "error", "ValueError: bad item")
    assert isinstance(results[1], ItemFailed) and results[1].reason == "crashed"
    assert results[2][0] == "OK"  # type: ignore[index]


def test_transform_documents_turns_empty_pages_into_failures_and_keeps_their_raw_page(
    tmp_path: Path,
) -> None:
    from datetime import datetime

    document = RawDocument(
        url="https://e.com/empty",
        source="test",
        origin="feed",
        fetched_at=datetime(2026, 1, 1),
        html="<html><body><nav>Home</nav></body></html>",
        body=b"<html><body><nav>Home</nav></body></html>",
        status=200,
        content_type="text/html",
    )
    [outcome] = transform_documents([document], raw_dir=tmp_path, workers=1)
    assert isinstance(outcome.result, Failure)
    assert outcome.result.error_code == "extraction_empty"
    assert outcome.raw is not None and outcome.raw.size == len(document.body or b"")
    assert gzip.decompress((tmp_path / outcome.raw.stored_path).read_bytes()) == document.body


def test_a_pool_keeps_its_workers_between_items_submitted_at_different_times() -> None:
    with WorkerPool(work, workers=2, timeout_s=30) as pool:
        pool.submit(7, "first")
        early = pool.collect(timeout_s=None)
        time.sleep(0.2)
        for key, item in ((8, "second"), (9, "third"), (10, "fourth")):
            pool.submit(key, item)
        late = []
        while pool.pending:
            late += pool.collect(timeout_s=None)
    outcomes = dict(early + late)
    assert {key: result[0] for key, result in outcomes.items()} == {  # type: ignore[index]
        7: "FIRST",
        8: "SECOND",
        9: "THIRD",
        10: "FOURTH",
    }
    assert len({result[1] for result in outcomes.values()}) <= 2  # type: ignore[index]


def _page(n: int, words: int = 30) -> RawDocument:
    from datetime import datetime

    html = f"<html><body><article><p>{'word ' * words}number {n}.</p></article></body></html>"
    return RawDocument(
        url=f"https://e.com/{n}",
        source="test",
        origin="feed",
        fetched_at=datetime(2026, 1, 1),
        html=html,
        body=html.encode(),
        status=200,
        content_type="text/html",
    )


def test_the_stream_transformer_hands_out_every_document_once_in_batches(tmp_path: Path) -> None:
    refused = Failure("fetch", "test", "https://e.com/x", "http_status", "HTTP 404")
    source = DocumentList([_page(n) for n in range(7)] + [refused] + [_page(n, 2) for n in (8, 9)])
    with StreamTransformer(raw_dir=tmp_path, workers=2) as transformer:
        batches = list(transformer.iter_batches(source, 3))
    assert all(len(batch) >= 3 for batch in batches[:-1])
    transformed = [t for batch in batches for t in batch.transformed]
    articles = sorted(
        t.result.article.url for t in transformed if not isinstance(t.result, Failure)
    )
    empty = sorted(t.result.url_or_path for t in transformed if isinstance(t.result, Failure))
    assert articles == sorted(f"https://e.com/{n}" for n in range(7))
    assert empty == ["https://e.com/8", "https://e.com/9"]  # under eight words: no article
    assert [f for batch in batches for f in batch.failures] == [refused]


_KEPT: list[bytearray] = []


def fragment_or_measure(item: str) -> int:
    """With "fragment": allocate 64 MB in heap-sized blocks, keep the last one, free the rest.

    The kept block sits above the freed ones, so glibc cannot shrink its heap from the
    top: only a trim gives the freed pages back. Returns the worker's resident MB.
    """
    if item == "fragment":
        blocks = [bytearray(4096) for _ in range(64 * 256)]
        _KEPT.append(bytearray(4096))
        del blocks
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGESIZE") >> 20


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; malloc_trim is glibc's")
def test_a_worker_gives_back_the_memory_an_item_freed() -> None:
    before, during, after = run_in_pool(
        fragment_or_measure, ["measure", "fragment", "measure"], workers=1, timeout_s=60
    )
    assert isinstance(before, int) and isinstance(during, int) and isinstance(after, int)
    assert during - before >= 60  # the item's blocks were resident while it ran
    assert after - before < 16


def test_the_workers_imports_leave_the_http_and_feed_stack_out() -> None:
    # What the forkserver preloads for every worker: the extraction stack, not httpx or
    # feedparser, which only the flow process uses (~13 MB in each worker process).
    preload = "import sys, transforms.pipeline, transforms.warmup; "
    check = "print(sorted({'httpx', 'feedparser', 'anyio'} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", preload + check], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
