"""The naive peer: what a user writes first, one article at a time, start to finish.

Usage: ``python -m bench.naive SOURCES_FILE DB_PATH``. It prints the number of
articles it stored. Sequential on purpose: no pool, no concurrency, no batching.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime

import duckdb
import feedparser
import httpx
import trafilatura
import yaml

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    url VARCHAR PRIMARY KEY, source VARCHAR, title VARCHAR, published VARCHAR,
    text VARCHAR, fetched_at TIMESTAMP
)
"""
_INSERT = "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?)"


def main(argv: list[str]) -> int:
    sources_file, db_path = argv
    sources = yaml.safe_load(open(sources_file, encoding="utf-8"))["sources"]
    con = duckdb.connect(db_path)
    con.execute(_SCHEMA)
    stored = 0
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        for source in sources:
            feed = client.get(source["url"])
            # The peer is what a user writes first: plain feedparser, not newsflow's wrapper.
            parsed = feedparser.parse(io.BytesIO(feed.content))  # noqa: TID251
            for entry in parsed.entries:
                page = client.get(entry.link)
                text = trafilatura.extract(page.text, include_comments=False)
                if not text:
                    continue
                row = [entry.link, source["name"], entry.get("title"), entry.get("published")]
                con.execute(_INSERT, [*row, text, datetime.now(UTC).replace(tzinfo=None)])
                stored += 1
    con.close()
    print(stored)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
