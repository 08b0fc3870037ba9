"""History walkers against a real loopback server: RFC 5005 links, WordPress paging, sitemaps."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from connectors.history import (
    Fetched,
    iter_feed_history,
    iter_sitemap_entries,
    parse_history_page,
    wordpress_page_url,
)


class Site:
    """Pages a loopback server serves, and the paths it was asked for."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.requested: list[str] = []
        self.url = ""


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            state.requested.append(self.path)
            body = state.pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _atom(days: list[str], *links: tuple[str, str]) -> bytes:
    link_xml = "".join(f'<link rel="{rel}" href="{href}"/>' for rel, href in links)
    entries = "".join(
        f"<entry><id>{d}</id><title>{d}</title><updated>{d}T09:00:00Z</updated></entry>"
        for d in days
    )
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{link_xml}{entries}</feed>'
    ).encode()


def _rss(days: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{d}</title><link>https://example.org/{d}</link>"
        f"<pubDate>{datetime.fromisoformat(d):%a, %d %b %Y} 09:00:00 +0000</pubDate></item>"
        for d in days
    )
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


def _with_client(walk: Any) -> list[Any]:
    """Run a walker with a plain httpx fetch (the guarded client refuses loopback)."""

    async def run() -> list[Any]:
        async with httpx.AsyncClient() as client:

            async def fetch(url: str) -> Fetched | None:
                response = await client.get(url)
                if response.status_code != 200:
                    return None
                return Fetched(str(response.url), response.content)

            return await _collect(walk(fetch))

    return asyncio.run(run())


def _walk(site: Site, path: str, since: date) -> list[str]:
    pages = _with_client(lambda fetch: iter_feed_history(fetch, site.url + path, since=since))
    return [page.url.removeprefix(site.url) for page in pages]


def test_rfc5005_archives_are_walked_back_until_the_window_starts(site: Site) -> None:
    site.pages["/feed"] = _atom(["2024-03-10", "2024-03-09"], ("prev-archive", "/archive/2"))
    site.pages["/archive/2"] = _atom(["2024-03-05"], ("prev-archive", "/archive/1"))
    site.pages["/archive/1"] = _atom(["2024-02-20"], ("prev-archive", "/archive/0"))
    site.pages["/archive/0"] = _atom(["2024-01-01"])
    assert _walk(site, "/feed", date(2024, 3, 1)) == ["/feed", "/archive/2", "/archive/1"]
    assert "/archive/0" not in site.requested


def test_rfc5005_paged_feeds_follow_relative_next_links(site: Site) -> None:
    site.pages["/feed"] = _atom(["2024-03-10"], ("next", "feed?page=2"))
    site.pages["/feed?page=2"] = _atom(["2024-03-08"], ("next", "feed?page=3"))
    site.pages["/feed?page=3"] = _atom(["2024-03-06"])
    assert _walk(site, "/feed", date(2024, 3, 1)) == ["/feed", "/feed?page=2", "/feed?page=3"]


def test_wordpress_feeds_are_paged_until_a_missing_page(site: Site) -> None:
    site.pages["/feed/"] = _rss(["2024-03-10", "2024-03-09"])
    site.pages["/feed/?paged=2"] = _rss(["2024-03-04"])
    assert _walk(site, "/feed/", date(2024, 3, 1)) == ["/feed/", "/feed/?paged=2"]
    assert site.requested[-1] == "/feed/?paged=3"


def test_wordpress_paging_stops_when_a_page_repeats(site: Site) -> None:
    site.pages["/feed/"] = _rss(["2024-03-10"])
    site.pages["/feed/?paged=2"] = _rss(["2024-03-10"])
    assert _walk(site, "/feed/", date(2024, 3, 1)) == ["/feed/"]


def test_a_link_back_to_a_visited_page_ends_the_walk(site: Site) -> None:
    site.pages["/feed"] = _atom(["2024-03-10"], ("next", "/feed?p=2"))
    site.pages["/feed?p=2"] = _atom(["2024-03-09"], ("next", "/feed"))
    assert _walk(site, "/feed", date(2024, 3, 1)) == ["/feed", "/feed?p=2"]


def test_sitemap_index_yields_pages_modified_inside_the_window(site: Site) -> None:
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    site.pages["/sitemap.xml"] = (
        f"<sitemapindex {ns}><sitemap><loc>/news-1.xml</loc></sitemap>"
        f"<sitemap><loc>{site.url}/news-2.xml</loc></sitemap></sitemapindex>"
    ).encode()
    site.pages["/news-1.xml"] = (
        f"<urlset {ns}><url><loc>https://example.org/in</loc><lastmod>2024-03-02</lastmod></url>"
        "<url><loc>https://example.org/before</loc><lastmod>2024-02-28T23:00:00Z</lastmod></url>"
        "<url><loc>https://example.org/undated</loc></url></urlset>"
    ).encode()
    site.pages["/news-2.xml"] = (
        f"<urlset {ns}><url><loc>https://example.org/edge</loc>"
        "<lastmod>2024-03-31T23:30:00+00:00</lastmod></url></urlset>"
    ).encode()
    entries = _with_client(
        lambda fetch: iter_sitemap_entries(
            fetch, site.url + "/sitemap.xml", since=date(2024, 3, 1), until=date(2024, 3, 31)
        )
    )
    assert [(e.loc, e.lastmod) for e in entries] == [
        ("https://example.org/in", datetime(2024, 3, 2)),
        ("https://example.org/edge", datetime(2024, 3, 31, 23, 30)),
    ]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><body>not a feed", id="html"),
        pytest.param(
            b'<!DOCTYPE f [<!ENTITY e "x">]><feed xmlns="http://www.w3.org/2005/Atom">&e;</feed>',
            id="entities",
        ),
    ],
)
def test_unusable_documents_give_no_way_back(body: bytes) -> None:
    page = parse_history_page("http://127.0.0.1/feed", body)
    assert (page.older, page.entry_dates) == (None, ())


def test_wordpress_page_url_keeps_other_query_parameters() -> None:
    assert (
        wordpress_page_url("https://x.org/feed/?cat=ai", 3) == "https://x.org/feed/?cat=ai&paged=3"
    )
    assert wordpress_page_url("https://x.org/feed/?paged=4", 1) == "https://x.org/feed/"
