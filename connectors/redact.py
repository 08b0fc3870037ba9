"""Secrets out of URLs: user info and credential-looking parameters, before anything is kept.

A feed may be configured as ``https://user:pass@host/feed?token=...`` and its items may
link to signed URLs. The fetch needs those secrets; nothing else does. Every URL a record
keeps, and every message that may quote one, goes through ``redact_url``/``redact_text``
first, so the warehouse, its snapshot, events, logs and CLI output never hold them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

REDACTED = "REDACTED"

# Parameter names compared lower-case with ``-`` and ``_`` removed (``X-Amz-Signature`` ->
# ``xamzsignature``). Exact names, then endings; ``author`` and ``keyword`` stay visible.
_SECRET_NAMES = frozenset(
    {"auth", "authorization", "jwt", "key", "pass", "pwd", "session", "sid", "sig"}
)
_SECRET_ENDINGS = (
    "apikey",
    "accesskey",
    "authkey",
    "credential",
    "credentials",
    "passwd",
    "password",
    "privatekey",
    "secret",
    "secretkey",
    "sessionid",
    "signature",
    "token",
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,20}://[^\s'\"<>`]+")
_TRAILING = ".,;:!?)]}"
_SEPARATORS = re.compile(r"[-_.]")
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#]*@)")


def is_secret_parameter(name: str) -> bool:
    """Whether a query parameter's name says its value is a credential."""
    key = _SEPARATORS.sub("", unquote(name)).lower()
    return key in _SECRET_NAMES or key.endswith(_SECRET_ENDINGS)


def redact_url(url: str) -> str:
    """The URL with user info and credential parameters (query and fragment) replaced.

    Pure string surgery, so a URL that does not parse is redacted all the same, and
    a URL without secrets comes back unchanged (same bytes, same encoding).
    """
    redacted = _USERINFO.sub(rf"\g<scheme>{REDACTED}@", url, count=1)
    head, hash_sign, fragment = redacted.partition("#")
    base, question, query = head.partition("?")
    if question:
        base += question + _redact_parameters(query)
    if hash_sign:
        base += hash_sign + _redact_parameters(fragment)
    return base


def redact_text(text: str) -> str:
    """Free text (an error message, a log line) with every URL in it redacted."""
    if "://" not in text:
        return text
    return _URL.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = url.rstrip(_TRAILING)  # "https://h/?token=t: 404": the colon ends the sentence
    return redact_url(kept) + url[len(kept) :]


def _redact_parameters(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        parts.append(f"{name}={REDACTED}" if equals and is_secret_parameter(name) else part)
    return "&".join(parts)
