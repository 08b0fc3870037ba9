"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.errors import SeedFormatError
from connectors.history import (
    Fetched,
    HistoryPage,
    SitemapEntry,
    iter_feed_history,
    iter_sitemap_entries,
    parse_history_page,
    parse_sitemap,
    wordpress_page_url,
)
from connectors.records import Failure, RawDocument
from connectors.seeds import derive_title, iter_seed_documents, parse_published

__all__ = [
    "Failure",
    "Fetched",
    "HistoryPage",
    "RawDocument",
    "SeedFormatError",
    "SitemapEntry",
    "derive_title",
    "iter_feed_history",
    "iter_seed_documents",
    "iter_sitemap_entries",
    "parse_history_page",
    "parse_published",
    "parse_sitemap",
    "wordpress_page_url",
]
