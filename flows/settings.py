"""Settings from the environment: the one place that reads NEWSFLOW_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data/news.duckdb")
DEFAULT_SEEDS = Path("seeds")
DEFAULT_BATCH_SIZE = 200
# The Prefect global concurrency limit (limit 1) that `newsflow deploy` creates; with
# NEWSFLOW_WRITE_LIMIT set to it, warehouse sections also hold it (workers on several machines).
WAREHOUSE_WRITE_LIMIT = "warehouse-write"
WORK_POOL = "newsflow"  # the process work pool of prefect.yaml
WRITE_LOCK_TIMEOUT_SECONDS = 900.0

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
    write_limit: str | None = None  # NEWSFLOW_WRITE_LIMIT: Prefect limit held around DB access


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
    return Settings(
        db_path=Path(env.get("NEWSFLOW_DB") or DEFAULT_DB),
        seeds_dir=Path(env.get("NEWSFLOW_SEEDS") or DEFAULT_SEEDS),
        batch_size=batch_size,
        write_limit=env.get("NEWSFLOW_WRITE_LIMIT") or None,
    )


def apply_prefect_offline_defaults() -> None:
    """Keep Prefect from reaching the internet, unless the user chose otherwise."""
    for name, value in PREFECT_OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
