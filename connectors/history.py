"""History walkers: reach a source's older entries for refetch backfills.

Three ways a publisher offers its past, tried by ``backfill(mode="refetch")``:

* RFC 5005 feed paging and archiving: ``<link rel="next">`` (paged feeds) and
  ``<link rel="prev-archive">`` (archived feeds) on each feed document;
* WordPress: ``/feed/?paged=2``, ``?paged=3``, ... until a page repeats or 404s;
* sitemaps: ``<url><loc>`` with ``<lastmod>``, sitemap indexes followed.

Parsers are pure and take bytes. Walkers are async generators that take a
``fetch`` coroutine function (the guarded client's, in production), so every
request keeps the connector's limits and address checks; they stop at a page
bound, a repeated URL, or once every entry is older than the window.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

MAX_HISTORY_PAGES = 50
MAX_SITEMAPS = 50

_ATOM = "{http://www.w3.org/2005/Atom}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: the URL it came from after redirects, and its body."""

    url: str
    body: bytes


# GET a URL; None when it is not available (error status, refused, timed out).
FetchDocument = Callable[[str], Awaitable[Fetched | None]]


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """One feed document of a source's history, with what the walk needs from it."""

    url: str
    body: bytes
    older: str | None  # the next page back: rel="next" or rel="prev-archive", absolute
    entry_dates: tuple[datetime, ...]  # entries' published/updated dates (naive UTC)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A page a sitemap lists, with its last modification time when given."""

    loc: str
    lastmod: datetime | None


def parse_history_page(url: str, body: bytes) -> HistoryPage:
    """Read the older-page link and the entry dates of an Atom or RSS document.

    Returns:
        A page whose ``older`` is ``None`` when the document offers no way back
        (unparsable bodies give no link and no dates).
    """
    root = _parse_xml(body)
    if root is None:
        return HistoryPage(url, body, None, ())
    links = {
        link.get("rel"): link.get("href")
        for link in root.iter(f"{_ATOM}link")
        if link.get("href") and link.get("rel") in ("next", "prev-archive")
    }
    older = links.get("next") or links.get("prev-archive")
    return HistoryPage(
        url=url,
        body=body,
        older=urljoin(url, older) if older else None,
        entry_dates=tuple(_entry_dates(root)),
    )


def wordpress_page_url(feed_url: str, page: int) -> str:
    """The WordPress feed URL of page ``page`` (``?paged=N``), other query parameters kept."""
    parts = urlsplit(feed_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    if page > 1:
        query.append(("paged", str(page)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_sitemap(url: str, body: bytes) -> tuple[list[SitemapEntry], list[str]]:
    """Read a sitemap or sitemap index.

    Returns:
        The pages it lists and the child sitemaps it points to (absolute URLs).
    """
    root = _parse_xml(body)
    if root is None:
        return [], []
    pages = [
        SitemapEntry(urljoin(url, loc), _parse_date(_child_text(node, "lastmod")))
        for node in root.iter(f"{_SITEMAP}url", "url")
        if (loc := _child_text(node, "loc"))
    ]
    children = [
        urljoin(url, loc)
        for node in root.iter(f"{_SITEMAP}sitemap", "sitemap")
        if (loc := _child_text(node, "loc"))
    ]
    return pages, children


async def iter_feed_history(
    fetch: FetchDocument, feed_url: str, *, since: date, max_pages: int = MAX_HISTORY_PAGES
) -> AsyncIterator[HistoryPage]:
    """Walk back from ``feed_url`` page by page until the entries are older than ``since``.

    RFC 5005 links are followed when the feed has them; otherwise WordPress
    ``?paged=N`` pages are tried, stopping at the first unavailable, empty or
    repeated page. The first page older than ``since`` is still yielded, since
    feeds are not always sorted.
    """
    seen_urls: set[str] = set()
    seen_dates: set[tuple[datetime, ...]] = set()
    url: str | None = feed_url
    wordpress_page = 1
    while url is not None and url not in seen_urls and len(seen_urls) < max_pages:
        seen_urls.add(url)
        fetched = await fetch(url)
        if fetched is None:
            return
        page = parse_history_page(fetched.url, fetched.body)
        if not page.entry_dates or page.entry_dates in seen_dates:
            return  # an empty or repeated page: WordPress past its last page
        seen_dates.add(page.entry_dates)
        yield page
        if max(page.entry_dates).date() < since:
            return
        if page.older is not None:
            url = page.older
        else:
            wordpress_page += 1
            url = wordpress_page_url(feed_url, wordpress_page)


async def iter_sitemap_entries(
    fetch: FetchDocument,
    sitemap_url: str,
    *,
    since: date,
    until: date,
    max_sitemaps: int = MAX_SITEMAPS,
) -> AsyncIterator[SitemapEntry]:
    """Yield the pages of a sitemap (indexes followed) modified from ``since`` to ``until``.

    Pages without ``lastmod`` cannot be placed in the window and are skipped.
    """
    queue = [sitemap_url]
    visited: set[str] = set()
    while queue and len(visited) < max_sitemaps:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        fetched = await fetch(url)
        if fetched is None:
            continue
        pages, children = parse_sitemap(fetched.url, fetched.body)
        queue.extend(children)
        for page in pages:
            if page.lastmod is not None and since <= page.lastmod.date() <= until:
                yield page


def _parse_xml(body: bytes) -> etree._Element | None:
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    return root


def _entry_dates(root: etree._Element) -> Iterator[datetime]:
    for entry in root.iter(f"{_ATOM}entry", "item"):
        for name in (f"{_ATOM}published", f"{_ATOM}updated", "pubDate"):
            moment = _parse_date(_child_text(entry, name))
            if moment is not None:
                yield moment
                break


def _child_text(node: etree._Element, name: str) -> str | None:
    for tag in (name, f"{_SITEMAP}{name}") if not name.startswith("{") else (name,):
        child = node.find(tag)
        if child is not None and child.text:
            return str(child.text).strip()
    return None


def _parse_date(text: str | None) -> datetime | None:
    """ISO 8601 (Atom, sitemaps) or RFC 822 (RSS) as naive UTC; ``None`` when unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
