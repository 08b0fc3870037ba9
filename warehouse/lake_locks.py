"""Locks the lake's processes share through its PostgreSQL catalog: live runs, feeds being polled.

On one machine the embedded warehouse's processes exclude each other with ``flock``s on local
files, which the kernel drops when a process dies. The lake's processes may run on different
machines and share only the catalog, so they hold PostgreSQL advisory locks instead, in one
session that each process keeps open for them. PostgreSQL drops a session's locks when the
session ends: a killed process (whose socket the kernel closes) frees its locks at once, and
a machine that vanishes frees them when TCP keepalives give up on it (about a minute:
``_KEEPALIVES``). Nothing waits for an expiry, and nothing a dead process held lasts.

A session that broke while its process lives (the server restarted) is opened again at the
next call, which takes back the locks the process still means to hold.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import Counter
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

import asyncpg

POSTGRES_PREFIX = "ducklake:postgres:"
RUN_KEY = "newsflow:run:"
SOURCE_KEY = "newsflow:source:"
# Seconds: the server probes an idle session after 20 s, then 3 times 10 s apart.
_KEEPALIVES = {
    "tcp_keepalives_idle": "20",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
    "application_name": "newsflow locks",
}
_CALL_TIMEOUT = 60.0
# A lock key is a text hashed by the server (64 bits), so any run id or source name fits.
_TRY_EXCLUSIVE = """
SELECT key FROM unnest($1::text[]) AS key WHERE pg_try_advisory_lock(hashtextextended(key, 0))
"""
_UNLOCK_EXCLUSIVE = """
SELECT count(*) FROM unnest($1::text[]) AS key WHERE pg_advisory_unlock(hashtextextended(key, 0))
"""
_LOCK_SHARED = "SELECT pg_advisory_lock_shared(hashtextextended($1, 0))"
_UNLOCK_SHARED = "SELECT pg_advisory_unlock_shared(hashtextextended($1, 0))"
_CONNINFO = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
# libpq's keywords that asyncpg takes, by asyncpg's name for them; others are left to libpq's
# defaults (asyncpg reads PGHOST, PGPASSWORD, ~/.pgpass and the like as libpq does).
_KEYWORDS = {
    "host": "host",
    "port": "port",
    "user": "user",
    "password": "password",
    "dbname": "database",
    "sslmode": "ssl",
    "connect_timeout": "timeout",
}

T = TypeVar("T")
_log = logging.getLogger(__name__)
_by_target: dict[str, CatalogLocks] = {}
_by_target_lock = threading.Lock()


def catalog_locks(target: str) -> CatalogLocks | None:
    """This process's lock session on the catalog of the lake ``target`` (one per target).

    ``None`` for a lake whose catalog is not PostgreSQL (a DuckDB or SQLite catalog serves
    one machine only; runs there are not found crashed, and feeds are not claimed).
    """
    if not target.startswith(POSTGRES_PREFIX):
        return None
    with _by_target_lock:
        locks = _by_target.get(target)
        if locks is None:
            locks = _by_target[target] = CatalogLocks(parse_conninfo(target))
        return locks


def parse_conninfo(target: str) -> dict[str, Any]:
    """asyncpg's connect arguments for a ``ducklake:postgres:`` setting (libpq ``key=value``)."""
    found = {
        key: _unquote(value)
        for key, value in _CONNINFO.findall(target.removeprefix(POSTGRES_PREFIX))
    }
    arguments: dict[str, Any] = {
        _KEYWORDS[key]: value for key, value in found.items() if key in _KEYWORDS
    }
    if "port" in arguments:
        arguments["port"] = int(arguments["port"])
    if "timeout" in arguments:
        arguments["timeout"] = float(arguments["timeout"])
    return arguments


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


