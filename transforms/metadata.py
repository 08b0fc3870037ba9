"""Page metadata: title, authors, date, language, site name, canonical link and lead image."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params

# trafilatura's byline search copies and prunes the page, then runs three regex XPaths
# (~6 ms a page). Each of its expressions needs an element whose class, id, itemprop, rel,
# data-testid or data-component holds one of these words (any case), or an <author> or <rel>
# element; a page with none cannot have a byline, which one pass over those attributes
# (~0.6 ms) tells. On the developer corpus it spares the search on a third of the pages.
_BYLINE_WORDS = (
    "author", "byl", "bbl", "username", "screenname", "writer", "zuozhe", "bianji",
    "xiaobian", "channel-name", "submitted-by", "posted-by", "journalist-name",
)  # fmt: skip
_BYLINE_ATTRIBUTES = XPath(
    "//@class | //@id | //@itemprop | //@rel | //@data-testid | //@data-component",
    smart_strings=False,
)
_BYLINE_ELEMENTS = XPath("boolean(//author | //rel)")
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


def extract_metadata(
    tree: HtmlElement, url: str | None = None, *, find_byline: bool = True
) -> PageMetadata:
    """Read a parsed page's metadata (meta tags, JSON-LD, htmldate for the date).

    Args:
        tree: the parsed page; it is not modified.
        url: where the page was fetched, to resolve relative links.
        find_byline: search the page body for an author when the meta tags name none;
            the costliest lookup here (a pruned copy of the page), skipped when the
            feed entry names the author, which wins anyway.
    """
    found = _trafilatura_metadata(tree, url, find_byline)
    return PageMetadata(
        title=found.title or None,
        authors=_authors(found.author),
        published_at=_date(found.date),
        language=_language(tree),
        site_name=found.sitename or None,
        canonical_url=_canonical_link(tree),
        lead_image_url=found.image or None,
    )


def _trafilatura_metadata(tree: HtmlElement, url: str | None, find_byline: bool) -> Document:
    """``trafilatura.extract_metadata(tree, url, extensive=False)`` without what articles drop.

    trafilatura's categories, tags and licence lookups are about a quarter of its metadata
    cost and no article field uses them; the steps kept run in its order, so the fields
    kept come out the same (a test compares the two on the extraction corpus).
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:  # a bare handle, not a name
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - malformed JSON-LD leaves the meta-tag values
        pass
    found.title = found.title or extract_title(tree)
    if find_byline and not found.author and _may_have_byline(tree):
        found.author = extract_author(tree)
    found.url = found.url or extract_url(tree, url)
    # extensive_search=False: without structured dates, htmldate's extensive search guesses from
    # stray text (a "Copyright 2023" footer becomes 2023-01-01), which would override a precise
    # feed-entry date; it is also the slower half of date extraction.
    found.date = find_date(tree, **{**set_date_params(extensive=False), "url": found.url})
    sitename = found.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")  # a Twitter handle
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif found.url and (match := META_URL.match(found.url)):
        sitename = match[1]
    found.sitename = sitename
    found.clean_and_trim()
    return found


def _may_have_byline(tree: HtmlElement) -> bool:
    attributes = " ".join(_BYLINE_ATTRIBUTES(tree)).lower()
    return any(word in attributes for word in _BYLINE_WORDS) or bool(_BYLINE_ELEMENTS(tree))


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
