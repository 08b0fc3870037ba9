"""Publishing the analysts' snapshot: a consistent copy of the private database, swapped in.

DuckDB lets one process hold a file for writing while every other process, readers
included, is refused. So the flows write a private database that nobody else opens, and
after their loads they publish a copy of it where analysts look (``NEWSFLOW_DB``). The copy
is made while holding the private database (no writer can change it meanwhile), right after
a checkpoint (so the file alone holds every committed row), checked by opening it, and then
renamed over the old snapshot. A rename is atomic: a new connection sees the old snapshot or
the new one, never a mix, and a connection already open keeps reading the old file, which
the operating system keeps alive until that connection closes. Nothing an analyst holds can
make a publish fail, and a publish never disturbs an open session.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import connect_warehouse
from warehouse.files import fsync_file, replace_durably

_CHECK = "SELECT max(version) FROM _migrations"


@dataclass(frozen=True, slots=True)
class PublishStats:
    """What one publish cost: the snapshot's size and the wall time of the whole step."""

    snapshot: Path
    bytes: int
    seconds: float
    schema_version: int


def publish_snapshot(write_db: Path, snapshot: Path, *, lock_wait: float = 0.0) -> PublishStats:
    """Atomically replace ``snapshot`` with a consistent copy of ``write_db``.

    Args:
        write_db: the flows' private database.
        snapshot: the analysts' database (created if missing, replaced otherwise).
        lock_wait: seconds to wait for another process that holds ``write_db``.

    Raises:
        duckdb.Error: the private database is locked by another process, or the copy
            does not open; the old snapshot is then left as it was.
        OSError: the copy cannot be written (disk full); the old snapshot is left as it was.
    """
    started = time.perf_counter()
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    partial = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.partial")
    con = connect_warehouse(
        write_db, lock_wait=lock_wait
    )  # held until the rename: publishes never interleave
    try:
        con.execute("CHECKPOINT")
        for stale in snapshot.parent.glob(f".{snapshot.name}.*.partial"):
            stale.unlink(missing_ok=True)  # left by a publish that was killed
        shutil.copyfile(write_db, partial)
        fsync_file(partial)
        version = _check_snapshot(partial)
        # A WAL beside the snapshot can only come from someone who wrote into it; DuckDB
        # would refuse to open the new file with it ("WAL does not match database file").
        Path(f"{snapshot}.wal").unlink(missing_ok=True)
        replace_durably(partial, snapshot)
    finally:
        con.close()
        partial.unlink(missing_ok=True)
    return PublishStats(
        snapshot=snapshot,
        bytes=snapshot.stat().st_size,
        seconds=time.perf_counter() - started,
        schema_version=version,
    )


def _check_snapshot(path: Path) -> int:
    """Open the copy as an analyst would; a copy DuckDB cannot read is never published."""
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(_CHECK).fetchone()
    if row is None or row[0] is None:
        raise duckdb.IOException(f"{path}: the copy holds no schema version")
    return int(row[0])
