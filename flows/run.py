"""The frame of a run: what every flow does around its own work.

A flow opens its frame with ``run_frame``, which resolves the settings (a flow's own
arguments win over ``NEWSFLOW_*``), builds the warehouse and names the run; whatever raises
inside marks the run ``failed``. The flow then records its start, does its work, and closes
with ``finish`` (the run's row, the publish) and ``report`` (events, summary artifact, the
closing log line).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from prefect import task
from prefect.cache_policies import NONE
from prefect.runtime import flow_run

from connectors import utcnow
from flows.reporting import counts_line, report_run_task, run_logger
from flows.settings import Settings, load_settings, warehouse_for
from warehouse import LoadCounts, PublishStats, Warehouse, fail_run, finish_run, start_run

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunFrame:
    """One flow run: its settings, its warehouse, its id in ``runs``."""

    flow: str
    run_id: str
    settings: Settings
    warehouse: Warehouse

    @property
    def name(self) -> str:
        """The flow run's readable name (``ingest-2026-11-28T10:19``), the artifact's title."""
        return flow_run.get_name() or self.flow

    def start(self) -> None:
        """Record the run as ``running`` (and mark runs found dead ``crashed``)."""
        with self.warehouse.writing() as con:
            start_run(
                con,
                run_id=self.run_id,
                flow=self.flow,
                now=utcnow(),
                locks=self.warehouse.run_locks,
            )

    def finish(self, counts: LoadCounts, *, status: str = "completed") -> PublishStats:
        """Record how the run ended and what it did, then publish the analysts' snapshot."""
        with self.warehouse.writing() as con:
            finish_run(
                con,
                run_id=self.run_id,
                counts=counts,
                status=status,
                now=utcnow(),
                locks=self.warehouse.run_locks,
            )
        return publish_task(self.warehouse)

    def report(
        self,
        counts: LoadCounts,
        published: PublishStats | None = None,
        days: Sequence[tuple[str, LoadCounts | None]] = (),
    ) -> None:
        """Emit the run's events, leave its summary artifact and its closing log line."""
        report_run_task(self.warehouse, self.run_id, self.flow, self.name, counts, published, days)
        run_logger().info(f"{self.name}: {counts_line(counts)} -> {self.warehouse.snapshot}")


@contextmanager
def run_frame(
    flow: str,
    *,
    db_path: str | None = None,
    private_dir: str | None = None,
    lock_wait: float | None = None,
) -> Iterator[RunFrame]:
    """Open a run of ``flow``; a run that raises inside says so in ``runs``.

    Args:
        flow: the flow's name, as recorded in ``runs`` (a deployment's flow name wins).
        db_path: the analysts' database (default: NEWSFLOW_DB).
        private_dir: where the private side lives (default: NEWSFLOW_PRIVATE_DIR, else beside).
        lock_wait: seconds to wait for a process outside newsflow's turns (NEWSFLOW_LOCK_WAIT).

    Raises:
        ValueError: a ``NEWSFLOW_*`` variable is set to a value of the wrong kind.
    """
    settings = load_settings()
    warehouse = warehouse_for(
        settings, db_path=db_path, private_dir=private_dir, lock_wait=lock_wait
    )
    frame = RunFrame(
        flow=flow_run.get_flow_name() or flow,
        run_id=str(flow_run.get_id() or "local"),
        settings=settings,
        warehouse=warehouse,
    )
    with failed_run_recorded(warehouse, frame.run_id):
        yield frame


@task(cache_policy=NONE)
def publish_task(warehouse: Warehouse) -> PublishStats:
    """Publish the analysts' snapshot of the private database."""
    return warehouse.publish()


@contextmanager
def failed_run_recorded(warehouse: Warehouse, run_id: str) -> Iterator[None]:
    """Whatever raises inside marks the run ``failed``, so its row agrees with its exit code.

    Best effort: when the warehouse itself is what failed (disk full, held too long),
    the row stays ``running`` and the next run marks it ``crashed`` once this process ends.
    """
    try:
        yield
    except BaseException:
        try:
            with warehouse.writing() as con:
                fail_run(con, run_id=run_id, now=utcnow(), locks=warehouse.run_locks)
        except Exception as error:  # the original error is the one to report
            _log.warning("newsflow: could not record run %s as failed: %s", run_id, error)
        raise
