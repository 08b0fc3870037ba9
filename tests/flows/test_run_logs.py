"""What a user sees in the Prefect UI: the run's own log lines, its artifact, its name."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.flow_engine import run_flow_sync
from prefect.logging.handlers import APILogHandler

from flows.backfill import backfill
from flows.ingest import ingest
from tests.flows.test_feed_ingest import site, sources  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = {
    "a.md": "---\ntitle: A\nurl: https://e.org/a\npublished: 2024-03-01\n---\nOpenAI news.\n",
    "b.md": "---\ntitle: B\nurl: https://e.org/b\npublished: 2024-03-03\n---\nMeta news.\n",
}


@pytest.fixture(autouse=True)
def _info_run_logs() -> Iterator[None]:
    """Run loggers at INFO, as on a worker (the test session keeps Prefect at WARNING)."""
    loggers = [logging.getLogger(name) for name in ("prefect.flow_runs", "prefect.task_runs")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def seeded(tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, text in SEEDS.items():
        (seeds / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_SEEDS", str(seeds))
    monkeypatch.setenv("NEWSFLOW_DB", str(db_path))
    return db_path


def _run_logs(run_id: str, expected: str) -> list[str]:
    """The messages the API holds for a flow run (its tasks' included), once ``expected`` is in."""
    APILogHandler().flush()  # send what the background worker still holds
    log_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(run_id)]))
    messages: list[str] = []
    with get_client(sync_client=True) as client:
        for _ in range(40):
            messages = [log.message for log in client.read_logs(log_filter=log_filter)]
            if any(expected in message for message in messages):
                break
            time.sleep(0.25)
    return messages


def _artifact(key: str, run_id: str) -> str:
    with get_client(sync_client=True) as client:
        artifacts = client.request(
            "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": [key]}}}
        ).json()
    [markdown] = [a["data"] for a in artifacts if run_id in a["data"]]
    return str(markdown)


def test_ingest_logs_each_feed_poll_and_each_batch(
    tmp_path: Path,
    db_path: Path,
    sources: Path,  # noqa: F811 (the fixture)
) -> None:
    summary = ingest(
        seeds_dir=str(tmp_path / "no-seeds"), db_path=str(db_path), sources_file=str(sources)
    )
    messages = _run_logs(summary.run_id, "ingest-")
    assert "feed Loopback Lab: HTTP 200, 3 new items" in messages
    [dead] = [m for m in messages if m.startswith("feed Dead Feed: ")]
    assert dead.startswith("feed Dead Feed: connect_error (no response): ")
    batches = [m for m in messages if m.startswith("batch ")]
    assert batches and all(" loaded: " in m and " failures" in m for m in batches)
    assert any(m.endswith("loaded: 1 new, 0 updated, 0 unchanged, 2 failures") for m in batches)


def test_backfill_logs_each_day_and_its_artifact_has_a_table_of_days(seeded: Path) -> None:
    summary = backfill(start=date(2024, 3, 1), end=date(2024, 3, 3))
    messages = _run_logs(summary.run_id, "day 2024-03-03")
    assert "day 2024-03-01: 1 new, 0 updated, 0 unchanged, 0 failures" in messages
    assert "day 2024-03-02: 0 new, 0 updated, 0 unchanged, 0 failures" in messages
    markdown = _artifact("backfill-summary", summary.run_id)
    assert "| day | new | updated | unchanged | failures |" in markdown
    assert "| 2024-03-01 | 1 | 0 | 0 | 0 |" in markdown
    assert "| 2024-03-02 | 0 | 0 | 0 | 0 |" in markdown
    assert "Slowest feeds" not in markdown and "Failures by error code" not in markdown
    assert "(none)" not in markdown


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        pytest.param("March re-run", "March re-run", id="typed"),
        pytest.param("backfill-march-2024", "backfill-march-2024", id="typed-with-digits"),
        pytest.param("smart-koala", "backfill-2024-03-01..2024-03-03", id="generated-by-server"),
        pytest.param("Sleek-Addax", "backfill-2024-03-01..2024-03-03", id="generated-by-ui"),
    ],
)
def test_a_run_name_typed_in_the_form_is_kept(seeded: Path, given: str, kept: str) -> None:
    parameters = {"start": date(2024, 3, 1), "end": date(2024, 3, 3)}
    with get_client(sync_client=True) as client:
        created = client.create_flow_run(backfill, name=given, parameters=parameters)
        run_flow_sync(backfill, flow_run=created, parameters=parameters)
        assert client.read_flow_run(created.id).name == kept
