"""Page bytes to text: one charset decision for fetched pages, HTML seeds and stored raw pages."""

from __future__ import annotations

import codecs
import re

_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"\A\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_\-:.]+)")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_html(body: bytes, content_type: str | None = "") -> str:
    """Decode page bytes: BOM, the HTTP charset, strict UTF-8, the page's own declaration, cp1252.

    The page's own declaration is its meta charset, else its XML declaration (XHTML).

    Strict UTF-8 comes before the meta charset because pages often declare
    ISO-8859-1 in markup while serving UTF-8; valid UTF-8 by accident is rare.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(content_type or "")
    candidates = [declared.group(1)] if declared else []
    candidates.append("utf-8")
    declared_in_page = _META_CHARSET.search(body[:8192]) or _XML_DECLARATION.match(body[:1024])
    if declared_in_page:
        candidates.append(declared_in_page.group(1).decode("ascii", errors="ignore"))
    for encoding in candidates:
        try:
            return body.decode(_as_browsers_read(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def _as_browsers_read(encoding: str) -> str:
    """Browsers read ISO-8859-1 labels as windows-1252 (WHATWG Encoding), so do we.

    Pages labelled ISO-8859-1 use 0x80-0x9F for curly quotes and dashes; read as
    ISO-8859-1 they would become C1 control characters.
    """
    if codecs.lookup(encoding).name == "iso8859-1":
        return "cp1252"
    return encoding
