"""The lake as a warehouse: the embedded ``Warehouse``'s methods, without its global lock.

A ``Warehouse`` whose ``load_staged``, ``writing``, ``reading``, ``turn`` and ``publish`` go to
the lake, so flows call them without knowing which engine is behind them. A batch is spooled
on local disk as in the embedded warehouse, then appended to the lake in one transaction (no
lock: appends never conflict) and merged into the curated tables (see
:mod:`warehouse.lake_merge`): when ``load_staged`` returns, the batch is queryable.
``publish`` has nothing to copy: analysts attach the lake itself, read-only, and see every
committed merge.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Concatenate

import duckdb

from warehouse.lake import (
    CATALOG,
    DEFAULT_EXTENSION_DIR,
    LakeConnection,
    apply_lake_schema,
    connect_lake,
    hide_password,
    retry_conflicts,
)
from warehouse.lake_locks import SOURCE_KEY, CatalogRunLocks, catalog_locks
from warehouse.lake_maintenance import (
    CLEANUP_GRACE,
    KEEP_SNAPSHOTS,
    KEEP_STAGED,
    MaintenanceStats,
    maintain_lake,
)
from warehouse.lake_merge import MergeResult, merge_staged, stage_spooled
from warehouse.publish import PublishStats
from warehouse.runs import RunLocks
from warehouse.spool import read_spooled
from warehouse.warehouse import LoadedBatch, P, Published, T, Warehouse

RAW_DIR_NAME = "raw"

# One DuckDB instance per lake and process, with the lake attached and migrated: attaching
# costs 1-2 s, so every write section takes a cursor of it instead.
_instances: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
_instances_lock = threading.Lock()
_LAST_COMMIT = f"SELECT max(snapshot_time) FROM {CATALOG}.snapshots()"


@dataclass(frozen=True, slots=True)
class LakeWarehouse(Warehouse):
    """DuckLake on a PostgreSQL catalog, written by any number of processes at once.

    The private side (``folder``: the spool) stays on this machine, as in the embedded
    warehouse; ``snapshot`` only names where that side lives by default.

    Attributes:
        target: ``ducklake:postgres:dbname=… host=… port=… user=…`` (NEWSFLOW_WAREHOUSE).
        data_dir: the lake's files, shared by every writer (NEWSFLOW_LAKE_DATA).
        extension_dir: where the lake extra's DuckDB extensions are installed.
    """

    target: str = ""
    data_dir: Path = Path("data/lake")
    extension_dir: Path = field(default=DEFAULT_EXTENSION_DIR)

    @property
    def raw_dir(self) -> Path:
        """Raw pages as content-addressed gzip files beside the lake's data (workers write them)."""
        return self.data_dir / RAW_DIR_NAME

    @property
    def runs_dir(self) -> None:
        """No local run locks: a run on another machine could hold none here."""
        return None

    @property
    def run_locks(self) -> RunLocks | None:
        """Advisory locks on the catalog, which runs on every machine see (lake_locks)."""
        locks = catalog_locks(self.target)
        return None if locks is None else CatalogRunLocks(locks)

    @contextmanager
    def polling(self, sources: Sequence[str]) -> Iterator[list[str]]:
        """The sources among ``sources`` that no other process is polling, claimed until the end.

        Each is an advisory lock on the catalog, so processes on any machine poll a feed one
        at a time; a killed process's claims go with its session. Sources another process
        holds are left out.
        """
        locks = catalog_locks(self.target)
        if locks is None:
            yield list(sources)
            return
        claimed = locks.try_exclusive(SOURCE_KEY + name for name in sources)
        try:
            yield [key.removeprefix(SOURCE_KEY) for key in claimed]
        finally:
            locks.release_exclusive(claimed)

    def exists(self) -> bool:
        """A lake is created by the first process that attaches it: it is always there."""
        return True

    @contextmanager
    def turn(self) -> Iterator[None]:
        """No turn to wait for: writers conflict per transaction, and the loser retries."""
        yield

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write section on the lake, speaking the embedded warehouse's SQL (LakeConnection).

        A write outside a transaction is retried by itself when it conflicts; an explicit
        transaction that loses raises ``warehouse.lake.LakeConflict``.
        """
        cursor = self._instance().cursor()
        try:
            cursor.execute(f"USE {CATALOG}")
            yield LakeConnection(cursor).as_duckdb()
        finally:
            cursor.close()

    def write(
        self,
        load: Callable[Concatenate[duckdb.DuckDBPyConnection, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run one write transaction in a write section; again, while it loses to another writer."""

        def attempt() -> T:
            with self.writing() as con:
                return load(con, *args, **kwargs)

        return retry_conflicts(attempt)

    @contextmanager
    def reading(self, *, write_dirs: Iterable[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
        """The lake, read-only and sandboxed as the analysts' snapshot is (``newsflow sql``).

        Args:
            write_dirs: folders DuckDB may write into besides (an export's target).
        """
        con = connect_lake(self.target, read_only=True, extension_dir=self.extension_dir)
        try:
            allowed = [str(folder.resolve()) + "/" for folder in (self.data_dir, *write_dirs)]
            con.execute("SET allowed_directories = $dirs", {"dirs": allowed})
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            yield con
        finally:
            con.close()

    def published(self, con: duckdb.DuckDBPyConnection) -> Published:
        """The lake that ``reading`` attached as ``con``: its catalog, last commit, data size.

        The size counts the lake's data directory, raw pages included.
        """
        row = con.execute(_LAST_COMMIT).fetchone()
        last: datetime | None = row[0] if row else None
        at = last.astimezone(UTC) if last is not None else datetime.fromtimestamp(0, UTC)
        return Published(hide_password(self.target), at, _folder_bytes(self.data_dir))

    def load_staged(self, path: Path, *, run_id: str, now: datetime) -> LoadedBatch | None:
        """Append one spooled batch to the lake, delete its file, then merge what is staged.

        Returns:
            What it did: the counts of every batch this merge took (other writers' too, when
            it merged them first; none when another merge took this one); ``None`` when the
            file is gone (another process on this machine appended it first).

        Raises:
            ValueError: the file is not a readable spool file (left in place).
        """
        if not path.exists():
            return None
        batch = read_spooled(path)
        with self.writing() as con:
            stage_spooled(LakeConnection.of(con).raw, path, now=now)
        merged = self.merge(now=now)
        topics = tuple(tag.topic for item in batch.tagged for tag in item.topics)
        return LoadedBatch(batch.batch_id, merged.counts, topics)

    def merge(self, *, now: datetime) -> MergeResult:
        """Merge every staged batch that no merge has taken yet (any writer's) at time ``now``."""
        with self.writing() as con:
            return merge_staged(
                LakeConnection.of(con), now=lambda: now, assign_stories=self.story_rule
            )

    def publish(self) -> PublishStats:
        """Merge what is still staged; the lake itself is what analysts read."""
        started = time.monotonic()
        self.merge(now=_utcnow())
        with self.writing() as con:
            row = con.execute("SELECT max(version) FROM _migrations").fetchone()
        return PublishStats(
            snapshot=self.data_dir,
            bytes=_folder_bytes(self.data_dir),
            seconds=time.monotonic() - started,
            schema_version=int(row[0]) if row and row[0] is not None else 0,
        )

    def maintain(
        self,
        *,
        keep_snapshots: timedelta = KEEP_SNAPSHOTS,
        keep_staged: timedelta = KEEP_STAGED,
        cleanup_grace: timedelta = CLEANUP_GRACE,
    ) -> MaintenanceStats | None:
        """Compact the lake's files, expire snapshots older than ``keep_snapshots``, free the disk.

        Files no snapshot reaches are deleted once unreachable for ``cleanup_grace``.
        """
        cursor = self._instance().cursor()
        try:
            cursor.execute(f"USE {CATALOG}")
            return maintain_lake(
                cursor,
                data_dir=self.data_dir,
                now=_utcnow(),
                keep_snapshots=keep_snapshots,
                keep_staged=keep_staged,
                cleanup_grace=cleanup_grace,
                skip=frozenset({RAW_DIR_NAME}),
            )
        finally:
            cursor.close()

    def _instance(self) -> duckdb.DuckDBPyConnection:
        key = (self.target, str(self.data_dir))
        with _instances_lock:
            con = _instances.get(key)
            if con is None:
                con = connect_lake(
                    self.target, data_path=str(self.data_dir), extension_dir=self.extension_dir
                )
                apply_lake_schema(LakeConnection(con))
                _instances[key] = con
            return con


def _folder_bytes(folder: Path) -> int:
    return sum(
        (Path(root) / name).stat().st_size for root, _, names in os.walk(folder) for name in names
    )


def _utcnow() -> datetime:
    """Naive UTC, as every time the warehouse stores (for the steps no caller dates)."""
    return datetime.now(UTC).replace(tzinfo=None)
