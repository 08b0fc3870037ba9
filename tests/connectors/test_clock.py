"""The one clock gives naive UTC, the form every stored and compared time takes."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.clock import utcnow


def test_utcnow_is_naive_utc() -> None:
    before = datetime.now(UTC).replace(tzinfo=None)
    now = utcnow()
    after = datetime.now(UTC).replace(tzinfo=None)
    assert now.tzinfo is None
    assert before <= now <= after
