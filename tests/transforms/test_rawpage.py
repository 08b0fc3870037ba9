"""Raw pages: what is stored is the page as fetched, and a reprocessed page packs to the same."""

from __future__ import annotations

import gzip
from datetime import datetime

from connectors import RawDocument
from transforms import Article, extract_article, pack_raw_page, to_raw_document

TEXT = "Die Zürcher Forscher zeigten ein Modell, das Überwachung erkennt und Grüße übersetzt."
PAGE = f"<html><body><article><p>{TEXT}</p><p>{TEXT}</p></article></body></html>"


def _fetched_latin1_page() -> RawDocument:
    return RawDocument(
        url="https://news.example.com/a",
        source="example",
        origin="feed",
        fetched_at=datetime(2026, 1, 2),
        status=200,
        content_type="text/html; charset=ISO-8859-1",  # the charset only in the header
        body=PAGE.encode("iso-8859-1"),
    )


def test_the_raw_page_keeps_the_fetched_bytes_and_their_content_type() -> None:
    raw = pack_raw_page(_fetched_latin1_page())
    assert raw is not None
    assert gzip.decompress(raw.compressed) == PAGE.encode("iso-8859-1")
    assert raw.content_type == "text/html; charset=ISO-8859-1"


def test_a_reprocessed_iso_8859_1_page_packs_to_the_stored_page_and_extracts_the_same() -> None:
    stored = pack_raw_page(_fetched_latin1_page())
    assert stored is not None
    again = to_raw_document(stored, gzip.decompress(stored.compressed))
    assert pack_raw_page(again) == stored  # the worker's copy is the stored page, not mojibake
    article = extract_article(again)
    assert isinstance(article, Article)
    assert TEXT in article.text and "Ã" not in article.text
