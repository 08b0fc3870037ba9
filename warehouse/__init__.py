"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.load import LoadCounts, finish_run, load_batch, start_run
from warehouse.writer_lock import hold_writer_lock, lock_path_for

__all__ = [
    "LoadCounts",
    "apply_schema",
    "connect_warehouse",
    "finish_run",
    "hold_writer_lock",
    "load_batch",
    "lock_path_for",
    "migrations",
    "start_run",
]
