"""Shared fixtures: offline Prefect, a clean environment, real DuckDB files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before Prefect is imported anywhere: the harness otherwise tries to reach the internet.
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _clean_newsflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's NEWSFLOW_* settings."""
    for name in list(os.environ):
        if name.startswith("NEWSFLOW_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the whole session (startup costs ~8 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh warehouse file in a temporary folder."""
    return tmp_path / "warehouse" / "news.duckdb"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test when the shared tree is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path
