"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.load import LoadCounts, finish_run, load_batch, start_run
from warehouse.publish import PublishStats, publish_snapshot
from warehouse.spool import SpooledBatch, list_spooled, load_spooled, read_spooled, spool_batch

__all__ = [
    "LoadCounts",
    "PublishStats",
    "SpooledBatch",
    "apply_schema",
    "connect_warehouse",
    "finish_run",
    "list_spooled",
    "load_batch",
    "load_spooled",
    "migrations",
    "publish_snapshot",
    "read_spooled",
    "spool_batch",
    "start_run",
]
