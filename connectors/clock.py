"""The one clock: every stored or compared time in newsflow is a naive datetime in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (DuckDB ``TIMESTAMP`` columns and records hold naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)
