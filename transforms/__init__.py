"""Transforms: pure functions from raw documents to articles and tags."""

from transforms.catalog import CatalogError, load_catalog, load_taxonomy
from transforms.extract import EXTRACTOR_VERSION, extract_article, extract_text
from transforms.normalise import article_id_for, canonical_url, content_hash, normalise_text
from transforms.records import Article, CandidateName, EntityMention, TaggedArticle, TopicTag
from transforms.tagging import TAGGER_VERSION, tag_article

__all__ = [
    "Article",
    "CandidateName",
    "CatalogError",
    "EXTRACTOR_VERSION",
    "EntityMention",
    "TAGGER_VERSION",
    "TaggedArticle",
    "TopicTag",
    "article_id_for",
    "canonical_url",
    "content_hash",
    "extract_article",
    "extract_text",
    "load_catalog",
    "load_taxonomy",
    "normalise_text",
    "tag_article",
]
