"""Extraction: raw documents become articles with clean text and metadata."""

from __future__ import annotations

from datetime import datetime

import trafilatura

from connectors.records import Failure, RawDocument
from connectors.seeds import derive_title, parse_published
from transforms.normalise import (
    article_id_for,
    canonical_url,
    content_hash,
    normalise_text,
    strip_control_characters,
)
from transforms.records import Article

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/1"


def extract_text(html: str, url: str | None = None) -> str | None:
    """Return the main text of a page, or ``None`` when there is none.

    This is the pipeline's one extractor for fetched pages and HTML seeds;
    its signature lets ``shared/tools/extraction_score.py`` score it directly.
    """
    text = trafilatura.extract(
        strip_control_characters(html), url=url, include_comments=False, favor_precision=False
    )
    return normalise_text(text) if text else None


def extract_article(document: RawDocument) -> Article | Failure:
    """Turn one raw document into an article, or a failure that says why not."""
    title, author, published = document.title, document.author, document.published_at
    title_derived = document.title_derived
    if document.text is not None:
        text: str | None = normalise_text(document.text)
    else:
        text = extract_text(document.html or "", _http_url(document.url))
        metadata = trafilatura.extract_metadata(strip_control_characters(document.html or ""))
        if metadata is not None:
            title = title or metadata.title
            author = author or metadata.author
            published = published or _metadata_date(metadata.date)
    if not text:
        return Failure(
            stage="extract",
            source=document.source,
            url_or_path=document.location or document.url,
            error_code="extraction_empty",
            message=f"{document.location or document.url}: no article text found",
        )
    if not title:
        title, title_derived = derive_title(text), True
    canonical = canonical_url(document.url)
    return Article(
        article_id=article_id_for(canonical),
        url=document.url,
        canonical_url=canonical,
        source=document.source,
        origin=document.origin,
        title=title,
        title_derived=title_derived,
        author=author,
        published_at=published,
        language=None,
        text=text,
        word_count=len(text.split()),
        content_hash=content_hash(text),
        fetched_at=document.fetched_at,
        extractor_version=EXTRACTOR_VERSION,
    )


def _http_url(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) else None


def _metadata_date(value: str | None) -> datetime | None:
    try:
        return parse_published(value)
    except ValueError:
        return None
