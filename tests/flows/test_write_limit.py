"""Write sections hold the Prefect write limit when one is configured, strictly."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.exceptions import ObjectNotFound

from flows.settings import load_settings, warehouse_for

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _active_slots(name: str) -> int:
    with get_client(sync_client=True) as client:
        return client.read_global_concurrency_limit_by_name(name).active_slots


def test_section_holds_the_configured_limit(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name("test-write")
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name="test-write", limit=1)
            )
    monkeypatch.setenv("NEWSFLOW_WRITE_LIMIT", "test-write")
    with warehouse_for(load_settings(), db_path=db_path).writing() as con:
        assert con.execute("SELECT 1").fetchone() == (1,)
        assert _active_slots("test-write") == 1
    assert _active_slots("test-write") == 0


def test_a_missing_limit_is_an_error_not_a_silent_pass(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSFLOW_WRITE_LIMIT", "no-such-limit")
    with pytest.raises(Exception, match="no-such-limit"):
        with warehouse_for(load_settings(), db_path=db_path).writing():
            pass
