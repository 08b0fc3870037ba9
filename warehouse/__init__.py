"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.feeds import (
    SourceStatus,
    enable_source,
    list_sources,
    load_feed_polls,
    select_due_feeds,
    sync_sources,
)
from warehouse.load import LoadCounts, finish_run, load_batch, start_run
from warehouse.writer_lock import hold_writer_lock, lock_path_for

__all__ = [
    "LoadCounts",
    "SourceStatus",
    "apply_schema",
    "connect_warehouse",
    "enable_source",
    "finish_run",
    "hold_writer_lock",
    "list_sources",
    "load_batch",
    "load_feed_polls",
    "lock_path_for",
    "migrations",
    "select_due_feeds",
    "start_run",
    "sync_sources",
]
