"""Transforms: pure functions from raw documents to articles and tags.

The names below load with their module on first use (PEP 562; mypy reads the imports under
TYPE_CHECKING): the warehouse (which takes transforms' records), a flow that only wires it (the
story rule) or a query command does not pay for the extraction stack (trafilatura, lxml: ~17 MB
and ~220 more modules for ``import warehouse``). connectors/__init__.py is lazy the same way,
for the extraction workers; tests/test_public_api.py holds both to it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transforms.normalise import canonical_links
    from transforms.pipeline import (
        DEFAULT_WORKERS,
        EXTRACTION_TIMEOUT_S,
        DocumentList,
        StreamTransformer,
        TransformedBatch,
        split_results,
        transform_documents,
    )
    from transforms.pool import start_worker_server, stop_worker_server
    from transforms.rawpage import RawPage, to_raw_document
    from transforms.records import TaggedArticle
    from transforms.stories import assign_stories
    from transforms.tagging import TAGGER_VERSION, tag_article

_MODULE_OF = {
    "DEFAULT_WORKERS": "transforms.pipeline",
    "DocumentList": "transforms.pipeline",
    "EXTRACTION_TIMEOUT_S": "transforms.pipeline",
    "RawPage": "transforms.rawpage",
    "StreamTransformer": "transforms.pipeline",
    "TAGGER_VERSION": "transforms.tagging",
    "TaggedArticle": "transforms.records",
    "TransformedBatch": "transforms.pipeline",
    "assign_stories": "transforms.stories",
    "canonical_links": "transforms.normalise",
    "split_results": "transforms.pipeline",
    "start_worker_server": "transforms.pool",
    "stop_worker_server": "transforms.pool",
    "tag_article": "transforms.tagging",
    "to_raw_document": "transforms.rawpage",
    "transform_documents": "transforms.pipeline",
}

__all__ = [
    "DEFAULT_WORKERS",
    "DocumentList",
    "EXTRACTION_TIMEOUT_S",
    "RawPage",
    "StreamTransformer",
    "TAGGER_VERSION",
    "TaggedArticle",
    "TransformedBatch",
    "assign_stories",
    "canonical_links",
    "split_results",
    "start_worker_server",
    "stop_worker_server",
    "tag_article",
    "to_raw_document",
    "transform_documents",
]


def __getattr__(name: str) -> object:
    """Import the module that defines ``name`` when the name is first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
