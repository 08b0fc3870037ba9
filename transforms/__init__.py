"""Transforms: pure functions from raw documents to articles and tags."""

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
from transforms.pool import start_worker_server
from transforms.rawpage import RawPage, to_raw_document
from transforms.records import TaggedArticle
from transforms.tagging import TAGGER_VERSION, tag_article

__all__ = [
    "DEFAULT_WORKERS",
    "DocumentList",
    "EXTRACTION_TIMEOUT_S",
    "RawPage",
    "StreamTransformer",
    "TAGGER_VERSION",
    "TaggedArticle",
    "TransformedBatch",
    "canonical_links",
    "split_results",
    "start_worker_server",
    "tag_article",
    "to_raw_document",
    "transform_documents",
]
