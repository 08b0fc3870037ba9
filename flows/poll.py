"""The scheduled poll: the ingest flow under its own name, one run per cron tick."""

from __future__ import annotations

from datetime import UTC

from prefect.runtime import flow_run

from flows.ingest import ingest


def poll_run_name() -> str:
    """Name a poll after the tick it was scheduled for, e.g. ``poll-2026-11-28T10:15``."""
    return f"poll-{flow_run.get_scheduled_start_time().astimezone(UTC):%Y-%m-%dT%H:%M}"


poll = ingest.with_options(name="poll", flow_run_name=poll_run_name)

if __name__ == "__main__":
    poll()
