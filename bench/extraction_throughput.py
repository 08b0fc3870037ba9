"""Benchmark: pages per second of extraction alone and of the whole transform in the process pool.

Usage:
    .venv/bin/python -m bench.extraction_throughput \
        ../shared/corpora/extraction/trafilatura-eval

Runs, on the same pages in one process tree (compare only ratios: the machine is shared):
trafilatura (include_comments=False) in this process, the pipeline's extract_text in this
process, and the full per-page transform (extract + metadata + sketch + tag + raw page) in the
worker pool with 1 and with all cores; then the raw store's size per page.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

import trafilatura

from connectors.records import RawDocument
from transforms.charset import decode_html
from transforms.extract import extract_text
from transforms.pipeline import DEFAULT_WORKERS, transform_documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path, help="folder with html/*.html.gz pages")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    files = sorted((args.corpus / "html").glob("*.html.gz"))[: args.limit or None]
    bodies = [gzip.decompress(path.read_bytes()) for path in files]
    pages = [decode_html(body, None) for body in bodies]
    print(f"{len(pages)} pages, {DEFAULT_WORKERS} cores")

    def rate(label: str, seconds: float) -> float:
        print(f"{label:<44} {len(pages) / seconds:8.1f} pages/s")
        return len(pages) / seconds

    # Page by page, alternating which goes first, so load changes hit both alike.
    base_s = ours_s = 0.0
    for number, html in enumerate(pages):
        runs = [("base", html), ("ours", html)]
        for which, page in runs if number % 2 else reversed(runs):
            start = time.perf_counter()
            if which == "base":
                trafilatura.extract(page, include_comments=False)
                base_s += time.perf_counter() - start
            else:
                extract_text(page, None)
                ours_s += time.perf_counter() - start
    base = rate("trafilatura include_comments=False, 1 process", base_s)
    ours = rate("extract_text, 1 process (interleaved)", ours_s)

    documents = [
        RawDocument(
            url=f"https://example.org/{path.name}",
            source="bench",
            origin="feed",
            fetched_at=datetime(2026, 1, 1),
            html=html,
            body=body,
            status=200,
            content_type="text/html",
        )
        for path, html, body in zip(files, pages, bodies, strict=True)
    ]
    results = []
    for workers in sorted({1, DEFAULT_WORKERS}):
        with tempfile.TemporaryDirectory() as folder:  # a fresh raw store: every page written
            start = time.perf_counter()
            results = transform_documents(documents, raw_dir=Path(folder), workers=workers)
            rate(f"full transform in the pool, {workers} worker(s)", time.perf_counter() - start)
            du = subprocess.run(["du", "-sk", folder], capture_output=True, text=True, check=True)
            on_disk = int(du.stdout.split()[0]) * 1024
    print(f"extract_text / trafilatura speed ratio: {ours / base:.2f}")

    raw = [result.raw for result in results if result.raw is not None]
    compressed = sum(page.stored_bytes for page in raw)
    size = sum(page.size for page in raw)
    per_page = on_disk / len(raw)
    print(
        f"raw store: {size / len(raw):,.0f} B/page uncompressed, "
        f"{compressed / len(raw):,.0f} B/page gzip, {per_page:,.0f} B/page on disk "
        f"({per_page * 10_000 / 1e6:,.0f} MB per 10k pages)"
    )
    failures = [r.result for r in results if not hasattr(r.result, "article")]
    print(f"failures: {len(failures)} {sorted({getattr(f, 'error_code', '') for f in failures})}")


if __name__ == "__main__":
    main()
