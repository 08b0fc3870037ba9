"""Refetch's history walk against loopback sites: what it finds, and what it cannot reach."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest

from connectors import HistoryPages, HttpPolicy, Source, fetch_history_pages
from connectors.addresses import parse_networks
from tests.loopback import LoopbackServer, serve

POLICY = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0)
SITEMAP = (
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>/p/old</loc><lastmod>2024-03-02</lastmod></url></urlset>"
)


def _rss(*days: str) -> bytes:
    items = "".join(
        f"<item><guid>{d}</guid><link>https://lab.example/p/{d}</link><title>{d}</title>"
        f"<pubDate>{d}</pubDate></item>"
        for d in days
    )
    return f'<rss version="2.0"><channel><title>Lab</title>{items}</channel></rss>'.encode()


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as server:
        yield server


def _walk(url: str) -> HistoryPages:
    return fetch_history_pages(
        [Source("lab", url)], since=date(2024, 3, 1), until=date(2024, 3, 3), policy=POLICY
    )


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def test_an_unreachable_feed_is_one_typed_failure_and_its_sitemap_is_not_tried() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    walked = _walk(url)
    assert walked.requests == []
    [failure] = walked.failures
    assert (failure.stage, failure.source, failure.url_or_path, failure.error_code) == (
        "history",
        "lab",
        url,
        "connect_error",
    )
    assert failure.message.startswith("source 'lab': feed history: ")


def test_a_feed_that_answers_an_error_is_a_failure_and_the_sitemap_still_helps(
    site: LoopbackServer,
) -> None:
    site.routes["/feed.xml"] = lambda handler: handler.reply(b"down", status=503)
    site.add("/sitemap.xml", SITEMAP, content_type="application/xml")
    walked = _walk(site.url("/feed.xml"))
    assert [r.url for r in walked.requests] == [site.url("/p/old")]
    assert [(f.url_or_path, f.error_code) for f in walked.failures] == [
        (site.url("/feed.xml"), "http_status")
    ]


def test_a_sitemap_that_fails_is_a_failure(site: LoopbackServer) -> None:
    site.add("/feed.xml", _rss("Mon, 10 Jun 2024 09:00:00 GMT"))
    site.routes["/sitemap.xml"] = lambda handler: handler.reply(b"oops", status=500)
    walked = _walk(site.url("/feed.xml"))
    assert walked.requests == []
    [failure] = walked.failures
    assert (failure.url_or_path, failure.error_code) == (site.url("/sitemap.xml"), "http_status")
    assert "sitemap fallback" in failure.message


def test_nothing_in_the_window_and_no_sitemap_is_not_a_failure(site: LoopbackServer) -> None:
    site.add("/feed.xml", _rss("Mon, 10 Jun 2024 09:00:00 GMT", "Mon, 01 Jan 2024 09:00:00 GMT"))
    walked = _walk(site.url("/feed.xml"))
    assert walked == HistoryPages([], [])
    assert "/sitemap.xml" in site.seen.paths
