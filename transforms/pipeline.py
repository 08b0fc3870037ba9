"""The per-document transform (extract, sketch, tag, pack the raw page), run in the process pool."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from connectors.records import Failure, RawDocument
from transforms.extract import extract_article
from transforms.pool import ItemFailed, run_in_pool
from transforms.rawpage import RawPage, pack_raw_page
from transforms.records import TaggedArticle
from transforms.tagging import tag_article

EXTRACTION_TIMEOUT_S = 30.0
DEFAULT_WORKERS = max(1, os.cpu_count() or 1)  # extraction is CPU-bound: one process per core
_FAILURE_CODES = {
    "timeout": "extraction_timeout",
    "error": "extraction_error",
    "crashed": "extraction_crashed",
}


@dataclass(frozen=True, slots=True)
class Transformed:
    """What one document became: a tagged article or a failure, plus its raw page to keep."""

    result: TaggedArticle | Failure
    raw: RawPage | None

    @property
    def article_id(self) -> str | None:
        """The article's key, or ``None`` when the document failed."""
        return self.result.article.article_id if isinstance(self.result, TaggedArticle) else None


def transform_document(document: RawDocument) -> Transformed:
    """Extract and tag one document; pure, so it runs in any worker process."""
    article = extract_article(document)
    result = article if isinstance(article, Failure) else tag_article(article)
    return Transformed(result=result, raw=pack_raw_page(document))


def transform_documents(
    documents: Sequence[RawDocument],
    *,
    workers: int = DEFAULT_WORKERS,
    timeout_s: float = EXTRACTION_TIMEOUT_S,
) -> list[Transformed]:
    """Transform a batch in worker processes; a page over the time limit is killed and recorded.

    A page that times out or crashes its worker becomes a failure
    (``extraction_timeout``, ``extraction_error``, ``extraction_crashed``),
    and its raw page is still kept so a later ``newsflow reprocess`` can retry it.
    """
    outcomes = run_in_pool(transform_document, documents, workers=workers, timeout_s=timeout_s)
    return [
        _failed(documents[outcome.index], outcome) if isinstance(outcome, ItemFailed) else outcome
        for outcome in outcomes
    ]


def _failed(document: RawDocument, outcome: ItemFailed) -> Transformed:
    failure = Failure(
        stage="extract",
        source=document.source,
        url_or_path=document.location or document.url,
        error_code=_FAILURE_CODES[outcome.reason],
        message=f"{document.location or document.url}: {outcome.message}",
    )
    return Transformed(result=failure, raw=pack_raw_page(document))
