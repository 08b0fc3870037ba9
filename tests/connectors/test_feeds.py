"""The parse wrapper: every format, hostile XML, feedparser's crashers, the corpus, fuzzing."""

from __future__ import annotations

import io
import json
import random
import time
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.errors import FeedError
from connectors.feeds import parse_feed
from connectors.records import ParsedFeed
from tests.conftest import FIXTURES, shared_path
from tests.loopback import serve

FEEDS = FIXTURES / "feeds"
BASE = "https://feeds.example/path/feed.xml"
FUZZ_EXAMPLES = 500
MUTATIONS = 1000
_TOKENS = [b"</width>", b"&#1114112;", b"<textinput>", b"</license>", b"<georss:where>", b"\0"]


def parse(name: str, **kwargs: object) -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), url=BASE, **kwargs)  # type: ignore[arg-type]


def test_rss2_entries_have_resolved_links_dates_and_plain_text() -> None:
    feed = parse("rss2.xml", headers={"content-type": "application/rss+xml"})
    first = feed.items[0]
    assert (feed.version, feed.title, feed.interval_hint_minutes) == ("rss20", "Lab News", 90)
    assert first.url == "https://feeds.example/news/open-weights"
    assert first.guid == "lab-1"
    assert first.published_at == datetime(2024, 3, 5, 10, 0)
    assert first.summary == "The lab & partners released weights."
    assert feed.items[1].published_at == datetime(2024, 3, 6, 8, 30)  # +0100 → UTC


def test_an_entry_without_link_keeps_a_stable_guid_and_no_url() -> None:
    items = parse("rss2.xml").items
    assert items[3].url is None and items[3].guid.startswith("sha256:")
    assert parse("rss2.xml").items[3].guid == items[3].guid


def test_atom_links_resolve_against_xml_base() -> None:
    [item] = parse("atom.xml").items
    assert (item.url, item.author) == ("https://blog.example/ai/posts/scaling", "Ada")


def test_rss1_rdf_is_read() -> None:
    [item] = parse("rdf.xml").items
    assert item.published_at == datetime(2024, 8, 1)


def test_json_feed_is_parsed_by_us() -> None:
    feed = parse("feed.json", headers={"content-type": "application/feed+json"})
    assert feed.version == "json1"
    assert [i.url for i in feed.items] == [
        "https://json.example/posts/1",
        "https://elsewhere.example/story",
    ]
    assert (feed.items[0].author, feed.items[1].summary) == ("Bo", "Linked.")


def test_undeclared_windows_1252_is_decoded() -> None:
    feed = parse("cp1252-undeclared.xml", headers={"content-type": "application/rss+xml"})
    assert feed.title == "Café IA"
    assert feed.items[0].title == "Régulation “IA”"


def test_html_is_not_a_feed() -> None:
    body = (FEEDS / "not-a-feed.html").read_bytes()
    with pytest.raises(FeedError) as caught:
        parse_feed(body, url=BASE, headers={"content-type": "text/html"})
    assert caught.value.code == "not_a_feed"


@pytest.mark.parametrize("body", [b"", b"   \n", b"/etc/passwd", b"{}", b"[1, 2]", b"plain text"])
def test_bodies_that_are_no_feed_say_so(body: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, url=BASE)
    assert caught.value.code == "not_a_feed"


def test_a_body_equal_to_a_local_path_is_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FEEDS / "rss2.xml").read_bytes())
    with pytest.raises(FeedError) as caught:
        parse_feed(str(secret).encode(), url=BASE)
    assert caught.value.code == "not_a_feed"


def test_xxe_entities_are_not_expanded() -> None:
    feed = parse("xxe.xml")
    fields = [feed.title, *(str(item) for item in feed.items)]
    assert not any("root:" in (text or "") for text in fields)


def test_external_entities_make_no_request() -> None:
    with serve("127.0.0.1") as server:
        server.add("/evil.dtd", b'<!ENTITY leak "LEAKED">', content_type="application/xml-dtd")
        server.add("/x", b"LEAKED", content_type="text/plain")
        dtd, target = server.url("/evil.dtd"), server.url("/x")
        body = (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd}" '
            f'[<!ENTITY x SYSTEM "{target}"><!ENTITY % p SYSTEM "{dtd}">%p;]>'
            '<rss version="2.0"><channel><title>t &x; &leak;</title>'
            "<item><title>i</title><link>https://x.example/1</link></item></channel></rss>"
        ).encode()
        feed = parse_feed(body, url=BASE)
        assert server.seen.paths == []
    assert "LEAKED" not in (feed.title or "")


def test_billion_laughs_does_not_expand() -> None:
    started = time.monotonic()
    feed = parse("billion-laughs.xml")
    assert time.monotonic() - started < 5  # a bound against a hang, not a speed assertion
    assert all(len(item.title or "") < 100 for item in feed.items)


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("crasher-end-width.xml", {}),
        ("crasher-chr.xml", {}),
        ("crasher-textinput.xml", {"content-type": "text/xml; charset=windows-1252"}),
    ],
)
def test_feedparser_exceptions_become_parse_errors(name: str, headers: dict[str, str]) -> None:
    body = (FEEDS / name).read_bytes()
    with pytest.raises(Exception):  # noqa: B017 (the raw library does raise)
        feedparser.parse(io.BytesIO(body), response_headers=headers)
    with pytest.raises(FeedError) as caught:
        parse_feed(body, url=BASE, headers=headers)
    assert caught.value.code == "parse_error"


