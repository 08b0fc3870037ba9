"""The scheduled poll: what `newsflow ingest` does (due feeds and seeds), one run per cron tick."""

from __future__ import annotations

from datetime import UTC

from prefect import flow
from prefect.runtime import flow_run

from flows.ingest import RunSummary, ingest
from flows.run_names import keep_typed_name
from flows.settings import load_settings


def poll_run_name() -> str:
    """Name a poll after the tick it was scheduled for, e.g. ``poll-2026-11-28T10:15``.

    A name the user typed in the run form is kept.
    """
    tick = flow_run.get_scheduled_start_time().astimezone(UTC)
    return keep_typed_name(f"poll-{tick:%Y-%m-%dT%H:%M}")


@flow(name="poll", flow_run_name=poll_run_name, log_prints=True)
def poll(force: bool = False) -> RunSummary:
    """Poll every due feed of the sources file (NEWSFLOW_SOURCES, else sources.yaml) and read seeds.

    Args:
        force: Poll every enabled feed, even those whose poll interval has not passed.
    """
    settings = load_settings()
    sources = settings.sources_path
    use_sources = settings.sources_from_env or sources.exists()
    # ingest's body runs inside this flow run: its tasks, events and artifact are the poll's.
    summary: RunSummary = ingest.fn(sources_file=str(sources) if use_sources else None, force=force)
    return summary


if __name__ == "__main__":
    poll()
