"""Two `newsflow ingest` processes polling one sources file at once: each feed is polled once.

A process claims each feed on the lake's catalog before polling it and looks again whether
it is still due once claimed, so the other process skips it both while it is being polled
and after (its next poll is then an interval away).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lake.test_lake_ingest import NEWSFLOW, _env, _finish
from tests.loopback import LoopbackServer, serve
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = [pytest.mark.lake, pytest.mark.usefixtures("prefect_harness")]

FEEDS = 6
ITEMS = 2


def _page(feed: int, item: int) -> bytes:
    words = " ".join(f"w{feed}x{item}y{n}" for n in range(60))
    paragraphs = "".join(
        f"<p>Paragraph {n} of note {feed}-{item}: the lab released a model. {words}</p>"
        for n in range(6)
    )
    title = f"Note {feed}-{item}"
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def _feed(base: str, feed: int) -> bytes:
    items = "".join(
        f"<item><guid>{feed}-{item}</guid><link>{base}/news/{feed}-{item}</link>"
        f"<title>Note {feed}-{item}</title><pubDate>Mon, 04 Mar 2024 09:00:00 GMT</pubDate></item>"
        for item in range(ITEMS)
    )
    return f'<rss version="2.0"><channel><title>F{feed}</title>{items}</channel></rss>'.encode()


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as server:
        base = server.url("").rstrip("/")
        for feed in range(FEEDS):
            server.add(f"/feed-{feed}.xml", _feed(base, feed))
            for item in range(ITEMS):
                page = _page(feed, item)
                server.add(f"/news/{feed}-{item}", page, content_type="text/html; charset=utf-8")
        server.add("/robots.txt", b"User-agent: *\n", content_type="text/plain")
        yield server


def test_two_ingests_of_one_sources_file_at_once_poll_each_feed_once(
    lake_target: str, lake_data: Path, tmp_path: Path, site: LoopbackServer
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        + "".join(
            f"  - {{name: Feed {feed}, url: '{site.url(f'/feed-{feed}.xml')}'}}\n"
            for feed in range(FEEDS)
        ),
        encoding="utf-8",
    )
    (tmp_path / "no-seeds").mkdir()
    lake = LakeWarehouse(tmp_path / "news.duckdb", target=lake_target, data_dir=lake_data)
    with lake.writing():
        pass  # the lake exists before two processes attach it
    processes = []
    for n in range(2):
        env = _env(lake_target, lake_data, tmp_path / f"worker-{n}", tmp_path / f"home-{n}")
        env.update(NEWSFLOW_ALLOWED_NETWORKS="127.0.0.0/8", NEWSFLOW_HOST_DELAY_SECONDS="0")
        argv = [str(NEWSFLOW), "ingest", "--seeds", str(tmp_path / "no-seeds")]
        processes.append(
            subprocess.Popen(
                [*argv, "--sources", str(sources)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    for process in processes:
        _finish(process)

    feed_requests = Counter(path for path in site.seen.paths if path.startswith("/feed-"))
    assert feed_requests == {f"/feed-{feed}.xml": 1 for feed in range(FEEDS)}
    with lake.reading() as con:
        fetches = con.execute(
            "SELECT source, count(*) FROM feed_fetches GROUP BY source ORDER BY source"
        ).fetchall()
        articles = con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()
    assert fetches == [(f"Feed {feed}", 1) for feed in range(FEEDS)]
    assert articles == (FEEDS * ITEMS, FEEDS * ITEMS)
