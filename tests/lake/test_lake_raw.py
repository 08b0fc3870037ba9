"""Raw pages on the lake: written once to the shared data directory, staged as references.

The extraction worker stores each HTML page as a content-addressed gzip file under
``NEWSFLOW_LAKE_DATA/raw`` (as the embedded warehouse does beside its private database);
the staged batch in the lake carries only the file's name and sizes, and ``reprocess``
reads the pages back from there on any machine that mounts the directory.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.lake.test_lake_ingest import NEWSFLOW, _env
from tests.transforms.test_extract import _page
from warehouse.lake_warehouse import LakeWarehouse

pytestmark = [pytest.mark.lake, pytest.mark.usefixtures("prefect_harness")]


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(NEWSFLOW), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_page_is_one_gzip_file_in_the_lakes_data_and_its_batch_names_it(
    lake_target: str, lake_data: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    page = _page().encode()
    (seeds / "ai-act.html").write_bytes(page)
    (seeds / "note.txt").write_text("A plain text seed without any raw page.\n", encoding="utf-8")
    env = _env(lake_target, lake_data, tmp_path / "private", tmp_path / "home")
    _run(env, "ingest", "--seeds", str(seeds))

    sha256 = hashlib.sha256(page).hexdigest()
    [stored] = (lake_data / "raw").rglob("*.html.gz")
    assert stored == lake_data / "raw" / sha256[:2] / f"{sha256}.html.gz"
    assert gzip.decompress(stored.read_bytes()) == page
    lake = LakeWarehouse(tmp_path / "news.duckdb", target=lake_target, data_dir=lake_data)
    with lake.reading() as con:
        rows = con.execute(
            "SELECT r.sha256, r.storage_path, r.stored_bytes, a.raw_sha256 "
            "FROM raw_documents r JOIN articles a USING (article_id)"
        ).fetchall()
        payloads = [row[0] for row in con.execute("SELECT payload FROM staged_batches").fetchall()]
    assert rows == [(sha256, f"{sha256[:2]}/{sha256}.html.gz", stored.stat().st_size, sha256)]
    assert any(sha256 in payload for payload in payloads)
    encoded = base64.b64encode(page).decode("ascii")[:80]
    assert not any("<p>" in text or encoded in text for text in payloads)  # no copy of the page

    # Re-extraction reads the page back from the shared directory; nothing changes.
    out = _run(env, "reprocess")
    assert "0 new, 0 updated, 1 unchanged articles; 0 failures" in out
    assert list((lake_data / "raw").rglob("*.html.gz")) == [stored]