def test_entries_beyond_the_cap_are_dropped_and_counted() -> None:
    items = "".join(
        f"<item><title>n{i}</title><link>https://x.example/{i}</link></item>" for i in range(30)
    )
    body = f'<rss version="2.0"><channel><title>big</title>{items}</channel></rss>'.encode()
    feed = parse_feed(body, url=BASE, max_entries=10)
    assert (len(feed.items), feed.entries_dropped) == (10, 20)


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/a", "file:///etc/passwd"],
)
def test_links_other_than_http_are_not_urls(link: str) -> None:
    item_xml = f"<item><title>x</title><link>{link}</link></item>"
    body = f'<rss version="2.0"><channel>{item_xml}</channel></rss>'
    [item] = parse_feed(body.encode(), url=BASE).items
    assert item.url is None


def test_sy_update_period_gives_the_interval_hint() -> None:
    body = (
        b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        b"<title>t</title><sy:updatePeriod>daily</sy:updatePeriod>"
        b"<sy:updateFrequency>4</sy:updateFrequency></channel></rss>"
    )
    assert parse_feed(body, url=BASE).interval_hint_minutes == 360


def _corpus_files() -> list[Path]:
    root = shared_path("corpora", "feeds")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "README.md")


def _expected_entries(path: Path, body: bytes) -> int:
    if path.suffix == ".json":
        return len(json.loads(body.decode("utf-8-sig"))["items"])
    return len(feedparser.parse(io.BytesIO(body)).entries)


def test_the_whole_feed_corpus_parses_without_an_escaping_exception() -> None:
    """Every file: a feed or a typed FeedError; every well-formed file yields all its entries."""
    files = _corpus_files()
    passed, lost = 0, []
    for path in files:
        body = path.read_bytes()
        try:
            feed = parse_feed(body, url="http://127.0.0.1/feed")
        except FeedError as error:
            if "illformed" not in path.parts:
                lost.append(f"{path.name}: {error.code}")
            else:
                passed += 1  # a broken file may be refused, with a typed error
            continue
        if "illformed" not in path.parts and len(feed.items) != _expected_entries(path, body):
            lost.append(f"{path.name}: {len(feed.items)} entries")
            continue
        passed += 1
    print(f"feed corpus: {passed} of {len(files)} files passed")
    assert len(files) > 2000
    assert lost == []


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        ("feedjira/TechCrunch.xml", 20),
        ("feedjira/json_feed.json", 20),
        ("rss-parser/reddit.rss", 24),
        ("RSParser/DaringFireball.atom", 48),
        ("feed-rs/rss_1.0_biorxiv.xml", 1),
        ("rss-feeds/feed_mistral.xml", 54),
    ],
)
def test_real_site_snapshots_yield_every_entry_with_a_link(name: str, entries: int) -> None:
    body = shared_path("corpora", "feeds", "real-sites", name).read_bytes()
    feed = parse_feed(body, url="https://site.example/feed")
    assert len(feed.items) == entries
    assert all(item.url and item.url.startswith("http") for item in feed.items)


def test_iso_8859_1_feed_decodes_its_non_ascii_bytes() -> None:
    body = shared_path("corpora", "feeds", "real-sites", "feed-rs", "rss_1.0_iso8859.xml")
    feed = parse_feed(body.read_bytes(), url="https://site.example/feed")
    text = " ".join(filter(None, [feed.title, *(i.title or "" for i in feed.items)]))
    assert "\ufffd" not in text


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    body=st.one_of(
        st.binary(max_size=600),
        st.builds(
            lambda prefix, junk: prefix + junk,
            st.sampled_from(
                [
                    b'<rss version="2.0"><channel>',
                    b"<feed xmlns='http://www.w3.org/2005/Atom'>",
                    b'{"version": "https://jsonfeed.org/version/1", "items": ',
                ]
            ),
            st.binary(max_size=400),
        ),
    ),
    content_type=st.sampled_from(
        ["", "application/rss+xml", "text/xml; charset=utf-16", "application/json"]
    ),
)
def test_fuzz_any_bytes_give_a_feed_or_a_typed_error(body: bytes, content_type: str) -> None:
    try:
        parse_feed(body, url=BASE, headers={"content-type": content_type})
    except FeedError as error:
        assert error.code in {"not_a_feed", "parse_error"}


def test_fuzz_mutated_feeds_give_a_feed_or_a_typed_error() -> None:
    """Bit flips, truncations and known crasher tokens spliced into the fixtures."""
    rng = random.Random(20261128)
    seeds = [p.read_bytes() for p in sorted(FEEDS.iterdir())]
    for _ in range(MUTATIONS):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(data) + 1)
            action = rng.random()
            if action < 0.4:
                data[position:position] = rng.choice(_TOKENS)
            elif action < 0.7 and position < len(data):
                data[position] = rng.randrange(256)
            else:
                del data[position:]
        try:
            parse_feed(bytes(data), url=BASE)
        except FeedError as error:
            assert error.code in {"not_a_feed", "parse_error"}


def test_json_feed_date_beyond_utc_leaves_the_item_undated() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {
                    "id": "1",
                    "url": "https://json.example/a",
                    "date_published": "9999-12-31T23:00:00-05:00",
                }
            ],
        }
    ).encode()
    feed = parse_feed(body, url=BASE, kind="json")
    assert [(item.url, item.published_at) for item in feed.items] == [
        ("https://json.example/a", None)
    ]
