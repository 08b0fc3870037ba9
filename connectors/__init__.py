"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.errors import FeedError, FetchError, SeedFormatError, SourcesError
from connectors.feeds import FeedItem, ParsedFeed, parse_feed
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
from connectors.http import FetchedResponse, GuardedClient, HttpPolicy, fetch, make_client
from connectors.pages import PageRequest, fetch_pages
from connectors.polling import FeedPoll, FeedState, fetch_feeds
from connectors.records import Failure, RawDocument
from connectors.refetch import HistoryPages, find_history_pages
from connectors.seeds import iter_seed_documents, parse_published
from connectors.sources import Source, load_sources, parse_sources

__all__ = [
    "Failure",
    "FeedError",
    "FeedItem",
    "FeedPoll",
    "FeedState",
    "FetchError",
    "Fetched",
    "FetchedResponse",
    "GuardedClient",
    "HistoryPage",
    "HistoryPages",
    "HttpPolicy",
    "PageRequest",
    "ParsedFeed",
    "RawDocument",
    "SeedFormatError",
    "SitemapEntry",
    "Source",
    "SourcesError",
    "fetch",
    "fetch_feeds",
    "fetch_pages",
    "find_history_pages",
    "iter_feed_history",
    "iter_seed_documents",
    "iter_sitemap_entries",
    "load_sources",
    "make_client",
    "parse_feed",
    "parse_history_page",
    "parse_published",
    "parse_sitemap",
    "parse_sources",
    "wordpress_page_url",
]
