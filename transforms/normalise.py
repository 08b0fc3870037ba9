"""Normalisation: clean text, stable hashes and canonical URLs that make article identity."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_C0_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|"
    r"_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|ref_src|cmpid|ncid|sr_share|"
    r"__twitter_impression|wt_mc|at_medium|at_campaign|at_custom\d|ito|soc_src|soc_trk)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_control_characters(text: str) -> str:
    """Remove C0 control characters that make lxml-based parsers raise."""
    return _C0_CONTROLS.sub("", text)


def normalise_text(text: str) -> str:
    """NFC, one space between words, one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", strip_control_characters(text)).replace("\r\n", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str) -> str:
    """Hash of the normalised text, case- and whitespace-insensitive, for exact-duplicate checks."""
    folded = " ".join(normalise_text(text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """Reduce a URL to the form that identifies its article.

    Lower-case scheme and host, no default port, no fragment, no tracking
    parameters, remaining query parameters sorted. Non-HTTP URLs (such as
    ``seed://``) are returned without their fragment changes only.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(key)
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def article_id_for(canonical: str) -> str:
    """The article key: a short stable hash of its canonical URL."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
