"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.errors import FeedError, FetchError, SeedFormatError, SourcesError
from connectors.feeds import parse_feed
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
from connectors.pages import fetch_pages
from connectors.polling import fetch_feeds
from connectors.records import (
    Failure,
    FeedItem,
    FeedPoll,
    FeedState,
    PageRequest,
    ParsedFeed,
    RawDocument,
    Source,
)
from connectors.refetch import HistoryPages, find_history_pages
from connectors.schedule import plan_next_polls
from connectors.seeds import iter_seed_documents, parse_published
from connectors.sources import load_sources, parse_sources

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
    "plan_next_polls",
    "wordpress_page_url",
]
