"""Refetch: find the pages a source published in a window by walking back through its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from connectors.errors import FeedError, FetchError
from connectors.feeds import parse_feed
from connectors.history import Fetched, iter_feed_history, iter_sitemap_entries
from connectors.http import GuardedClient, HttpPolicy, Resolver, fetch, make_client
from connectors.pages import PageRequest
from connectors.polling import run_async
from connectors.settings import FEED_DEADLINE_SECONDS, MAX_FEED_BYTES
from connectors.sources import Source


def find_history_pages(
    sources: Sequence[Source],
    *,
    since: date,
    until: date,
    policy: HttpPolicy | None = None,
    resolver: Resolver | None = None,
    deadline: float = FEED_DEADLINE_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> list[PageRequest]:
    """Every page the sources published from ``since`` to ``until``, found through their history.

    Each source's feed is walked back (RFC 5005 links, else WordPress
    ``?paged=N``) and its entries dated inside the window are kept; a source
    whose feed offers no entry in the window falls back to its site's
    ``/sitemap.xml`` (pages whose ``lastmod`` is inside the window). Requests go
    through the guarded client, so every limit and address check applies.
    """

    async def walk_all() -> list[PageRequest]:
        async with make_client(policy, resolver=resolver) as client:
            found: list[PageRequest] = []
            for source in sources:
                found += await _walk_source(client, source, since, until, deadline, max_bytes)
            return found

    return run_async(walk_all()) if sources else []


async def _walk_source(
    client: GuardedClient,
    source: Source,
    since: date,
    until: date,
    deadline: float,
    max_bytes: int,
) -> list[PageRequest]:
    async def fetch_document(url: str) -> Fetched | None:
        try:
            response = await fetch(client, url, deadline=deadline, max_bytes=max_bytes)
        except FetchError:
            return None
        return Fetched(response.final_url, response.body)

    requests: dict[str, PageRequest] = {}
    async for page in iter_feed_history(fetch_document, source.url, since=since):
        try:
            feed = parse_feed(page.body, url=page.url, kind=source.kind)
        except FeedError:
            break
        for item in feed.items:
            day = item.published_at.date() if item.published_at else None
            if item.url and day is not None and since <= day <= until:
                requests.setdefault(
                    item.url,
                    PageRequest(source.name, item.url, item.title, item.published_at, item.author),
                )
    if requests:
        return list(requests.values())
    parts = urlsplit(source.url)
    sitemap = urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))
    async for entry in iter_sitemap_entries(fetch_document, sitemap, since=since, until=until):
        requests.setdefault(entry.loc, PageRequest(source.name, entry.loc, None, entry.lastmod))
    return list(requests.values())
