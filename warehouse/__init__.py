"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.load import LoadCounts, finish_run, load_batch, start_run
from warehouse.publish import PublishStats, publish_snapshot
from warehouse.query import (
    QueryResult,
    WarehouseStatus,
    connect_snapshot,
    export_parquet,
    fetch_query,
    fetch_status,
)
from warehouse.spool import SpooledBatch, list_spooled, load_spooled, read_spooled, spool_batch

__all__ = [
    "LoadCounts",
    "PublishStats",
    "QueryResult",
    "SpooledBatch",
    "WarehouseStatus",
    "apply_schema",
    "connect_snapshot",
    "connect_warehouse",
    "export_parquet",
    "fetch_query",
    "fetch_status",
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
