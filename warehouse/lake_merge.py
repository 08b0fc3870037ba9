"""Writes to the lake without a global lock: writers append staged batches, a merge deduplicates.

Any number of processes, on any machines, append each spooled batch to ``staged_batches`` in
one transaction: appends never conflict in DuckLake. The merge then loads every staged batch
not yet in ``load_batches`` into the curated tables with the embedded warehouse's own
``load_batch`` (upserts keyed on the article, tags replaced, stories assigned, page states
moved) and records the batch in ``load_batches`` in the same transaction. Merges may run in
several processes at once: each of their transactions updates ``merge_cursor`` (see
:class:`warehouse.lake.LakeConnection`), so of two concurrent merges one commits and the
other is rolled back and retried, and then finds the batch merged. Uniqueness of articles,
tags and stories therefore holds as in the embedded warehouse, without PRIMARY KEYs.

A writer killed before its append committed leaves its spool file, appended by the next run;
one killed after the commit but before deleting the file appends the batch twice, and the
merge takes one copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb

from warehouse.lake import LakeConnection, retry_conflicts
from warehouse.load import LoadCounts, load_batch
from warehouse.spool import SpooledBatch, parse_spooled
from warehouse.stories import AssignStories

_STAGE = "INSERT INTO staged_batches VALUES (?, ?, ?, ?, ?, ?, ?)"
_PENDING = """
SELECT batch_id FROM staged_batches
WHERE batch_id NOT IN (SELECT batch_id FROM load_batches)
GROUP BY batch_id
ORDER BY min(spooled_at), batch_id
"""
_PAYLOAD = "SELECT payload FROM staged_batches WHERE batch_id = ? ORDER BY staged_at LIMIT 1"


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What one merge did: batches it found pending, their counts, conflicts it retried."""

    batches: int = 0
    counts: LoadCounts = LoadCounts()
    conflicts: int = 0


def stage_spooled(con: duckdb.DuckDBPyConnection, path: Path, *, now: datetime) -> str:
    """Append one spool file to ``staged_batches`` in one transaction, then delete the file.

    Args:
        con: a plain lake connection (appends need no merge cursor).
        path: the spool file.
        now: the staging time (UTC).

    Returns:
        The batch id.

    Raises:
        ValueError: the file is not a readable spool file (it is left in place).
    """
    text = path.read_text(encoding="utf-8")
    batch = parse_spooled(text, origin=str(path))
    row = [
        batch.batch_id,
        batch.run_id,
        batch.spooled_at,
        now,
        len(batch.tagged),
        len(batch.failures),
        text,
    ]
    retry_conflicts(lambda: con.execute(_STAGE, row))
    path.unlink(missing_ok=True)
    return batch.batch_id


def merge_staged(
    lake: LakeConnection, *, now: Callable[[], datetime], assign_stories: AssignStories
) -> MergeResult:
    """Merge every staged batch not yet merged, oldest first, one transaction each.

    Args:
        lake: a lake connection (its write transactions take the merge cursor).
        now: the clock (UTC), read once per batch.
        assign_stories: decides the stories of new and changed articles.
    """
    con = lake.as_duckdb()
    pending = [row[0] for row in lake.raw.execute(_PENDING).fetchall()]
    counts = LoadCounts()
    conflicts = 0

    def count_conflict() -> None:
        nonlocal conflicts
        conflicts += 1

    for batch_id in pending:
        row = lake.raw.execute(_PAYLOAD, [batch_id]).fetchone()
        if row is None:
            continue
        batch = parse_spooled(str(row[0]), origin=f"staged batch {batch_id}")
        merge = partial(_merge_one, con, batch, now, assign_stories)
        counts += retry_conflicts(merge, on_conflict=count_conflict)
    return MergeResult(len(pending), counts, conflicts)


def _merge_one(
    con: duckdb.DuckDBPyConnection,
    batch: SpooledBatch,
    now: Callable[[], datetime],
    assign_stories: AssignStories,
) -> LoadCounts:
    """One batch in one transaction; nothing when another merge recorded it first."""
    return load_batch(
        con,
        run_id=batch.run_id,
        tagged=batch.tagged,
        failures=batch.failures,
        now=now(),
        batch_id=batch.batch_id,
        spooled_at=batch.spooled_at,
        raw=batch.raw,
        assign_stories=assign_stories,
    )
