"""The benchmark's pages: the real HTML of the shared extraction corpus, read at run time."""

from __future__ import annotations

import gzip
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT.parent / "shared" / "corpora" / "extraction" / "trafilatura-eval" / "html"
SHUFFLE_SEED = 8


@dataclass(frozen=True, slots=True)
class Page:
    """One corpus page: its id (the file stem) and its bytes as archived."""

    page_id: str
    body: bytes


def read_pages(corpus_dir: Path = CORPUS_DIR, *, limit: int | None = None) -> list[Page]:
    """Read every ``*.html.gz`` page in a fixed shuffled order.

    The shuffle makes any prefix a fair sample of the whole corpus, so a
    smaller run and a larger run see pages of the same average cost.

    Raises:
        FileNotFoundError: the corpus is not there (the shared tree is absent).
    """
    paths = sorted(corpus_dir.glob("*.html.gz"))
    if not paths:
        raise FileNotFoundError(f"no *.html.gz pages in {corpus_dir}")
    random.Random(SHUFFLE_SEED).shuffle(paths)
    pages = []
    for path in paths[:limit]:
        pages.append(Page(path.name.removesuffix(".html.gz"), gzip.decompress(path.read_bytes())))
    return pages
