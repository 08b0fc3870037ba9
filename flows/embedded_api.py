"""Prefect's embedded API for one newsflow command: a long start-up limit, never left behind.

With no ``PREFECT_API_URL``, Prefect starts a temporary API server in a subprocess on first use,
waits only 20 s for it (a fresh ``PREFECT_HOME`` migrates its database first, which can take
longer on a busy machine) and leaves it running when the command is killed. newsflow starts
that same server itself, the way Prefect does, but waits longer, says one line about it, and
ties the server's life to its own: stopped at exit, and on Linux killed by the kernel when
newsflow dies in any way (a parent-death signal, so SIGKILL too).

Run as ``python -m flows.embedded_api PARENT_PID UVICORN_ARGS...`` it is the server process:
it asks for the parent-death signal, then runs uvicorn.
"""

from __future__ import annotations

import atexit
import http.client
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefect.settings import Settings

STARTUP_TIMEOUT_SECONDS = 180
TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
STARTING_MESSAGE = (
    "newsflow: starting Prefect's embedded API; the first start prepares its database"
)
RESTARTING_MESSAGE = "newsflow: starting Prefect's embedded API"  # its database is there
LOG_NAME = "newsflow-embedded-api.log"  # in PREFECT_HOME: the server's own output
STOP_GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The last line of a traceback: "sqlite3.OperationalError: database is locked".
_EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception|Exit)(: .*)?$")
_REMEDY = (
    "or start a server (prefect server start) and set PREFECT_API_URL=http://127.0.0.1:4200/api"
)


class EmbeddedApiError(Exception):
    """Prefect's embedded API did not start; the message names the cause and the remedy."""


@dataclass(slots=True)
class EmbeddedApi:
    """A running embedded API server owned by this process."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it has not gone after a grace period."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_embedded_api() -> EmbeddedApi | None:
    """Start Prefect's embedded API unless a server is configured, and point Prefect at it.

    Call before the first flow runs. The server is stopped at interpreter exit, after
    Prefect's log and event workers have drained (they drain on thread shutdown, earlier).

    Returns:
        The started server, or None when ``PREFECT_API_URL`` is set or ephemeral mode is off
        (then Prefect behaves as it always does).

    Raises:
        EmbeddedApiError: the server exited or did not answer within the start-up limit.
    """
    import prefect.context
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    timeout = startup_timeout(settings)
    print(
        STARTING_MESSAGE if _first_start(settings) else RESTARTING_MESSAGE,
        file=sys.stderr,
        flush=True,
    )
    log_path = settings.home / LOG_NAME
    api = _launch(settings.to_environment_variables(exclude_unset=True), log_path)
    try:
        _wait_until_healthy(api, timeout)
    except BaseException:
        api.stop()
        raise
    atexit.register(api.stop)
    os.environ["PREFECT_API_URL"] = api.url
    # It serves no UI: without this, INFO logs would link each run to a page that is not there.
    os.environ.setdefault("PREFECT_UI_URL", "")
    prefect.context.refresh_global_settings_context()
    return api


def startup_timeout(settings: Settings) -> int:
    """Seconds to wait for the server: the user's setting if there is one, else 180.

    Prefect's own default (20 s) is shorter than a first start on a busy machine.
    """
    ephemeral = settings.server.ephemeral
    if "startup_timeout_seconds" in ephemeral.model_fields_set:  # env, profile or .env
        return ephemeral.startup_timeout_seconds
    return STARTUP_TIMEOUT_SECONDS


def _launch(prefect_env: dict[str, str], log_path: Path) -> EmbeddedApi:
    """Start the server process as Prefect's ``SubprocessASGIServer`` does, through this module."""
    import prefect

    port = _free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        # What Prefect sets for its own temporary server: no UI, ephemeral services.
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        **prefect_env,
    }
    args = [
        *("--app-dir", str(Path(prefect.__file__).parent.parent)),
        *("--factory", "prefect.server.api.server:create_app"),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--log-level", "error", "--lifespan", "on"),
    ]
    with log_path.open("wb") as log:
        # Linux sends the parent-death signal when the *thread* that started the server ends:
        # newsflow starts it from its main thread, which lives as long as the process.
        process = subprocess.Popen(
            [sys.executable, "-m", "flows.embedded_api", str(os.getpid()), *args],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    return EmbeddedApi(process, f"http://127.0.0.1:{port}/api", log_path)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(api: EmbeddedApi, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    host, port = api.url.removeprefix("http://").removesuffix("/api").split(":")
    while time.monotonic() < deadline:
        code = api.process.poll()
        if code is not None:
            raise EmbeddedApiError(
                f"Prefect's embedded API stopped while starting (exit code {code}: "
                f"{_cause(api.log_path)}); see {api.log_path}, {_REMEDY}"
            )
        if _healthy(host, int(port)):
            return
        time.sleep(0.2)
    raise EmbeddedApiError(
        f"Prefect's embedded API did not answer within {timeout:g} s (its log: {api.log_path}); "
        f"on a slow machine set {TIMEOUT_VARIABLE}=600, {_REMEDY}"
    )


def _first_start(settings: Settings) -> bool:
    """Whether the server has yet to create its database: only a SQLite file can be seen."""
    url = settings.server.database.connection_url
    scheme, _, path = (url.get_secret_value() if url is not None else "").partition(":///")
    return not scheme.startswith("sqlite") or not Path(path).exists()


def _healthy(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", "/api/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _cause(log_path: Path) -> str:
    """The server's last exception line (``OSError: ...``), else its last line of output."""
    lines = [line.strip() for line in log_path.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    exceptions = [line for line in lines if _EXCEPTION_LINE.match(line)]
    return (exceptions or lines or ["no output"])[-1]


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when the newsflow process that started it dies."""
    if sys.platform != "linux":
        return  # elsewhere the server is stopped at newsflow's exit only
    import ctypes

    libc: Any = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)


def _serve(argv: list[str]) -> None:
    _die_with_parent(int(argv[0]))
    sys.argv = ["uvicorn", *argv[1:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _serve(sys.argv[1:])
