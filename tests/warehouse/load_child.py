"""A loader process for the SIGKILL test: spool, load and publish like a run, saying where it is.

Usage: python -m tests.warehouse.load_child PRIVATE_DIR SNAPSHOT RUN_ID ARTICLES BATCH_SIZE
It prints ``load <n> <file>`` before each load transaction, ``publish`` before the publish and
``done`` at the end, flushing each line so the parent can kill it at a known stage.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from tests.factories import failure, tagged_article
from transforms import assign_stories
from warehouse import Warehouse

# Long enough texts that a batch's transaction takes a while, so kills land inside it.
TEXT = " ".join(["OpenAI and the EU AI Act."] * 200)


def main(private_dir: Path, snapshot: Path, run_id: str, articles: int, batch_size: int) -> None:
    """Spool ``articles`` articles in batches, then load every spool file and publish."""
    warehouse = Warehouse(snapshot, private_dir=private_dir, assign_stories=assign_stories)
    now = datetime(2026, 1, 1)
    for start in range(0, articles, batch_size):
        batch = [
            tagged_article(f"a{i:05d}", text=f"{TEXT} {i}")
            for i in range(start, min(start + batch_size, articles))
        ]
        warehouse.stage(
            run_id=run_id,
            tagged=batch,
            failures=[failure(f"{run_id}/batch-{start}")],
            now=now,
        )
    for number, path in enumerate(warehouse.staged()):
        print(f"load {number} {path.name}", flush=True)
        warehouse.load_staged(path, run_id=run_id, now=now)
    print("publish", flush=True)
    warehouse.publish()
    print("done", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
