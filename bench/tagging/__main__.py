"""``python -m bench.tagging``: tagging scores on the dev set and on the tune splits.

``--holdout`` also scores the holdout splits: run it to report, never while tuning
(the first ``holdout`` has been used while tuning; ``holdout2`` has not).
``--errors`` lists every article with a wrong tag (for dev and tune).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bench.tagging.evaluate import (
    DEFAULT_DEV_SET,
    evaluate_tagging,
    format_scores,
    parse_labeled_articles,
)
from bench.tagging.labels import dev_named, load_split


def main(argv: Sequence[str] | None = None) -> int:
    """Print the scores of each set."""
    parser = argparse.ArgumentParser(prog="python -m bench.tagging", description=__doc__)
    parser.add_argument("--holdout", action="store_true", help="also score the holdout split")
    parser.add_argument("--errors", action="store_true", help="list articles with wrong tags")
    args = parser.parse_args(argv)
    sets = {
        "dev": parse_labeled_articles(DEFAULT_DEV_SET.read_text(encoding="utf-8").splitlines()),
        "tune": load_split("tune"),
        "tune2": load_split("tune2"),
    }
    if args.holdout:
        sets["holdout"] = load_split("holdout")
        sets["holdout2"] = load_split("holdout2")
    for name, cases in sets.items():
        scores = evaluate_tagging(cases, named=dev_named() if name == "dev" else None)
        print(format_scores(scores, f"{name}: text"))
        if args.errors and not name.startswith("holdout"):
            print("\n".join(scores.errors))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
