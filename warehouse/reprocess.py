"""Reprocessing: extract and tag stored raw pages again, without network, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from connectors.clock import utcnow
from transforms.pipeline import DEFAULT_WORKERS, EXTRACTION_TIMEOUT_S, transform_documents
from transforms.rawpage import RawPage, to_raw_document
from transforms.records import TaggedArticle
from warehouse.load import LoadCounts, load_batch
from warehouse.raw import iter_stored_pages
from warehouse.warehouse import Warehouse

DEFAULT_REPROCESS_BATCH = 200


def reprocess_stored_pages(
    warehouse: Warehouse,
    *,
    run_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
    batch_size: int = DEFAULT_REPROCESS_BATCH,
    workers: int = DEFAULT_WORKERS,
    timeout_s: float = EXTRACTION_TIMEOUT_S,
    on_batch: Callable[[int], None] | None = None,
) -> LoadCounts:
    """Re-extract and re-tag the latest stored page of every URL fetched in [since, until).

    Reads only the warehouse and its raw store (no network). Articles whose
    text, metadata and versions come out the same are only marked as seen, so
    running it twice changes nothing the second time; failures are stored as
    in any run. The backfill flow calls this same function.

    Args:
        warehouse: the warehouse; its private database and raw store are read and written,
            in one write section (the writer turn is held for the whole run).
        run_id: the run to record rows and failures under (the caller records the run itself).
        since: only pages fetched at or after this time (UTC), if given.
        until: only pages fetched before this time (UTC), if given.
        batch_size: pages per worker-pool batch and per load transaction.
        workers: worker processes for extraction.
        timeout_s: per-page extraction limit; a slower page becomes ``extraction_timeout``.
        on_batch: called with the number of pages after each batch (progress).

    Returns:
        What the loads did, summed over batches.
    """
    store = warehouse.raw_dir
    with warehouse.writing() as con:
        counts = LoadCounts()
        for batch in _batches(iter_stored_pages(con, store, since=since, until=until), batch_size):
            documents = [to_raw_document(page, body) for page, body in batch]
            transformed = transform_documents(documents, workers=workers, timeout_s=timeout_s)
            tagged = [t.result for t in transformed if isinstance(t.result, TaggedArticle)]
            failures = [t.result for t in transformed if not isinstance(t.result, TaggedArticle)]
            raw = [(page, t.article_id) for (page, _), t in zip(batch, transformed, strict=True)]
            counts += load_batch(
                con,
                run_id=run_id,
                tagged=tagged,
                failures=failures,
                now=utcnow(),
                raw=raw,
                raw_store=store,
            )
            if on_batch is not None:
                on_batch(len(batch))
        return counts


def _batches(
    pages: Iterator[tuple[RawPage, bytes]], size: int
) -> Iterator[list[tuple[RawPage, bytes]]]:
    batch: list[tuple[RawPage, bytes]] = []
    for item in pages:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
