"""The warehouse as one object: its files, its writer turn, its staged loads and its publish.

Built from the analysts' database path (``NEWSFLOW_DB``), a ``Warehouse`` works out every
file that belongs to it and is the only way to write it: each write section waits for the
writer turn (an ``flock`` on its lock file, and a lock shared across machines when the flows
configure one) before it opens the private database, so no writer ever meets DuckDB's own
"Could not set lock" instead of waiting. It holds only paths and settings, so Prefect tasks
can take it as a parameter.

Layout, for ``data/news.duckdb``::

    data/news.duckdb                   the analysts' snapshot (published)
    data/news.private/warehouse.duckdb the flows' private database
    data/news.private/warehouse.duckdb.lock   the writer turn
    data/news.private/warehouse.duckdb.runs/  a lock file per live run (crash detection)
    data/news.private/warehouse-raw/   raw pages, gzip files named by SHA-256
    data/news.private/spool/           batches staged before their load
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb

from connectors.records import Failure, Source
from transforms.rawpage import RawPage
from transforms.records import TaggedArticle
from warehouse.db import connect_warehouse
from warehouse.feeds import sync_sources
from warehouse.lake_maintenance import (
    CLEANUP_GRACE,
    KEEP_SNAPSHOTS,
    KEEP_STAGED,
    MaintenanceStats,
)
from warehouse.load import LoadCounts
from warehouse.publish import PublishStats, publish_snapshot
from warehouse.query import connect_snapshot
from warehouse.runs import FolderRunLocks, RunLocks
from warehouse.spool import SpooledBatch, list_spooled, load_spooled, read_spooled, spool_batch
from warehouse.stories import AssignStories
from warehouse.writer_lock import hold_writer_lock

P = ParamSpec("P")
T = TypeVar("T")
PRIVATE_DIR_SUFFIX = ".private"
WRITE_DB_NAME = "warehouse.duckdb"
SPOOL_DIR_NAME = "spool"
RAW_DIR_NAME = "warehouse-raw"
LOCK_WAIT_SECONDS = 30.0  # a process outside newsflow's turns holding the private database
TURN_WAIT_SECONDS = 900.0  # another newsflow run's write section or publish

# The writer turns this thread holds, by lock file, with their depth: a thread that holds a
# turn (a backfill day, a retag) opens sections inside it without queueing behind itself.
_turns = threading.local()


@dataclass(frozen=True, slots=True)
class LoadedBatch:
    """What loading one staged batch did, with its articles' topics for the batch event."""

    batch_id: str
    counts: LoadCounts
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Published:
    """What analysts read now: where it is, when it last changed, its size on disk."""

    location: str  # the snapshot's path, or the lake's catalog (password hidden)
    at: datetime  # aware, UTC
    bytes: int


