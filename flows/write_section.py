"""The warehouse write section: the one place flows open DuckDB, serialised across runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import duckdb

from connectors.clock import utcnow
from flows.settings import WRITE_LOCK_TIMEOUT_SECONDS, load_settings
from warehouse import connect_warehouse, fail_run, hold_writer_lock

_log = logging.getLogger(__name__)


@contextmanager
def writer_turn(db_path: str) -> Iterator[None]:
    """Wait until no other newsflow process uses the database file, and keep it that way.

    DuckDB lets one process at a time open the file and fails at once
    otherwise, so concurrent runs (a scheduled poll during a backfill, several
    workers, an embedded ``newsflow ingest``) queue on a lock file beside the
    database. When ``NEWSFLOW_WRITE_LIMIT`` names a Prefect global
    concurrency limit, it is held as well, with ``strict=True`` so a missing
    limit is an error and never a silent no-op: that serialises workers on
    several machines that share the warehouse's storage.
    """
    with _prefect_limit(load_settings().write_limit):
        with hold_writer_lock(Path(db_path), timeout_seconds=WRITE_LOCK_TIMEOUT_SECONDS):
            yield


@contextmanager
def warehouse_section(
    db_path: str, *, lock_wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one short section, in this process's turn (see ``writer_turn``).

    Args:
        db_path: the database to open.
        lock_wait: seconds to wait for a process outside newsflow's turns that holds the
            file (default: NEWSFLOW_LOCK_WAIT).
    """
    wait = load_settings().lock_wait if lock_wait is None else lock_wait
    with writer_turn(db_path):
        con = connect_warehouse(Path(db_path), lock_wait=wait)
        try:
            yield con
        finally:
            con.close()


@contextmanager
def failed_run_recorded(db_path: str, run_id: str, *, lock_wait: float) -> Iterator[None]:
    """Whatever raises inside marks the run ``failed``, so its row agrees with its exit code.

    Best effort: when the warehouse itself is what failed (disk full, held too long),
    the row stays ``running`` and the next run marks it ``crashed`` once this process ends.
    """
    try:
        yield
    except BaseException:
        try:
            with warehouse_section(db_path, lock_wait=lock_wait) as con:
                fail_run(con, run_id=run_id, now=utcnow())
        except Exception as error:  # the original error is the one to report
            _log.warning("newsflow: could not record run %s as failed: %s", run_id, error)
        raise


def _prefect_limit(limit: str | None) -> AbstractContextManager[object]:
    if limit is None:
        return nullcontext()
    from prefect.concurrency.sync import concurrency

    return concurrency(limit, occupy=1, timeout_seconds=WRITE_LOCK_TIMEOUT_SECONDS, strict=True)
