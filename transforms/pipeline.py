"""The per-document transform (extract, tag, store the raw page), run in the process pool."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from connectors.records import Failure, RawDocument
from transforms.extract import extract_article
from transforms.pool import ItemFailed, WorkerPool, run_in_pool
from transforms.rawpage import RawPage, write_raw_page
from transforms.records import TaggedArticle
from transforms.tagging import tag_article

EXTRACTION_TIMEOUT_S = 30.0
DEFAULT_WORKERS = max(1, os.cpu_count() or 1)  # extraction is CPU-bound: one process per core
# Documents handed to the pool ahead of the free workers, so a worker that finishes starts its
# next document at once instead of waiting on the main process.
QUEUED_PER_WORKER = 1
# How often a busy pool looks for newly fetched documents.
POLL_SECONDS = 0.02
_FAILURE_CODES = {
    "timeout": "extraction_timeout",
    "error": "extraction_error",
    "crashed": "extraction_crashed",
}


@dataclass(frozen=True, slots=True)
class Transformed:
    """What one document became: a tagged article or a failure, plus its stored raw page."""

    result: TaggedArticle | Failure
    raw: RawPage | None

    @property
    def article_id(self) -> str | None:
        """The article's key, or ``None`` when the document failed."""
        return self.result.article.article_id if isinstance(self.result, TaggedArticle) else None


def transform_document(document: RawDocument, raw_dir: Path) -> Transformed:
    """Extract and tag one document, and store its raw page under ``raw_dir``.

    Runs in a worker process: the page is compressed and written there, once, so
    only its reference travels back (see transforms.rawpage). The page is stored by
    a thread beside the extraction: its fsync waits on the disk (~8-13 ms a page
    measured here) while extraction keeps the CPU busy, and the result comes back
    only once the file is on disk.
    """
    with ThreadPoolExecutor(max_workers=1) as storing:
        stored = storing.submit(write_raw_page, raw_dir, document)
        article = extract_article(document)
        result = article if isinstance(article, Failure) else tag_article(article)
        return Transformed(result=result, raw=stored.result())


def split_results(
    results: Sequence[Transformed],
) -> tuple[list[TaggedArticle], list[Failure], list[tuple[RawPage, str | None]]]:
    """A batch's results as spooling and loading take them: articles, failures, raw pages."""
    tagged = [r.result for r in results if isinstance(r.result, TaggedArticle)]
    failures = [r.result for r in results if isinstance(r.result, Failure)]
    raw = [(r.raw, r.article_id) for r in results if r.raw is not None]
    return tagged, failures, raw


def transform_documents(
    documents: Sequence[RawDocument],
    *,
    raw_dir: Path,
    workers: int = DEFAULT_WORKERS,
    timeout_s: float = EXTRACTION_TIMEOUT_S,
) -> list[Transformed]:
    """Transform a batch in worker processes; a page over the time limit is killed and recorded.

    A page that times out or crashes its worker becomes a failure
    (``extraction_timeout``, ``extraction_error``, ``extraction_crashed``),
    and its raw page is still kept so a later ``newsflow reprocess`` can retry it.

    Args:
        raw_dir: the raw store, where each HTML page's file is written.
    """
    func = functools.partial(transform_document, raw_dir=raw_dir)
    outcomes = run_in_pool(func, documents, workers=workers, timeout_s=timeout_s)
    return [
        _failed(documents[outcome.index], outcome, raw_dir)
        if isinstance(outcome, ItemFailed)
        else outcome
        for outcome in outcomes
    ]


def _failed(document: RawDocument, outcome: ItemFailed, raw_dir: Path) -> Transformed:
    """The failure of a page its worker did not finish; its raw page is stored here instead."""
    failure = Failure(
        stage="extract",
        source=document.source,
        url_or_path=document.location or document.url,
        error_code=_FAILURE_CODES[outcome.reason],
        message=f"{document.location or document.url}: {outcome.message}",
    )
    return Transformed(result=failure, raw=write_raw_page(raw_dir, document))


