"""A feed's login and tokens go to its own origin, and nowhere in what the poll returns."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from connectors import FeedState, HttpPolicy, fetch_feeds
from connectors.addresses import parse_networks
from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer, serve

POLICY = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0)
RSS = (FIXTURES / "feeds" / "rss2.xml").read_bytes()
BASIC = "Basic " + base64.b64encode(b"alice:s3cret").decode()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as running:
        yield running


def _with_login(url: str) -> str:
    return url.replace("http://", "http://alice:s3cret@", 1)


def test_a_feed_login_is_sent_as_basic_auth_with_its_token(server: LoopbackServer) -> None:
    server.add("/feed", RSS)
    [poll] = fetch_feeds(
        [FeedState("Lab", _with_login(server.url("/feed?token=t0k")))], policy=POLICY
    )
    assert poll.failure is None and len(poll.feed.items) == 4  # type: ignore[union-attr]
    assert server.seen.headers[0]["authorization"] == BASIC
    assert server.seen.paths == ["/feed?token=t0k"]


def test_a_redirect_to_another_origin_does_not_get_the_login(server: LoopbackServer) -> None:
    with serve("127.0.0.2") as other:
        other.add("/moved", RSS)
        server.redirect("/feed", other.url("/moved"))
        [poll] = fetch_feeds([FeedState("Lab", _with_login(server.url("/feed")))], policy=POLICY)
    assert poll.failure is None
    assert server.seen.headers[0]["authorization"] == BASIC
    assert "authorization" not in other.seen.headers[0]


def test_a_failed_poll_names_the_feed_without_its_secrets(server: LoopbackServer) -> None:
    server.add("/feed", b"no", status=401, content_type="text/plain")
    [poll] = fetch_feeds(
        [FeedState("Lab", _with_login(server.url("/feed?token=t0k")))], policy=POLICY
    )
    assert poll.failure is not None and poll.failure.error_code == "http_status"
    kept = f"{poll.failure.message} {poll.failure.url_or_path}"
    assert "token=REDACTED" in kept
    assert "s3cret" not in kept and "t0k" not in kept and "alice" not in kept
