"""The guarded client against real loopback servers: SSRF, redirects, limits, faults, politeness."""

from __future__ import annotations

import asyncio
import gzip
import socket
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors import HttpPolicy
from connectors.addresses import parse_networks
from connectors.client import make_client
from connectors.errors import FetchError
from connectors.http import FetchedResponse, fetch
from connectors.robots import check_robots
from tests.loopback import Handler, LoopbackServer, self_signed_context, serve, trickle

LOOPBACK = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0)
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as running:
        yield running


def get(url: str, policy: HttpPolicy = LOOPBACK, **kwargs: Any) -> FetchedResponse:
    async def run() -> FetchedResponse:
        async with make_client(policy, resolver=kwargs.pop("resolver", None)) as client:
            return await fetch(client, url, **kwargs)

    return asyncio.run(run())


def error_of(url: str, policy: HttpPolicy = LOOPBACK, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        get(url, policy, **kwargs)
    return caught.value


def test_the_default_policy_refuses_loopback_and_the_server_sees_nothing(
    server: LoopbackServer,
) -> None:
    server.add("/feed", FEED)
    assert error_of(server.url("/feed"), HttpPolicy()).code == "blocked_address"
    assert server.seen.paths == []


def test_the_guard_replaces_the_private_connection_pool_of_httpx() -> None:
    # make_client swaps httpx's private _pool; if httpx renames it, this fails loudly.
    client = make_client()
    backend = client.transport._pool._network_backend  # type: ignore[union-attr]
    assert type(backend).__name__ == "_GuardedBackend"


def test_a_redirect_to_a_private_address_is_blocked_at_that_hop() -> None:
    with serve("127.0.0.2") as public, serve("127.0.0.1") as internal:
        internal.add("/admin", b"secret")
        public.redirect("/feed", internal.url("/admin"))
        policy = HttpPolicy(allowed_networks=parse_networks("127.0.0.2/32"))
        assert error_of(public.url("/feed"), policy).code == "blocked_address"
        assert public.seen.paths == ["/feed"]
        assert internal.seen.paths == []


@pytest.mark.parametrize(
    "location",
    [
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("ftp://127.0.0.1/x", id="ftp"),
        pytest.param("javascript:alert(1)", id="javascript"),
        pytest.param("data:text/plain,hi", id="data"),
    ],
)
def test_a_redirect_to_another_scheme_is_refused(server: LoopbackServer, location: str) -> None:
    server.redirect("/feed", location)
    assert error_of(server.url("/feed")).code == "blocked_scheme"


def test_a_redirect_loop_stops_after_five_hops(server: LoopbackServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    assert error_of(server.url("/a")).code == "too_many_redirects"
    assert len(server.seen.paths) == 6


def test_redirects_are_followed_and_the_final_url_is_kept(server: LoopbackServer) -> None:
    server.redirect("/old", "/new", status=301)
    server.add("/new", FEED)
    response = get(server.url("/old"))
    assert (response.final_url, response.body) == (server.url("/new"), FEED)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        pytest.param("http://user:pass@127.0.0.1/", "invalid_url", id="userinfo"),
        pytest.param("http://127.0.0.1/" + "a" * 3000, "invalid_url", id="too-long"),
        pytest.param("ftp://127.0.0.1/feed", "blocked_scheme", id="ftp"),
        pytest.param("file:///etc/passwd", "blocked_scheme", id="file"),
        pytest.param("http:///nohost", "invalid_url", id="no-host"),
    ],
)
def test_bad_urls_are_refused_before_any_request(url: str, code: str) -> None:
    assert error_of(url).code == code


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "169.254.169.254", "100.100.100.200", "::1", "fd00:ec2::254"],
)
def test_a_name_resolving_to_a_private_address_is_blocked(
    server: LoopbackServer, address: str
) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return [address]

    assert error_of("http://news.example/feed", HttpPolicy(), resolver=resolver).code == (
        "blocked_address"
    )


def test_dns_rebinding_has_no_window(server: LoopbackServer) -> None:
    """The checked address is the one connected to: a second lookup never happens."""
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    host, port = server.server_address[:2]
    server.add("/feed", FEED)
    policy = HttpPolicy(allowed_networks=parse_networks("127.0.0.2/32"))
    with serve("127.0.0.2") as public:
        public.add("/feed", FEED)
        url = f"http://rebind.example:{public.server_address[1]}/feed"
        assert get(url, policy, resolver=resolver).body == FEED
        assert error_of(url, policy, resolver=resolver).code == "blocked_address"
    assert calls == ["rebind.example", "rebind.example"]
    assert server.seen.paths == []


def test_a_failed_lookup_is_a_dns_error() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert error_of("http://nowhere.example/feed", resolver=resolver).code == "dns_error"


def test_a_closed_port_is_a_connect_error() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    assert error_of(f"http://127.0.0.1:{port}/feed").code == "connect_error"


