"""Page bytes to text: the one charset decision, for fetched pages and stored raw pages alike."""

from __future__ import annotations

import codecs
import re

_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_html(body: bytes, content_type: str | None = "") -> str:
    """Decode page bytes: BOM, the HTTP charset, strict UTF-8, the page's meta charset, cp1252.

    Strict UTF-8 comes before the meta charset because pages often declare
    ISO-8859-1 in markup while serving UTF-8; valid UTF-8 by accident is rare.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(content_type or "")
    candidates = [declared.group(1)] if declared else []
    candidates.append("utf-8")
    meta = _META_CHARSET.search(body[:8192])
    if meta:
        candidates.append(meta.group(1).decode("ascii", errors="ignore"))
    for encoding in candidates:
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")
