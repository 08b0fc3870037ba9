"""Warehouse: the DuckDB schema, migrations, loads and queries. The only place with SQL."""

from warehouse.db import apply_schema, connect_warehouse, migrations
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
    "StoredArticle",
    "apply_schema",
    "connect_warehouse",
    "fetch_stored_articles",
    "finish_run",
    "load_batch",
    "load_candidates",
    "migrations",
    "replace_tags",
    "select_article_ids",
    "start_run",
]
