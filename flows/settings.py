"""Settings from the environment: the one place that reads NEWSFLOW_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data/news.duckdb")
DEFAULT_SEEDS = Path("seeds")
DEFAULT_BATCH_SIZE = 200
DEFAULT_LOCK_WAIT = 30.0  # seconds a flow waits for another process holding the private database
# The flows write a private database beside the analysts' one and publish a snapshot of it
# as NEWSFLOW_DB (see warehouse/publish.py); the spool of staged batches lives there too.
PRIVATE_DIR_SUFFIX = ".private"
WRITE_DB_NAME = "warehouse.duckdb"
SPOOL_DIR_NAME = "spool"

# Prefect phones home unless told not to; newsflow runs offline by default.
PREFECT_OFFLINE_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time settings; every field can be set by an environment variable."""

    db_path: Path = DEFAULT_DB  # NEWSFLOW_DB
    seeds_dir: Path = DEFAULT_SEEDS  # NEWSFLOW_SEEDS
    batch_size: int = DEFAULT_BATCH_SIZE  # NEWSFLOW_BATCH_SIZE
    private_dir: Path | None = None  # NEWSFLOW_PRIVATE_DIR; None: beside db_path
    lock_wait: float = DEFAULT_LOCK_WAIT  # NEWSFLOW_LOCK_WAIT


@dataclass(frozen=True, slots=True)
class WarehousePaths:
    """Where the warehouse lives: the analysts' snapshot, the flows' private database, the spool."""

    snapshot: Path
    write_db: Path
    spool_dir: Path


def warehouse_paths(db_path: Path, private_dir: Path | None = None) -> WarehousePaths:
    """The private database and spool that belong to the analysts' database ``db_path``.

    By default they live in ``<db folder>/<db name>.private/`` (``data/news.private/`` for
    ``data/news.duckdb``), so every ``--db`` gets its own private side.
    """
    folder = private_dir or db_path.with_name(db_path.stem + PRIVATE_DIR_SUFFIX)
    return WarehousePaths(db_path, folder / WRITE_DB_NAME, folder / SPOOL_DIR_NAME)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from ``NEWSFLOW_*`` variables, falling back to defaults.

    Raises:
        ValueError: a variable is set to a value of the wrong kind.
    """
    env = os.environ if environ is None else environ
    try:
        batch_size = int(env.get("NEWSFLOW_BATCH_SIZE", DEFAULT_BATCH_SIZE))
    except ValueError:
        raise ValueError("NEWSFLOW_BATCH_SIZE must be a whole number") from None
    if batch_size < 1:
        raise ValueError("NEWSFLOW_BATCH_SIZE must be at least 1")
    try:
        lock_wait = float(env.get("NEWSFLOW_LOCK_WAIT", DEFAULT_LOCK_WAIT))
    except ValueError:
        raise ValueError("NEWSFLOW_LOCK_WAIT must be a number of seconds") from None
    if not lock_wait >= 0:
        raise ValueError("NEWSFLOW_LOCK_WAIT must be 0 or more seconds")
    return Settings(
        db_path=Path(env.get("NEWSFLOW_DB") or DEFAULT_DB),
        seeds_dir=Path(env.get("NEWSFLOW_SEEDS") or DEFAULT_SEEDS),
        batch_size=batch_size,
        private_dir=Path(env["NEWSFLOW_PRIVATE_DIR"]) if env.get("NEWSFLOW_PRIVATE_DIR") else None,
        lock_wait=lock_wait,
    )


def apply_prefect_offline_defaults() -> None:
    """Keep Prefect from reaching the internet, unless the user chose otherwise."""
    for name, value in PREFECT_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
