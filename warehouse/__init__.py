"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.load import LoadCounts, finish_run, load_batch, start_run

__all__ = [
    "LoadCounts",
    "apply_schema",
    "connect_warehouse",
    "finish_run",
    "load_batch",
    "migrations",
    "start_run",
]
