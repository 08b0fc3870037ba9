"""Warehouse upkeep on a schedule: the lake's small files compacted, its old snapshots expired.

Every merge on the lake commits small files and a snapshot kept for time travel; this flow
(the ``maintain-warehouse`` deployment, nightly) compacts them and drops what is older than
the time-travel window. The embedded warehouse needs none: each publish writes a fresh file.
"""

from __future__ import annotations

from datetime import timedelta

from prefect import flow

from flows.reporting import run_logger
from flows.settings import load_settings, warehouse_for
from warehouse import MaintenanceStats


@flow(name="maintain-warehouse", log_prints=True)
def maintain_warehouse(
    keep_snapshot_days: float = 7.0,
    keep_staged_days: float = 7.0,
    cleanup_grace_minutes: float = 60.0,
) -> MaintenanceStats | None:
    """Compact the warehouse's files and expire snapshots older than ``keep_snapshot_days``.

    Args:
        keep_snapshot_days: how far back time travel (``AT (VERSION => n)``) still reaches.
        keep_staged_days: how long merged batches' staging rows are kept for inspection.
        cleanup_grace_minutes: a file no snapshot reaches any more is deleted once it has
            been unreachable this long (queries that began before may still read it).
    """
    warehouse = warehouse_for(load_settings())
    stats = warehouse.maintain(
        keep_snapshots=timedelta(days=keep_snapshot_days),
        keep_staged=timedelta(days=keep_staged_days),
        cleanup_grace=timedelta(minutes=cleanup_grace_minutes),
    )
    logger = run_logger()
    if stats is None:
        logger.info("maintain-warehouse: nothing to do for the embedded warehouse")
        return None
    logger.info(
        f"maintain-warehouse: {stats.files_before} -> {stats.files_after} files, "
        f"{stats.bytes_before:,} -> {stats.bytes_after:,} bytes on disk; the current snapshot "
        f"reads {stats.live_files_after} files, {stats.live_bytes_after:,} bytes "
        f"({stats.inlined_rows_after} rows inlined in the catalog); "
        f"{stats.staged_deleted} merged staging rows deleted, {stats.seconds:.1f} s"
    )
    return stats


if __name__ == "__main__":
    maintain_warehouse()
