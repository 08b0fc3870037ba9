"""Normalisation: clean text, derived titles, and the hashes and canonical URLs of identity."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import courlan

from connectors.records import FeedPoll

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
_VARIANT_HOST_LABELS = frozenset({"m", "mobile", "amp"})
_AMP_PATH_END = re.compile(r"(?<=.)/amp(?=/?$)|\.amp(?=\.html?$)|(?<=.)/amp\.html$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[A-Z0-9])")
MAX_DERIVED_TITLE_CHARS = 160


def strip_control_characters(text: str) -> str:
    """Remove C0 control characters that make lxml-based parsers raise."""
    return _C0_CONTROLS.sub("", text)


def normalise_text(text: str) -> str:
    """NFC, one space between words, one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", strip_control_characters(text)).replace("\r\n", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def derive_title(text: str) -> str:
    """Use the article's first sentence as its title, shortened on a word boundary."""
    first_paragraph = text.strip().split("\n", 1)[0]
    sentence = _SENTENCE_END.split(first_paragraph, maxsplit=1)[0].strip()
    if len(sentence) <= MAX_DERIVED_TITLE_CHARS:
        return sentence.rstrip(".")
    cut = sentence[:MAX_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def canonical_links(polls: Sequence[FeedPoll]) -> dict[str, str]:
    """The canonical URL of every item link in the polls, by the link as kept (redacted)."""
    links = {
        link
        for poll in polls
        if poll.feed is not None
        for item in poll.feed.items
        if (link := item.redacted_url)
    }
    return {link: canonical_url(link) for link in links}


def content_hash(text: str) -> str:
    """Hash of the normalised text, case- and whitespace-insensitive, for exact-duplicate checks."""
    folded = " ".join(normalise_text(text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """Reduce a URL to the form that identifies its article.

    Lower-case scheme and host, no default port, no fragment, no tracking
    parameters (courlan's list and ours), remaining query parameters sorted,
    AMP and mobile variants folded onto the plain page (``m.``/``amp.`` hosts,
    ``/amp`` path ends, ``amp``/``outputType=amp`` parameters). Non-HTTP URLs
    (such as ``seed://``) are returned unchanged.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced IPv6 bracket: keep it as given, it is still a key
        return url.strip()
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url.strip()
    try:
        normalised = urlsplit(courlan.normalize_url(parts, strict=False))
        port = normalised.port
    except ValueError:  # a malformed port: normalise the rest, so a second pass changes nothing
        normalised, port = _without_port(parts), None
    host = _bracketed(_fold_host((normalised.hostname or "").lower().rstrip(".")))
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(normalised.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(key) and not _is_amp_param(key, value)
    )
    path = _AMP_PATH_END.sub("", normalised.path) or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def resolve_canonical(url: str, page_canonical: str | None) -> str:
    """The canonical URL of a fetched page, honouring its own canonical link on the same site.

    A ``rel=canonical``/``og:url`` that points to another site (a syndication
    partner, a misconfigured CMS) is ignored: it would let a page claim
    another outlet's identity. Relative links are resolved against ``url``.
    """
    own = canonical_url(url)
    if not page_canonical or not own.startswith(("http://", "https://")):
        return own
    try:
        claimed = canonical_url(urljoin(url, page_canonical.strip()))
        same_site = _site(urlsplit(claimed).hostname) == _site(urlsplit(own).hostname)
    except ValueError:  # a malformed link (bad IPv6 literal, bad port) claims nothing
        return own
    return claimed if same_site and claimed.startswith(("http://", "https://")) else own


def _without_port(parts: SplitResult) -> SplitResult:
    bare = parts._replace(netloc=_bracketed(parts.hostname or ""))
    try:
        return urlsplit(courlan.normalize_url(bare, strict=False))
    except ValueError:
        return bare


def _bracketed(host: str) -> str:
    """A host as a URL writes it: an IPv6 literal in brackets."""
    return f"[{host}]" if ":" in host else host


def _fold_host(host: str) -> str:
    """Fold mobile and AMP host variants onto the desktop host (m.example.com -> example.com)."""
    labels = host.split(".")
    if len(labels) > 2 and labels[0] in _VARIANT_HOST_LABELS:
        return ".".join(labels[1:])
    return host


def _site(host: str | None) -> str:
    """The host without www/mobile/AMP labels: what "the same site" means for canonical links."""
    folded = _fold_host((host or "").lower())
    return folded[4:] if folded.startswith("www.") else folded


def _is_amp_param(key: str, value: str) -> bool:
    lowered = key.lower()
    return (
        lowered == "amp"
        and value in ("", "1", "true")
        or (lowered == "outputtype" and value.lower() == "amp")
    )


def article_id_for(canonical: str) -> str:
    """The article key: a short stable hash of its canonical URL."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]
