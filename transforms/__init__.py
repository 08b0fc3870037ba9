"""Transforms: pure functions from raw documents to articles and tags."""

from transforms.catalog import CatalogError, load_catalog, load_taxonomy
from transforms.extract import EXTRACTOR_VERSION, extract_article, extract_text
from transforms.metadata import PageMetadata, extract_metadata
from transforms.normalise import (
    article_id_for,
    canonical_links,
    canonical_url,
    content_hash,
    normalise_text,
    resolve_canonical,
)
from transforms.pipeline import Transformed, transform_document, transform_documents
from transforms.pool import ItemFailed, run_in_pool
from transforms.rawpage import RawPage, to_raw_document, write_raw_page
from transforms.records import Article, CandidateName, EntityMention, TaggedArticle, TopicTag
from transforms.stories import estimate_containment, is_same_story, sketch_text
from transforms.tagging import TAGGER_VERSION, tag_article

__all__ = [
    "Article",
    "CandidateName",
    "CatalogError",
    "EXTRACTOR_VERSION",
    "EntityMention",
    "ItemFailed",
    "PageMetadata",
    "RawPage",
    "TAGGER_VERSION",
    "TaggedArticle",
    "TopicTag",
    "Transformed",
    "article_id_for",
    "canonical_links",
    "canonical_url",
    "content_hash",
    "estimate_containment",
    "extract_article",
    "extract_metadata",
    "extract_text",
    "is_same_story",
    "load_catalog",
    "load_taxonomy",
    "normalise_text",
    "resolve_canonical",
    "run_in_pool",
    "sketch_text",
    "tag_article",
    "to_raw_document",
    "transform_document",
    "transform_documents",
    "write_raw_page",
]
