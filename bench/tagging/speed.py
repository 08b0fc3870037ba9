"""Tagging speed: articles per second on one core, for 5 kB articles.

Run ``python -m bench.tagging.speed [--articles N]`` (``make bench-tagging``). The
articles are the dev set's texts cut or repeated to 5,000 characters when the
shared corpus is present, else the bundled seed article; CPU time of this one
process is measured, so other load on the machine changes the rate little.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bench.tagging.evaluate import DEFAULT_DEV_SET, article_for, parse_labeled_articles
from transforms.tagging import TAGGER_VERSION, tag_article

ARTICLE_CHARS = 5000
SEED = Path(__file__).resolve().parents[2] / "seeds" / "meta-open-source-ai-2023-12-17.txt"


def main(argv: Sequence[str] | None = None) -> int:
    """Tag N articles of 5 kB and print the rate."""
    parser = argparse.ArgumentParser(prog="python -m bench.tagging.speed", description=__doc__)
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args(argv)
    if DEFAULT_DEV_SET.is_file():
        cases = parse_labeled_articles(DEFAULT_DEV_SET.read_text(encoding="utf-8").splitlines())
        texts = [(case.title, case.text) for case in cases]
        origin = str(DEFAULT_DEV_SET)
    else:
        texts = [("", SEED.read_text(encoding="utf-8"))]
        origin = str(SEED)
    base = article_for("bench", "", "")
    articles = [replace(base, title=title, text=_five_kb(text)) for title, text in texts]
    tag_article(articles[0])  # compile the catalog and taxonomy before timing
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    for i in range(args.articles):
        tag_article(articles[i % len(articles)])
    cpu = time.process_time() - started_cpu
    wall = time.perf_counter() - started_wall
    print(
        f"tagger {TAGGER_VERSION}: {args.articles} articles of {ARTICLE_CHARS} chars "
        f"from {origin}\n"
        f"  {args.articles / cpu:,.0f} articles/s on one core (CPU time {cpu:.2f} s; "
        f"wall {wall:.2f} s, {args.articles / wall:,.0f} articles/s)"
    )
    return 0


def _five_kb(text: str) -> str:
    while len(text) < ARTICLE_CHARS:
        text = f"{text}\n\n{text}"
    return text[:ARTICLE_CHARS]


if __name__ == "__main__":
    raise SystemExit(main())
