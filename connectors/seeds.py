"""Seed files: articles a user drops into a folder, read without any network.

Supported formats:

* ``.txt`` / ``.md``: optional front matter between ``---`` lines (title, url,
  published, source, author); otherwise a body that may start with
  ``date YYYY-MM-DD`` (the format of the bundled seed article).
* ``.html`` / ``.htm``: a saved page, extracted exactly like a fetched one.
* ``.jsonl``: one article per line with ``url``, ``title``, ``published`` and
  ``text`` or ``html``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from connectors.errors import SeedFormatError
from connectors.records import Failure, RawDocument

SEED_SOURCE = "seeds"
TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
MAX_DERIVED_TITLE_CHARS = 160

_DATE_LINE = re.compile(r"\Adate\s+(\S+)\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[A-Z0-9])")
_FRONT_MATTER_KEYS = frozenset({"title", "url", "published", "source", "author"})


def iter_seed_documents(
    seeds_dir: Path, *, now: datetime | None = None
) -> Iterator[RawDocument | Failure]:
    """Yield a document or a failure for every seed under ``seeds_dir``.

    Files are visited in sorted order; hidden files are ignored. A bad file
    or line becomes a :class:`Failure` and the walk goes on.
    """
    fetched_at = now or datetime.now(UTC).replace(tzinfo=None)
    for path in sorted(p for p in seeds_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(seeds_dir).as_posix()
        if any(part.startswith(".") for part in Path(relative).parts):
            continue
        try:
            yield from _read_seed_file(path, relative, fetched_at)
        except SeedFormatError as error:
            yield _failure(relative, error)


def parse_published(value: object) -> datetime | None:
    """Read a date or datetime (ISO 8601) as naive UTC; ``None`` stays ``None``.

    Raises:
        ValueError: the value is not a valid date or datetime.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    else:
        raise ValueError(f"expected a date or datetime, got {type(value).__name__}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def derive_title(text: str) -> str:
    """Use the article's first sentence as its title, shortened on a word boundary."""
    first_paragraph = text.strip().split("\n", 1)[0]
    sentence = _SENTENCE_END.split(first_paragraph, maxsplit=1)[0].strip()
    if len(sentence) <= MAX_DERIVED_TITLE_CHARS:
        return sentence.rstrip(".")
    cut = sentence[:MAX_DERIVED_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _read_seed_file(
    path: Path, relative: str, fetched_at: datetime
) -> Iterator[RawDocument | Failure]:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES:
        raise SeedFormatError(
            relative, None, f"unsupported seed type {suffix or '(none)'!r}", code="unsupported_seed"
        )
    content = _decode(path.read_bytes(), relative)
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(content, relative, fetched_at)
    elif suffix in HTML_SUFFIXES:
        if not content.strip():
            raise SeedFormatError(relative, None, "empty file", code="empty_body")
        yield RawDocument(
            url=f"seed://{relative}",
            source=SEED_SOURCE,
            origin="seed",
            fetched_at=fetched_at,
            html=content,
            location=relative,
        )
    else:
        yield _parse_text_seed(content, relative, fetched_at)


def _decode(data: bytes, relative: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SeedFormatError(
            relative, line, f"not valid UTF-8 (byte {data[error.start]:#04x})", code="undecodable"
        ) from None


def _parse_text_seed(content: str, relative: str, fetched_at: datetime) -> RawDocument:
    meta, body, body_line = _split_front_matter(content, relative)
    published = _published(meta.get("published"), relative, 2)
    match = _DATE_LINE.match(body.lstrip())
    if match:
        body_line += body[: len(body) - len(body.lstrip())].count("\n")
        try:
            published = parse_published(match.group(1))
        except ValueError:
            raise SeedFormatError(
                relative,
                body_line,
                f"bad date {match.group(1)!r}, expected YYYY-MM-DD",
                code="bad_date",
            ) from None
        body = body.lstrip()[match.end() :]
    title = _optional_str(meta.get("title"))
    if title is None and relative.endswith(".md"):
        title, body = _take_markdown_heading(body)
    text = body.strip()
    if not text:
        raise SeedFormatError(relative, body_line, "empty article body", code="empty_body")
    return RawDocument(
        url=_optional_str(meta.get("url")) or f"seed://{relative}",
        source=_optional_str(meta.get("source")) or SEED_SOURCE,
        origin="seed",
        fetched_at=fetched_at,
        text=text,
        title=title or derive_title(text),
        title_derived=title is None,
        author=_optional_str(meta.get("author")),
        published_at=published,
        location=relative,
    )


def _split_front_matter(content: str, relative: str) -> tuple[dict[str, Any], str, int]:
    """Return the front matter, the body and the body's first line number."""
    if not content.startswith("---\n") and not content.startswith("---\r\n"):
        return {}, content, 1
    lines = content.splitlines(keepends=True)
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            header = "".join(lines[1:index])
            try:
                meta = yaml.safe_load(header) or {}
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line_no = mark.line + 2 if mark is not None else 1
                raise SeedFormatError(
                    relative, line_no, "front matter is not valid YAML", code="bad_front_matter"
                ) from None
            if not isinstance(meta, dict):
                raise SeedFormatError(
                    relative, 2, "front matter must be key: value lines", code="bad_front_matter"
                )
            unknown = sorted(set(map(str, meta)) - _FRONT_MATTER_KEYS)
            if unknown:
                raise SeedFormatError(
                    relative, 2, f"unknown front-matter key {unknown[0]!r}", code="bad_front_matter"
                )
            return meta, "".join(lines[index + 1 :]), index + 2
    raise SeedFormatError(
        relative, 1, "front matter is not closed by '---'", code="bad_front_matter"
    )


def _take_markdown_heading(body: str) -> tuple[str | None, str]:
    stripped = body.lstrip()
    if stripped.startswith("# "):
        heading, _, rest = stripped.partition("\n")
        return heading[2:].strip() or None, rest
    return None, body


def _iter_jsonl(
    content: str, relative: str, fetched_at: datetime
) -> Iterator[RawDocument | Failure]:
    """Yield one document per line; a bad line fails alone."""
    for line_no, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield _parse_jsonl_line(line, relative, line_no, fetched_at)
        except SeedFormatError as error:
            yield _failure(f"{relative}#{line_no}", error)


def _parse_jsonl_line(line: str, relative: str, line_no: int, fetched_at: datetime) -> RawDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise SeedFormatError(
            relative, line_no, f"not valid JSON: {error.msg}", code="bad_json"
        ) from None
    if not isinstance(record, dict):
        raise SeedFormatError(relative, line_no, "expected a JSON object", code="bad_json")
    text, html = _optional_str(record.get("text")), _optional_str(record.get("html"))
    if (text or html or "").strip() == "":
        raise SeedFormatError(
            relative, line_no, "needs a non-empty 'text' or 'html'", code="empty_body"
        )
    title = _optional_str(record.get("title"))
    return RawDocument(
        url=_optional_str(record.get("url")) or f"seed://{relative}#{line_no}",
        source=_optional_str(record.get("source")) or SEED_SOURCE,
        origin="seed",
        fetched_at=fetched_at,
        html=html if not text else None,
        text=text.strip() if text else None,
        title=title or (derive_title(text) if text else None),
        title_derived=title is None and bool(text),
        author=_optional_str(record.get("author")),
        published_at=_published(record.get("published"), relative, line_no),
        location=f"{relative}:{line_no}",
    )


def _published(value: object, relative: str, line: int) -> datetime | None:
    try:
        return parse_published(value)
    except ValueError:
        raise SeedFormatError(
            relative, line, f"bad published date {value!r}, expected ISO 8601", code="bad_date"
        ) from None


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _failure(url_or_path: str, error: SeedFormatError) -> Failure:
    return Failure(
        stage="seed",
        source=SEED_SOURCE,
        url_or_path=url_or_path,
        error_code=error.code,
        message=str(error),
    )
