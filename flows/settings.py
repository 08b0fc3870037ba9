"""Settings from the environment: the one place that reads NEWSFLOW_* variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from connectors import HttpPolicy, parse_networks
from connectors import settings as limits
from transforms import assign_stories
from warehouse import LakeWarehouse, Warehouse, is_lake_target
from warehouse.warehouse import LOCK_WAIT_SECONDS, TURN_WAIT_SECONDS

DEFAULT_DB = Path("data/news.duckdb")
DEFAULT_SEEDS = Path("seeds")
DEFAULT_SOURCES = Path("sources.yaml")
DEFAULT_BATCH_SIZE = 200
# The Prefect global concurrency limit (limit 1) that `newsflow deploy` creates; with
# NEWSFLOW_WRITE_LIMIT set to it, warehouse sections also hold it (workers on several machines).
WAREHOUSE_WRITE_LIMIT = "warehouse-write"
WORK_POOL = "newsflow"  # the process work pool of prefect.yaml
DEFAULT_LOCK_WAIT = LOCK_WAIT_SECONDS  # seconds to wait for a process holding the private db

EMBEDDED_WAREHOUSE = "duckdb:"  # NEWSFLOW_WAREHOUSE's value for the default engine
T = TypeVar("T", int, float)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits and politeness of feed and page fetching (see the README's settings table)."""

    policy: HttpPolicy = field(default_factory=HttpPolicy)  # connect timeout, concurrency, ...
    feed_deadline: float = limits.FEED_DEADLINE_SECONDS  # NEWSFLOW_FEED_DEADLINE_SECONDS
    page_deadline: float = limits.PAGE_DEADLINE_SECONDS  # NEWSFLOW_PAGE_DEADLINE_SECONDS
    max_feed_bytes: int = limits.MAX_FEED_BYTES  # NEWSFLOW_MAX_FEED_BYTES
    max_page_bytes: int = limits.MAX_PAGE_BYTES  # NEWSFLOW_MAX_PAGE_BYTES


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time settings; every field can be set by an environment variable."""

    db_path: Path = DEFAULT_DB  # NEWSFLOW_DB
    seeds_dir: Path = DEFAULT_SEEDS  # NEWSFLOW_SEEDS
    seeds_from_env: bool = False  # NEWSFLOW_SEEDS was set: a missing folder is an error
    batch_size: int = DEFAULT_BATCH_SIZE  # NEWSFLOW_BATCH_SIZE
    write_limit: str | None = None  # NEWSFLOW_WRITE_LIMIT: Prefect limit held around DB access
    sources_path: Path = DEFAULT_SOURCES  # NEWSFLOW_SOURCES
    sources_from_env: bool = False  # NEWSFLOW_SOURCES was set: a missing file is an error
    fetch: FetchSettings = field(default_factory=FetchSettings)
    private_dir: Path | None = None  # NEWSFLOW_PRIVATE_DIR; None: beside db_path
    lock_wait: float = DEFAULT_LOCK_WAIT  # NEWSFLOW_LOCK_WAIT
    lake: str | None = None  # NEWSFLOW_WAREHOUSE=ducklake:postgres:…; None: the embedded DuckDB
    lake_data: Path | None = None  # NEWSFLOW_LAKE_DATA: the lake's shared data directory


def warehouse_for(
    settings: Settings,
    *,
    db_path: str | Path | None = None,
    private_dir: str | Path | None = None,
    lock_wait: float | None = None,
) -> Warehouse:
    """The warehouse the settings name; a flow's or command's own arguments win over them.

    ``NEWSFLOW_WAREHOUSE=ducklake:…`` names the lake (README "Scaling out"): no writer
    turn, and the private side (``db_path``'s folder, or ``private_dir``) keeps only this
    machine's spool.

    With ``NEWSFLOW_WRITE_LIMIT`` set, every writer turn also holds that Prefect global
    concurrency limit, strictly (a missing limit is an error, never a silent no-op): that
    serialises workers on several machines that share the warehouse's storage.
    """
    limit = settings.write_limit
    if settings.lake is not None:
        if settings.lake_data is None:
            raise ValueError("NEWSFLOW_WAREHOUSE names a lake: set NEWSFLOW_LAKE_DATA as well")
        snapshot = Path(db_path) if db_path else settings.db_path
        return LakeWarehouse(
            snapshot=snapshot,
            private_dir=Path(private_dir) if private_dir else settings.private_dir,
            assign_stories=assign_stories,
            target=settings.lake,
            data_dir=settings.lake_data,
        )
    return Warehouse(
        snapshot=Path(db_path) if db_path else settings.db_path,
        private_dir=Path(private_dir) if private_dir else settings.private_dir,
        lock_wait=settings.lock_wait if lock_wait is None else lock_wait,
        shared_turn=None if limit is None else partial(_hold_prefect_limit, limit),
        assign_stories=assign_stories,
    )


def _hold_prefect_limit(name: str) -> AbstractContextManager[object]:
    from prefect.concurrency.sync import concurrency  # late: Prefect reads settings on import

    return concurrency(name, occupy=1, timeout_seconds=TURN_WAIT_SECONDS, strict=True)


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
        seeds_from_env=bool(env.get("NEWSFLOW_SEEDS")),
        batch_size=batch_size,
        write_limit=env.get("NEWSFLOW_WRITE_LIMIT") or None,
        sources_path=Path(env.get("NEWSFLOW_SOURCES") or DEFAULT_SOURCES),
        sources_from_env=bool(env.get("NEWSFLOW_SOURCES")),
        fetch=_load_fetch_settings(env),
        private_dir=Path(env["NEWSFLOW_PRIVATE_DIR"]) if env.get("NEWSFLOW_PRIVATE_DIR") else None,
        lock_wait=lock_wait,
        lake=_lake(env.get("NEWSFLOW_WAREHOUSE", "")),
        lake_data=Path(env["NEWSFLOW_LAKE_DATA"]) if env.get("NEWSFLOW_LAKE_DATA") else None,
    )


def _lake(value: str) -> str | None:
    """The lake NEWSFLOW_WAREHOUSE names; ``None``: the embedded DuckDB (unset or ``duckdb:``)."""
    if value in ("", EMBEDDED_WAREHOUSE):
        return None
    if not is_lake_target(value):
        raise ValueError(
            f"NEWSFLOW_WAREHOUSE must be {EMBEDDED_WAREHOUSE} or ducklake:postgres:…, not {value!r}"
        )
    return value


def _load_fetch_settings(env: Mapping[str, str]) -> FetchSettings:
    try:
        networks = parse_networks(env.get("NEWSFLOW_ALLOWED_NETWORKS", ""))
    except ValueError as error:
        raise ValueError(f"NEWSFLOW_ALLOWED_NETWORKS: {error}") from None
    policy = HttpPolicy(
        allowed_networks=networks,
        user_agent=env.get("NEWSFLOW_USER_AGENT") or limits.USER_AGENT,
        connect_timeout=_number(
            env, "NEWSFLOW_CONNECT_TIMEOUT_SECONDS", float, 0.1, limits.CONNECT_TIMEOUT_SECONDS
        ),
        global_concurrency=_number(env, "NEWSFLOW_CONCURRENCY", int, 1, limits.GLOBAL_CONCURRENCY),
        host_concurrency=_number(env, "NEWSFLOW_HOST_CONCURRENCY", int, 1, limits.HOST_CONCURRENCY),
        host_delay_seconds=_number(
            env, "NEWSFLOW_HOST_DELAY_SECONDS", float, 0.0, limits.HOST_DELAY_SECONDS
        ),
    )
    return FetchSettings(
        policy=policy,
        feed_deadline=_number(
            env, "NEWSFLOW_FEED_DEADLINE_SECONDS", float, 0.1, limits.FEED_DEADLINE_SECONDS
        ),
        page_deadline=_number(
            env, "NEWSFLOW_PAGE_DEADLINE_SECONDS", float, 0.1, limits.PAGE_DEADLINE_SECONDS
        ),
        max_feed_bytes=_number(env, "NEWSFLOW_MAX_FEED_BYTES", int, 1, limits.MAX_FEED_BYTES),
        max_page_bytes=_number(env, "NEWSFLOW_MAX_PAGE_BYTES", int, 1, limits.MAX_PAGE_BYTES),
    )


def _number(
    env: Mapping[str, str], name: str, kind: Callable[[str], T], minimum: T, default: T
) -> T:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}")
    return value
