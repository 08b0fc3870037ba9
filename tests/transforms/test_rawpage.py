"""Raw pages: written once by content, whole or not at all, with the page's own bytes.

What is stored is the page as fetched, and a reprocessed page stores as the same file.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from connectors import RawDocument
from tests.conftest import ROOT
from transforms.extract import extract_article
from transforms.rawpage import TEMP_PREFIX, raw_page_path, to_raw_document, write_raw_page
from transforms.records import Article

NOW = datetime(2026, 1, 1, 12)
# Writes a large incompressible page, slow enough to be killed half-way.
_WRITER = """
import os, sys
from datetime import datetime
from pathlib import Path
from connectors import RawDocument
from transforms.extract import extract_article
from transforms.records import Article
from transforms.rawpage import write_raw_page
body = os.urandom(48 * 1024 * 1024)
document = RawDocument(url="https://e.com/big", source="s", origin="feed",
                       fetched_at=datetime(2026, 1, 1), body=body)
print(write_raw_page(Path(sys.argv[1]), document).stored_path, flush=True)
"""


def _fetched(body: bytes, content_type: str | None = "text/html") -> RawDocument:
    return RawDocument(
        url="https://e.com/p",
        source="feed-a",
        origin="feed",
        fetched_at=NOW,
        body=body,
        status=200,
        content_type=content_type,
    )


def test_a_page_is_stored_under_its_hash_and_read_back_as_its_own_bytes(tmp_path: Path) -> None:
    body = "<p>Café crème</p>".encode("iso-8859-1")
    page = write_raw_page(tmp_path, _fetched(body, "text/html; charset=ISO-8859-1"))
    assert page is not None
    assert page.stored_path == raw_page_path(page.sha256)
    file = tmp_path / page.stored_path
    assert gzip.decompress(file.read_bytes()) == body
    assert (page.size, page.stored_bytes) == (len(body), file.stat().st_size)
    assert to_raw_document(page, body).body == body  # re-extraction decodes the same bytes


def test_a_reprocessed_iso_8859_1_page_stores_as_the_stored_page_and_extracts_the_same(
    tmp_path: Path,
) -> None:
    text = "Die Zürcher Forscher zeigten ein Modell, das Überwachung erkennt und Grüße übersetzt."
    html = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    stored = write_raw_page(
        tmp_path, _fetched(html.encode("iso-8859-1"), "text/html; charset=ISO-8859-1")
    )
    assert stored is not None
    again = to_raw_document(stored, gzip.decompress((tmp_path / stored.stored_path).read_bytes()))
    assert write_raw_page(tmp_path, again) == stored  # the same file, not a mojibake copy
    article = extract_article(again)
    assert isinstance(article, Article)
    assert text in article.text and "Ã" not in article.text


def test_a_page_stored_again_leaves_its_file_untouched(tmp_path: Path) -> None:
    first = write_raw_page(tmp_path, _fetched(b"<p>The same page</p>"))
    assert first is not None
    before = (tmp_path / first.stored_path).stat()
    time.sleep(0.01)  # a rewrite would show in the modification time
    again = write_raw_page(tmp_path, _fetched(b"<p>The same page</p>"))
    after = (tmp_path / first.stored_path).stat()
    assert again == first
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in tmp_path.rglob("*")] == [first.sha256[:2], f"{first.sha256}.html.gz"]


def test_an_html_seed_is_kept_as_utf8_and_says_so(tmp_path: Path) -> None:
    html = "<p>Grüße</p>"
    seed = RawDocument(url="seed://a.html", source="s", origin="seed", fetched_at=NOW, html=html)
    page = write_raw_page(tmp_path, seed)
    assert page is not None and page.content_type == "text/html; charset=utf-8"
    assert gzip.decompress((tmp_path / page.stored_path).read_bytes()) == html.encode()


def test_a_plain_text_seed_has_no_raw_page(tmp_path: Path) -> None:
    seed = RawDocument(url="seed://a.txt", source="seeds", origin="seed", fetched_at=NOW, text="x")
    assert write_raw_page(tmp_path, seed) is None
    assert list(tmp_path.iterdir()) == []


def test_a_writer_killed_mid_write_leaves_no_file_under_a_real_name(tmp_path: Path) -> None:
    store = tmp_path / "raw"
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(store)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300  # the child imports the extractor: slow on a busy machine
        while not list(store.glob(f"*/{TEMP_PREFIX}*")):
            assert child.poll() is None and time.monotonic() < deadline, "no write started"
            time.sleep(0.002)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert list(store.rglob("*.html.gz")) == []
    assert len(list(store.glob(f"*/{TEMP_PREFIX}*"))) == 1  # the half write, under its temp name
    body = b"<p>a later page</p>"
    page = write_raw_page(store, _fetched(body))  # the store goes on working
    assert page is not None and gzip.decompress((store / page.stored_path).read_bytes()) == body
