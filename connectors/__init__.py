"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.errors import FeedError, FetchError, SeedFormatError, SourcesError
from connectors.feeds import FeedItem, ParsedFeed, parse_feed
from connectors.http import FetchedResponse, GuardedClient, HttpPolicy, fetch, make_client
from connectors.pages import PageRequest, decode_html, fetch_pages
from connectors.polling import FeedPoll, FeedState, fetch_feeds
from connectors.records import Failure, RawDocument
from connectors.seeds import derive_title, iter_seed_documents, parse_published
from connectors.sources import Source, load_sources, parse_sources

__all__ = [
    "Failure",
    "FeedError",
    "FeedItem",
    "FeedPoll",
    "FeedState",
    "FetchError",
    "FetchedResponse",
    "GuardedClient",
    "HttpPolicy",
    "PageRequest",
    "ParsedFeed",
    "RawDocument",
    "SeedFormatError",
    "Source",
    "SourcesError",
    "decode_html",
    "derive_title",
    "fetch",
    "fetch_feeds",
    "fetch_pages",
    "iter_seed_documents",
    "load_sources",
    "make_client",
    "parse_feed",
    "parse_published",
    "parse_sources",
]
