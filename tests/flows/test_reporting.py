"""What a run leaves behind in Prefect: its events and its summary artifact."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect.client.orchestration import get_client

from flows.ingest import ingest
from tests.conftest import ROOT
from warehouse import Warehouse

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _events(
    name: str, run_id: str, match: Callable[[dict[str, Any]], bool] | None = None
) -> list[dict[str, Any]]:
    """Events of one kind that mention ``run_id`` (and pass ``match``), once the server has them.

    Events are stored asynchronously and other tests' events of the same kind are already
    there, so the wait is for a matching event, not for any event.
    """
    with get_client(sync_client=True) as client:
        for _ in range(40):
            response = client.request(
                "POST", "/events/filter", json={"filter": {"event": {"name": [name]}}, "limit": 50}
            )
            found = [
                e
                for e in response.json()["events"]
                if run_id in str(e) and (match is None or match(e))
            ]
            if found:
                return found
            time.sleep(0.25)
    return []


def test_ingest_emits_article_batch_and_warehouse_events(db_path: Path) -> None:
    summary = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))
    [article] = _events("newsflow.article.ingested", summary.run_id)
    related = {(r["prefect.resource.role"], r["prefect.resource.id"]) for r in article["related"]}
    assert ("topic", "newsflow.topic.open-source") in related
    assert ("entity", "newsflow.entity.meta") in related
    assert article["payload"]["status"] == "new"
    [batch] = _events("newsflow.batch.loaded", summary.run_id)
    assert batch["payload"]["new"] == 1
    assert batch["resource"]["prefect.resource.name"] == "ingest"
    [published] = _events("newsflow.warehouse.published", summary.run_id)
    assert published["payload"]["db_path"] == str(db_path)
    assert published["payload"]["snapshot_bytes"] == db_path.stat().st_size


def test_ingest_leaves_a_summary_artifact(db_path: Path) -> None:
    summary = ingest(seeds_dir=str(ROOT / "seeds"), db_path=str(db_path))
    with get_client(sync_client=True) as client:
        artifacts = client.request(
            "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": ["ingest-summary"]}}}
        ).json()
    [artifact] = [a for a in artifacts if summary.run_id in a["data"]]
    assert artifact["type"] == "markdown"
    assert "| seeds | 1 | 0 |" in artifact["data"]


def test_a_run_that_meets_older_tags_announces_the_catalog_change(
    tmp_path: Path, db_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.md").write_text(
        "---\ntitle: A\nurl: https://e.org/a\npublished: 2024-03-02\n---\nOpenAI news.\n"
    )
    ingest(seeds_dir=str(seeds), db_path=str(db_path))
    write_db = Warehouse(db_path).write_db
    with duckdb.connect(str(write_db)) as con:
        con.execute("UPDATE articles SET tagger_version = 'keywords-0'")
    (seeds / "a.md").unlink()  # a re-read seed would be re-tagged by the load itself
    (seeds / "b.md").write_text(
        "---\ntitle: B\nurl: https://e.org/b\npublished: 2024-03-05\n---\nMeta news.\n"
    )
    summary = ingest(seeds_dir=str(seeds), db_path=str(db_path))
    changed = _events(
        "newsflow.catalog.changed",
        "",
        lambda e: (
            e["payload"]["start"] == "2024-03-02"
            and e["payload"]["end"] == "2024-03-02"
            and e["payload"]["stale_articles"] == 1
        ),
    )
    assert changed, summary.run_id
