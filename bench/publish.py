"""Benchmark: what one publish of the analysts' snapshot costs at a given warehouse size.

Builds a private warehouse of synthetic articles through the real load path (Warehouse.stage, then
load_staged, one transaction per batch), then times Warehouse.publish: the first publish (no
snapshot yet), and a publish after one more batch while an analyst holds the old snapshot open.

    .venv/bin/python bench/publish.py --articles 10000 100000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from transforms import TaggedArticle, assign_stories
from transforms.records import Article, EntityMention, TopicTag
from warehouse import Warehouse

TOPICS = ("open-source", "regulation", "safety", "funding", "research", "product-launch")
ENTITIES = [
    EntityMention(f"entity-{n}", f"Entity {n}", "company", None, 1, (f"Entity {n}@0",))
    for n in range(200)
]
WORDS_PER_ARTICLE = 600  # a typical news article


def synthetic_batch(
    start: int, size: int, rng: random.Random, vocab: list[str]
) -> list[TaggedArticle]:
    """``size`` articles with realistic text length, two topics and three entities each."""
    batch = []
    for number in range(start, start + size):
        text = " ".join(rng.choices(vocab, k=WORDS_PER_ARTICLE))
        published = datetime(2024, 1, 1) + timedelta(minutes=number * 7)
        article = Article(
            article_id=f"{number:020x}",
            url=f"https://news.example.com/{number}",
            canonical_url=f"https://news.example.com/{number}",
            source=f"source-{number % 50}",
            origin="feed",
            title=" ".join(rng.choices(vocab, k=10)),
            title_derived=False,
            author=None,
            published_at=published,
            language="en",
            text=text,
            word_count=WORDS_PER_ARTICLE,
            content_hash=f"{rng.getrandbits(128):032x}",
            fetched_at=published,
            extractor_version="bench/1",
        )
        batch.append(
            TaggedArticle(
                article=article,
                topics=tuple(TopicTag(t, 3.0, ("term@1",)) for t in rng.sample(TOPICS, 2)),
                entities=tuple(rng.sample(ENTITIES, 3)),
                tagger_version="bench/1",
            )
        )
    return batch


def build(folder: Path, articles: int, batch_size: int) -> tuple[Warehouse, float]:
    """Load ``articles`` synthetic articles into a private database; return it and the load time."""
    rng = random.Random(articles)
    vocab = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10)))
        for _ in range(5000)
    ]
    warehouse = Warehouse(folder / "news.duckdb", private_dir=folder, assign_stories=assign_stories)
    started = time.perf_counter()
    for start in range(0, articles, batch_size):
        tagged = synthetic_batch(start, min(batch_size, articles - start), rng, vocab)
        warehouse.stage(run_id="bench", tagged=tagged, failures=[], now=datetime.now())
        for path in warehouse.staged():
            warehouse.load_staged(path, run_id="bench", now=datetime.now())
    return warehouse, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    print(
        "| articles | private db bytes | load s | first publish s | snapshot bytes "
        "| publish s (reader open) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for articles in args.articles:
        with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
            folder = Path(tmp)
            warehouse, load_seconds = build(folder, articles, args.batch_size)
            first = warehouse.publish()
            # an analyst's open session
            with duckdb.connect(str(warehouse.snapshot), read_only=True):
                rng = random.Random(0)
                vocab = ["word"] * 10
                extra = synthetic_batch(articles, args.batch_size, rng, vocab)
                warehouse.stage(run_id="bench", tagged=extra, failures=[], now=datetime.now())
                for path in warehouse.staged():
                    warehouse.load_staged(path, run_id="bench", now=datetime.now())
                second = warehouse.publish()
            print(
                f"| {articles:,} | {warehouse.write_db.stat().st_size:,} | {load_seconds:.1f} | "
                f"{first.seconds:.2f} | {second.bytes:,} | {second.seconds:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
