"""Refetch: find the pages a source published in a window by walking back through its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from connectors.client import GuardedClient, HttpPolicy, Resolver, make_client
from connectors.errors import FeedError, FetchError
from connectors.feeds import parse_feed
from connectors.history import Fetched, iter_feed_history, iter_sitemap_entries
from connectors.http import fetch
from connectors.polling import run_async
from connectors.records import Failure, PageRequest, Source
from connectors.settings import FEED_DEADLINE_SECONDS, MAX_FEED_BYTES

# The feed's host could not be reached at all: its sitemap, on the same host, cannot be either.
_HOST_UNREACHABLE = frozenset({"dns_error", "connect_error", "connect_timeout"})
# A site without a sitemap is common and says nothing about its health.
_NO_SITEMAP_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class HistoryPages:
    """What a history walk found: pages to fetch, and why some sources could not be walked."""

    requests: list[PageRequest] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def fetch_history_pages(
    sources: Sequence[Source],
    *,
    since: date,
    until: date,
    policy: HttpPolicy | None = None,
    resolver: Resolver | None = None,
    deadline: float = FEED_DEADLINE_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> HistoryPages:
    """Every page the sources published from ``since`` to ``until``, found through their history.

    Each source's feed is walked back (RFC 5005 links, else WordPress
    ``?paged=N``) and its entries dated inside the window are kept; a source
    whose feed offers no entry in the window falls back to its site's
    ``/sitemap.xml`` (pages whose ``lastmod`` is inside the window). Requests go
    through the guarded client, so every limit and address check applies.

    Returns:
        The pages found, and a typed failure (stage ``history``) for each feed
        or sitemap that could not be fetched or read; the end of a walk (a
        missing ``?paged=N`` page) and a site with no sitemap (404, 410) are
        not failures.
    """

    async def walk_all() -> HistoryPages:
        found = HistoryPages()
        async with make_client(policy, resolver=resolver) as client:
            for source in sources:
                walked = await _walk_source(client, source, since, until, deadline, max_bytes)
                found.requests.extend(walked.requests)
                found.failures.extend(walked.failures)
        return found

    return run_async(walk_all()) if sources else HistoryPages()


async def _walk_source(
    client: GuardedClient,
    source: Source,
    since: date,
    until: date,
    deadline: float,
    max_bytes: int,
) -> HistoryPages:
    errors: dict[str, FetchError] = {}

    async def fetch_document(url: str) -> Fetched | None:
        try:
            response = await fetch(client, url, deadline=deadline, max_bytes=max_bytes)
        except FetchError as error:
            errors[url] = error
            return None
        return Fetched(response.final_url, response.body)

    failures: list[Failure] = []
    requests: dict[str, PageRequest] = {}
    async for page in iter_feed_history(fetch_document, source.url, since=since):
        try:
            feed = parse_feed(page.body, url=page.url, kind=source.kind)
        except FeedError as error:
            failures.append(_failure(source, page.url, error.code, f"feed history: {error}"))
            break
        for item in feed.items:
            day = item.published_at.date() if item.published_at else None
            if item.url and day is not None and since <= day <= until:
                requests.setdefault(
                    item.url,
                    PageRequest(source.name, item.url, item.title, item.published_at, item.author),
                )
    feed_error = errors.get(source.url)
    if feed_error is not None:
        failures.append(
            _failure(source, source.url, feed_error.code, f"feed history: {feed_error}")
        )
    if requests:
        return HistoryPages(list(requests.values()), failures)
    parts = urlsplit(source.url)
    sitemap = urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))
    if feed_error is not None and feed_error.code in _HOST_UNREACHABLE:
        return HistoryPages([], failures)
    async for entry in iter_sitemap_entries(fetch_document, sitemap, since=since, until=until):
        requests.setdefault(entry.loc, PageRequest(source.name, entry.loc, None, entry.lastmod))
    sitemap_error = errors.get(sitemap)
    if sitemap_error is not None and sitemap_error.status not in _NO_SITEMAP_STATUSES:
        failures.append(
            _failure(source, sitemap, sitemap_error.code, f"sitemap fallback: {sitemap_error}")
        )
    return HistoryPages(list(requests.values()), failures)


def _failure(source: Source, url: str, code: str, message: str) -> Failure:
    return Failure(
        stage="history",
        source=source.name,
        url_or_path=url,
        error_code=code,
        message=f"source {source.name!r}: {message}",
    )
