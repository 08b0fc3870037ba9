"""Connectors turn the outside world (seed files, feeds, pages) into records."""

from connectors.errors import SeedFormatError
from connectors.records import Failure, RawDocument
from connectors.seeds import derive_title, iter_seed_documents, parse_published

__all__ = [
    "Failure",
    "RawDocument",
    "SeedFormatError",
    "derive_title",
    "iter_seed_documents",
    "parse_published",
]
