"""`make demo`: the offline demo warehouse (demo/README.md), rebuilt from scratch in one process.

The demo's feeds never resolve and a feed is `failing` after three failed polls in a row, so the
demo set is ingested three times with `--force`. One process starts Prefect's embedded API once
for all three runs: three `newsflow ingest` commands took 150-190 s on a loaded 2-core machine,
one process 60 s. One more feed, demo/feed/feed.xml, is served on 127.0.0.1 during the build
(connectors/local_feed.py): a feed that answers, whose items' pages never do.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from connectors import serve_folder
from flows.cli import main as newsflow
from warehouse import Warehouse

DEMO_DB = Path("data/demo.duckdb")
DEMO_DIR = Path("demo")
POLLS = 3
LOCAL_FEED = "Demo Newsroom (served locally)"


def build_demo(db: Path = DEMO_DB, demo_dir: Path = DEMO_DIR) -> int:
    """Remove the previous demo warehouse, then ingest the demo set ``POLLS`` times into ``db``.

    Returns:
        0, or the exit code of the first ``newsflow ingest`` that failed.
    """
    _remove_warehouse(db)
    with serve_folder(demo_dir / "feed") as base_url, tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources.yaml"
        sources.write_text(
            (demo_dir / "sources.yaml").read_text(encoding="utf-8")
            + f'  - {{name: {LOCAL_FEED}, url: "{base_url}/feed.xml", tags: [demo]}}\n',
            encoding="utf-8",
        )
        args = ["--seeds", str(demo_dir / "articles"), "--sources", str(sources)]
        for poll in range(1, POLLS + 1):
            print(f"demo: run {poll} of {POLLS} (the .invalid demo feeds fail on purpose)")
            code = newsflow(["ingest", *args, "--db", str(db), "--force"])
            if code:
                return code
    print(f"demo: ready in {db}; try `newsflow status --db {db}`")
    return 0


def _remove_warehouse(db: Path) -> None:
    """The snapshot, its WAL, unfinished publishes and the private side (database, spool, pages)."""
    for path in [db, *db.parent.glob(f"{db.name}.*"), *db.parent.glob(f".{db.name}.*.partial")]:
        path.unlink(missing_ok=True)
    shutil.rmtree(Warehouse(db).folder, ignore_errors=True)


def main() -> int:
    """Build the demo beside the analysts' database (never in a NEWSFLOW_PRIVATE_DIR), allowed
    to reach its own loopback feed and nothing else private."""
    os.environ.pop("NEWSFLOW_PRIVATE_DIR", None)
    os.environ["NEWSFLOW_ALLOWED_NETWORKS"] = "127.0.0.1/32"
    return build_demo()


if __name__ == "__main__":
    raise SystemExit(main())
