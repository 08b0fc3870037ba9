"""Prefect's embedded API under `newsflow ingest`: says it starts, fails in one line, no orphans.

Real processes: `newsflow ingest` runs as a subprocess with its own PREFECT_HOME and no
PREFECT_API_URL, so it starts the embedded API itself; the server processes are found in /proc
by their command line, which names the newsflow process that started them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from signal import SIGINT, SIGKILL, SIGTERM, Signals

import duckdb
import pytest

from flows.embedded_api import (
    RESTARTING_MESSAGE,
    STARTING_MESSAGE,
    _healthy,
    start_embedded_api,
    startup_timeout,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="reads /proc; the parent-death signal is Linux's"
)

SERVER_MODULE = "flows.embedded_api"
BOUND_SECONDS = 300.0  # upper bound for any wait here: a first start on a loaded machine


@dataclass(frozen=True, slots=True)
class Finished:
    pid: int
    returncode: int
    stderr: str


def _ingest(workdir: Path, home: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """`newsflow ingest` of the bundled seeds, with nothing of Prefect set but its home."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PREFECT_", "NEWSFLOW_"))
    }
    environ.update(PREFECT_HOME=str(home), NEWSFLOW_LOCK_WAIT="600", **env)
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", "--seeds", str(ROOT / "seeds"), *args],
        cwd=workdir,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _servers_of(pid: int) -> list[int]:
    """Live embedded API processes started by newsflow process ``pid``, parent alive or not."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:  # gone meanwhile
            continue
        args = [arg.decode(errors="replace") for arg in argv]
        if state != "Z" and SERVER_MODULE in args:
            if args[args.index(SERVER_MODULE) + 1] == str(pid):
                found.append(int(entry.name))
    return found


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.2)


def _waits_for_go_ahead(server_pid: int) -> bool:
    """Whether the server is blocked reading a pipe: its stdin, where the go-ahead comes."""
    try:
        return "pipe_read" in Path(f"/proc/{server_pid}/wchan").read_text()
    except OSError:
        return False


def _server_port(server_pid: int) -> int:
    argv = Path(f"/proc/{server_pid}/cmdline").read_bytes().decode().split("\0")
    return int(argv[argv.index("--port") + 1])


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Finished, Path]:
    """A whole `newsflow ingest` on an empty PREFECT_HOME; its home is reused, migrated."""
    base = tmp_path_factory.mktemp("first-run")
    process = _ingest(base / "work", base / "prefect-home")
    _, stderr = process.communicate(timeout=BOUND_SECONDS)
    return Finished(process.pid, process.returncode, stderr), base / "prefect-home"


@pytest.fixture
def blocked_warehouse(tmp_path: Path) -> Iterator[Path]:
    """A work folder whose private database this test holds, so an ingest waits inside its flow."""
    write_db = tmp_path / "work" / "data" / "news.private" / "warehouse.duckdb"
    write_db.parent.mkdir(parents=True)
    con = duckdb.connect(str(write_db))
    try:
        yield tmp_path / "work"
    finally:
        con.close()


def test_first_start_says_so_once_and_ingests(first_run: tuple[Finished, Path]) -> None:
    finished, _ = first_run
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.splitlines().count(STARTING_MESSAGE) == 1


def test_a_later_start_does_not_announce_a_first_start(
    first_run: tuple[Finished, Path], tmp_path: Path
) -> None:
    process = _ingest(tmp_path / "work", first_run[1])
    _, stderr = process.communicate(timeout=BOUND_SECONDS)
    assert process.returncode == 0, stderr
    assert stderr.splitlines()[0] == RESTARTING_MESSAGE


def test_info_logs_link_no_ui_the_embedded_api_does_not_serve(
    first_run: tuple[Finished, Path], tmp_path: Path
) -> None:
    process = _ingest(tmp_path / "work", first_run[1], PREFECT_LOGGING_LEVEL="INFO")
    _, stderr = process.communicate(timeout=BOUND_SECONDS)
    assert process.returncode == 0, stderr
    assert "Beginning flow run" in stderr and "View at" not in stderr


def test_normal_exit_leaves_no_server(first_run: tuple[Finished, Path]) -> None:
    assert _servers_of(first_run[0].pid) == []


@pytest.mark.parametrize(
    "signum", [pytest.param(number, id=number.name) for number in (SIGTERM, SIGINT, SIGKILL)]
)
def test_no_server_survives_newsflow_killed_while_it_is_up(
    first_run: tuple[Finished, Path], blocked_warehouse: Path, signum: Signals
) -> None:
    process = _ingest(blocked_warehouse, first_run[1])
    try:
        _wait_for(lambda: len(_servers_of(process.pid)) == 1, "the embedded API process")
        (server,) = _servers_of(process.pid)
        _wait_for(lambda: _healthy("127.0.0.1", _server_port(server)), "the embedded API to answer")
        assert process.poll() is None  # still waiting for the warehouse, inside its flow
        process.send_signal(signum)
        process.communicate(timeout=BOUND_SECONDS)
        _wait_for(lambda: not _servers_of(process.pid), "the embedded API to go")
    finally:
        process.kill()
        process.communicate()


def test_no_server_survives_newsflow_killed_during_a_first_start(tmp_path: Path) -> None:
    process = _ingest(tmp_path / "work", tmp_path / "prefect-home")
    try:
        _wait_for(lambda: len(_servers_of(process.pid)) == 1, "the embedded API process")
        process.kill()
        process.communicate(timeout=BOUND_SECONDS)
        _wait_for(lambda: not _servers_of(process.pid), "the embedded API to go")
    finally:
        process.kill()
        process.communicate()


def test_a_command_that_stops_before_its_flow_leaves_prefect_untouched(tmp_path: Path) -> None:
    # The sources file is a FIFO: newsflow's check of it waits until the server has loaded.
    sources = tmp_path / "sources.yaml"
    os.mkfifo(sources)
    home = tmp_path / "prefect-home"
    process = _ingest(tmp_path / "work", home, "--sources", str(sources))
    try:
        _wait_for(lambda: len(_servers_of(process.pid)) == 1, "the embedded API process")
        (server,) = _servers_of(process.pid)
        _wait_for(lambda: _waits_for_go_ahead(server), "the embedded API to load")
        sources.write_text("sources: 3\n")
        _, stderr = process.communicate(timeout=BOUND_SECONDS)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == 1
    assert len(stderr.splitlines()) == 1 and stderr.startswith(f"newsflow: {sources}"), stderr
    assert not (home / "prefect.db").exists()
    assert _servers_of(process.pid) == []


def _failed_start(tmp_path: Path, **env: str) -> tuple[Finished, str]:
    process = _ingest(tmp_path / "work", tmp_path / "prefect-home", **env)
    _, stderr = process.communicate(timeout=BOUND_SECONDS)
    _wait_for(lambda: not _servers_of(process.pid), "the embedded API to go")
    lines = stderr.splitlines()
    assert lines[0] == STARTING_MESSAGE and len(lines) == 2, stderr  # no traceback
    return Finished(process.pid, process.returncode, stderr), lines[1]


def test_start_up_past_the_users_limit_fails_in_one_line(tmp_path: Path) -> None:
    finished, line = _failed_start(tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1")
    assert finished.returncode == 2
    assert line.startswith("newsflow: Prefect's embedded API did not answer within 1 s")
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=600" in line


def test_server_that_dies_while_starting_fails_in_one_line_with_its_cause(tmp_path: Path) -> None:
    # Port 9 (discard) is closed on loopback: the server's database connection is refused.
    finished, line = _failed_start(
        tmp_path, PREFECT_SERVER_DATABASE_CONNECTION_URL="postgresql+asyncpg://x:y@127.0.0.1:9/db"
    )
    assert finished.returncode == 2
    assert line.startswith("newsflow: Prefect's embedded API stopped while starting (exit code")
    assert "ConnectionRefusedError" in line and "prefect server start" in line


def test_start_up_limit_is_180_s_unless_the_user_set_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from prefect.settings import Settings

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))  # no profile of the developer's
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", raising=False)
    assert startup_timeout(Settings()) == 180
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "7")
    assert startup_timeout(Settings()) == 7


def test_no_embedded_api_when_a_server_is_configured(prefect_harness: None) -> None:
    assert start_embedded_api() is None
