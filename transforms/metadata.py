"""Page metadata: title, authors, date, language, site name, canonical link and lead image."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml.html import HtmlElement

_LANGUAGE = re.compile(r"^([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)*$")
_AUTHOR_SEPARATOR = re.compile(r"\s*;\s*")
_LANGUAGE_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//meta[@property='og:locale']/@content",
    "//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about itself; every field may be missing."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None  # rel=canonical, else og:url, as the page gives it
    lead_image_url: str | None = None


def extract_metadata(tree: HtmlElement, url: str | None = None) -> PageMetadata:
    """Read a parsed page's metadata (meta tags, JSON-LD, htmldate for the date).

    Args:
        tree: the parsed page; it is not modified.
        url: where the page was fetched, to resolve relative links.
    """
    # extensive=False: without structured dates, htmldate's extensive search guesses from stray
    # text (a "Copyright 2023" footer becomes 2023-01-01), which would override a precise
    # feed-entry date; it is also the slower half of metadata extraction.
    found = trafilatura.extract_metadata(tree, default_url=url, extensive=False)
    return PageMetadata(
        title=found.title or None,
        authors=_authors(found.author),
        published_at=_date(found.date),
        language=_language(tree),
        site_name=found.sitename or None,
        canonical_url=_canonical_link(tree),
        lead_image_url=found.image or None,
    )


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names: list[str] = []
    for name in _AUTHOR_SEPARATOR.split(value):
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10])
    except ValueError:
        return None


def _language(tree: HtmlElement) -> str | None:
    for xpath in _LANGUAGE_XPATHS:
        for value in tree.xpath(xpath):
            match = _LANGUAGE.match(str(value).strip())
            if match:
                return match.group(1).lower()
    return None


def _canonical_link(tree: HtmlElement) -> str | None:
    for xpath in (
        "//link[@rel='canonical']/@href",
        "//head/link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href",
        "//meta[@property='og:url']/@content",
    ):
        for value in tree.xpath(xpath):
            href = str(value).strip()
            if href:
                return href
    return None
