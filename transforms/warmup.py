"""Imported by the extraction pool's forkserver: builds the tagging indices once for all workers."""

from __future__ import annotations

from transforms.entities import entity_index
from transforms.topics import topic_index

# Building the indices (reading and compiling the catalog) takes about a second. Done here, in
# the forkserver, each worker forked from it inherits them instead of rebuilding them per batch.
entity_index()
topic_index()
