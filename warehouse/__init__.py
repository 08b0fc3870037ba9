"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, migrations
from warehouse.feeds import (
    SourceStatus,
    StoredPolls,
    enable_source,
    load_feed_polls,
    load_feed_schedules,
    select_due_feeds,
    select_feed_states,
    select_sources,
    sync_sources,
)
from warehouse.lake import is_lake_target
from warehouse.lake_maintenance import MaintenanceStats
from warehouse.lake_warehouse import LakeWarehouse
from warehouse.load import LoadCounts, load_batch
from warehouse.pages import select_due_pages
from warehouse.publish import PublishStats
from warehouse.query import (
    QueryRefused,
    QueryResult,
    WarehouseStatus,
    export_parquet,
    select_query,
    select_status,
)
from warehouse.raw import load_raw_rows, read_stored_pages, select_stored_pages
from warehouse.runs import fail_run, finish_run, start_run
from warehouse.spool import SpooledBatch
from warehouse.stories import load_article_extras
from warehouse.tags import (
    StoredArticle,
    load_tags,
    replace_tags,
    select_article_ids,
    select_stored_articles,
)
from warehouse.warehouse import LoadedBatch, Warehouse

__all__ = [
    "LakeWarehouse",
    "LoadCounts",
    "LoadedBatch",
    "MaintenanceStats",
    "PublishStats",
    "QueryRefused",
    "QueryResult",
    "SourceStatus",
    "SpooledBatch",
    "StoredArticle",
    "StoredPolls",
    "Warehouse",
    "WarehouseStatus",
    "apply_schema",
    "enable_source",
    "export_parquet",
    "fail_run",
    "finish_run",
    "is_lake_target",
    "load_article_extras",
    "load_batch",
    "load_feed_polls",
    "load_feed_schedules",
    "load_raw_rows",
    "load_tags",
    "migrations",
    "read_stored_pages",
    "replace_tags",
    "select_article_ids",
    "select_due_feeds",
    "select_due_pages",
    "select_feed_states",
    "select_query",
    "select_sources",
    "select_status",
    "select_stored_articles",
    "select_stored_pages",
    "start_run",
    "sync_sources",
]
