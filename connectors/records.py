"""Records that connectors produce: sources, polls, feed items, pages, raw documents, failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from connectors.redact import redact_text, redact_url
from connectors.settings import DEFAULT_INTERVAL_MINUTES


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
    retry_at: datetime | None = None  # a page's next fetch, planned beside this one; None: no more

    def __post_init__(self) -> None:
        # Failures are stored, spooled, published and printed: no URL secret goes with them.
        object.__setattr__(self, "url_or_path", redact_text(self.url_or_path))
        object.__setattr__(self, "message", redact_text(self.message))


@dataclass(frozen=True, slots=True)
class Source:
    """One feed to poll, as configured."""

    name: str
    url: str
    kind: str = "auto"
    tags: tuple[str, ...] = ()
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES
    enabled: bool = True

    @property
    def redacted_url(self) -> str:
        """The URL as kept: the real one, secrets and all, stays in the sources file."""
        return redact_url(self.url)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One feed entry, with its link resolved against the final feed URL."""

    guid: str
    url: str | None  # None when the entry has no http(s) link
    title: str | None
    summary: str | None
    published_at: datetime | None  # naive UTC; published, else updated
    author: str | None

    @property
    def redacted_url(self) -> str | None:
        """The link as kept: its page request keeps the real one for the fetch."""
        return redact_url(self.url) if self.url else None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed body holds: its format, entries and the poll-interval hint it gives."""

    version: str  # feedparser's version string ("rss20", "atom10", ...) or "json1"
    title: str | None
    items: tuple[FeedItem, ...]
    interval_hint_minutes: int | None  # from <ttl> or sy:updatePeriod / sy:updateFrequency
    entries_dropped: int  # entries beyond the per-fetch cap
    warning: str | None  # why feedparser flagged the body as malformed (it was still read)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the warehouse remembers about a source, as the poller needs it."""

    name: str
    url: str
    kind: str = "auto"
    interval_minutes: int = 60
    poll_interval_minutes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    last_unconditional_at: datetime | None = None
    validators_trusted: bool = True
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    tracked_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """The outcome of one poll: a parsed feed, an unchanged feed, or a failure.

    ``url`` is the feed's URL as polled; ``final_url``, where the poll ended, is kept
    and has its secrets redacted.
    """

    source: str
    url: str
    final_url: str
    started_at: datetime
    duration_ms: float
    conditional: bool  # validators were sent
    status: int | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    unchanged: bool = False  # 304, or the same body as last time
    validators_lied: bool = False  # same validators, different body
    feed: ParsedFeed | None = None
    failure: Failure | None = None
    retry_after_seconds: float | None = None
    max_age_seconds: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "final_url", redact_url(self.final_url))


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A feed item whose page is to be fetched, with what the feed said about it."""

    source: str
    url: str
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    attempts: int = 0  # earlier fetches of this page that ended in a failure

    @property
    def redacted_url(self) -> str:
        """The link as its feed item keeps it."""
        return redact_url(self.url)


@dataclass(frozen=True, slots=True)
class FeedSchedule:
    """The state a source moves to after a poll, and when it is polled next."""

    source: str
    state: str  # active, failing or disabled
    consecutive_failures: int
    poll_interval_minutes: int
    next_poll_at: datetime
