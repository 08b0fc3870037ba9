"""A full disk during a load: said in one line, the run fails, nothing committed is lost.

The real case needs a small file system: the private database goes on a 16 MiB tmpfs
(mounting one needs root, else that test is skipped), filled up to a few hundred KiB, so
the next load's commit cannot write its WAL. The spool is a symlink to the ordinary disk,
so the batch is staged and the disk fills during the load itself. The classification of
the error is also tested portably, on a real ENOSPC from writing to /dev/full.
"""

from __future__ import annotations

import errno
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.cli_runs import failure_line
from tests.flows.test_crashed_runs import NEWSFLOW, cli_env
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _seed(folder: Path, name: str, words: int) -> None:
    folder.mkdir(exist_ok=True)
    rng = random.Random(name)
    text = " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(words)
    )
    (folder / f"{name}.txt").write_text(f"---\ntitle: {name}\n---\n{text}\n", encoding="utf-8")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _ingest(
    tmp_path: Path, db: Path, seeds: Path, private: Path
) -> subprocess.CompletedProcess[str]:
    env = cli_env(tmp_path)
    env["NEWSFLOW_PRIVATE_DIR"] = str(private)
    return subprocess.run(
        [str(NEWSFLOW), "ingest", "--db", str(db), "--seeds", str(seeds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _fill(disk: Path, leave: int) -> Path:
    """Fill the file system up to ``leave`` free bytes with one file."""
    stats = os.statvfs(disk)
    filler = disk / "filler"
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return filler


def _count(path: Path, sql: str) -> object:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(sql).fetchone()
    return row[0] if row else None


def test_a_full_disk_during_a_load_is_said_and_loses_nothing(
    tmp_path: Path, small_disk: Path
) -> None:
    db = tmp_path / "data" / "news.duckdb"
    private = small_disk / "private"
    spool = tmp_path / "spool"
    spool.mkdir()
    private.mkdir()
    (private / "spool").symlink_to(spool)
    _seed(tmp_path / "first", "first", 300)
    assert _ingest(tmp_path, db, tmp_path / "first", private).returncode == 0

    filler = _fill(small_disk, leave=256 * 1024)
    _seed(tmp_path / "big", "big", 100_000)  # 700 KB of text: its WAL cannot fit
    full = _ingest(tmp_path, db, tmp_path / "big", private)
    assert full.returncode == 1
    [line] = [line for line in full.stderr.splitlines() if line.startswith("newsflow: ingest")]
    assert line.startswith("newsflow: ingest failed: no space left on device: ")
    assert "cannot rollback" not in full.stderr
    assert len(list(spool.glob("*.json*"))) == 1  # the batch stays staged

    write_db = Warehouse(db, private_dir=private).write_db
    filler.unlink()
    assert _count(write_db, "SELECT count(*) FROM articles") == 1  # the first run's article
    assert _count(db, "SELECT count(*) FROM articles") == 1  # the snapshot: the first run's
    assert _count(write_db, "SELECT count(*) FROM runs WHERE status = 'completed'") == 1

    again = _ingest(tmp_path, db, tmp_path / "first", private)
    assert again.returncode == 0, again.stderr
    assert _count(db, "SELECT count(*) FROM articles") == 2  # the staged batch is loaded
    statuses = _count(db, "SELECT list(status ORDER BY started_at) FROM runs")
    assert statuses in (["completed", "failed", "completed"], ["completed", "crashed", "completed"])


def test_a_real_enospc_is_named_in_one_line() -> None:
    with pytest.raises(OSError) as caught:
        with open("/dev/full", "wb", buffering=0) as full:
            full.write(b"x")
    assert caught.value.errno == errno.ENOSPC
    assert failure_line("ingest", caught.value) == (
        "newsflow: ingest failed: no space left on device: [Errno 28] No space left on device"
    )
    duckdb_words = duckdb.TransactionException(
        'TransactionContext Error: Failed to commit: Could not write file "w.wal": '
        "No space left on device"
    )
    assert failure_line("ingest", duckdb_words).startswith(
        "newsflow: ingest failed: no space left on device: TransactionContext Error"
    )
    locked = duckdb.IOException('IO Error: Could not set lock on file "w.duckdb"')
    assert failure_line("ingest", locked) == (
        'newsflow: ingest failed: IO Error: Could not set lock on file "w.duckdb"'
    )
