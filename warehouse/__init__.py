"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
from warehouse.load import LoadCounts, finish_run, load_batch, start_run
from warehouse.raw import iter_stored_pages, load_raw_rows, raw_store_for, store_raw_files
from warehouse.reprocess import reprocess_stored_pages
from warehouse.stories import load_article_extras

__all__ = [
    "LoadCounts",
    "apply_schema",
    "connect_warehouse",
    "finish_run",
    "iter_stored_pages",
    "load_article_extras",
    "load_batch",
    "load_raw_rows",
    "migrations",
    "raw_store_for",
    "reprocess_stored_pages",
    "start_run",
    "store_raw_files",
]
