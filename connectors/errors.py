"""Exceptions raised by connectors; each names its culprit."""

from __future__ import annotations


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
