"""Polling one feed: conditional GETs, body hashes, lying validators, typed failures."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from connectors import FeedState, HttpPolicy, fetch_feeds
from connectors.addresses import parse_networks
from tests.conftest import FIXTURES
from tests.loopback import Handler, LoopbackServer, serve

POLICY = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0)
RSS = (FIXTURES / "feeds" / "rss2.xml").read_bytes()
RECENT = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as running:
        yield running


def poll(server: LoopbackServer, path: str = "/feed", **state: object):  # type: ignore[no-untyped-def]
    [result] = fetch_feeds([FeedState("Lab", server.url(path), **state)], policy=POLICY)  # type: ignore[arg-type]
    return result


def test_a_first_poll_is_unconditional_and_parses_the_feed(server: LoopbackServer) -> None:
    server.add("/feed", RSS, headers={"ETag": '"v1"'})
    result = poll(server)
    assert result.failure is None and not result.conditional
    assert (result.status, result.etag, len(result.feed.items)) == (200, '"v1"', 4)
    assert "if-none-match" not in server.seen.headers[0]


def test_trusted_validators_make_a_conditional_get_and_304_means_unchanged(
    server: LoopbackServer,
) -> None:
    def route(handler: Handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.reply(b"", status=304)
        else:
            handler.reply(RSS)

    server.routes["/feed"] = route
    result = poll(server, etag='"v1"', last_unconditional_at=RECENT, body_sha256="old")
    assert (result.status, result.unchanged, result.feed, result.conditional) == (
        304,
        True,
        None,
        True,
    )
    assert server.seen.headers[0]["if-none-match"] == '"v1"'


def test_validators_are_left_out_after_twelve_hours(server: LoopbackServer) -> None:
    server.add("/feed", RSS)
    stale = RECENT - timedelta(hours=12)
    assert not poll(server, etag='"v1"', last_unconditional_at=stale).conditional
    assert "if-none-match" not in server.seen.headers[0]


def test_untrusted_validators_are_never_sent(server: LoopbackServer) -> None:
    server.add("/feed", RSS)
    poll(server, etag='"v1"', last_unconditional_at=RECENT, validators_trusted=False)
    assert "if-none-match" not in server.seen.headers[0]


def test_an_identical_body_is_not_parsed_again(server: LoopbackServer) -> None:
    server.add("/feed", RSS)
    result = poll(server, body_sha256=hashlib.sha256(RSS).hexdigest())
    assert (result.unchanged, result.feed) == (True, None)


def test_a_new_body_under_the_same_etag_reveals_lying_validators(server: LoopbackServer) -> None:
    server.add("/feed", RSS, headers={"ETag": '"v1"'})
    result = poll(server, etag='"v1"', body_sha256="something else")
    assert result.validators_lied and result.feed is not None


def test_an_html_page_served_as_the_feed_is_not_a_feed(server: LoopbackServer) -> None:
    server.add(
        "/feed", b"<html><body><p>Just a moment...</p></body></html>", content_type="text/html"
    )
    result = poll(server)
    assert result.failure.error_code == "not_a_feed"
    assert result.status == 200 and result.body_sha256 is None


def test_429_is_a_failure_with_its_retry_after(server: LoopbackServer) -> None:
    server.add("/feed", b"", status=429, headers={"Retry-After": "3600"})
    result = poll(server)
    assert (result.failure.error_code, result.status) == ("http_status", 429)
    assert result.retry_after_seconds == 3600.0


def test_every_feed_gets_a_result_when_some_fail(server: LoopbackServer) -> None:
    server.add("/good", RSS)
    states = [FeedState("Bad", "http://127.0.0.1:9/none"), FeedState("Good", server.url("/good"))]
    results = fetch_feeds(states, policy=POLICY)
    assert [r.source for r in results] == ["Bad", "Good"]
    assert results[0].failure is not None and results[1].failure is None


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml"])
def test_hostile_xml_served_as_a_feed_is_read_without_expansion_or_requests(
    server: LoopbackServer, name: str
) -> None:
    body = (FIXTURES / "feeds" / name).read_bytes()
    server.add("/feed", body)
    result = poll(server)
    assert result.failure is None
    assert server.seen.paths == ["/feed"]  # the feed was the only request
    text = " ".join(str(item) for item in result.feed.items) + (result.feed.title or "")
    assert "root:" not in text and "lollollol" not in text


def _big_feed(items: int) -> bytes:
    entries = "".join(
        f"<item><guid>big-{n}</guid><link>http://big.example/{n}</link><title>Item {n}</title>"
        f"<description>{'words ' * 10}</description></item>"
        for n in range(items)
    )
    return f'<rss version="2.0"><channel><title>Big</title>{entries}</channel></rss>'.encode()


def test_a_big_feed_being_parsed_does_not_stall_a_concurrent_healthy_feed(
    server: LoopbackServer,
) -> None:
    server.add("/big", _big_feed(40_000))  # about 4 MB, legal, seconds of parsing

    def healthy(handler: Handler) -> None:
        time.sleep(2)
        handler.reply(RSS)

    server.routes["/healthy"] = healthy
    states = [FeedState("Big", server.url("/big")), FeedState("Healthy", server.url("/healthy"))]
    # The request deadline is short: with the parse on the event loop, the healthy
    # feed's answer would sit unread until the big parse ended, past its deadline.
    big, good = fetch_feeds(states, policy=POLICY, deadline=4)
    assert good.failure is None and len(good.feed.items) == 4
    assert big.failure is None or big.failure.error_code == "parse_timeout"


def test_a_parse_past_its_own_deadline_is_a_parse_timeout(server: LoopbackServer) -> None:
    server.add("/big", _big_feed(5_000))
    [result] = fetch_feeds(
        [FeedState("Big", server.url("/big"))], policy=POLICY, parse_deadline=0.001
    )
    assert (result.failure.error_code, result.feed) == ("parse_timeout", None)
    assert result.status == 200
