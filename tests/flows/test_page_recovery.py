"""Every feed item ends as an article or a failure: pages survive SIGKILL, failed ones retry."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from prefect.settings import get_current_settings

from flows.ingest import ingest
from tests.conftest import ROOT
from tests.flows.test_feed_ingest import ARTICLE
from tests.loopback import Handler, LoopbackServer, serve
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")
PAGES = 5


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as server:
        base = server.url("").rstrip("/")
        items = "".join(
            f"<item><guid>g{n}</guid><link>{base}/p{n}</link><title>Story {n}</title></item>"
            for n in range(PAGES)
        )
        server.add("/feed.xml", f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())
        yield server


@pytest.fixture
def sources(tmp_path: Path, site: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
    path = tmp_path / "sources.yaml"
    path.write_text(f"sources:\n  - {{name: Lab, url: '{site.url('/feed.xml')}'}}\n")
    (tmp_path / "no-seeds").mkdir()
    return path


def _serve_pages(site: LoopbackServer, answer: threading.Event) -> None:
    """Pages that answer only once ``answer`` is set (or after 4 s), each with its own text."""

    def page(handler: Handler, n: int) -> None:
        answer.wait(timeout=4)
        handler.reply(
            ARTICLE.replace(b"Paragraph", f"Story {n} paragraph".encode()), content_type="text/html"
        )

    for n in range(PAGES):
        site.routes[f"/p{n}"] = lambda h, n=n: page(h, n)


def _run(tmp_path: Path, db: Path, sources: Path) -> object:
    return ingest(seeds_dir=str(tmp_path / "no-seeds"), db_path=str(db), sources_file=str(sources))


def _pages_seen(site: LoopbackServer) -> int:
    return sum(1 for path in site.seen.paths if path.startswith("/p"))


def test_pages_of_a_run_killed_while_fetching_them_are_fetched_by_the_next_run(
    tmp_path: Path, db_path: Path, sources: Path, site: LoopbackServer
) -> None:
    answer = threading.Event()
    _serve_pages(site, answer)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_API_URL=str(get_current_settings().api.url),  # the harness's server
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        NEWSFLOW_ALLOWED_NETWORKS="127.0.0.0/8",
        NEWSFLOW_HOST_DELAY_SECONDS="0",
    )
    command = [sys.executable, "-m", "flows.cli", "ingest", "--sources", str(sources)]
    command += ["--db", str(db_path), "--seeds", str(tmp_path / "no-seeds")]
    log = tmp_path / "child.log"
    with log.open("wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while _pages_seen(site) == 0 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _pages_seen(site) > 0, log.read_text(errors="replace")[-3000:]
        child.send_signal(signal.SIGKILL)  # feed items committed, no page answered yet
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    answer.set()
    summary = _run(tmp_path, db_path, sources)  # not forced: the feed itself is not due
    assert site.seen.paths.count("/feed.xml") == 1
    assert summary.feeds_polled == 0  # type: ignore[attr-defined]
    with duckdb.connect(str(db_path), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
        states = con.execute("SELECT DISTINCT page_state FROM feed_items").fetchall()
    assert articles == (PAGES,)
    assert states == [("done",)]


def test_a_page_that_fails_is_fetched_again_by_a_later_run_once_due(
    tmp_path: Path, db_path: Path, sources: Path, site: LoopbackServer
) -> None:
    answer = threading.Event()
    answer.set()
    _serve_pages(site, answer)
    calls = [0]
    good = site.routes["/p1"]

    def flaky(handler: Handler) -> None:  # 503 for the whole first run (its retry included)
        calls[0] += 1
        if calls[0] <= 2:
            handler.reply(b"busy", status=503, content_type="text/plain")
        else:
            good(handler)

    site.routes["/p1"] = flaky
    first = _run(tmp_path, db_path, sources)
    assert first.failures_by_code == {"http_status": 1}  # type: ignore[attr-defined]
    assert calls[0] == 2
    _run(tmp_path, db_path, sources)  # the retry is not due yet
    assert calls[0] == 2
    private = Warehouse(db_path).write_db
    with duckdb.connect(str(private)) as con:
        con.execute(
            "UPDATE feed_items SET page_next_attempt_at = page_next_attempt_at - INTERVAL 1 DAY"
        )
    _run(tmp_path, db_path, sources)
    assert calls[0] == 3
    with duckdb.connect(str(db_path), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
        [(state, attempts)] = con.execute(
            "SELECT page_state, page_attempts FROM feed_items WHERE url LIKE '%/p1'"
        ).fetchall()
    assert articles == (PAGES,)
    assert (state, attempts) == ("done", 1)