@dataclass(frozen=True, slots=True)
class Warehouse:
    """The embedded DuckDB warehouse that publishes ``snapshot`` for analysts.

    Attributes:
        snapshot: the analysts' database, replaced by each publish.
        private_dir: where the private side lives (default: ``<snapshot stem>.private``
            beside the snapshot, so every snapshot has its own).
        lock_wait: seconds to wait for a process outside newsflow's turns that holds the
            private database (DuckDB itself refuses at once).
        turn_wait: seconds to wait for the writer turn before giving up.
        shared_turn: a lock held around the file lock, for writers on several machines
            (the flows pass Prefect's global concurrency limit); ``None``: the file lock only.
        assign_stories: decides the stories of loaded articles (the flows pass
            ``transforms.assign_stories``); a warehouse without one cannot load.
    """

    snapshot: Path
    private_dir: Path | None = None
    lock_wait: float = LOCK_WAIT_SECONDS
    turn_wait: float = TURN_WAIT_SECONDS
    shared_turn: Callable[[], AbstractContextManager[object]] | None = None
    assign_stories: AssignStories | None = None

    @property
    def story_rule(self) -> AssignStories:
        """``assign_stories``, which every load needs.

        Raises:
            ValueError: this warehouse was built without one.
        """
        if self.assign_stories is None:
            raise ValueError("a warehouse that loads needs assign_stories (transforms')")
        return self.assign_stories

    @property
    def folder(self) -> Path:
        """The private side: database, lock, raw pages, spool, run locks."""
        return self.private_dir or self.snapshot.with_name(self.snapshot.stem + PRIVATE_DIR_SUFFIX)

    @property
    def write_db(self) -> Path:
        """The private database the flows write; nobody else opens it."""
        return self.folder / WRITE_DB_NAME

    @property
    def spool_dir(self) -> Path:
        """Batches staged on disk, waiting for their load."""
        return self.folder / SPOOL_DIR_NAME

    @property
    def raw_dir(self) -> Path:
        """Raw pages as content-addressed gzip files (rows in ``raw_documents`` name them).

        The extraction workers write them (the flow hands them this folder); a load
        records only the rows.
        """
        return self.folder / RAW_DIR_NAME

    @property
    def lock_file(self) -> Path:
        """The file whose ``flock`` is the writer turn."""
        return self.write_db.with_name(self.write_db.name + ".lock")

    @property
    def runs_dir(self) -> Path | None:
        """A lock file per run whose row says ``running``, held while it lives (see runs.py)."""
        return self.write_db.with_name(self.write_db.name + ".runs")

    @property
    def run_locks(self) -> RunLocks | None:
        """Where runs show they are alive (``flock``s in ``runs_dir``), so dead ones are found."""
        return None if self.runs_dir is None else FolderRunLocks(self.runs_dir)

    def sync_sources(self, sources: Sequence[Source], *, listed_by: str, now: datetime) -> None:
        """Make the sources table match one of the sources files sharing the warehouse.

        Processes (on one machine, or on several for a lake) may each poll a file of their
        own (``listed_by``: ``host:path``): a source stops polling only when the file that
        listed it last drops it, never because another process's file does not list it
        (see ``warehouse.feeds.sync_sources``).
        """
        self.write(sync_sources, sources, now, listed_by=listed_by)

    @contextmanager
    def polling(self, sources: Sequence[str]) -> Iterator[list[str]]:
        """The sources among ``sources`` that this process may poll now, until the block ends.

        The embedded warehouse gives them all, as before: its runs share one machine and
        take turns on its file, and a feed polled twice stores its items once.
        """
        yield list(sources)

    def exists(self) -> bool:
        """Whether the flows' database exists: some run has written the warehouse."""
        return self.write_db.exists()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for the writer turn and hold it, across as many write sections as run inside.

        DuckDB lets one process at a time open the file and fails at once otherwise, so
        every writer (runs, the CLI's one-off writes, publishes) queues here first.

        Raises:
            TimeoutError: the turn was not free within ``turn_wait`` seconds.
        """
        held = _held_turns()
        key = self.lock_file.absolute()
        if key in held:
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        with ExitStack() as stack:
            if self.shared_turn is not None:
                stack.enter_context(self.shared_turn())
            stack.enter_context(hold_writer_lock(self.lock_file, timeout_seconds=self.turn_wait))
            held[key] = 1
            try:
                yield
            finally:
                del held[key]

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write section: in the writer turn, the private database open and migrated."""
        with self.turn():
            con = connect_warehouse(self.write_db, lock_wait=self.lock_wait)
            try:
                yield con
            finally:
                con.close()

    def write(
        self,
        load: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one write transaction, ``load(con, *args, **kwargs)``, in its own write section.

        The lake engine runs it again when it loses to a concurrent writer, so ``load``
        must be one transaction (a ``load_*`` function of this package), never a series.
        """
        with self.writing() as con:
            return load(con, *args, **kwargs)

    @contextmanager
    def reading(self, *, write_dirs: Iterable[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
        """The analysts' snapshot, read-only and sandboxed (see ``warehouse.query``).

        Args:
            write_dirs: folders DuckDB may write into besides (an export's target).

        Raises:
            FileNotFoundError: nothing has been published yet.
        """
        con = connect_snapshot(self.snapshot, write_dirs=write_dirs)
        try:
            yield con
        finally:
            con.close()

    def published(self, con: duckdb.DuckDBPyConnection) -> Published:
        """The snapshot file that ``reading`` opened as ``con``: its path, time and size."""
        stat = self.snapshot.stat()
        return Published(
            str(self.snapshot), datetime.fromtimestamp(stat.st_mtime, UTC), stat.st_size
        )

    def stage(
        self,
        *,
        run_id: str,
        tagged: Sequence[TaggedArticle],
        failures: Sequence[Failure],
        now: datetime,
        raw: Sequence[tuple[RawPage, str | None]] = (),
    ) -> Path:
        """Stage one batch durably in the spool before any load; return its file.

        Needs no turn: spool files have unique names and appear by an atomic rename.
        """
        return spool_batch(
            self.spool_dir, run_id=run_id, tagged=tagged, failures=failures, now=now, raw=raw
        )

    def staged(self) -> list[Path]:
        """Spool files waiting for their load, oldest first (earlier runs' leftovers too)."""
        return list_spooled(self.spool_dir)

    def load_staged(self, path: Path, *, run_id: str, now: datetime) -> LoadedBatch | None:
        """Load one staged batch in one transaction, in its own write section, and delete it.

        An unreadable file is set aside and recorded as a ``bad_spool`` failure of ``run_id``.

        Returns:
            What the load did; ``None`` when a concurrent run loaded the file first (in this
            turn that shows as a missing file).
        """
        assign_stories = self.story_rule
        with self.writing() as con:
            if not path.exists():
                return None
            try:
                batch: SpooledBatch | None = read_spooled(path)
            except ValueError:
                batch = None  # load_spooled rejects the file and records why
            counts = load_spooled(
                con, path, run_id=run_id, now=now, assign_stories=assign_stories, batch=batch
            )
        topics = [tag.topic for item in batch.tagged for tag in item.topics] if batch else []
        return LoadedBatch(path.stem, counts, tuple(topics))

    def maintain(
        self,
        *,
        keep_snapshots: timedelta = KEEP_SNAPSHOTS,
        keep_staged: timedelta = KEEP_STAGED,
        cleanup_grace: timedelta = CLEANUP_GRACE,
    ) -> MaintenanceStats | None:
        """Nothing to compact here: each publish writes a fresh, compact snapshot (the lake has)."""
        return None

    def publish(self) -> PublishStats:
        """Publish the analysts' snapshot: a consistent copy of the private database, swapped in."""
        with self.turn():
            return publish_snapshot(self.write_db, self.snapshot, lock_wait=self.lock_wait)


def _held_turns() -> dict[Path, int]:
    held: dict[Path, int] | None = getattr(_turns, "held", None)
    if held is None:
        held = _turns.held = {}
    return held
