"""Loopback HTTP servers for the benchmark: one host per feed, optional latency, ETag and 304.

All servers share one asyncio loop in a daemon thread, so hundreds of hosts
cost one thread, and a response delay sleeps without holding a worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate

ROBOTS_TXT = b"User-agent: *\nAllow: /\n"
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 400: "Bad Request"}


@dataclass(frozen=True, slots=True)
class Resource:
    """A served body with its content type; the ETag is derived from the bytes."""

    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(slots=True)
class Site:
    """What one host serves, and what it was asked."""

    host: str
    resources: dict[str, Resource]
    port: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


class LoopbackFarm:
    """Serve many sites, each on its own 127.0.0.x address and a free port.

    Args:
        latency: seconds every response waits before it is sent.
    """

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.sites: list[Site] = []
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.Server] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def add_site(self, resources: Mapping[str, Resource]) -> Site:
        """Start serving ``resources`` on the next free loopback address."""
        host = loopback_host(len(self.sites))
        site = Site(host, {"/robots.txt": Resource(ROBOTS_TXT, "text/plain"), **resources})
        server = asyncio.run_coroutine_threadsafe(self._start(site), self._loop).result()
        self._servers.append(server)
        site.port = server.sockets[0].getsockname()[1]
        self.sites.append(site)
        return site

    def statuses(self) -> Counter[int]:
        """Responses sent so far by status code, over all sites."""
        total: Counter[int] = Counter()
        for site in self.sites:
            total.update(site.statuses)
        return total

    def reset_counts(self) -> None:
        for site in self.sites:
            site.statuses.clear()

    def close(self) -> None:
        async def stop() -> None:
            for server in self._servers:
                server.close()
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> LoopbackFarm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _start(self, site: Site) -> asyncio.Server:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._serve_connection(site, reader, writer)

        return await asyncio.start_server(handle, host=site.host, port=0, backlog=512)

    async def _serve_connection(
        self, site: Site, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line.strip():
                    break
                method, target, version = request_line.decode("latin-1").split(" ", 2)
                headers = await _read_headers(reader)
                if self.latency:
                    await asyncio.sleep(self.latency)
                status, head, body = _respond(site, method, target, headers)
                site.statuses[status] += 1
                writer.write(head + body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close" or "1.0" in version:
                    break
        except (ConnectionError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def loopback_host(index: int) -> str:
    """The ``index``-th benchmark address: 127.0.0.2, 127.0.0.3, … (never 127.0.0.1)."""
    return f"127.0.{index // 250}.{index % 250 + 2}"


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


def _respond(
    site: Site, method: str, target: str, headers: Mapping[str, str]
) -> tuple[int, bytes, bytes]:
    resource = site.resources.get(target.split("?", 1)[0])
    if resource is None:
        return _message(404, "text/plain", b"not found\n", {}, method)
    validators = {"ETag": resource.etag, "Last-Modified": LAST_MODIFIED}
    if headers.get("if-none-match") == resource.etag or (
        "if-none-match" not in headers and headers.get("if-modified-since") == LAST_MODIFIED
    ):
        return _message(304, resource.content_type, b"", validators, "HEAD")
    return _message(200, resource.content_type, resource.body, validators, method)


def _message(
    status: int, content_type: str, body: bytes, extra: Mapping[str, str], method: str
) -> tuple[int, bytes, bytes]:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
        f"Content-Type: {content_type}",
        *(f"{name}: {value}" for name, value in extra.items()),
    ]
    if status != 304:
        lines.append(f"Content-Length: {len(body)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return status, head, b"" if method == "HEAD" else body
