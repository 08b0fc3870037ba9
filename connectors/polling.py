"""Polling feeds: conditional GETs, body hashes and parsing, many at once, failures as values."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from connectors.addresses import split_user_info
from connectors.client import GuardedClient, HttpPolicy, Resolver, make_client
from connectors.clock import utcnow
from connectors.errors import FeedError, FetchError
from connectors.feeds import parse_feed
from connectors.http import FetchedResponse, fetch
from connectors.records import Failure, FeedPoll, FeedState
from connectors.settings import (
    FEED_DEADLINE_SECONDS,
    MAX_ENTRIES_PER_FETCH,
    MAX_FEED_BYTES,
    PARSE_DEADLINE_SECONDS,
    PARSE_WORKERS,
    UNCONDITIONAL_EVERY_MINUTES,
)

T = TypeVar("T")
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d{1,9})", re.IGNORECASE)
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def fetch_feeds(
    states: Sequence[FeedState],
    *,
    policy: HttpPolicy | None = None,
    resolver: Resolver | None = None,
    deadline: float = FEED_DEADLINE_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
    max_entries: int = MAX_ENTRIES_PER_FETCH,
    parse_deadline: float = PARSE_DEADLINE_SECONDS,
) -> list[FeedPoll]:
    """Poll every feed concurrently (within the policy's limits); one result per feed, in order.

    Bodies are parsed in worker threads, so a huge feed never stalls the
    event loop that the other feeds' requests (and their deadlines) run on.
    """

    async def poll_all(parser: Executor) -> list[FeedPoll]:
        async with make_client(policy, resolver=resolver) as client:
            return list(
                await asyncio.gather(
                    *(
                        fetch_feed(
                            client,
                            s,
                            deadline=deadline,
                            max_bytes=max_bytes,
                            max_entries=max_entries,
                            parser=parser,
                            parse_deadline=parse_deadline,
                        )
                        for s in states
                    )
                )
            )

    if not states:
        return []
    parser = ThreadPoolExecutor(max_workers=PARSE_WORKERS, thread_name_prefix="feed-parse")
    try:
        return run_async(poll_all(parser))
    finally:
        # A parse past its deadline cannot be interrupted: it finishes in the background.
        parser.shutdown(wait=False, cancel_futures=True)


async def fetch_feed(
    client: GuardedClient,
    state: FeedState,
    *,
    deadline: float = FEED_DEADLINE_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
    max_entries: int = MAX_ENTRIES_PER_FETCH,
    parser: Executor | None = None,
    parse_deadline: float = PARSE_DEADLINE_SECONDS,
) -> FeedPoll:
    """Poll one feed with a conditional GET when the validators deserve trust; never raises.

    Args:
        parser: where the body is parsed (the loop's default executor when None),
            off the event loop, within ``parse_deadline`` seconds of the parse starting.
    """
    started = utcnow()
    conditional = _send_validators(state, started)
    headers = _request_headers(state, conditional)
    base = FeedPoll(
        source=state.name,
        url=state.url,
        final_url=state.url,
        started_at=started,
        duration_ms=0.0,
        conditional=conditional,
    )
    try:
        response = await _get(client, state.url, headers, deadline=deadline, max_bytes=max_bytes)
    except FetchError as error:
        return _fetch_failed(base, state, error)
    except Exception as error:  # a bug must not stop the other feeds; it is recorded instead
        return replace(
            base,
            duration_ms=_elapsed_ms(started),
            failure=_failure(state, "unexpected_error", f"{type(error).__name__}: {error}"),
        )
    fetched = _with_response(base, response)
    if response.status == 304:
        return _not_modified(fetched, state)
    digest = hashlib.sha256(response.body).hexdigest()
    fetched = _with_validators(fetched, state, response.headers, digest)
    if digest == state.body_sha256:
        return replace(fetched, body_sha256=digest, unchanged=True)
    return await _parse_off_loop(
        fetched, state, response, digest, parser, parse_deadline, max_entries=max_entries
    )


def _request_headers(state: FeedState, conditional: bool) -> dict[str, str]:
    """The feed media types we read, and the validators when the poll is conditional."""
    headers = {"Accept": _FEED_ACCEPT}
    if conditional and state.etag:
        headers["If-None-Match"] = state.etag
    if conditional and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


async def _get(
    client: GuardedClient, url: str, headers: dict[str, str], *, deadline: float, max_bytes: int
) -> FetchedResponse:
    """GET a feed; credentials in its URL ("https://user:pass@host/feed") become a header."""
    url, authorization = split_user_info(url)
    if authorization is not None:
        headers = {**headers, "Authorization": authorization}
    return await fetch(client, url, deadline=deadline, max_bytes=max_bytes, headers=headers)


def _fetch_failed(base: FeedPoll, state: FeedState, error: FetchError) -> FeedPoll:
    """A poll whose request failed, with the status and ``Retry-After`` the server gave."""
    measured = error.duration_ms
    return replace(
        base,
        duration_ms=_elapsed_ms(base.started_at) if measured is None else measured,
        status=error.status,
        failure=_failure(state, error.code, str(error)),
        retry_after_seconds=error.retry_after_seconds,
    )


def _with_response(base: FeedPoll, response: FetchedResponse) -> FeedPoll:
    """What any response tells, body aside: where it ended, its status, size and max-age."""
    match = _MAX_AGE.search(response.headers.get("cache-control", ""))
    return replace(
        base,
        final_url=response.final_url,
        duration_ms=response.duration_ms,
        status=response.status,
        bytes=len(response.body),
        max_age_seconds=float(match.group(1)) if match else None,
    )


def _not_modified(fetched: FeedPoll, state: FeedState) -> FeedPoll:
    """A 304: the feed keeps the validators and body hash of its last full fetch."""
    return replace(
        fetched,
        etag=state.etag,
        last_modified=state.last_modified,
        body_sha256=state.body_sha256,
        unchanged=True,
    )


def _with_validators(
    fetched: FeedPoll, state: FeedState, headers: dict[str, str], digest: str
) -> FeedPoll:
    """The new validators, and whether they lied: unchanged though the body changed.

    A feed whose validators lie is no longer trusted with conditional polls
    (see ``_send_validators``): a 304 would hide its new entries.
    """
    etag, modified = headers.get("etag"), headers.get("last-modified")
    changed = state.body_sha256 is not None and digest != state.body_sha256
    lied = changed and (
        (etag is not None and etag == state.etag)
        or (modified is not None and modified == state.last_modified)
    )
    return replace(fetched, etag=etag, last_modified=modified, validators_lied=lied)


async def _parse_off_loop(
    fetched: FeedPoll,
    state: FeedState,
    response: FetchedResponse,
    digest: str,
    parser: Executor | None,
    parse_deadline: float,
    *,
    max_entries: int,
) -> FeedPoll:
    """Parse a new body in ``parser``; a bad feed or a parse past its deadline is a failure."""
    parse = functools.partial(
        parse_feed,
        response.body,
        url=response.final_url,
        headers=response.headers,
        kind=state.kind,
        max_entries=max_entries,
    )
    try:
        feed, parse_ms = await _run_off_loop(parser, parse, parse_deadline)
    except FeedError as error:
        return replace(fetched, failure=_failure(state, error.code, f"{state.url}: {error}"))
    except TimeoutError:
        message = f"{state.url}: not parsed within {parse_deadline:g} s"
        return replace(
            fetched,
            duration_ms=round(fetched.duration_ms + parse_deadline * 1000, 1),
            failure=_failure(state, "parse_timeout", message),
        )
    duration = round(fetched.duration_ms + parse_ms, 1)
    return replace(fetched, duration_ms=duration, body_sha256=digest, feed=feed)


async def _run_off_loop(
    executor: Executor | None, work: Callable[[], T], deadline: float
) -> tuple[T, float]:
    """Run ``work`` in ``executor`` within ``deadline`` seconds of its start; return its ms.

    The deadline starts when a worker picks the work up, not when it is queued:
    a feed waiting behind another feed's parse is not charged for that wait.

    Raises:
        TimeoutError: the work was still running at the deadline (it is left to finish).
    """
    loop = asyncio.get_running_loop()
    started = asyncio.Event()
    began: list[float] = []

    def run() -> T:
        began.append(time.monotonic())
        loop.call_soon_threadsafe(started.set)
        return work()

    future = loop.run_in_executor(executor, run)
    waiting = asyncio.ensure_future(started.wait())
    either: set[asyncio.Future[Any]] = {future, waiting}
    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    result = await asyncio.wait_for(future, deadline - (time.monotonic() - began[0]))
    return result, (time.monotonic() - began[0]) * 1000


def _send_validators(state: FeedState, now: datetime) -> bool:
    """Validators are sent only when trusted and an unconditional fetch happened within 12 h."""
    if not state.validators_trusted or not (state.etag or state.last_modified):
        return False
    last = state.last_unconditional_at
    return last is not None and now - last < timedelta(minutes=UNCONDITIONAL_EVERY_MINUTES)


def _failure(state: FeedState, code: str, message: str) -> Failure:
    return Failure(
        stage="feed",
        source=state.name,
        url_or_path=state.url,
        error_code=code,
        message=f"source {state.name!r}: {message}",
    )


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even where a loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _elapsed_ms(started: datetime) -> float:
    return round((utcnow() - started).total_seconds() * 1000, 1)
