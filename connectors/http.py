"""One GET within every limit: a wall-clock deadline, a bounded body, redirects checked.

httpx alone is not safe for hostile URLs: its timeouts are per operation (a body
trickling at 1 byte/s never trips them), it decodes gzip in steps of any size, and it
follows redirects wherever they point. So :func:`fetch` runs each request under a
wall-clock deadline, reads the raw stream through a bounded decoder, and follows
redirects itself, each hop re-checked. Where it connects is the client's business
(:mod:`connectors.client`: the SSRF guard and the politeness limits).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from connectors.addresses import check_url
from connectors.client import GuardedClient, GuardRefused, host_key
from connectors.decoding import BoundedDecoder
from connectors.errors import FetchError
from connectors.settings import MAX_PAGE_BYTES, PAGE_DEADLINE_SECONDS

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchedResponse:
    """A complete response: final URL after redirects, status, headers and decoded body."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    duration_ms: float

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower-case."""
        value = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return value or None


async def fetch(
    client: GuardedClient,
    url: str,
    *,
    deadline: float = PAGE_DEADLINE_SECONDS,
    max_bytes: int = MAX_PAGE_BYTES,
    headers: Mapping[str, str] | None = None,
    content_types: frozenset[str] | None = None,
) -> FetchedResponse:
    """GET ``url`` within every limit and return the whole response.

    A 304 comes back with an empty body; other non-2xx statuses raise.

    Args:
        client: from :func:`make_client`.
        url: an http(s) URL; checked again on every redirect hop.
        deadline: wall-clock seconds for DNS, connect, redirects and body together.
        max_bytes: cap on the decompressed body.
        headers: extra request headers (validators for a conditional GET).
        content_types: when set, the media types accepted; others are refused
            before the body is read.

    Raises:
        FetchError: with a typed ``code``; see :class:`connectors.errors.FetchError`.
    """
    check_url(url)
    async with client.host_slot(host_key(url)):
        started = time.monotonic()  # the wait for a free slot is not this request's work
        try:
            async with asyncio.timeout(deadline):
                final_url, response = await _follow(client, url, headers or {})
                try:
                    return await _read(response, url, final_url, started, max_bytes, content_types)
                finally:
                    await response.aclose()
        except TimeoutError:
            error = FetchError(
                "deadline_exceeded", url, f"no complete response within {deadline:g} s"
            )
            error.duration_ms = _ms(started)
            raise error from None
        except FetchError as error:
            error.duration_ms = _ms(started)
            raise


async def _follow(
    client: GuardedClient, url: str, headers: Mapping[str, str]
) -> tuple[str, httpx.Response]:
    current = url
    for _ in range(client.policy.max_redirects + 1):
        check_url(current)
        if _origin(current) != _origin(url):  # a feed's login goes to its own origin only
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        response = await _send(client, current, headers)
        location = response.headers.get("location")
        if response.status_code not in _REDIRECTS or location is None:
            return current, response
        await response.aclose()
        current = urljoin(current, location.strip())
    raise FetchError(
        "too_many_redirects", url, f"more than {client.policy.max_redirects} redirects"
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)  # checked by check_url already
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


async def _send(client: GuardedClient, url: str, headers: Mapping[str, str]) -> httpx.Response:
    try:
        # Straight to the transport: httpx's send() would parse a hostile Location header
        # itself (and raise) before this code could check it.
        request = client.http.build_request("GET", url, headers=dict(headers))
        response = await client.transport.handle_async_request(request)
        response.request = request
        return response
    except GuardRefused as error:
        raise FetchError(error.code, url, str(error)) from None
    except httpx.ConnectTimeout:
        raise FetchError("connect_timeout", url, "connect timed out") from None
    except httpx.ConnectError as error:
        code = "tls_error" if _is_tls(error) else "connect_error"
        raise FetchError(code, url, f"cannot connect: {error}") from None
    except httpx.TimeoutException as error:
        raise FetchError("read_timeout", url, f"no data: {type(error).__name__}") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise FetchError("invalid_url", url, str(error)) from None
    except httpx.TransportError as error:
        raise FetchError("bad_response", url, f"{type(error).__name__}: {error}") from None


def _is_tls(error: BaseException) -> bool:
    text = f"{error!r} {error.__cause__!r} {error.__context__!r}".lower()
    return "ssl" in text or "certificate" in text


async def _read(
    response: httpx.Response,
    url: str,
    final_url: str,
    started: float,
    max_bytes: int,
    content_types: frozenset[str] | None,
) -> FetchedResponse:
    headers = {name.lower(): value for name, value in response.headers.multi_items()}
    status = response.status_code
    if status == 304:
        return FetchedResponse(url, final_url, status, headers, b"", _ms(started))
    if not 200 <= status < 300:
        raise FetchError(
            "http_status",
            url,
            f"HTTP {status} from {final_url}",
            status=status,
            retry_after_seconds=parse_retry_after(headers.get("retry-after")),
        )
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_types is not None and media not in content_types:
        raise FetchError(
            "unsupported_content_type", url, f"content type {media or '(none)'!r} refused"
        )
    decoder = BoundedDecoder(url, headers.get("content-encoding", ""))
    length = headers.get("content-length", "")
    if decoder.identity and length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise FetchError("body_too_large", url, f"Content-Length {length} > {max_bytes} bytes")
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_raw():
            for piece in decoder.feed(chunk):
                size += len(piece)
                if size > max_bytes:
                    raise FetchError("body_too_large", url, f"body over {max_bytes} bytes")
                parts.append(piece)
    except httpx.TimeoutException:
        raise FetchError("read_timeout", url, "body stalled") from None
    except httpx.TransportError as error:
        raise FetchError("truncated_body", url, f"body cut short: {error}") from None
    return FetchedResponse(url, final_url, status, headers, b"".join(parts), _ms(started))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