def test_proxy_variables_are_ignored(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    server.add("/feed", FEED)
    assert get(server.url("/feed")).body == FEED


def test_requests_identify_newsflow(server: LoopbackServer) -> None:
    server.add("/feed", FEED)
    get(server.url("/feed"))
    agent = server.seen.headers[0]["user-agent"]
    assert agent.startswith("newsflow/") and "(+https://" in agent


def test_a_slow_body_is_cut_at_the_wall_clock_deadline(server: LoopbackServer) -> None:
    server.routes["/slow"] = trickle(FEED, every=0.1)
    assert error_of(server.url("/slow"), deadline=0.5).code == "deadline_exceeded"


def test_a_connection_reset_mid_body_is_a_truncated_body(server: LoopbackServer) -> None:
    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<rss>" * 100)
        handler.wfile.flush()
        handler.reset()

    server.routes["/reset"] = route
    assert error_of(server.url("/reset")).code == "truncated_body"


def test_a_body_shorter_than_its_content_length_is_a_truncated_body(
    server: LoopbackServer,
) -> None:
    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "5000")
        handler.end_headers()
        handler.wfile.write(b"<rss>")
        handler.close_connection = True

    server.routes["/short"] = route
    assert error_of(server.url("/short")).code == "truncated_body"


def test_a_gzip_bomb_stops_at_the_decompressed_cap(server: LoopbackServer) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    error = error_of(server.url("/bomb"), max_bytes=2 * 1024 * 1024)
    assert error.code == "body_too_large"


def test_stacked_encodings_are_refused(server: LoopbackServer) -> None:
    body = gzip.compress(gzip.compress(FEED))
    server.add("/stacked", body, headers={"Content-Encoding": "gzip, gzip"})
    assert error_of(server.url("/stacked")).code == "unsupported_encoding"


def test_brotli_is_refused(server: LoopbackServer) -> None:
    server.add("/br", b"\x1b\x03\x00", headers={"Content-Encoding": "br"})
    assert error_of(server.url("/br")).code == "unsupported_encoding"


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        pytest.param("gzip", gzip.compress, id="gzip"),
        pytest.param("deflate", zlib.compress, id="deflate-zlib"),
        pytest.param("deflate", lambda b: zlib.compress(b, wbits=-15), id="deflate-raw"),
    ],
)
def test_single_encodings_are_decoded(server: LoopbackServer, coding: str, encode: Any) -> None:
    body = FEED * 5000
    server.add("/enc", encode(body), headers={"Content-Encoding": coding})
    assert get(server.url("/enc")).body == body


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    server: LoopbackServer,
) -> None:
    server.add("/big", b"x" * 5000)
    assert error_of(server.url("/big"), max_bytes=1000).code == "body_too_large"


def test_429_carries_its_retry_after(server: LoopbackServer) -> None:
    server.add("/feed", b"slow down", status=429, headers={"Retry-After": "3600"})
    error = error_of(server.url("/feed"))
    assert (error.code, error.status, error.retry_after_seconds) == ("http_status", 429, 3600.0)


def test_endless_headers_are_a_bad_response(server: LoopbackServer) -> None:
    def route(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(50_000):
            handler.wfile.write(b"X-Filler-%d: %s\r\n" % (number, b"y" * 40))

    server.routes["/headers"] = route
    assert error_of(server.url("/headers")).code == "bad_response"


def test_a_page_of_the_wrong_type_is_refused(server: LoopbackServer) -> None:
    server.add("/paper.pdf", b"%PDF-1.7", content_type="application/pdf")
    error = error_of(server.url("/paper.pdf"), content_types=frozenset({"text/html"}))
    assert error.code == "unsupported_content_type"


def test_no_more_than_two_requests_run_at_once_on_one_host(server: LoopbackServer) -> None:
    def route(handler: Handler) -> None:
        import time

        time.sleep(0.15)
        handler.reply(FEED)

    server.routes["/feed"] = route

    async def run() -> None:
        async with make_client(LOOPBACK) as client:
            await asyncio.gather(*(fetch(client, server.url("/feed")) for _ in range(6)))

    asyncio.run(run())
    assert len(server.seen.paths) == 6
    assert server.seen.max_in_flight == 2


def _robots(server: LoopbackServer, url: str) -> str | None:
    async def run() -> str | None:
        async with make_client(LOOPBACK) as client:
            try:
                await check_robots(client, url)
            except FetchError as error:
                return error.code
            return None

    return asyncio.run(run())


def test_robots_txt_disallow_is_obeyed(server: LoopbackServer) -> None:
    server.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    assert _robots(server, server.url("/private/page")) == "robots_disallowed"
    assert _robots(server, server.url("/public/page")) is None


def test_a_missing_robots_txt_allows_everything(server: LoopbackServer) -> None:
    assert _robots(server, server.url("/any/page")) is None


def test_a_failing_robots_txt_closes_the_site(server: LoopbackServer) -> None:
    server.add("/robots.txt", b"oops", status=503)
    assert _robots(server, server.url("/any/page")) == "robots_disallowed"


def test_httpx_exceptions_do_not_escape_as_such(server: LoopbackServer) -> None:
    server.routes["/drop"] = lambda handler: handler.reset()
    error = error_of(server.url("/drop"))
    assert not isinstance(error, httpx.HTTPError)
    assert error.code in {"bad_response", "truncated_body"}


def test_a_self_signed_certificate_is_a_tls_error_with_no_fallback(tmp_path: Path) -> None:
    with serve("127.0.0.1", tls=self_signed_context(tmp_path)) as server:
        server.add("/feed", FEED)
        host, port = server.server_address[:2]
        assert error_of(f"https://{host!s}:{port}/feed").code == "tls_error"
        assert server.seen.paths == []
