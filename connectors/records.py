"""Records that connectors produce: raw documents to extract and failures to store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connectors.redact import redact_text, redact_url


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as a connector found it, before extraction.

    A page to run through extraction comes as ``body`` (its bytes, decoded by transforms)
    or ``html`` (text, as in JSONL seeds); ``text`` is an article body that is already
    clean, as in plain-text seeds. Without a ``title``, extraction derives one.
    """

    url: str
    source: str
    origin: str  # "seed" or "feed"
    fetched_at: datetime
    html: str | None = None
    text: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    published_precision: str | None = None  # "year" or "month" when the date is only that
    location: str = ""  # where it came from, for error messages: "seeds/a.jsonl:3"
    final_url: str | None = None  # after redirects, for fetched pages
    status: int | None = None  # HTTP status of a fetched page
    content_type: str | None = None  # a fetched page's Content-Type header, charset included
    body: bytes | None = None  # the page's bytes as fetched (decompressed), kept as raw

    def __post_init__(self) -> None:
        # The fetch is done: what is kept of its URLs (the article, the raw page) has no secret.
        object.__setattr__(self, "url", redact_url(self.url))
        object.__setattr__(self, "location", redact_text(self.location))
        if self.final_url is not None:
            object.__setattr__(self, "final_url", redact_url(self.final_url))


@dataclass(frozen=True, slots=True)
class Failure:
    """A typed, storable failure: one bad input never stops the run."""

    stage: str  # "seed", "fetch", "extract", "tag", "load"
    source: str
    url_or_path: str
    error_code: str
    message: str
    retryable: bool = False  # a page worth fetching again in a later run (5xx, timeout, DNS)

    def __post_init__(self) -> None:
        # Failures are stored, spooled, published and printed: no URL secret goes with them.
        object.__setattr__(self, "url_or_path", redact_text(self.url_or_path))
        object.__setattr__(self, "message", redact_text(self.message))
