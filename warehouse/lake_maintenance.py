"""Lake upkeep: compact the small files every commit leaves, expire old snapshots, drop their files.

Each merge and append commits its own small Parquet files (or inlines rows in the catalog),
and DuckLake keeps every snapshot for time travel. Left alone, reads slow down with the
file count and the data directory only grows. Maintenance runs on a schedule (the
``lake-maintenance`` deployment); it may run while writers commit: a step that loses to a
concurrent commit is retried.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.lake import CATALOG, retry_conflicts

KEEP_SNAPSHOTS = timedelta(days=7)  # time travel reaches this far back
KEEP_STAGED = timedelta(days=7)  # merged batches' payloads kept this long, for inspection

# Rows that DuckLake inlined in the catalog go to Parquet first, then small files merge.
_FLUSH = f"CALL ducklake_flush_inlined_data('{CATALOG}')"
_MERGE_FILES = f"CALL ducklake_merge_adjacent_files('{CATALOG}')"
_EXPIRE = f"CALL ducklake_expire_snapshots('{CATALOG}', older_than => ?::TIMESTAMPTZ)"
_CLEANUP = f"CALL ducklake_cleanup_old_files('{CATALOG}', older_than => ?::TIMESTAMPTZ)"
_DELETE_STAGED = """
DELETE FROM staged_batches
WHERE staged_at < ? AND batch_id IN (SELECT batch_id FROM load_batches)
"""


@dataclass(frozen=True, slots=True)
class MaintenanceStats:
    """What one maintenance pass did to the lake's data directory (raw pages left out)."""

    staged_deleted: int
    files_before: int
    files_after: int
    bytes_before: int
    bytes_after: int
    seconds: float


def maintain_lake(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: Path,
    now: datetime,
    keep_snapshots: timedelta = KEEP_SNAPSHOTS,
    keep_staged: timedelta = KEEP_STAGED,
    skip: frozenset[str] = frozenset({"raw"}),
) -> MaintenanceStats:
    """Delete old merged staging rows, compact files, expire snapshots, delete unused files.

    Args:
        con: a plain connection with the lake attached (no merge cursor: compaction does
            not change what the curated tables hold).
        data_dir: the lake's data directory, measured before and after.
        now: the current time (UTC).
        keep_snapshots: snapshots younger than this stay reachable by time travel.
        keep_staged: merged batches' staging rows younger than this stay.
        skip: folders of ``data_dir`` that are not the lake's (raw pages).
    """
    started = time.monotonic()
    files_before, bytes_before = _usage(data_dir, skip)
    deleted = retry_conflicts(lambda: _delete_staged(con, now - keep_staged))
    retry_conflicts(lambda: con.execute(_FLUSH).fetchall())
    retry_conflicts(lambda: con.execute(_MERGE_FILES).fetchall())
    # The files compaction replaced count as unused from now, after it ran.
    horizon = _utc(now + timedelta(seconds=time.monotonic() - started) - keep_snapshots)
    retry_conflicts(lambda: con.execute(_EXPIRE, [horizon]).fetchall())
    retry_conflicts(lambda: con.execute(_CLEANUP, [horizon]).fetchall())
    files_after, bytes_after = _usage(data_dir, skip)
    return MaintenanceStats(
        deleted,
        files_before,
        files_after,
        bytes_before,
        bytes_after,
        time.monotonic() - started,
    )


def _delete_staged(con: duckdb.DuckDBPyConnection, before: datetime) -> int:
    row = con.execute(_DELETE_STAGED, [before]).fetchone()
    return int(row[0]) if row else 0


def _utc(moment: datetime) -> str:
    return f"{moment.isoformat()}+00:00" if moment.tzinfo is None else moment.isoformat()


def _usage(folder: Path, skip: frozenset[str]) -> tuple[int, int]:
    files = 0
    size = 0
    for root, dirs, names in os.walk(folder):
        if Path(root) == folder:
            dirs[:] = [d for d in dirs if d not in skip]
        for name in names:
            files += 1
            size += (Path(root) / name).stat().st_size
    return files, size
