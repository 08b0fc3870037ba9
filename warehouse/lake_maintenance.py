"""Lake upkeep: compact the small files every commit leaves, expire old snapshots, drop their files.

Each merge and append commits its own small Parquet files (or inlines rows in the catalog),
and DuckLake keeps every snapshot for time travel. Left alone, reads slow down with the
file count and the data directory only grows. Maintenance runs on a schedule (the
``maintain-warehouse`` deployment); it may run while writers commit: a step that loses to a
concurrent commit is retried.

DuckLake deletes no file when it stops being reachable: compaction and expiry *schedule* it
for deletion (``ducklake_files_scheduled_for_deletion``, stamped with the time of scheduling),
and ``ducklake_cleanup_old_files(older_than => t)`` deletes those scheduled before ``t``. So
the cleanup's horizon is a grace after scheduling (``cleanup_grace``), not the time-travel
window: with the window as horizon, the files the same pass unlinked waited a whole window
more (the 4-process smoke run of ``bench/lake.py`` went from 57 to 98 files).

Our merges upsert (articles re-extracted, page states, the one-row merge cursor every write
updates), so most files carry a delete file, and ``ducklake_merge_adjacent_files`` leaves such
files alone: flushing and merging alone made the current snapshot read more files (990 pages:
248 -> 404). Files with deleted rows are rewritten first (``REWRITE_DELETE_THRESHOLD``), then
merged.
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
# A file no snapshot reaches any more is deleted once it has been unreachable this long: a
# query that began before (an analyst's, a merge's read) may still be scanning it. An hour is
# far beyond any query or merge measured (a 200-article merge: 45-91 s on a loaded machine)
# and, for a nightly pass, costs nothing: the next pass deletes what this one unlinked.
CLEANUP_GRACE = timedelta(hours=1)
# A data file whose deleted share of rows reaches this is rewritten without them (its delete
# file goes too), so that compaction can merge it. A file with any deletes costs a read two
# files, and merge_adjacent_files never merges it; rewriting costs the file's live rows once a
# night. DuckLake's default, 0.95, left nearly every upserted file as it was; 0.5 still left
# the articles' (a small re-loaded lake: 21 -> 14 live files, against 9 with 0.1 or 0.0).
REWRITE_DELETE_THRESHOLD = 0.1

# Rows that DuckLake inlined in the catalog go to Parquet first, files with deleted rows are
# rewritten without them, then small files merge.
_FLUSH = f"CALL ducklake_flush_inlined_data('{CATALOG}')"
_REWRITE = f"CALL ducklake_rewrite_data_files('{CATALOG}', delete_threshold => ?::DOUBLE)"
_MERGE_FILES = f"CALL ducklake_merge_adjacent_files('{CATALOG}')"
_EXPIRE = f"CALL ducklake_expire_snapshots('{CATALOG}', older_than => ?::TIMESTAMPTZ)"
_CLEANUP = f"CALL ducklake_cleanup_old_files('{CATALOG}', older_than => ?::TIMESTAMPTZ)"
_CLEANUP_ALL = f"CALL ducklake_cleanup_old_files('{CATALOG}', cleanup_all => true)"
# The files the current snapshot reads: data and delete files not yet ended, of live tables.
_METADATA = f"__ducklake_metadata_{CATALOG}"
_LIVE_FILES = f"""
SELECT count(*), coalesce(sum(file_size_bytes), 0)
FROM (
    SELECT table_id, file_size_bytes FROM {_METADATA}.ducklake_data_file
    WHERE end_snapshot IS NULL
    UNION ALL
    SELECT table_id, file_size_bytes FROM {_METADATA}.ducklake_delete_file
    WHERE end_snapshot IS NULL
) AS f
WHERE EXISTS (
    SELECT 1 FROM {_METADATA}.ducklake_table AS t
    WHERE t.table_id = f.table_id AND t.end_snapshot IS NULL
)
"""
# Rows of live tables that DuckLake inlined in the catalog: no file holds them until a flush.
_INLINED_TABLES = f"""
SELECT i.table_name FROM {_METADATA}.ducklake_inlined_data_tables AS i
WHERE EXISTS (
    SELECT 1 FROM {_METADATA}.ducklake_table AS t
    WHERE t.table_id = i.table_id AND t.end_snapshot IS NULL
)
"""
_DELETE_STAGED = """
DELETE FROM staged_batches
WHERE staged_at < ? AND batch_id IN (SELECT batch_id FROM load_batches)
"""


@dataclass(frozen=True, slots=True)
class MaintenanceStats:
    """What one maintenance pass did to the lake's data directory (raw pages left out).

    ``files_*``/``bytes_*`` are on disk; ``live_*`` are the files the current snapshot reads
    (the catalog's count): the rest is time travel and files awaiting deletion. Rows DuckLake
    inlined in the catalog are in no file: ``inlined_rows_*`` counts them, and a pass that
    flushes them can read more bytes after than ``live_bytes_before`` says it read before.
    """

    staged_deleted: int
    files_before: int
    files_after: int
    bytes_before: int
    bytes_after: int
    live_files_before: int
    live_files_after: int
    live_bytes_before: int
    live_bytes_after: int
    inlined_rows_before: int
    inlined_rows_after: int
    seconds: float


def maintain_lake(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: Path,
    now: datetime,
    keep_snapshots: timedelta = KEEP_SNAPSHOTS,
    keep_staged: timedelta = KEEP_STAGED,
    cleanup_grace: timedelta = CLEANUP_GRACE,
    skip: frozenset[str] = frozenset({"raw"}),
) -> MaintenanceStats:
    """Delete old merged staging rows, compact files, expire snapshots, delete unused files.

    Compaction flushes inlined rows to Parquet, rewrites files with at least
    ``REWRITE_DELETE_THRESHOLD`` of their rows deleted, then merges adjacent small files.

    Args:
        con: a plain connection with the lake attached (no merge cursor: compaction does
            not change what the curated tables hold).
        data_dir: the lake's data directory, measured before and after.
        now: the current time (UTC).
        keep_snapshots: snapshots younger than this stay reachable by time travel.
        keep_staged: merged batches' staging rows younger than this stay.
        cleanup_grace: files no snapshot reaches are deleted once unreachable this long
            (those this pass unlinks too, when zero: then a query still reading them fails).
        skip: folders of ``data_dir`` that are not the lake's (raw pages).
    """
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    files_before, bytes_before = _usage(data_dir, skip)
    live_files_before, live_bytes_before = _live_files(con)
    inlined_before = _inlined_rows(con)
    deleted = retry_conflicts(lambda: _delete_staged(con, now - keep_staged))
    retry_conflicts(lambda: con.execute(_FLUSH).fetchall())
    retry_conflicts(lambda: con.execute(_REWRITE, [REWRITE_DELETE_THRESHOLD]).fetchall())
    retry_conflicts(lambda: con.execute(_MERGE_FILES).fetchall())
    # The snapshots compaction just committed count from now, after it ran.
    horizon = _utc(clock() - keep_snapshots)
    retry_conflicts(lambda: con.execute(_EXPIRE, [horizon]).fetchall())
    if cleanup_grace > timedelta(0):
        scheduled_before = _utc(clock() - cleanup_grace)
        retry_conflicts(lambda: con.execute(_CLEANUP, [scheduled_before]).fetchall())
    else:  # every scheduled file, whatever clock stamped its scheduling
        retry_conflicts(lambda: con.execute(_CLEANUP_ALL).fetchall())
    files_after, bytes_after = _usage(data_dir, skip)
    live_files_after, live_bytes_after = _live_files(con)
    inlined_after = _inlined_rows(con)
    return MaintenanceStats(
        staged_deleted=deleted,
        files_before=files_before,
        files_after=files_after,
        bytes_before=bytes_before,
        bytes_after=bytes_after,
        live_files_before=live_files_before,
        live_files_after=live_files_after,
        live_bytes_before=live_bytes_before,
        live_bytes_after=live_bytes_after,
        inlined_rows_before=inlined_before,
        inlined_rows_after=inlined_after,
        seconds=time.monotonic() - started,
    )


def _live_files(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    row = con.execute(_LIVE_FILES).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _inlined_rows(con: duckdb.DuckDBPyConnection) -> int:
    rows = 0
    for (table,) in con.execute(_INLINED_TABLES).fetchall():
        # A catalog table name, not a value: it cannot be a parameter.
        query = f"SELECT count(*) FROM {_METADATA}.{table} WHERE end_snapshot IS NULL"
        row = con.execute(query).fetchone()
        rows += int(row[0]) if row else 0
    return rows


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
