"""Another process in the writer's turn, for tests of the writers that must wait for it."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from warehouse import Warehouse

# Holds the writer turn the way another newsflow process does, with the private database open
# for writing (so a writer that skipped the turn would meet DuckDB's lock), until told to go.
HOLDER = """
import sys
from pathlib import Path
import duckdb
from warehouse.writer_lock import hold_writer_lock
with hold_writer_lock(Path(sys.argv[1]), timeout_seconds=5):
    con = duckdb.connect(sys.argv[2])
    print("holding", flush=True)
    sys.stdin.readline()
    con.close()
    print("leaving", flush=True)
"""


@contextmanager
def turn_held_elsewhere(warehouse: Warehouse) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the writer turn and the private database until it is released."""
    warehouse.write_db.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse.lock_file), str(warehouse.write_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    try:
        yield holder
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=30)


@contextmanager
def released_after(holder: subprocess.Popen[str], seconds: float) -> Iterator[None]:
    """Release the holder ``seconds`` into the block, from a thread, while the block waits."""

    def release() -> None:
        time.sleep(seconds)
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()

    thread = threading.Thread(target=release)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    assert holder.stdout is not None and holder.stdout.readline() == "leaving\n"
