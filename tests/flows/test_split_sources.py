"""Processes with sources files of their own poll their own feeds, whichever syncs last.

A run in this process plans feeds A1 and A2 (one per poll task); while it polls A1, a real
``newsflow ingest`` process (on the test Prefect server) syncs and polls its own file, which
lists only feed B. Before, that sync disabled A2, and this run skipped it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.flows.test_crashed_runs import _start_ingest
from tests.loopback import Handler, LoopbackServer, serve

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _feed(name: str) -> bytes:
    return f'<rss version="2.0"><channel><title>{name}</title></channel></rss>'.encode()


def _sources(tmp_path: Path, server: LoopbackServer, *names: str) -> Path:
    path = tmp_path / f"sources-{'-'.join(names)}.yaml"
    lines = [f"  - {{name: Feed {n}, url: '{server.url(f'/feed-{n}.xml')}'}}" for n in names]
    path.write_text("sources:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_another_process_syncing_its_own_file_leaves_this_runs_feeds_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
    monkeypatch.setattr("flows.ingest.FEEDS_PER_POLL_TASK", 1)
    db = tmp_path / "data" / "news.duckdb"
    outputs: list[tuple[int, bytes]] = []
    with serve("127.0.0.1") as server:
        for name in ("a2", "b"):
            server.add(f"/feed-{name}.xml", _feed(name))

        def other_process_first(handler: Handler) -> None:
            other = _start_ingest(tmp_path, db, _sources(tmp_path, server, "b"))
            output, _ = other.communicate(timeout=120)
            outputs.append((other.returncode, output))
            handler.reply(_feed("a1"), content_type="application/rss+xml")

        server.routes["/feed-a1.xml"] = other_process_first
        summary = ingest(
            seeds_dir=str(tmp_path / "no-seeds"),
            db_path=str(db),
            sources_file=str(_sources(tmp_path, server, "a1", "a2")),
            lock_wait=30,
        )
    assert outputs and outputs[0][0] == 0, outputs
    assert summary.feeds_polled == 2
    assert [server.seen.paths.count(f"/feed-{n}.xml") for n in ("a1", "a2", "b")] == [1, 1, 1]
