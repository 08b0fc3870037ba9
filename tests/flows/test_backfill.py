"""The backfill flow under the test harness: day chunks, idempotence, input checks."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client

from flows.backfill import backfill
from flows.backfill_window import MAX_BACKFILL_DAYS, check_backfill_window
from tests.loopback import LoopbackServer, serve

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = {
    "a.md": "---\ntitle: A\nurl: https://e.org/a\npublished: 2024-03-01\n---\nOpenAI news.\n",
    "b.md": "---\ntitle: B\nurl: https://e.org/b\npublished: 2024-03-03\n---\nMeta news.\n",
    "c.md": "---\ntitle: C\nurl: https://e.org/c\npublished: 2024-04-01\n---\nLater news.\n",
    "undated.md": "---\ntitle: U\nurl: https://e.org/u\n---\nNo date at all.\n",
}


@pytest.fixture
def seeded(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, text in SEEDS.items():
        (seeds / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_SEEDS", str(seeds))
    monkeypatch.setenv("NEWSFLOW_DB", str(db_path))
    return db_path


def _titles(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT title FROM articles ORDER BY 1").fetchall()]


def test_backfill_loads_only_what_was_published_in_the_window(seeded: Path) -> None:
    summary = backfill(start=date(2024, 3, 1), end=date(2024, 3, 3))
    assert (summary.days, summary.counts.new) == (3, 2)
    assert _titles(seeded) == ["A", "B"]


def test_backfill_run_twice_changes_nothing(seeded: Path) -> None:
    backfill(start=date(2024, 3, 1), end=date(2024, 3, 4))
    summary = backfill(start=date(2024, 3, 1), end=date(2024, 3, 4))
    assert (summary.counts.new, summary.counts.updated, summary.counts.unchanged) == (0, 0, 2)
    assert _titles(seeded) == ["A", "B"]


def test_backfill_of_one_day_reruns_that_day_alone(seeded: Path) -> None:
    summary = backfill(start=date(2024, 3, 3), end=date(2024, 3, 3))
    assert (summary.days, summary.counts.new) == (1, 1)
    assert _titles(seeded) == ["B"]


def test_backfill_rejects_an_unknown_source_before_any_work(seeded: Path) -> None:
    with pytest.raises(ValueError, match="unknown source\\(s\\): nope; known sources: .*seeds"):
        backfill(start=date(2024, 3, 1), end=date(2024, 3, 3), sources=["nope"])
    assert not seeded.exists() or _titles(seeded) == []


def test_backfill_rejects_an_impossible_date_by_name(seeded: Path) -> None:
    with pytest.raises(Exception, match="start"):
        backfill(start="2024-02-30", end="2024-03-01")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "sources", "mode", "message"),
    [
        pytest.param(date(2024, 3, 2), date(2024, 3, 1), None, "reprocess", "is before start"),
        pytest.param(
            date(2020, 1, 1), date(2024, 1, 1), None, "reprocess", f"at most {MAX_BACKFILL_DAYS}"
        ),
        pytest.param(date(2024, 3, 1), date(2024, 3, 1), ["x"], "reprocess", "unknown source"),
        pytest.param(date(2024, 3, 1), date(2024, 3, 1), None, "teleport", "not available"),
    ],
)
def test_check_backfill_window_says_what_is_wrong(
    start: date, end: date, sources: list[str] | None, mode: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        check_backfill_window(
            start=start,
            end=end,
            sources=sources,
            mode=mode,
            known_sources=["seeds"],
            available_modes=["reprocess"],
        )


def test_check_backfill_window_lists_every_day_once() -> None:
    window = check_backfill_window(
        start=date(2024, 2, 28),
        end=date(2024, 3, 1),
        sources=["seeds", "seeds"],
        mode="reprocess",
        known_sources=["seeds"],
        available_modes=["reprocess"],
    )
    assert window.days == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert window.sources == ("seeds",)


PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    + "<p>The lab released an open-weights language model, and researchers across the industry "
    "started testing it on reasoning benchmarks the same afternoon.</p>"
    * 6
    + "</article></body></html>"
)


def _atom(site: LoopbackServer, days: list[str], older: str | None) -> bytes:
    link = f'<link rel="prev-archive" href="{older}"/>' if older else ""
    entries = "".join(
        f"<entry><id>{d}</id><title>Story {d}</title><link href='{site.url('/p/' + d)}'/>"
        f"<updated>{d}T09:00:00Z</updated></entry>"
        for d in days
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Lab</title>{link}{entries}</feed>'.encode()


@pytest.fixture
def archived_feed(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LoopbackServer]:
    with serve("127.0.0.1") as site:
        site.add("/feed.xml", _atom(site, ["2024-03-10", "2024-03-09"], "/archive-1.xml"))
        site.add(
            "/archive-1.xml",
            _atom(site, ["2024-03-03", "2024-03-01", "2024-02-27"], "/archive-0.xml"),
        )
        site.add("/archive-0.xml", _atom(site, ["2024-02-01"], None))
        for day in ("2024-03-10", "2024-03-09", "2024-03-03", "2024-03-01", "2024-02-27"):
            site.add(
                f"/p/{day}", PAGE.format(title=f"Story {day}").encode(), content_type="text/html"
            )
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{name: lab, url: '{site.url('/feed.xml')}'}}\n")
        monkeypatch.setenv("NEWSFLOW_SOURCES", str(sources))
        monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
        monkeypatch.setenv("NEWSFLOW_HOST_DELAY_SECONDS", "0")
        monkeypatch.setenv("NEWSFLOW_DB", str(db_path))
        monkeypatch.setenv("NEWSFLOW_SEEDS", str(tmp_path / "no-seeds"))
        yield site


def test_refetch_walks_the_archive_and_loads_only_the_window(
    archived_feed: LoopbackServer, db_path: Path
) -> None:
    summary = backfill(start=date(2024, 3, 1), end=date(2024, 3, 3), mode="refetch")
    assert (summary.days, summary.pages_requested, summary.counts.new) == (3, 2, 2)
    assert summary.counts.failures == 0
    assert _titles(db_path) == ["Story 2024-03-01", "Story 2024-03-03"]
    fetched_pages = sorted(p for p in archived_feed.seen.paths if p.startswith("/p/"))
    assert fetched_pages == ["/p/2024-03-01", "/p/2024-03-03"]


def test_refetch_of_an_unknown_feed_fails_before_any_request(
    archived_feed: LoopbackServer,
) -> None:
    with pytest.raises(ValueError, match="unknown source\\(s\\): elsewhere"):
        backfill(
            start=date(2024, 3, 1), end=date(2024, 3, 3), sources=["elsewhere"], mode="refetch"
        )
    assert archived_feed.seen.paths == []


def test_reprocess_re_extracts_the_raw_pages_stored_on_each_day(
    archived_feed: LoopbackServer, db_path: Path
) -> None:
    backfill(start=date(2024, 3, 1), end=date(2024, 3, 3), mode="refetch")
    today = datetime.now(UTC).date()
    summary = backfill(start=today, end=today, mode="reprocess")
    assert (summary.counts.new, summary.counts.unchanged) == (0, 2)
    assert _titles(db_path) == ["Story 2024-03-01", "Story 2024-03-03"]


def test_an_offline_refetch_records_a_failure_per_feed_and_says_so(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed = probe.getsockname()[1]
    probe.close()
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: lab, url: 'http://127.0.0.1:{closed}/feed'}}\n")
    monkeypatch.setenv("NEWSFLOW_SOURCES", str(sources))
    monkeypatch.setenv("NEWSFLOW_ALLOWED_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("NEWSFLOW_DB", str(db_path))
    monkeypatch.setenv("NEWSFLOW_SEEDS", str(tmp_path / "no-seeds"))
    summary = backfill(start=date(2024, 3, 1), end=date(2024, 3, 3), mode="refetch")
    assert (summary.counts.new, summary.counts.failures) == (0, 1)
    with duckdb.connect(str(db_path), read_only=True) as con:
        failures = con.execute("SELECT stage, source, error_code FROM failures").fetchall()
        [(run_failures,)] = con.execute("SELECT failures FROM runs").fetchall()
    assert failures == [("history", "lab", "connect_error")]
    assert run_failures == 1
    markdown = _artifact("backfill-summary", summary.run_id)
    assert "; 1 failures**" in markdown and "| connect_error | 1 |" in markdown


def _artifact(key: str, run_id: str) -> str:
    with get_client(sync_client=True) as client:
        artifacts = client.request(
            "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": [key]}}}
        ).json()
    [markdown] = [a["data"] for a in artifacts if run_id in a["data"]]
    return str(markdown)
