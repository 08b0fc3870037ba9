"""Real ``newsflow ingest`` processes writing one lake at once, a reader beside them, a SIGKILL.

Each process has its own private folder (its spool), as a worker on another machine would;
they share only the PostgreSQL catalog and the data directory. They also poll the feeds of
the repository's sources.yaml (unreachable here), so their feed writes meet too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prefect.settings import get_current_settings

from transforms import assign_stories
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = [pytest.mark.lake, pytest.mark.usefixtures("prefect_harness")]

NEWSFLOW = Path(sys.executable).with_name("newsflow")
BATCH = 4
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()


def _seed_text(number: int) -> str:
    """A seed article of its own (its own words, so stories stay apart), about AI regulation."""
    words = " ".join(WORDS[(number * 7 + i) % len(WORDS)] + str(number) for i in range(40))
    return (
        f"---\ntitle: Lab note {number}\nurl: https://example.org/notes/{number}\n"
        f"published: 2024-03-{1 + number % 28:02d}\n---\n"
        f"The EU AI Act sets rules for OpenAI and Meta, note {number}. {words}\n"
    )


def _seeds(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True)
    for number in numbers:
        (folder / f"note-{number:03d}.md").write_text(_seed_text(number), encoding="utf-8")
    return folder


def _env(lake_target: str, lake_data: Path, private: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSFLOW_"))}
    env.update(
        PREFECT_API_URL=str(get_current_settings().api.url),
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        NEWSFLOW_WAREHOUSE=lake_target,
        NEWSFLOW_LAKE_DATA=str(lake_data),
        NEWSFLOW_PRIVATE_DIR=str(private),
        NEWSFLOW_BATCH_SIZE=str(BATCH),
    )
    return env


def _ingest(env: dict[str, str], seeds: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(NEWSFLOW), "ingest", "--seeds", str(seeds)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group: a kill takes its worker processes too
    )


def _finish(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output
    return output


def _counts(lake: LakeWarehouse) -> dict[str, int]:
    with lake.reading() as con:
        row = con.execute(
            """
            SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT url) FROM articles),
                   (SELECT count(*) FROM load_batches WHERE articles > 0),
                   (SELECT count(DISTINCT batch_id) FROM load_batches WHERE articles > 0),
                   (SELECT count(*) FROM articles WHERE story_id IS NULL),
                   (SELECT count(*) FROM articles a WHERE NOT EXISTS (
                        SELECT 1 FROM article_topics t WHERE t.article_id = a.article_id)),
                   (SELECT count(*) FROM stories s WHERE s.articles <> (
                        SELECT count(*) FROM articles a WHERE a.story_id = s.story_id)),
                   (SELECT count(*) FROM runs WHERE status = 'completed')
            """
        ).fetchone()
    assert row is not None
    names = "articles urls batches distinct_batches storyless untagged bad_stories runs"
    return dict(zip(names.split(), row, strict=True))


class _Reader(threading.Thread):
    """Polls the lake read-only while writers commit; records what each snapshot showed."""

    def __init__(self, lake: LakeWarehouse) -> None:
        super().__init__(daemon=True)
        self.lake = lake
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.seen: list[tuple[int, int, int]] = []

    def run(self) -> None:
        with self.lake.reading() as con:
            while not self.stop.is_set():
                try:
                    con.execute("BEGIN TRANSACTION")
                    row = con.execute(
                        """
                        SELECT count(*), count(DISTINCT a.article_id),
                               count(*) FILTER (WHERE a.story_id IS NULL OR NOT EXISTS (
                                   SELECT 1 FROM article_links l
                                   WHERE l.article_id = a.article_id))
                        FROM articles a
                        """
                    ).fetchone()
                    con.execute("COMMIT")
                    assert row is not None
                    self.seen.append((int(row[0]), int(row[1]), int(row[2])))
                except Exception as error:  # what the test asserts never happens
                    self.errors.append(repr(error))
                    return
                time.sleep(0.2)


@pytest.fixture
def lake(lake_target: str, lake_data: Path, tmp_path: Path) -> LakeWarehouse:
    return LakeWarehouse(
        tmp_path / "reader.duckdb",
        target=lake_target,
        data_dir=lake_data,
        assign_stories=assign_stories,
    )


def test_two_ingests_at_once_on_overlapping_seeds_store_each_article_once_while_a_reader_polls(
    lake: LakeWarehouse, lake_target: str, lake_data: Path, tmp_path: Path
) -> None:
    first = _seeds(tmp_path / "seeds-a", range(24))
    second = _seeds(tmp_path / "seeds-b", range(12, 36))
    envs = [
        _env(lake_target, lake_data, tmp_path / f"worker-{n}", tmp_path / f"home-{n}")
        for n in range(2)
    ]
    with lake.writing():
        pass  # the lake exists before the reader attaches it
    reader = _Reader(lake)
    reader.start()
    try:
        processes = [_ingest(envs[0], first), _ingest(envs[1], second)]
        for process in processes:
            _finish(process)
    finally:
        reader.stop.set()
        reader.join(timeout=60)

    counts = _counts(lake)
    assert counts == {
        "articles": 36,
        "urls": 36,
        "batches": 12,
        "distinct_batches": 12,
        "storyless": 0,
        "untagged": 0,
        "bad_stories": 0,
        "runs": 2,
    }
    assert reader.errors == []
    assert len(reader.seen) > 3
    # Every snapshot: no article twice, none without its story and links (a half merge).
    assert all(total == distinct and partial == 0 for total, distinct, partial in reader.seen)
    assert reader.seen[-1][0] == 36


def test_a_writer_killed_mid_run_then_rerun_stores_every_article_once(
    lake: LakeWarehouse, lake_target: str, lake_data: Path, tmp_path: Path
) -> None:
    seeds = _seeds(tmp_path / "seeds", range(24))
    env = _env(lake_target, lake_data, tmp_path / "worker", tmp_path / "home")
    killed = _ingest(env, seeds)
    deadline = time.monotonic() + 300
    with lake.writing():
        pass
    while _counts(lake)["batches"] < 1:
        assert killed.poll() is None, killed.communicate()[0]
        assert time.monotonic() < deadline, "no batch merged within 300 s"
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert _counts(lake)["batches"] < 6  # it died with batches left to load

    _finish(_ingest(env, seeds))
    after_rerun = _counts(lake)
    _finish(_ingest(env, seeds))  # a rerun changes nothing but adds its own batches

    # The killed run's 6 batches (merged before the kill, or left in its spool and merged by
    # the rerun) and the rerun's 6, each merged once; every article once.
    assert after_rerun == {
        "articles": 24,
        "urls": 24,
        "batches": 12,
        "distinct_batches": 12,
        "storyless": 0,
        "untagged": 0,
        "bad_stories": 0,
        "runs": 1,
    }
    assert _counts(lake) == {**after_rerun, "batches": 18, "distinct_batches": 18, "runs": 2}
    # Its lock on the catalog went with its session, so the rerun found it dead.
    with lake.reading() as con:
        statuses = sorted(row[0] for row in con.execute("SELECT status FROM runs").fetchall())
    assert statuses == ["completed", "completed", "crashed"]
