"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.addresses import parse_networks
from connectors.clock import utcnow
from connectors.errors import SourcesError
from connectors.http import HttpPolicy
from connectors.local_feed import serve_folder
from connectors.pages import fetch_pages
from connectors.polling import fetch_feeds
from connectors.records import Failure, FeedPoll, FeedState, PageRequest, RawDocument, Source
from connectors.redact import redact_text
from connectors.refetch import HistoryPages, fetch_history_pages
from connectors.schedule import plan_next_polls
from connectors.seeds import SEED_SOURCE, iter_seed_documents
from connectors.sources import read_sources
from connectors.stream import PageStream

__all__ = [
    "Failure",
    "FeedPoll",
    "FeedState",
    "HistoryPages",
    "HttpPolicy",
    "PageRequest",
    "PageStream",
    "RawDocument",
    "SEED_SOURCE",
    "Source",
    "SourcesError",
    "fetch_feeds",
    "fetch_history_pages",
    "fetch_pages",
    "iter_seed_documents",
    "parse_networks",
    "plan_next_polls",
    "read_sources",
    "redact_text",
    "serve_folder",
    "utcnow",
]
