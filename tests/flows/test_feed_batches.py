"""Pages fetched in several batches (the next one fetched while this one is extracted) all land."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.flows.test_feed_ingest import site, sources  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_one_page_per_batch_gives_the_same_outcome_as_one_batch(
    tmp_path: Path,
    db_path: Path,
    sources: Path,  # noqa: F811
) -> None:
    summary = ingest(
        seeds_dir=str(tmp_path / "no-seeds"),
        db_path=str(db_path),
        sources_file=str(sources),
        batch_size=1,
    )

    assert (summary.counts.new, summary.pages_requested) == (1, 3)
    assert summary.failures_by_code == {
        "connect_error": 1,
        "unsupported_content_type": 1,
        "robots_disallowed": 1,
    }
