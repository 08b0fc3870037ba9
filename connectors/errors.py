"""Exceptions raised by connectors; each names its culprit."""

from __future__ import annotations

from connectors.redact import redact_text


class SeedFormatError(Exception):
    """A seed file (or one line of it) cannot be read as an article.

    The message reads ``seeds/articles.jsonl:12: missing 'url'`` so the user
    can go straight to the line.
    """

    def __init__(self, path: str, line: int | None, message: str, *, code: str) -> None:
        self.path = path
        self.line = line
        self.code = code
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class FetchError(Exception):
    """A request ended without a usable response; ``code`` says why, in one word.

    Codes: invalid_url, blocked_scheme, blocked_address, dns_error,
    connect_timeout, connect_error, tls_error, read_timeout, deadline_exceeded,
    truncated_body, bad_response, too_many_redirects, http_status,
    body_too_large, unsupported_encoding, decode_error,
    unsupported_content_type, robots_disallowed.
    """

    def __init__(
        self,
        code: str,
        url: str,
        message: str,
        *,
        status: int | None = None,
        retry_after_seconds: float | None = None,
    ) -> None:
        self.code = code
        self.url = url
        self.status = status
        self.retry_after_seconds = retry_after_seconds
        self.duration_ms: float | None = None  # the request's own time, set once it had a slot
        super().__init__(redact_text(f"{url}: {message}"))  # messages are stored and shown


class FeedError(Exception):
    """A fetched body cannot be read as a feed (``not_a_feed`` or ``parse_error``)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class SourcesError(Exception):
    """``sources.yaml`` is invalid; the message names the file, the entry and the field."""

    def __init__(self, path: str, entry: str | None, field: str | None, message: str) -> None:
        self.path = path
        self.entry = entry
        self.field = field
        where = path + (f": {entry}" if entry else "") + (f": {field}" if field else "")
        super().__init__(redact_text(f"{where}: {message}"))  # the CLI prints it
