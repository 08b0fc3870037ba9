"""The frame of a run: what every flow does around its own work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from connectors.clock import utcnow
from warehouse import Warehouse, fail_run

_log = logging.getLogger(__name__)


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
                fail_run(con, run_id=run_id, now=utcnow())
        except Exception as error:  # the original error is the one to report
            _log.warning("newsflow: could not record run %s as failed: %s", run_id, error)
        raise
