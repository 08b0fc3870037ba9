"""Article pages: each new feed item's page (HTML only, robots.txt obeyed) as a RawDocument."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from connectors.client import GuardedClient, HttpPolicy, Resolver, make_client, site_key
from connectors.clock import utcnow
from connectors.errors import FetchError
from connectors.http import FetchedResponse, fetch
from connectors.polling import run_async
from connectors.records import Failure, PageRequest, RawDocument
from connectors.robots import check_robots
from connectors.schedule import plan_page_retry
from connectors.settings import (
    MAX_PAGE_BYTES,
    PAGE_CONTENT_TYPES,
    PAGE_DEADLINE_SECONDS,
    PAGE_RETRY_PAUSE_SECONDS,
)

_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# The site cannot be reached at all: its other pages in this run fail at once with the same code.
_HOST_DOWN = frozenset(
    {"dns_error", "connect_error", "connect_timeout", "tls_error", "blocked_address"}
)
# Worth one more try within the run: the server or the path to it hiccupped.
_RETRY_NOW = frozenset({"read_timeout", "deadline_exceeded", "truncated_body", "bad_response"})
# Worth fetching again in a later run; everything else (4xx, refusals, caps) is final.
_RETRY_LATER = _HOST_DOWN - {"blocked_address"} | _RETRY_NOW | {"unexpected_error"}


def fetch_pages(
    requests: Sequence[PageRequest],
    *,
    policy: HttpPolicy | None = None,
    resolver: Resolver | None = None,
    obey_robots: bool = True,
    deadline: float = PAGE_DEADLINE_SECONDS,
    max_bytes: int = MAX_PAGE_BYTES,
) -> list[RawDocument | Failure]:
    """Fetch every page concurrently within the policy's limits; results in request order."""

    async def fetch_all() -> list[RawDocument | Failure]:
        async with make_client(policy, resolver=resolver) as client:
            return list(
                await asyncio.gather(
                    *(
                        fetch_page(
                            client,
                            r,
                            obey_robots=obey_robots,
                            deadline=deadline,
                            max_bytes=max_bytes,
                        )
                        for r in requests
                    )
                )
            )

    return run_async(fetch_all()) if requests else []


async def fetch_page(
    client: GuardedClient,
    request: PageRequest,
    *,
    obey_robots: bool = True,
    deadline: float = PAGE_DEADLINE_SECONDS,
    max_bytes: int = MAX_PAGE_BYTES,
    retry_pause: float = PAGE_RETRY_PAUSE_SECONDS,
) -> RawDocument | Failure:
    """Fetch one page; any refusal or error comes back as a typed failure.

    A 5xx or a timeout is tried once more after ``retry_pause`` seconds. A site
    found unreachable (DNS, connect, TLS) is remembered on the client, so the
    run's other pages of that site fail at once instead of each waiting for it.
    """
    origin = site_key(request.url)
    down = client.unreachable.get(origin)
    if down is not None:
        message = f"{request.url}: site unreachable earlier in this run: {down}"
        return _failure(request, down.code, message, retryable=_retry_later(down))
    try:
        try:
            response = await _fetch_once(client, request.url, obey_robots, deadline, max_bytes)
        except FetchError as error:
            if not _retry_now(error):
                raise
            await asyncio.sleep(retry_pause)
            response = await _fetch_once(client, request.url, obey_robots, deadline, max_bytes)
    except FetchError as error:
        if error.code in _HOST_DOWN:
            client.unreachable.setdefault(origin, error)
        return _failure(request, error.code, str(error), retryable=_retry_later(error))
    except Exception as error:  # a bug must not stop the other pages; it is recorded instead
        message = f"{type(error).__name__}: {error}"
        return _failure(request, "unexpected_error", message, retryable=True)
    return RawDocument(
        url=request.url,
        source=request.source,
        origin="feed",
        fetched_at=utcnow(),
        title=request.title,
        author=request.author,
        published_at=request.published_at,
        location=request.url,
        final_url=response.final_url,
        status=response.status,
        # The whole header, charset included: the page is decoded from (body, header) in
        # the extraction worker, and again by reprocess from what is stored.
        content_type=response.headers.get("content-type") or response.content_type,
        body=response.body,
    )


async def _fetch_once(
    client: GuardedClient, url: str, obey_robots: bool, deadline: float, max_bytes: int
) -> FetchedResponse:
    if obey_robots:
        await check_robots(client, url)
    return await fetch(
        client,
        url,
        deadline=deadline,
        max_bytes=max_bytes,
        headers={"Accept": _PAGE_ACCEPT},
        content_types=PAGE_CONTENT_TYPES,
    )


def _retry_now(error: FetchError) -> bool:
    return error.code in _RETRY_NOW or _server_error(error)


def _retry_later(error: FetchError) -> bool:
    return (
        error.code in _RETRY_LATER
        or _server_error(error)
        or (error.code == "http_status" and error.status in (408, 429))
    )


def _server_error(error: FetchError) -> bool:
    return error.code == "http_status" and error.status is not None and error.status >= 500


def _failure(request: PageRequest, code: str, message: str, *, retryable: bool = False) -> Failure:
    """The failure of one fetch, with the page's next attempt planned from its earlier ones."""
    retry_at = plan_page_retry(attempts=request.attempts + 1, retryable=retryable, now=utcnow())
    return Failure(
        stage="fetch",
        source=request.source,
        url_or_path=request.url,
        error_code=code,
        message=message,
        retryable=retryable,
        retry_at=retry_at,
    )
