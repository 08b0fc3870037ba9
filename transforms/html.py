"""HTML parsing for extraction: one lxml parse per page, with silent truncation made visible."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from transforms.normalise import strip_control_characters

# What strip_control_characters removes, as UTF-8 bytes.
_C0_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


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
    encoded = html.encode("utf-8", errors="replace")
    # Control characters are rare: one pass over the bytes (a C0 byte is never part of a
    # longer UTF-8 sequence) says whether the regex that removes them needs to run at all.
    has_controls = len(encoded.translate(None, _C0_BYTES)) != len(encoded)
    cleaned = (strip_control_characters(html) if has_controls else html).strip()
    if not cleaned:
        return None
    if has_controls or len(cleaned) != len(html):
        encoded = cleaned.encode("utf-8", errors="replace")
    parser = lxml_html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = lxml_html.fromstring(encoded, parser=parser)
    except (ParserError, ValueError):
        return None
    if tree is None:
        return None
    truncated = any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log)
    return ParsedPage(tree=tree, truncated=truncated)
