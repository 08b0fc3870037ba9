"""Benchmark: wall time and file size of `newsflow report` at a given warehouse size.

Builds a published warehouse of synthetic tagged articles (20 sources, the taxonomy's topics,
150 entities with a few dominant ones, story clusters, failures and failing feeds) over 90 days
through the real load path, then times the `newsflow report` command as a user runs it (a new
process: imports, reading, rendering every chart, writing), for the whole warehouse and for its
last 7 days.

    .venv/bin/python bench/briefing.py --articles 50 3000
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from connectors import Failure
from transforms import TaggedArticle, assign_stories
from transforms.catalog import TOPICS as TAXONOMY
from transforms.records import Article, EntityMention, TopicTag
from warehouse import Warehouse, load_batch

TOPICS = tuple(topic for topic in TAXONOMY if topic != "not-ai")  # not-ai excludes the others
ENTITIES = [EntityMention(f"entity-{n}", f"Entity {n}", "company", None, 1, ()) for n in range(150)]
CODES = ("http_status", "dns_error", "connect_timeout", "deadline_exceeded", "not_a_feed")
DAYS = 90
START = datetime(2024, 1, 1)
BATCH = 500


def build(folder: Path, articles: int) -> Path:
    """A published warehouse of ``articles`` synthetic articles; returns the snapshot's path."""
    rng = random.Random(articles)
    warehouse = Warehouse(folder / "news.duckdb")
    weights = [1 / (rank + 1) for rank in range(len(ENTITIES))]  # a few entities dominate
    with warehouse.writing() as con:
        for start in range(0, articles, BATCH):
            tagged = [_article(n, rng, weights) for n in range(start, min(start + BATCH, articles))]
            failures = [
                Failure(
                    "fetch",
                    f"source-{rng.randrange(20)}",
                    f"https://feeds.example.com/{n}",
                    rng.choice(CODES),
                    "synthetic",
                )
                for n in range(len(tagged) // 10)
            ]
            load_batch(
                con,
                assign_stories=assign_stories,
                run_id="bench",
                tagged=tagged,
                failures=failures,
                now=START,
            )
        # Wire copies: every 7th article joins the story of the one before it.
        con.execute(
            "UPDATE articles SET story_id = printf('%020d', CAST(article_id AS BIGINT) - 1) "
            "WHERE CAST(article_id AS BIGINT) % 7 = 1"
        )
        con.execute(
            """UPDATE failures SET "at" = TIMESTAMP '2024-01-01'
               + to_minutes(CAST(hash(url_or_path) % (? * 1440) AS INTEGER))""",
            [DAYS],
        )
        con.execute(
            "INSERT INTO sources (name, url, kind, tags, interval_minutes, enabled, state, "
            "consecutive_failures, last_error_code, last_error, tracked_since) "
            "SELECT 'source-' || n, 'https://feeds.example.com/' || n, 'rss', [], 60, true, "
            "CASE WHEN n < 3 THEN 'failing' ELSE 'active' END, CASE WHEN n < 3 THEN 4 ELSE 0 END, "
            "CASE WHEN n < 3 THEN 'http_status' END, CASE WHEN n < 3 THEN 'HTTP 503' END, "
            "TIMESTAMP '2024-01-01' FROM range(20) t(n)"
        )
    warehouse.publish()
    return warehouse.snapshot


def _article(number: int, rng: random.Random, weights: list[float]) -> TaggedArticle:
    published = START + timedelta(minutes=rng.randrange(DAYS * 1440))
    text = "Synthetic article text for the briefing benchmark. " * 20
    article = Article(
        article_id=f"{number:020d}",
        url=f"https://news.example.com/{number}",
        canonical_url=f"https://news.example.com/{number}",
        source=f"source-{rng.randrange(20)}",
        origin="feed",
        title=f"Synthetic headline number {number} about the AI industry",
        title_derived=False,
        author=None,
        published_at=published,
        language="en",
        text=text,
        word_count=len(text.split()),
        content_hash=f"{number:064x}",
        fetched_at=published,
        extractor_version="bench/1",
    )
    entities = {rng.choices(ENTITIES, weights)[0] for _ in range(rng.randint(1, 4))}
    return TaggedArticle(
        article=article,
        topics=tuple(TopicTag(t, 3.0, ()) for t in rng.sample(TOPICS, rng.randint(1, 3))),
        entities=tuple(sorted(entities, key=lambda e: e.entity_id)),
        tagger_version="bench/1",
    )


def time_report(snapshot: Path, out: Path, *window: str) -> tuple[float, float, int]:
    """Wall and CPU seconds of one `newsflow report` process, and the size of its page.

    CPU time (user + system of the process and its threads) is the figure a busy machine
    disturbs least; wall time is what a user waits.
    """
    command = [str(Path(sys.executable).parent / "newsflow"), "report", "--db", str(snapshot)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "--out", str(out), *window], check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out.stat().st_size


def main() -> None:
    """Build each size, report on it twice (everything, the last week), print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[50, 3000])
    args = parser.parse_args()
    print("| articles | window | wall s | CPU s | bytes |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for articles in args.articles:
        with tempfile.TemporaryDirectory() as folder:
            snapshot = build(Path(folder), articles)
            last = START + timedelta(days=DAYS - 1)
            for label, window in [
                ("everything (weekly bins)", ()),
                ("last 7 days", ("--since", f"{last - timedelta(days=6):%Y-%m-%d}")),
            ]:
                wall, cpu, size = time_report(snapshot, Path(folder) / "briefing.html", *window)
                print(f"| {articles:,} | {label} | {wall:.2f} | {cpu:.2f} | {size:,} |")


if __name__ == "__main__":
    main()
