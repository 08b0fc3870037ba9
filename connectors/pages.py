"""Article pages: each new feed item's page (HTML only, robots.txt obeyed) as a RawDocument."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from connectors.errors import FetchError
from connectors.http import GuardedClient, HttpPolicy, Resolver, fetch, make_client
from connectors.polling import run_async
from connectors.records import Failure, RawDocument
from connectors.robots import check_robots
from connectors.settings import MAX_PAGE_BYTES, PAGE_CONTENT_TYPES, PAGE_DEADLINE_SECONDS

_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A feed item whose page is to be fetched, with what the feed said about it."""

    source: str
    url: str
    title: str | None = None
    published_at: datetime | None = None
    author: str | None = None


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
) -> RawDocument | Failure:
    """Fetch one page; any refusal or error comes back as a typed failure."""
    try:
        if obey_robots:
            await check_robots(client, request.url)
        response = await fetch(
            client,
            request.url,
            deadline=deadline,
            max_bytes=max_bytes,
            headers={"Accept": _PAGE_ACCEPT},
            content_types=PAGE_CONTENT_TYPES,
        )
    except FetchError as error:
        return _failure(request, error.code, str(error))
    except Exception as error:  # a bug must not stop the other pages; it is recorded instead
        return _failure(request, "unexpected_error", f"{type(error).__name__}: {error}")
    return RawDocument(
        url=request.url,
        source=request.source,
        origin="feed",
        fetched_at=datetime.now(UTC).replace(tzinfo=None),
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


def _failure(request: PageRequest, code: str, message: str) -> Failure:
    return Failure(
        stage="fetch",
        source=request.source,
        url_or_path=request.url,
        error_code=code,
        message=message,
    )


def interleave_by_host(requests: Sequence[PageRequest]) -> list[PageRequest]:
    """Order requests round-robin over their hosts, each host's own order kept.

    Pages are fetched in batches and each host is spaced by the politeness
    delay, so a batch holding one host's pages takes ``pages x delay`` while the
    other hosts idle; spread over every host, a batch takes ``pages / hosts x delay``.
    """
    queues: dict[str, list[PageRequest]] = {}
    for request in requests:
        queues.setdefault((urlsplit(request.url).hostname or "").lower(), []).append(request)
    ordered: list[PageRequest] = []
    for round_ in itertools.zip_longest(*queues.values()):
        ordered += [request for request in round_ if request is not None]
    return ordered
