"""Page bytes to text: HTTP charset, BOM, meta charset, XML declaration, as browsers read them."""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path

import pytest

from connectors import RawDocument, iter_seed_documents
from tests.conftest import shared_path
from transforms.charset import decode_html


def _read_html_seeds(folder: Path) -> list[RawDocument]:
    items = list(iter_seed_documents(folder, now=datetime(2026, 1, 1)))
    assert all(isinstance(item, RawDocument) for item in items), items
    return [item for item in items if isinstance(item, RawDocument)]


@pytest.mark.parametrize(
    ("body", "content_type", "text"),
    [
        pytest.param(
            "Café".encode("latin-1"), "text/html; charset=ISO-8859-1", "Café", id="header"
        ),
        pytest.param(
            b'<meta charset="windows-1252"><p>\x93hi\x94</p>', "text/html", "“hi”", id="meta"
        ),
        pytest.param("naïve".encode(), "text/html", "naïve", id="utf-8"),
        pytest.param(b"\x93quoted\x94", "text/html", "“quoted”", id="cp1252-fallback"),
        pytest.param(b"x", "text/html; charset=bogus", "x", id="unknown-charset"),
    ],
)
def test_pages_are_decoded_by_their_declared_or_sniffed_charset(
    body: bytes, content_type: str, text: str
) -> None:
    assert text in decode_html(body, content_type)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            b'<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 \x93cr\xe8me\x94</p>',
            "<p>Café “crème”</p>",
            id="meta-iso-8859-1-read-as-windows-1252",
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="windows-1252"?>\n<html><body><p>\x93Quoted\x94 \x96 ok',
            "<p>“Quoted” – ok",
            id="xml-declaration",
        ),
        pytest.param(
            "\ufeff<html><body><p>Zürich</p>".encode("utf-16-le"), "<p>Zürich</p>", id="utf16-bom"
        ),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-2"><p>\xb1\xe6',
            "<p>ąć",
            id="http-equiv-iso-8859-2",
        ),
        pytest.param(b"<p>no declaration \xe9t\xe9</p>", "<p>no declaration été</p>", id="none"),
    ],
)
def test_html_seed_is_decoded_with_its_declared_charset(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "page.html").write_bytes(content)
    [doc] = _read_html_seeds(tmp_path)
    assert doc.body is not None and expected in decode_html(doc.body, doc.content_type)


def test_real_non_utf8_pages_read_as_html_seeds_decode_as_browsers_read_them(
    tmp_path: Path,
) -> None:
    corpus = shared_path("corpora", "extraction", "trafilatura-eval", "html")
    pages = {}
    for path in sorted(corpus.glob("*.html.gz")):
        data = gzip.decompress(path.read_bytes())
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pages[path.name.removesuffix(".gz")] = data
    assert len(pages) >= 9  # the issue found 9 of 300 real pages rejected
    for name, data in pages.items():
        (tmp_path / name).write_bytes(data)
    documents = _read_html_seeds(tmp_path)
    assert len(documents) == len(pages)
    for doc in documents:
        data = pages[doc.location]
        assert doc.body == data
        declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", data[:8192], re.I)
        charset = declared.group(1).decode().lower() if declared else "utf-8"
        if charset != "utf-8":  # a page that says UTF-8 and is not falls back to windows-1252
            as_browsers_read = "cp1252" if charset == "iso-8859-1" else charset
            expected = data.decode(as_browsers_read, errors="replace")
            assert decode_html(doc.body, doc.content_type) == expected, doc.location
