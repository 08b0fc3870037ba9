"""The run-long page stream: one client for every page, bounded read-ahead, failures as rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors import Failure, PageRequest, RawDocument
from connectors.addresses import parse_networks
from connectors.client import HttpPolicy, Resolver
from connectors.stream import PageStream
from tests.loopback import Handler, serve

POLICY = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0)
PAGE = b"<html><body><p>A page with enough words to be an article body.</p></body></html>"


def take_all(stream: PageStream, limit: int) -> list[list[RawDocument | Failure]]:
    takes = []
    while not stream.exhausted:
        takes.append(stream.take(limit, timeout_s=None))
    return takes


def test_every_page_arrives_once_and_a_bad_one_is_a_failure_row() -> None:
    with serve("127.0.0.2") as server:
        for n in range(6):
            server.add(f"/p{n}", PAGE, content_type="text/html")
        requests = [PageRequest("s", server.url(f"/p{n}")) for n in range(6)]
        requests.append(PageRequest("s", server.url("/missing")))
        with PageStream(requests, policy=POLICY) as stream:
            got = [item for batch in take_all(stream, 2) for item in batch]
    pages = sorted(item.url for item in got if isinstance(item, RawDocument))
    failures = [item for item in got if isinstance(item, Failure)]
    assert pages == sorted(server.url(f"/p{n}") for n in range(6))
    assert [(f.url_or_path, f.error_code) for f in failures] == [
        (server.url("/missing"), "http_status")
    ]


def test_robots_txt_is_fetched_once_per_host_however_many_takes() -> None:
    with serve("127.0.0.3") as server:
        server.add("/robots.txt", b"User-agent: *\nDisallow: /private\n", content_type="text/plain")
        for n in range(8):
            server.add(f"/p{n}", PAGE, content_type="text/html")
        requests = [PageRequest("s", server.url(f"/p{n}")) for n in range(8)]
        requests.append(PageRequest("s", server.url("/private/x")))
        with PageStream(requests, policy=POLICY) as stream:
            takes = take_all(stream, 1)
    assert len(takes) == 9
    assert server.seen.paths.count("/robots.txt") == 1
    refused = [i for t in takes for i in t if isinstance(i, Failure)]
    assert [f.error_code for f in refused] == ["robots_disallowed"]
    assert "/private/x" not in server.seen.paths


def test_no_more_than_the_window_is_fetched_ahead_of_the_consumer() -> None:
    with serve("127.0.0.4") as server:
        for n in range(10):
            server.add(f"/p{n}", PAGE, content_type="text/html")
        requests = [PageRequest("s", server.url(f"/p{n}")) for n in range(10)]
        with PageStream(requests, policy=POLICY, window=3) as stream:
            time.sleep(1.0)  # ample time to fetch all ten, were it allowed
            before = [p for p in server.seen.paths if p.startswith("/p")]
            first = stream.take(2, timeout_s=None)
            time.sleep(1.0)
            after = [p for p in server.seen.paths if p.startswith("/p")]
            rest = take_all(stream, 10)
    assert len(before) == 3
    assert len(first) == 2 and len(after) == 5
    assert len(first) + sum(len(t) for t in rest) == 10


def test_host_spacing_holds_across_takes() -> None:
    # The gaps are seen by the server, whose handler threads a busy machine can start late:
    # a delay long beside that jitter keeps the test about the client's spacing.
    delay = 1.0
    policy = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=delay)
    starts: list[float] = []
    with serve("127.0.0.5") as server:
        for n in range(4):
            server.routes[f"/p{n}"] = lambda h: (
                starts.append(time.monotonic()),
                h.reply(PAGE, content_type="text/html"),
            )
        requests = [PageRequest("s", server.url(f"/p{n}")) for n in range(4)]
        with PageStream(requests, policy=policy) as stream:
            take_all(stream, 1)
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 4
    assert min(gaps) >= delay * 0.8


def test_leaving_early_cancels_the_fetches_still_waiting() -> None:
    delay = 1.5  # robots.txt, then one page each 1.5 s
    slow = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=delay)
    with serve("127.0.0.6") as server:
        for n in range(5):
            server.add(f"/p{n}", PAGE, content_type="text/html")
        requests = [PageRequest("s", server.url(f"/p{n}")) for n in range(5)]
        started = time.monotonic()
        with PageStream(requests, policy=slow) as stream:
            stream.take(1, timeout_s=None)
        left_after = time.monotonic() - started
        time.sleep(delay)
    assert left_after < 2 * delay + 1  # not the 7.5 s that all five pages take
    assert len([p for p in server.seen.paths if p.startswith("/p")]) <= 2


def test_a_page_decodes_by_its_http_charset_now_and_when_reprocessed(tmp_path: Path) -> None:
    from transforms.extract import extract_article
    from transforms.rawpage import to_raw_document, write_raw_page
    from transforms.records import Article

    text = "Die Zürcher Forscher zeigten ein Modell, das Überwachung erkennt und Grüße übersetzt."
    html = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    with serve("127.0.0.7") as server:  # the charset is only in the header, not in the page
        server.add("/p", html.encode("iso-8859-1"), content_type="text/html; charset=ISO-8859-1")
        with PageStream([PageRequest("s", server.url("/p"))], policy=POLICY) as stream:
            [document] = stream.take(1, timeout_s=None)
    assert isinstance(document, RawDocument)
    first = extract_article(document)
    raw = write_raw_page(tmp_path, document)
    assert raw is not None and "iso-8859-1" in (raw.content_type or "").lower()
    again = extract_article(to_raw_document(raw, document.body or b""))
    assert isinstance(first, Article) and isinstance(again, Article)
    assert "Zürcher" in first.text and first.text == again.text


def test_one_hosts_many_pages_do_not_hold_back_another_hosts_pages() -> None:
    spaced = HttpPolicy(allowed_networks=parse_networks("127.0.0.0/8"), host_delay_seconds=0.2)
    order: list[str] = []
    with serve("127.0.0.7") as busy, serve("127.0.0.8") as other:
        for server, name in ((busy, "busy"), (other, "other")):
            for n in range(20):
                server.routes[f"/p{n}"] = lambda h, tag=f"{name}{n}": (
                    order.append(tag),
                    h.reply(PAGE, content_type="text/html"),
                )
        # Grouped by host, as a feed's items are: the busy host's 20 pages come first.
        requests = [PageRequest("s", busy.url(f"/p{n}")) for n in range(20)]
        requests += [PageRequest("s", other.url(f"/p{n}")) for n in range(2)]
        with PageStream(requests, policy=spaced, window=4) as stream:
            take_all(stream, 1)
    assert len(order) == 22
    # Spaced 0.2 s apart, the busy host's pages take 4 s; the other host's two need not wait.
    assert order.index("other1") < order.index("busy10")


def test_an_unreachable_site_is_resolved_once_and_each_of_its_pages_is_a_failure_row() -> None:
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        if host == "down.example":
            raise OSError("Name or service not known")
        return ["127.0.0.1"]

    requests = [PageRequest("s", f"http://down.example/p{n}") for n in range(5)]
    with PageStream(requests, policy=POLICY, resolver=resolver) as stream:
        got = [item for batch in take_all(stream, 10) for item in batch]
    assert sorted(f.url_or_path for f in got if isinstance(f, Failure)) == sorted(
        r.url for r in requests
    )
    assert {f.error_code for f in got if isinstance(f, Failure)} == {"dns_error"}
    assert all(f.retryable for f in got if isinstance(f, Failure))
    assert lookups == ["down.example"]
    # The page that looked the site up names its robots.txt; the others say it was found earlier.
    messages = sorted(f.message for f in got if isinstance(f, Failure))
    earlier = [m for m in messages if "site unreachable earlier in this run" in m]
    assert len(earlier) == 4 and all(m.startswith("http://down.example/p") for m in earlier)


def _flaky(failures: int, status: int = 503) -> Callable[[Handler], None]:
    calls = [0]

    def route(handler: Handler) -> None:
        calls[0] += 1
        if calls[0] <= failures:
            handler.reply(b"busy", status=status, content_type="text/plain")
        else:
            handler.reply(PAGE, content_type="text/html")

    return route


def test_a_page_answering_503_once_is_fetched_on_its_in_run_retry() -> None:
    with serve("127.0.0.9") as server:
        server.routes["/p"] = _flaky(1)
        with PageStream([PageRequest("s", server.url("/p"))], policy=POLICY) as stream:
            [item] = stream.take(1, timeout_s=None)
    assert isinstance(item, RawDocument)
    assert server.seen.paths.count("/p") == 2


@pytest.mark.parametrize(
    ("status", "requests", "retryable"),
    [
        pytest.param(503, 2, True, id="5xx-retried-now-and-later"),
        pytest.param(404, 1, False, id="4xx-final"),
        pytest.param(429, 1, True, id="429-later-only"),
    ],
)
def test_a_failing_page_is_retried_by_its_kind(status: int, requests: int, retryable: bool) -> None:
    with serve("127.0.0.10") as server:
        server.routes["/p"] = _flaky(99, status)
        with PageStream([PageRequest("s", server.url("/p"))], policy=POLICY) as stream:
            [item] = stream.take(1, timeout_s=None)
    assert isinstance(item, Failure)
    assert (item.error_code, item.retryable) == ("http_status", retryable)
    assert (item.retry_at is not None) == retryable  # a later run's fetch, planned with it
    assert server.seen.paths.count("/p") == requests


def test_a_page_that_failed_on_every_attempt_before_is_given_up() -> None:
    with serve("127.0.0.10") as server:
        server.routes["/p"] = _flaky(99, 503)
        request = PageRequest("s", server.url("/p"), attempts=3)
        with PageStream([request], policy=POLICY) as stream:
            [item] = stream.take(1, timeout_s=None)
    assert isinstance(item, Failure) and item.retryable
    assert item.retry_at is None


class _LingeringStream(PageStream):
    """A stream whose fetching thread outlives its closed event loop until let go."""

    def __init__(self, requests: list[PageRequest], resolver: Resolver) -> None:
        super().__init__(requests, policy=POLICY, resolver=resolver)
        self.loop_closed = threading.Event()
        self.let_go = threading.Event()

    def _run(self) -> None:
        super()._run()
        self.loop_closed.set()
        self.let_go.wait(30)


def test_leaving_a_stream_whose_thread_is_closing_its_loop_does_not_fail() -> None:
    """The consumer may leave after every fetch ended but before the thread has finished."""

    async def resolver(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    requests = [PageRequest("s", "http://down.example/p0")]
    with _LingeringStream(requests, resolver) as stream:
        [failure] = stream.take(1, timeout_s=30)
        assert stream.loop_closed.wait(30)
        threading.Timer(0.2, stream.let_go.set).start()  # the exit joins the thread
    assert isinstance(failure, Failure) and failure.error_code == "dns_error"
