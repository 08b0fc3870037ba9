"""Prefect's embedded API for one newsflow command: a long start-up limit, never left behind.

With no ``PREFECT_API_URL``, Prefect starts a temporary API server in a subprocess on first use,
waits only 20 s for it (a fresh ``PREFECT_HOME`` migrates its database first, which can take
longer on a busy machine) and leaves it running when the command is killed. newsflow starts
that same server itself, the way Prefect does, but waits longer, says one line about it, and
ties the server's life to its own: stopped at exit, and on Linux killed by the kernel when
newsflow dies in any way (a parent-death signal, so SIGKILL too).

Loading the server takes seconds, as long as the command's own imports (Prefect's alone take
one to two). So ``launch_embedded_api`` starts the server process first thing, before the
command imports Prefect, and the two load side by side. The process reads Prefect's settings
itself, says on its stdout whether its database is still to be created, loads the server, and
then waits for a line on its stdin before it creates that database and serves: a command that
stops before (a bad argument) has it killed before it has touched Prefect's home or a port.

Run as ``python -m flows.embedded_api PARENT_PID UVICORN_ARGS...`` it is the server process.
"""

from __future__ import annotations

import atexit
import http.client
import importlib.util
import os
import re
import runpy
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
HEALTH_POLL_SECONDS = 0.05  # a refused connection is cheap; the delay of each poll is wall time
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
    early_output: IO[bytes]  # what the server printed before it opened its log
    log_is_its_own: bool  # False: it died before opening it, the log is an earlier server's

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


@dataclass(frozen=True, slots=True)
class _Launch:
    """A server process that is loading, or loaded and waiting for the go-ahead."""

    process: subprocess.Popen[bytes]
    url: str
    early_output: IO[bytes]

    def go_on(self) -> None:
        """Let it create its database and serve (a server that died is found by the wait)."""
        stdin = self.process.stdin
        if stdin is None or stdin.closed:
            return
        try:
            stdin.write(b"go\n")
            stdin.close()
        except BrokenPipeError:
            pass

    def first_start(self, deadline: float) -> bool | None:
        """What the server saw before it could create its database; None: it said nothing."""
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))
        return None if not ready else {_FIRST: True, _AGAIN: False}.get(stdout.readline())


_FIRST, _AGAIN = b"first start\n", b"restart\n"  # the server's one line on its stdout
_launched: _Launch | None = None  # this process's server until a flow comes to use it


def launch_embedded_api() -> None:
    """Start the server process now, without waiting and without importing Prefect here.

    Call first thing in a command that runs a flow. The server waits for
    ``let_embedded_api_start`` or ``start_embedded_api`` before it touches anything;
    ``discard_embedded_api`` stops it if the command ends before. With ``PREFECT_API_URL``
    set it is not started (a URL from a profile is seen by ``start_embedded_api``).
    """
    global _launched
    if _launched is not None:
        return
    if "prefect.settings" in sys.modules:  # already imported: asking costs nothing
        from prefect.settings import get_current_settings

        if not _wanted(get_current_settings()):
            return
    elif os.environ.get("PREFECT_API_URL"):
        return
    _launched = _launch()


def let_embedded_api_start() -> None:
    """Let a launched server create its database and serve; ``start_embedded_api`` waits.

    Call once the command is sure to run its flow (its arguments checked), so that the
    server's own start-up overlaps the rest of the command's.
    """
    if _launched is not None:
        _launched.go_on()


def discard_embedded_api() -> None:
    """Stop a launched server no flow came to use."""
    global _launched
    if _launched is None:
        return
    launch, _launched = _launched, None
    launch.process.kill()
    launch.process.communicate()
    launch.early_output.close()


def start_embedded_api() -> EmbeddedApi | None:
    """Start Prefect's embedded API unless a server is configured, and point Prefect at it.

    Call before the first flow runs; a server ``launch_embedded_api`` started is the one
    used. The server is stopped at interpreter exit, after Prefect's log and event workers
    have drained (they drain on thread shutdown, earlier).

    Returns:
        The started server, or None when ``PREFECT_API_URL`` is set or ephemeral mode is off
        (then Prefect behaves as it always does).

    Raises:
        EmbeddedApiError: the server exited or did not answer within the start-up limit.
    """
    global _launched
    import prefect.context
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if not _wanted(settings):
        discard_embedded_api()
        return None
    timeout = startup_timeout(settings)
    deadline = time.monotonic() + timeout
    launch, _launched = _launched or _launch(), None
    seen = launch.first_start(deadline)  # None: it died first, or is slower than the limit
    first_start = _first_start(settings) if seen is None else seen
    print(STARTING_MESSAGE if first_start else RESTARTING_MESSAGE, file=sys.stderr, flush=True)
    log_path = settings.home / LOG_NAME
    api = EmbeddedApi(launch.process, launch.url, log_path, launch.early_output, seen is not None)
    try:
        launch.go_on()
        _load_flow_engine()
        _wait_until_healthy(api, timeout, deadline)
    except BaseException:
        api.stop()
        raise
    atexit.register(api.stop)
    os.environ["PREFECT_API_URL"] = api.url
    # It serves no UI: without this, INFO logs would link each run to a page that is not there.
    os.environ.setdefault("PREFECT_UI_URL", "")
    prefect.context.refresh_global_settings_context()
    return api


