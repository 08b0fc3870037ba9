"""Feeds through the whole flow: loopback feed and pages to articles, failures and poll state."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.loopback import Handler, LoopbackServer, serve

pytestmark = pytest.mark.usefixtures("prefect_harness")

ARTICLE = (
    "<html><head><title>Lab ships a model</title></head><body><article><h1>Lab ships a model</h1>"
    + "".join(
        f"<p>Paragraph {n}: the lab released an open-weights language model today, and "
        f"researchers across the industry started testing it on reasoning benchmarks.</p>"
        for n in range(8)
    )
    + "</article></body></html>"
).encode()


def _feed(base: str) -> bytes:
    items = [
        ("a", f"{base}/news/a", "Lab ships a model"),
        ("b", f"{base}/paper.pdf", "The paper"),
        ("c", f"{base}/private/c", "Members only"),
    ]
    xml = "".join(
        f"<item><guid>{g}</guid><link>{link}</link><title>{t}</title>"
        f"<pubDate>Mon, 04 Mar 2024 09:00:00 GMT</pubDate></item>"
        for g, link, t in items
    )
    return f'<rss version="2.0"><channel><title>Lab</title>{xml}</channel></rss>'.encode()


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as server:
        body = _feed(server.url("").rstrip("/"))

        def feed(handler: Handler) -> None:
            if handler.headers.get("If-None-Match") == '"v1"':
                handler.reply(b"", status=304)
            else:
                handler.reply(body, headers={"ETag": '"v1"'})

        server.routes["/feed.xml"] = feed
        server.add("/news/a", ARTICLE, content_type="text/html; charset=utf-8")
        server.add("/paper.pdf", b"%PDF-1.7", content_type="application/pdf")
        server.add("/private/c", ARTICLE, content_type="text/html")
        server.add(
            "/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
        )
        yield server


@pytest.fixture
def sources(tmp_path: Path, site: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed = probe.getsockname()[1]
    probe.close()
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{name: Loopback Lab, url: '{site.url('/feed.xml')}', tags: [lab]}}\n"
        f"  - {{name: Dead Feed, url: 'http://127.0.0.1:{closed}/rss'}}\n",
        encoding="utf-8",
    )
    return path


def _run(tmp_path: Path, db: Path, sources: Path, force: bool = False) -> object:
    return ingest(
        seeds_dir=str(tmp_path / "no-seeds"),
        db_path=str(db),
        sources_file=str(sources),
        force=force,
    )


def test_feed_items_become_articles_and_every_refusal_a_failure_row(
    tmp_path: Path, db_path: Path, sources: Path
) -> None:
    summary = _run(tmp_path, db_path, sources)
    assert summary.counts.new == 1  # type: ignore[attr-defined]
    assert summary.failures_by_code == {  # type: ignore[attr-defined]
        "connect_error": 1,
        "unsupported_content_type": 1,
        "robots_disallowed": 1,
    }
    with duckdb.connect(str(db_path), read_only=True) as con:
        [(source, origin, title, published)] = con.execute(
            "SELECT source, origin, title, published_at FROM articles"
        ).fetchall()
        items = con.execute("SELECT count(*) FROM feed_items").fetchone()
        states = dict(con.execute("SELECT name, last_error_code FROM sources").fetchall())
    assert (source, origin, title) == ("Loopback Lab", "feed", "Lab ships a model")
    assert published == datetime(2024, 3, 4, 9, 0)
    assert items == (3,)
    assert states == {"Loopback Lab": None, "Dead Feed": "connect_error"}


def test_a_second_run_inside_the_interval_does_not_refetch_unless_forced(
    tmp_path: Path, db_path: Path, sources: Path, site: LoopbackServer
) -> None:
    _run(tmp_path, db_path, sources)
    polls = site.seen.paths.count("/feed.xml")
    again = _run(tmp_path, db_path, sources)
    assert site.seen.paths.count("/feed.xml") == polls
    assert again.feeds_polled == 0  # type: ignore[attr-defined]
    _run(tmp_path, db_path, sources, force=True)
    assert site.seen.paths.count("/feed.xml") == polls + 1
    assert site.seen.headers[-1].get("if-none-match") == '"v1"'
    with duckdb.connect(str(db_path), read_only=True) as con:
        statuses = con.execute(
            "SELECT status FROM feed_fetches WHERE source = 'Loopback Lab' ORDER BY fetched_at"
        ).fetchall()
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
    assert statuses == [(200,), (304,)]
    assert articles == (1,)
