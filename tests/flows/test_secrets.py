"""Secrets in feed and item URLs: the fetch uses them, nothing newsflow keeps or shows holds them.

One ingest through the CLI of a loopback feed behind a login and a token, whose items
link with API keys and tokens, plus a dead feed with a signature. Then every file under
the warehouse folder (the analysts' snapshot, the private database, spool, raw pages),
every event, every run log line and every line the CLI printed is searched for the secret values.
"""

from __future__ import annotations

import base64
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogHandler
from prefect.testing.fixtures import asserting_events_worker  # noqa: F401 (a fixture)

from flows.cli import main
from tests.flows.test_feed_ingest import ARTICLE
from tests.loopback import Handler, LoopbackServer, serve

pytestmark = pytest.mark.usefixtures("prefect_harness")

SECRETS = ("alice", "s3cretpw", "feedtok9", "itemkey1", "itemtok2", "deadsig3")
BASIC = "Basic " + base64.b64encode(b"alice:s3cretpw").decode()


def _feed(base: str) -> bytes:
    items = [
        ("a", f"{base}/news/a?api_key=itemkey1&amp;id=1", "Lab ships a model"),
        ("b", f"{base}/gone?access_token=itemtok2", "Gone"),
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
            if (
                handler.headers.get("Authorization") != BASIC
                or "token=feedtok9" not in handler.path
            ):
                handler.reply(b"login required", status=401, content_type="text/plain")
            else:
                handler.reply(body)

        server.routes["/feed.xml"] = feed
        server.add("/news/a", ARTICLE, content_type="text/html; charset=utf-8")
        server.add("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
        yield server


@pytest.fixture
def sources(tmp_path: Path, site: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed = probe.getsockname()[1]
    probe.close()
    login = site.url("/feed.xml?token=feedtok9").replace("http://", "http://alice:s3cretpw@")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{name: Loopback Lab, url: '{login}'}}\n"
        f"  - {{name: Dead Feed, url: 'http://127.0.0.1:{closed}/rss?sig=deadsig3'}}\n",
        encoding="utf-8",
    )
    return path


def _run_logs(expected: str) -> str:
    """Every run log line the test Prefect server holds, once one contains ``expected``."""
    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        for _ in range(40):
            response = client.request("POST", "/logs/filter", json={"limit": 200})
            text = "\n".join(log["message"] for log in response.json())
            if expected in text:
                return text
            time.sleep(0.25)
    raise AssertionError(f"no run log says {expected!r}")


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [secret for secret in SECRETS if secret.encode() in data]


def test_no_secret_from_a_url_reaches_the_warehouse_events_or_cli_output(
    tmp_path: Path,
    site: LoopbackServer,
    sources: Path,
    asserting_events_worker: EventsWorker,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="prefect")  # the run logs' feed lines are INFO
    db = tmp_path / "data" / "news.duckdb"
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    common = ["--db", str(db)]
    assert main(["ingest", "--seeds", str(seeds), "--sources", str(sources), *common]) == 0
    for query in ("FROM failures", "FROM sources", "FROM feed_fetches", "FROM feed_items"):
        assert main(["sql", query, "--format", "json", *common]) == 0
    assert main(["status", *common]) == 0
    assert main(["sources", "list", *common]) == 0
    asserting_events_worker.drain()

    # The fetch used every secret: the login as Basic auth, the feed's and the item's tokens.
    feed_hits = [i for i, p in enumerate(site.seen.paths) if p.startswith("/feed.xml")]
    assert feed_hits and site.seen.paths[feed_hits[0]] == "/feed.xml?token=feedtok9"
    assert site.seen.headers[feed_hits[0]]["authorization"] == BASIC
    assert "/news/a?api_key=itemkey1&id=1" in site.seen.paths
    assert "/gone?access_token=itemtok2" in site.seen.paths

    # Nothing kept or shown holds one.
    assert _leaks(_every_value(db)) == []  # DuckDB may compress strings: read them back
    written = {path: path.read_bytes() for path in db.parent.rglob("*") if path.is_file()}
    assert db in written
    assert {path.name: _leaks(data) for path, data in written.items() if _leaks(data)} == {}
    printed = capsys.readouterr()
    assert _leaks(printed.out + printed.err) == []
    assert _leaks(caplog.text) == []
    events = [event.model_dump_json() for event in asserting_events_worker._client.events]  # type: ignore[union-attr]
    assert [event for event in events if _leaks(event)] == []
    logs = _run_logs("feed Dead Feed: connect_error")
    assert _leaks(logs) == []

    # ... and the checks saw what they should: redacted URLs, the failed item, the events.
    assert "api_key=REDACTED" in printed.out and "sig=REDACTED" in printed.out
    assert '"error_code": "http_status"' in printed.out
    assert any("newsflow.article.ingested" in event for event in events)
    assert "sig=REDACTED" in logs


def _every_value(db: Path) -> str:
    """Every value of every table in the snapshot, as text."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
        assert "feed_items" in tables and "failures" in tables
        return "\n".join(str(con.execute(f'FROM "{table}"').fetchall()) for table in tables)
