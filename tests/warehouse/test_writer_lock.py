"""The single-writer lock across real processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.writer_lock import hold_writer_lock

HOLDER = """
import sys, time
from pathlib import Path
from warehouse.writer_lock import hold_writer_lock
with hold_writer_lock(Path(sys.argv[1]), timeout_seconds=5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    print("leaving", flush=True)
"""


def _holder(db: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_second_process_waits_for_the_first_to_leave(db_path: Path) -> None:
    holder = _holder(db_path, 0.5)
    with hold_writer_lock(db_path, timeout_seconds=10):
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "leaving"  # it was done before we got in
    holder.wait()


def test_waiting_too_long_names_the_lock_file(db_path: Path) -> None:
    holder = _holder(db_path, 5)
    try:
        with pytest.raises(TimeoutError, match=str(db_path)):
            with hold_writer_lock(db_path, timeout_seconds=0.2):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_no_stale_lock(db_path: Path) -> None:
    holder = _holder(db_path, 30)
    holder.kill()
    holder.wait()
    started = time.monotonic()
    with hold_writer_lock(db_path, timeout_seconds=5):
        assert time.monotonic() - started < 5