def _load_flow_engine() -> None:
    """Import now, while the server starts, what Prefect imports at a process's first flow call.

    About 120 modules: its flow engine, FastAPI's encoders (for the flow's parameters) and
    graphviz (for its visualisation mode); otherwise they load after the wait, one by one.
    """
    import fastapi.encoders  # noqa: F401
    import prefect.flow_engine  # noqa: F401
    import prefect.utilities.visualization  # noqa: F401


def _wanted(settings: Settings) -> bool:
    """Whether newsflow starts the server: no API configured, and ephemeral mode on."""
    return not settings.api.url and settings.server.ephemeral.enabled


def startup_timeout(settings: Settings) -> int:
    """Seconds to wait for the server: the user's setting if there is one, else 180.

    Prefect's own default (20 s) is shorter than a first start on a busy machine.
    """
    ephemeral = settings.server.ephemeral
    if "startup_timeout_seconds" in ephemeral.model_fields_set:  # env, profile or .env
        return ephemeral.startup_timeout_seconds
    return STARTUP_TIMEOUT_SECONDS


def _launch() -> _Launch:
    """Start the server process as Prefect's ``SubprocessASGIServer`` does, through this module."""
    port = _free_port()
    env = {
        **os.environ,
        # What Prefect sets for its own temporary server: no UI, ephemeral services.
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    spec = importlib.util.find_spec("prefect")  # where it is, without importing it
    assert spec is not None and spec.origin is not None
    args = [
        *("--app-dir", str(Path(spec.origin).parent.parent)),
        *("--factory", "prefect.server.api.server:create_app"),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--log-level", "error", "--lifespan", "on"),
    ]
    early_output = tempfile.TemporaryFile()
    # Linux sends the parent-death signal when the *thread* that started the server ends:
    # newsflow starts it from its main thread, which lives as long as the process.
    process = subprocess.Popen(
        [sys.executable, "-m", "flows.embedded_api", str(os.getpid()), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=early_output,
        env=env,
    )
    return _Launch(process, f"http://127.0.0.1:{port}/api", early_output)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(api: EmbeddedApi, timeout: float, deadline: float) -> None:
    host, port = api.url.removeprefix("http://").removesuffix("/api").split(":")
    while time.monotonic() < deadline:
        code = api.process.poll()
        if code is not None:
            raise EmbeddedApiError(
                f"Prefect's embedded API stopped while starting (exit code {code}: "
                f"{_cause(api)}); see {api.log_path}, {_REMEDY}"
            )
        if _healthy(host, int(port)):
            return
        time.sleep(HEALTH_POLL_SECONDS)
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


def _cause(api: EmbeddedApi) -> str:
    """The server's last exception line (``OSError: ...``), else its last line of output."""
    api.early_output.seek(0)
    text = api.early_output.read().decode(errors="replace")
    if api.log_is_its_own:
        text += api.log_path.read_text(errors="replace")
    lines = [line.strip() for line in text.splitlines()]
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
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    first_start = _first_start(settings)  # before this process can create the database
    log_path = settings.home / LOG_NAME
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:  # from now on, the server's output goes to its log
        sys.stdout.buffer.write(_FIRST if first_start else _AGAIN)  # the log is this run's
        sys.stdout.flush()
        os.dup2(log.fileno(), sys.stdout.fileno())
        os.dup2(log.fileno(), sys.stderr.fileno())
    # The slow part, with no side effect: uvicorn's factory call then returns this same app.
    from prefect.server.api.server import create_app

    create_app()
    if not sys.stdin.buffer.readline():  # closed without a go-ahead: the command ended first
        return
    sys.argv = ["uvicorn", *argv[1:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _serve(sys.argv[1:])
