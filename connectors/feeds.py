"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by us, into FeedItems.

feedparser only ever gets a file object: given ``str`` or ``bytes`` it treats
the argument as a path or URL and reads it. It can also raise despite its
contract, so every call is wrapped and any escape becomes ``parse_error``.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from connectors.errors import FeedError
from connectors.records import FeedItem, ParsedFeed
from connectors.seeds import parse_published
from connectors.settings import MAX_ENTRIES_PER_FETCH, MAX_URL_LENGTH

_TAGS = re.compile(r"<[^>]*>")
_PROLOG = re.compile(
    rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE
)
_FIRST_TAG = re.compile(rb"<([A-Za-z][A-Za-z0-9:._-]{0,40})")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "channel"})  # channel: CDF
_SPACES = re.compile(r"\s+")
_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
MAX_SUMMARY_CHARS = 5000
MAX_FIELD_CHARS = 2000


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    kind: str = "auto",
    max_entries: int = MAX_ENTRIES_PER_FETCH,
) -> ParsedFeed:
    """Parse a feed body of any supported format.

    Args:
        body: the decompressed bytes as fetched.
        url: the final feed URL, the base for relative links.
        headers: response headers (lower-case names), for the declared charset.
        kind: ``json`` reads JSON Feed, ``rss``/``atom`` XML, ``auto`` sniffs the body.
        max_entries: entries kept; the rest are counted in ``entries_dropped``.

    Raises:
        FeedError: ``not_a_feed`` (HTML, empty, not a feed format) or
            ``parse_error`` (the parser failed).
    """
    headers = dict(headers or {})
    if not body.strip():
        raise FeedError("not_a_feed", "empty body")
    if kind == "json" or (
        kind == "auto" and _looks_like_json(body, headers.get("content-type", ""))
    ):
        return _parse_json_feed(body, url, max_entries)
    headers["content-location"] = url  # feedparser's base for relative links
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers)
        return _from_feedparser(result, body, url, max_entries)
    except FeedError:
        raise
    except Exception as error:  # feedparser raises despite its contract (§1.4 of the notes)
        raise FeedError("parse_error", f"feed parser failed: {type(error).__name__}") from None


def _looks_like_json(body: bytes, content_type: str) -> bool:
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start in (b"{", b"[") or ("json" in content_type.lower() and start != b"<")


def _from_feedparser(result: Any, body: bytes, url: str, max_entries: int) -> ParsedFeed:
    version = str(result.get("version") or "")
    entries = list(result.get("entries") or [])
    if not version and not entries and _root_element(body) not in _FEED_ROOTS:
        reason = result.get("bozo_exception")
        raise FeedError("not_a_feed", f"not RSS, Atom or JSON Feed ({reason or 'no feed markup'})")
    feed = result.get("feed") or {}
    items = [_item_from_entry(entry, url) for entry in entries[:max_entries]]
    warning = None
    if result.get("bozo"):
        warning = f"{type(result.get('bozo_exception')).__name__}: {result.get('bozo_exception')}"
    return ParsedFeed(
        version=version or "unknown",
        title=_text(feed.get("title")),
        items=tuple(items),
        interval_hint_minutes=_interval_hint(feed),
        entries_dropped=max(0, len(entries) - max_entries),
        warning=warning[:MAX_FIELD_CHARS] if warning else None,
    )


def _root_element(body: bytes) -> str:
    """Name of the first element, past the prolog, comments and doctype (lower-case)."""
    head = _PROLOG.sub(b"", body[:4096])  # bounded: the patterns are quadratic on hostile input
    match = _FIRST_TAG.search(head)
    return match.group(1).decode("ascii").lower() if match else ""


def _item_from_entry(entry: Any, base: str) -> FeedItem:
    link = entry.get("link")
    if not link:
        link = next(
            (link.get("href") for link in entry.get("links") or [] if link.get("href")), None
        )
    url = resolve_link(base, link)
    title = _text(entry.get("title"))
    summary = _text(entry.get("summary"), MAX_SUMMARY_CHARS)
    published = _struct_time(entry.get("published_parsed")) or _struct_time(
        entry.get("updated_parsed")
    )
    guid = _guid(entry.get("id"), url, title, summary)
    return FeedItem(guid, url, title, summary, published, _text(entry.get("author")))


def _parse_json_feed(body: bytes, url: str, max_entries: int) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FeedError("not_a_feed", f"not valid JSON ({type(error).__name__})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedError("not_a_feed", "JSON without a JSON Feed version")
    entries = document.get("items")
    if not isinstance(entries, list):
        raise FeedError("parse_error", "JSON Feed without an items list")
    base = url
    home = document.get("home_page_url") or document.get("feed_url")
    if isinstance(home, str):
        base = urljoin(url, home)
    items = [
        _item_from_json(entry, base) for entry in entries[:max_entries] if isinstance(entry, dict)
    ]
    return ParsedFeed(
        version="json1",
        title=_text(document.get("title")),
        items=tuple(items),
        interval_hint_minutes=None,
        entries_dropped=max(0, len(entries) - max_entries),
        warning=None,
    )


def _item_from_json(entry: dict[str, Any], base: str) -> FeedItem:
    link = entry.get("url") or entry.get("external_url")
    url = resolve_link(base, link if isinstance(link, str) else None)
    title = _text(entry.get("title"))
    summary = _text(
        entry.get("summary") or entry.get("content_text") or entry.get("content_html"),
        MAX_SUMMARY_CHARS,
    )
    published = _iso_date(entry.get("date_published")) or _iso_date(entry.get("date_modified"))
    authors = entry.get("authors")
    author = entry.get("author")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        author = authors[0]
    name = author.get("name") if isinstance(author, dict) else None
    raw_id = entry.get("id")
    guid = _guid(str(raw_id) if isinstance(raw_id, str | int) else None, url, title, summary)
    return FeedItem(guid, url, title, summary, published, _text(name))


def resolve_link(base: str, link: str | None) -> str | None:
    """Resolve an entry link against the feed URL; ``None`` unless it is an http(s) URL."""
    if not link or not isinstance(link, str):
        return None
    try:
        resolved = urljoin(base, link.strip())
    except ValueError:
        return None
    if not resolved.lower().startswith(("http://", "https://")) or len(resolved) > MAX_URL_LENGTH:
        return None
    return resolved


def _guid(raw: object, url: str | None, title: str | None, summary: str | None) -> str:
    if isinstance(raw, str) and raw.strip():
        return raw.strip()[:MAX_FIELD_CHARS]
    if url:
        return url
    digest = hashlib.sha256(f"{title}\n{summary}".encode("utf-8", "replace")).hexdigest()
    return f"sha256:{digest[:32]}"


def _text(value: object, limit: int = MAX_FIELD_CHARS) -> str | None:
    """Plain text of a feed field: tags removed, entities decoded, spaces collapsed."""
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", value))).strip()
    return text[:limit] or None


def _struct_time(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):
        return None


def _iso_date(value: object) -> datetime | None:
    try:
        return parse_published(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _interval_hint(feed: Any) -> int | None:
    ttl = _small_int(feed.get("ttl"))
    if ttl:
        return ttl
    period = _PERIOD_MINUTES.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is None:
        return None
    frequency = _small_int(feed.get("sy_updatefrequency")) or 1
    return max(1, period // frequency)


def _small_int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None
