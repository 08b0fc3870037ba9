"""`newsflow deploy`: every piece of Prefect setup a server needs, idempotently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import (
    GlobalConcurrencyLimitCreate,
    GlobalConcurrencyLimitUpdate,
    WorkPoolCreate,
)
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL

from flows.settings import WAREHOUSE_WRITE_LIMIT, WORK_POOL


def deploy_project(project_dir: Path) -> None:
    """Create the work pool and the write limit if missing, then deploy prefect.yaml.

    Running it again changes nothing but the deployments themselves, which
    ``prefect deploy`` replaces in place (schedules and trigger automations too).

    Raises:
        ValueError: no prefect.yaml in ``project_dir``, or no server configured.
        subprocess.CalledProcessError: ``prefect deploy`` failed (its output says why).
    """
    if not (project_dir / "prefect.yaml").is_file():
        raise ValueError(f"{project_dir}: no prefect.yaml here; run from the project folder")
    if not PREFECT_API_URL.value():
        raise ValueError(
            "PREFECT_API_URL is not set: start a server (prefect server start) and "
            "set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    ensure_work_pool(WORK_POOL)
    ensure_write_limit(WAREHOUSE_WRITE_LIMIT)
    subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        cwd=project_dir,
        env={**os.environ, "PWD": str(project_dir.resolve())},  # prefect.yaml's {{ $PWD }}
        check=True,
    )


def ensure_work_pool(name: str) -> None:
    """Create the ``process`` work pool ``name`` unless it exists."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
            print(f"created work pool {name!r}")


def ensure_write_limit(name: str) -> None:
    """Create (or reset to one active slot) the global concurrency limit ``name``.

    Flows acquire it with ``strict=True``, so a deployment without it fails
    loudly instead of writing without a lock.
    """
    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            print(f"created global concurrency limit {name!r} (limit 1)")
            return
        if limit.limit != 1 or not limit.active:
            client.update_global_concurrency_limit(
                name, GlobalConcurrencyLimitUpdate(limit=1, active=True)
            )
            print(f"reset global concurrency limit {name!r} to limit 1, active")
