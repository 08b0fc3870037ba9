"""Connectors turn the outside world (seed files, feeds, pages) into records.

The names below load with their module on first use (PEP 562; mypy reads the imports under
TYPE_CHECKING): extraction workers import only ``connectors.records`` and
``connectors.settings``, and would otherwise carry the HTTP and feed stack (httpx, feedparser:
~11 MB and ~280 more modules in each worker and in the forkserver) for nothing.
transforms/__init__.py is lazy the same way, for the warehouse; tests/test_public_api.py holds
both to it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.addresses import parse_networks
    from connectors.client import HttpPolicy
    from connectors.clock import utcnow
    from connectors.errors import SourcesError
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

_MODULE_OF = {
    "Failure": "connectors.records",
    "FeedPoll": "connectors.records",
    "FeedState": "connectors.records",
    "HistoryPages": "connectors.refetch",
    "HttpPolicy": "connectors.client",
    "PageRequest": "connectors.records",
    "PageStream": "connectors.stream",
    "RawDocument": "connectors.records",
    "SEED_SOURCE": "connectors.seeds",
    "Source": "connectors.records",
    "SourcesError": "connectors.errors",
    "fetch_feeds": "connectors.polling",
    "fetch_history_pages": "connectors.refetch",
    "fetch_pages": "connectors.pages",
    "iter_seed_documents": "connectors.seeds",
    "parse_networks": "connectors.addresses",
    "plan_next_polls": "connectors.schedule",
    "read_sources": "connectors.sources",
    "redact_text": "connectors.redact",
    "serve_folder": "connectors.local_feed",
    "utcnow": "connectors.clock",
}

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


def __getattr__(name: str) -> object:
    """Import the module that defines ``name`` when the name is first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
