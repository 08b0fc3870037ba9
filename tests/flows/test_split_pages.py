"""Processes that split the feeds split the pages: a run leaves a live run's pending pages to it.

A real ``newsflow ingest`` process (on the test Prefect server) polls feed A and hangs on
fetching its page; a run in this process polls feed B meanwhile. Before, that run also
fetched A's page, stored pending by the first run a moment earlier.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.flows.test_crashed_runs import _sources, _start_ingest, _wait_for, two_feed_site
from tests.flows.test_feed_ingest import ARTICLE
from tests.loopback import LoopbackServer

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def site() -> Iterator[tuple[LoopbackServer, threading.Event]]:
    """Feed A's page answers once released; feed B's at once."""
    with two_feed_site({"b": ARTICLE.replace(b"Paragraph", b"Another paragraph")}) as served:
        yield served


def test_a_run_leaves_the_pending_page_of_a_live_run_to_it(
    tmp_path: Path,
    site: tuple[LoopbackServer, threading.Event],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, release = site
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
    db = tmp_path / "data" / "news.duckdb"
    empty = tmp_path / "no-seeds"
    live = _start_ingest(tmp_path, db, _sources(tmp_path, server, "a"))
    try:
        _wait_for(lambda: "/page-a" in server.seen.paths, "run A fetching its page", live)
        summary = ingest(
            seeds_dir=str(empty),
            db_path=str(db),
            sources_file=str(_sources(tmp_path, server, "b")),
            lock_wait=30,
        )
        assert summary.pages_requested == 1  # its own page only
    finally:
        release.set()
    output, _ = live.communicate(timeout=120)
    assert live.returncode == 0, output
    assert server.seen.paths.count("/page-a") == 1
    assert server.seen.paths.count("/page-b") == 1
    with duckdb.connect(str(db), read_only=True) as con:
        states = con.execute("SELECT source, page_state FROM feed_items ORDER BY 1").fetchall()
    assert states == [("Feed a", "done"), ("Feed b", "done")]
