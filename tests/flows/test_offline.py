"""Offline runs say so once: every feed unreachable is one line, in the CLI and the artifact."""

from __future__ import annotations

import socket
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client

from flows.artifacts import no_network_line
from flows.cli import main
from tests.conftest import ROOT


def _closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


@pytest.mark.parametrize(
    ("polled", "codes", "line"),
    [
        pytest.param(
            25, ["dns_error"] * 25, "no network: 25 of 25 feeds unreachable (dns_error)", id="dns"
        ),
        pytest.param(
            3,
            ["connect_error", "dns_error", "connect_timeout"],
            "no network: 3 of 3 feeds unreachable "
            "(connect_error 1, connect_timeout 1, dns_error 1)",
            id="mixed",
        ),
        pytest.param(3, ["dns_error"] * 2, None, id="one-feed-answered"),
        pytest.param(2, ["dns_error", "http_status"], None, id="a-server-answered"),
        pytest.param(0, [], None, id="no-feeds"),
    ],
)
def test_no_network_only_when_every_feed_failed_to_connect(
    polled: int, codes: list[str], line: str | None
) -> None:
    assert no_network_line(polled, codes) == line


@pytest.mark.usefixtures("prefect_harness")
def test_an_offline_ingest_says_no_network_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        + "".join(
            f"  - {{name: feed-{n}, url: 'http://127.0.0.1:{_closed_port()}/rss'}}\n"
            for n in range(3)
        ),
        encoding="utf-8",
    )
    db = tmp_path / "news.duckdb"
    argv = ["ingest", "--seeds", str(ROOT / "seeds"), "--sources", str(sources), "--db", str(db)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "newsflow: no network: 3 of 3 feeds unreachable (connect_error); "
        "each feed's failure is in feed_fetches and failures",
        f"newsflow: 1 new, 0 updated, 0 unchanged articles; 3 failures -> {db}",
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        [(run_id,)] = con.execute("SELECT run_id FROM runs").fetchall()
        polls = con.execute("SELECT count(*) FROM feed_fetches WHERE run_id = ?", [run_id])
        assert polls.fetchone() == (3,)
        failures = con.execute("SELECT count(*) FROM failures WHERE error_code = 'connect_error'")
        assert failures.fetchone() == (3,)
    with get_client(sync_client=True) as client:
        artifacts = client.request(
            "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": ["ingest-summary"]}}}
        ).json()
    [markdown] = [a["data"] for a in artifacts if run_id in a["data"]]
    assert "**no network: 3 of 3 feeds unreachable (connect_error)**" in markdown
    assert "Slowest feeds" not in markdown and "feed-1" not in markdown


@pytest.mark.usefixtures("prefect_harness")
def test_a_rerun_with_no_feed_due_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - {{name: feed, url: 'http://127.0.0.1:{_closed_port()}/rss'}}\n",
        encoding="utf-8",
    )
    argv = ["ingest", "--seeds", str(tmp_path / "seeds"), "--sources", str(sources)]
    (tmp_path / "seeds").mkdir()
    argv += ["--db", str(tmp_path / "news.duckdb")]
    assert main(argv) == 0  # the feed fails and backs off
    capsys.readouterr()
    assert main(argv) == 0
    assert "newsflow: no feed due for a poll (--force polls every enabled one)" in (
        capsys.readouterr().out.splitlines()
    )