class DocumentSource(Protocol):
    """Where a run's documents come from: fetched pages as they arrive, or a list."""

    @property
    def exhausted(self) -> bool:
        """True once every document has been taken."""
        ...

    def take(self, limit: int, timeout_s: float | None) -> list[RawDocument | Failure]:
        """Up to ``limit`` documents (or their fetch failures), waiting up to ``timeout_s``."""
        ...


@dataclass
class DocumentList:
    """Documents already in hand (seed files) as a ``DocumentSource``."""

    items: list[RawDocument | Failure]

    @property
    def exhausted(self) -> bool:
        return not self.items

    def take(self, limit: int, timeout_s: float | None) -> list[RawDocument | Failure]:
        taken, self.items = self.items[:limit], self.items[limit:]
        return taken


@dataclass(frozen=True, slots=True)
class TransformedBatch:
    """The next documents done: transformed ones, and those that failed before extraction."""

    transformed: list[Transformed] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # fetch or seed-file failures

    def __len__(self) -> int:
        return len(self.transformed) + len(self.failures)


class StreamTransformer:
    """One worker pool for a whole run: documents go in as they arrive, batches come out.

    A batch is the next ``size`` documents to finish, so no worker waits at a
    batch boundary and extraction overlaps fetching page by page. Workers start
    with the first document (a run with nothing new starts none: see ``WorkerPool``).

    Args:
        raw_dir: the raw store, where each HTML page's file is written (by its worker).
        workers: processes to run at once (at least 1).
        timeout_s: wall-clock limit per document; its worker is killed when exceeded.
    """

    def __init__(
        self,
        *,
        raw_dir: Path,
        workers: int = DEFAULT_WORKERS,
        timeout_s: float = EXTRACTION_TIMEOUT_S,
    ) -> None:
        self._workers = max(1, workers)
        self._raw_dir = raw_dir
        func = functools.partial(transform_document, raw_dir=raw_dir)
        self._pool = WorkerPool(func, workers=self._workers, timeout_s=timeout_s)
        self._in_pool: dict[int, RawDocument] = {}
        self._keys = itertools.count()

    def __enter__(self) -> StreamTransformer:
        self._pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.__exit__(*exc)

    def iter_batches(self, source: DocumentSource, size: int) -> Iterator[TransformedBatch]:
        """Batches of the next ``size`` documents to finish, until the source is drained.

        The pool stays with the caller (a flow drives this generator); what comes out
        is plain records, ready to be handed to a task.
        """
        while not self._finished(source):
            yield self._next_batch(source, size)

    def _finished(self, source: DocumentSource) -> bool:
        return source.exhausted and not self._in_pool

    def _next_batch(self, source: DocumentSource, size: int) -> TransformedBatch:
        batch = TransformedBatch()
        capacity = self._workers * (1 + QUEUED_PER_WORKER)
        while len(batch) < size and not self._finished(source):
            room = capacity - len(self._in_pool)
            if room > 0 and not source.exhausted:
                # An idle pool has nothing else to wait for; a busy one only looks.
                for item in source.take(room, timeout_s=0.0 if self._in_pool else None):
                    if isinstance(item, Failure):
                        batch.failures.append(item)
                    else:
                        self._submit(item)
            if self._in_pool:
                waiting_on_source = room > 0 and not source.exhausted
                self._collect(batch, timeout_s=POLL_SECONDS if waiting_on_source else None)
        return batch

    def _submit(self, document: RawDocument) -> None:
        key = next(self._keys)
        self._in_pool[key] = document
        self._pool.submit(key, document)

    def _collect(self, batch: TransformedBatch, *, timeout_s: float | None) -> None:
        for key, outcome in self._pool.collect(timeout_s):
            document = self._in_pool.pop(key)
            batch.transformed.append(
                _failed(document, outcome, self._raw_dir)
                if isinstance(outcome, ItemFailed)
                else outcome
            )
