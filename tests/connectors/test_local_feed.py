"""The demo's local feed server: a folder served on 127.0.0.1 only while the block runs."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from connectors.local_feed import serve_folder


def test_serve_folder_serves_its_files_on_loopback_until_the_block_ends(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(b"<rss/>")
    with serve_folder(tmp_path) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base_url}/feed.xml", timeout=5) as response:
            assert response.read() == b"<rss/>"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base_url}/feed.xml", timeout=5)
