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
from warehouse.tags import (
    StoredArticle,
    fetch_stored_articles,
    load_candidates,
    replace_tags,
    select_article_ids,
)

__all__ = [
    "LoadCounts",
    "SourceStatus",
    "StoredArticle",
    "apply_schema",
    "connect_warehouse",
    "enable_source",
    "fetch_stored_articles",
    "finish_run",
    "list_sources",
    "load_batch",
    "load_candidates",
    "load_feed_polls",
    "migrations",
    "replace_tags",
    "select_article_ids",
    "select_due_feeds",
    "start_run",
    "sync_sources",
]
