"""robots.txt for article pages: fetched once per site and run, and obeyed (RFC 9309)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from connectors.client import GuardedClient, site_key
from connectors.errors import FetchError
from connectors.http import fetch
from connectors.settings import (
    MAX_ROBOTS_BYTES,
    PAGE_DEADLINE_SECONDS,
    ROBOTS_AGENT,
    ROBOTS_CACHE_MINUTES,
)

_NETWORK_CODES = frozenset(
    {"dns_error", "connect_error", "connect_timeout", "tls_error", "blocked_address"}
)


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: RobotFileParser | None  # None: everything allowed
    deny_all: bool
    reason: str
    fetched_at: float


def parse_robots(text: str) -> RobotFileParser:
    """Read a robots.txt body into a parser (pure)."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


async def check_robots(client: GuardedClient, url: str, *, agent: str = ROBOTS_AGENT) -> None:
    """Raise unless robots.txt of ``url``'s site lets ``agent`` fetch it.

    A missing robots.txt (4xx) allows everything; a server error disallows
    everything for now (RFC 9309 §2.3.1.4). A site that cannot be reached at
    all raises that network error, since the page cannot be fetched either, and
    is remembered as unreachable on the client for the rest of the run.

    Raises:
        FetchError: ``robots_disallowed``, or the network error of the robots fetch.
    """
    origin = site_key(url)
    lock = client.robots_locks.setdefault(origin, asyncio.Lock())
    async with lock:
        down = client.unreachable.get(origin)
        if down is not None:  # pages waiting on this lock learn it without a lookup of their own
            raise FetchError(down.code, url, f"site unreachable earlier in this run: {down}")
        rules = client.robots_cache.get(origin)
        if not isinstance(rules, _Rules) or _expired(rules):
            try:
                rules = client.robots_cache[origin] = await _fetch_rules(client, origin)
            except FetchError as error:
                client.unreachable.setdefault(origin, error)
                raise
    if rules.deny_all:
        raise FetchError("robots_disallowed", url, rules.reason)
    if rules.parser is not None and not rules.parser.can_fetch(agent, url):
        raise FetchError("robots_disallowed", url, f"{origin}/robots.txt disallows it")


def _expired(rules: _Rules) -> bool:
    return time.monotonic() - rules.fetched_at > ROBOTS_CACHE_MINUTES * 60


async def _fetch_rules(client: GuardedClient, origin: str) -> _Rules:
    now = time.monotonic()
    try:
        response = await fetch(
            client,
            f"{origin}/robots.txt",
            deadline=PAGE_DEADLINE_SECONDS,
            max_bytes=MAX_ROBOTS_BYTES,
        )
    except FetchError as error:
        if error.code in _NETWORK_CODES:
            raise
        if error.status is not None and 400 <= error.status < 500:
            return _Rules(None, False, "no robots.txt", now)
        if error.code == "body_too_large":
            return _Rules(None, False, "robots.txt too large to read", now)
        return _Rules(
            None, True, f"robots.txt unavailable ({error.code}): site treated as closed", now
        )
    text = response.body.decode("utf-8", errors="replace")
    return _Rules(parse_robots(text), False, "robots.txt", now)