class CatalogLocks:
    """One process's PostgreSQL session for advisory locks (see the module docstring).

    Exclusive locks claim work (a feed to poll); shared locks say a run is alive. Within the
    process the same rules hold between threads: an exclusive lock is held once.
    """

    def __init__(self, connect: dict[str, Any]) -> None:
        self._connect = connect
        self._loop = asyncio.new_event_loop()
        threading.Thread(
            target=self._loop.run_forever, name="newsflow-catalog-locks", daemon=True
        ).start()
        self._mutex = threading.Lock()  # one call at a time on the session
        self._session: Any = None  # asyncpg.Connection, opened on first use
        self._exclusive: set[str] = set()
        self._shared: Counter[str] = Counter()

    def try_exclusive(self, keys: Iterable[str]) -> list[str]:
        """Take every key of ``keys`` that nobody holds, at once; return those taken, in order."""
        wanted = list(dict.fromkeys(keys))
        with self._mutex:
            free = [key for key in wanted if key not in self._exclusive and key not in self._shared]
            rows = self._call(lambda session: session.fetch(_TRY_EXCLUSIVE, free)) if free else []
            taken = {str(row[0]) for row in rows}
            self._exclusive |= taken
        return [key for key in wanted if key in taken]

    def release_exclusive(self, keys: Iterable[str]) -> None:
        """Give back keys taken by :meth:`try_exclusive`."""
        with self._mutex:
            held = [key for key in dict.fromkeys(keys) if key in self._exclusive]
            self._exclusive -= set(held)
            if held:
                self._call(lambda session: session.fetchval(_UNLOCK_EXCLUSIVE, held))

    def hold_shared(self, key: str) -> None:
        """Hold ``key`` shared (several holders agree) until :meth:`release_shared`."""
        with self._mutex:
            if self._shared[key] == 0:
                self._call(lambda session: session.fetchval(_LOCK_SHARED, key))
            self._shared[key] += 1

    def release_shared(self, key: str) -> None:
        """Stop holding ``key``; the last holder in this process gives it back."""
        with self._mutex:
            if self._shared[key] == 0:
                return
            self._shared[key] -= 1
            if self._shared[key] == 0:
                del self._shared[key]
                self._call(lambda session: session.fetchval(_UNLOCK_SHARED, key))

    def is_free(self, key: str) -> bool:
        """Whether no session holds ``key`` (this process's included): probed, then let go."""
        with self._mutex:
            if key in self._shared or key in self._exclusive:
                return False
            rows = self._call(lambda session: session.fetch(_TRY_EXCLUSIVE, [key]))
            if rows:
                self._call(lambda session: session.fetchval(_UNLOCK_EXCLUSIVE, [key]))
        return bool(rows)

    def _call(self, query: Any) -> Any:
        """Run ``query(session)`` on the loop's thread; a broken session is opened again once."""
        try:
            return self._run(self._query(query))
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError) as error:
            _log.warning("lake locks: the catalog session broke (%s); opening it again", error)
            self._session = None
            return self._run(self._query(query))

    async def _query(self, query: Any) -> Any:
        if self._session is None or self._session.is_closed():
            self._session = await asyncpg.connect(**self._connect, server_settings=_KEEPALIVES)
            await self._take_back()
        return await query(self._session)

    async def _take_back(self) -> None:
        """A new session: take again what this process holds (what another took is lost)."""
        for key in self._shared:
            await self._session.fetchval(_LOCK_SHARED, key)
        if self._exclusive:
            rows = await self._session.fetch(_TRY_EXCLUSIVE, sorted(self._exclusive))
            lost = self._exclusive - {str(row[0]) for row in rows}
            self._exclusive -= lost
            if lost:
                _log.warning("lake locks: taken by another process meanwhile: %s", sorted(lost))

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_CALL_TIMEOUT)


class CatalogRunLocks:
    """Run liveness on the catalog (``warehouse.runs.RunLocks``): a shared lock per live run."""

    def __init__(self, locks: CatalogLocks) -> None:
        self._locks = locks

    def hold(self, run_id: str) -> None:
        self._locks.hold_shared(RUN_KEY + run_id)

    def release(self, run_id: str) -> None:
        self._locks.release_shared(RUN_KEY + run_id)

    def is_dead(self, run_id: str) -> bool:
        return self._locks.is_free(RUN_KEY + run_id)
