"""HTML parsing for extraction: one lxml parse per page, with silent truncation made visible."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from transforms.normalise import strip_control_characters


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """A parsed page and whether lxml cut it short (depth or size limits)."""

    tree: HtmlElement
    truncated: bool


def parse_html(html: str) -> ParsedPage | None:
    """Parse a page as trafilatura does, or return ``None`` when it is not HTML at all.

    lxml without ``huge_tree`` silently drops text nodes over 10 MB and
    everything nested deeper than 255 elements; it only says so in the
    parser's error log, which is read here so the caller can refuse the page
    instead of storing a cut-off article.
    """
    cleaned = strip_control_characters(html).strip()
    if not cleaned:
        return None
    parser = lxml_html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = lxml_html.fromstring(cleaned.encode("utf-8", errors="replace"), parser=parser)
    except (ParserError, ValueError):
        return None
    if tree is None:
        return None
    truncated = any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log)
    return ParsedPage(tree=tree, truncated=truncated)
