"""Runs killed mid-way are marked ``crashed`` by the next run; a live run never is.

Real ``newsflow ingest`` processes (on the test Prefect server) poll loopback feeds whose
pages hang until the test lets them go, so each run is caught between its writes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from prefect.settings import get_current_settings

from flows.ingest import ingest
from tests.flows.test_feed_ingest import ARTICLE
from tests.loopback import Handler, LoopbackServer, serve
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")

NEWSFLOW = Path(sys.executable).with_name("newsflow")
SEED = "Title: Lab notes\nPublished: 2024-03-04\n\n" + "The lab released a model today. " * 30


@contextmanager
def two_feed_site(
    fast_pages: Mapping[str, bytes] | None = None,
) -> Iterator[tuple[LoopbackServer, threading.Event]]:
    """Feeds a and b, an item each linking to ``/page-a``, ``/page-b``.

    A page answers at once with its body in ``fast_pages``, else only once the event is set.
    """
    release = threading.Event()
    fast_pages = fast_pages or {}
    with serve("127.0.0.1") as server:
        base = server.url("").rstrip("/")
        for name in ("a", "b"):
            feed = (
                f'<rss version="2.0"><channel><title>{name}</title><item><guid>{name}</guid>'
                f"<link>{base}/page-{name}</link><title>Page {name}</title></item></channel></rss>"
            ).encode()
            server.add(f"/feed-{name}.xml", feed)

        def slow(handler: Handler) -> None:
            release.wait(60)
            handler.reply(ARTICLE, content_type="text/html; charset=utf-8")

        for name in ("a", "b"):
            if name in fast_pages:
                server.add(
                    f"/page-{name}", fast_pages[name], content_type="text/html; charset=utf-8"
                )
            else:
                server.routes[f"/page-{name}"] = slow
        server.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        yield server, release
        release.set()


@pytest.fixture
def site() -> Iterator[tuple[LoopbackServer, threading.Event]]:
    with two_feed_site() as served:
        yield served


def _sources(tmp_path: Path, server: LoopbackServer, name: str) -> Path:
    path = tmp_path / f"sources-{name}.yaml"
    path.write_text(
        f"sources:\n  - {{name: Feed {name}, url: '{server.url(f'/feed-{name}.xml')}'}}\n",
        encoding="utf-8",
    )
    return path


def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a ``newsflow`` process that runs its flows on the test Prefect server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env.update(
        PREFECT_API_URL=str(get_current_settings().api.url),
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        NEWSFLOW_ALLOWED_NETWORKS="127.0.0.0/8",
        NEWSFLOW_HOST_DELAY_SECONDS="0",
    )
    return env


def _start_ingest(tmp_path: Path, db: Path, sources: Path) -> subprocess.Popen[bytes]:
    env = cli_env(tmp_path)
    empty = tmp_path / "no-seeds"
    empty.mkdir(exist_ok=True)
    return subprocess.Popen(
        [
            str(NEWSFLOW),
            "ingest",
            "--db",
            str(db),
            "--sources",
            str(sources),
            "--seeds",
            str(empty),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: the kill takes its worker processes too
    )


def _wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"{what}: the run ended first: {process.stdout.read()!r}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within 120 s")
        time.sleep(0.1)


def _runs(db: Path) -> dict[str, str]:
    """Run id -> status in the private database (read in the writer's turn, as flows do)."""
    with Warehouse(db).writing() as con:
        return dict(con.execute("SELECT run_id, status FROM runs").fetchall())


def test_a_killed_run_is_marked_crashed_and_a_live_one_is_left_running(
    tmp_path: Path, site: tuple[LoopbackServer, threading.Event]
) -> None:
    server, release = site
    db = tmp_path / "data" / "news.duckdb"
    killed = _start_ingest(tmp_path, db, _sources(tmp_path, server, "a"))
    try:
        _wait_for(lambda: "/page-a" in server.seen.paths, "run A fetching its page", killed)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    [dead] = _runs(db)
    assert _runs(db) == {dead: "running"}  # nobody said otherwise yet

    live = _start_ingest(tmp_path, db, _sources(tmp_path, server, "b"))
    try:
        _wait_for(lambda: "/page-b" in server.seen.paths, "run B fetching its page", live)
        statuses = _runs(db)
        assert statuses[dead] == "crashed"  # run B found A's lock free when it started
        [running] = [run for run, status in statuses.items() if status == "running"]

        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "notes.txt").write_text(SEED, encoding="utf-8")
        summary = ingest(seeds_dir=str(seeds), db_path=str(db), lock_wait=30)
        statuses = _runs(db)
        assert statuses[summary.run_id] == "completed"
        assert statuses[running] == "running"  # B is alive between its writes: left alone
    finally:
        release.set()
    output, _ = live.communicate(timeout=120)
    assert live.returncode == 0, output
    assert _runs(db)[running] == "completed"
    assert not list(Warehouse(db).folder.glob("*.runs/*.lock"))


def test_a_run_that_raises_is_recorded_failed_like_its_exit_code(tmp_path: Path) -> None:
    db = tmp_path / "data" / "news.duckdb"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "notes.txt").write_text(SEED, encoding="utf-8")
    db.parent.mkdir(parents=True)
    db.mkdir()  # the snapshot cannot be published over a folder: the run fails after its loads
    with pytest.raises(OSError):
        ingest(seeds_dir=str(seeds), db_path=str(db))
    with duckdb.connect(str(Warehouse(db).write_db)) as con:
        rows = con.execute("SELECT status, articles_new FROM runs").fetchall()
    assert rows == [("failed", 1)]  # its loads committed; the run as a whole did not succeed


@pytest.mark.parametrize("rerun", ["reprocess", "retag"])
def test_a_reprocess_or_retag_that_raises_is_recorded_failed(tmp_path: Path, rerun: str) -> None:
    from flows.reprocess import reprocess
    from flows.retag import retag

    private = tmp_path / "private"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "notes.txt").write_text(SEED, encoding="utf-8")
    ingest(seeds_dir=str(seeds), db_path=str(tmp_path / "news.duckdb"), private_dir=str(private))
    folder = tmp_path / "not-a-file.duckdb"
    folder.mkdir()  # its publish fails, after the run's writes
    with pytest.raises(OSError):
        if rerun == "reprocess":
            reprocess(db_path=str(folder), private_dir=str(private))
        else:
            retag(db_path=str(folder), private_dir=str(private))
    with duckdb.connect(str(private / "warehouse.duckdb")) as con:
        rows = con.execute("SELECT flow, status FROM runs ORDER BY started_at").fetchall()
    assert rows == [("ingest", "completed"), (rerun, "failed")]
