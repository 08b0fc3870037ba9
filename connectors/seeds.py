"""Seed files: articles a user drops into a folder, read without any network.

Supported formats:

* ``.txt`` / ``.md``: optional front matter between ``---`` lines (title, url,
  published, source, author); otherwise a body that may start with
  ``date YYYY-MM-DD`` (the format of the bundled seed article).
* ``.html`` / ``.htm``: a saved page, extracted exactly like a fetched one.
* ``.jsonl``: one article per line with ``url``, ``title``, ``published`` and
  ``text`` or ``html``.

Seeds are untrusted input: every bad file, line or field becomes a typed failure naming file and
line (never an exception that stops the run), fields are capped (``connectors/settings.py``),
and YAML aliases are refused in front matter (nested aliases expand a few bytes into gigabytes).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from connectors.clock import utcnow
from connectors.errors import SeedFormatError
from connectors.records import Failure, RawDocument
from connectors.settings import MAX_AUTHOR_CHARS, MAX_SEED_BYTES, MAX_TEXT_CHARS, MAX_TITLE_CHARS

SEED_SOURCE = "seeds"
TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})

_DATE_LINE = re.compile(r"\Adate\s+(\S+)\s*")
_FRONT_MATTER_KEYS = frozenset({"title", "url", "published", "source", "author"})
_YEAR_OR_MONTH = re.compile(r"\A(\d{4})(?:-(\d{2}))?\Z")
# The short fields and their caps; the body's caps follow.
_FIELD_CAPS = {
    "title": MAX_TITLE_CHARS,
    "author": MAX_AUTHOR_CHARS,
    "url": MAX_TITLE_CHARS,
    "source": MAX_TITLE_CHARS,
}
_CAPS = {**_FIELD_CAPS, "text": MAX_TEXT_CHARS, "html": MAX_SEED_BYTES}
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases, and with dates left as text for parse_published."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # check_event leaves it in current_event
            mark = self.current_event.start_mark
            raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed", mark)
        return super().compose_node(parent, index)


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def iter_seed_documents(
    seeds_dir: Path, *, now: datetime | None = None
) -> Iterator[RawDocument | Failure]:
    """Yield a document or a failure for every seed under ``seeds_dir``.

    Files are visited in sorted order; hidden files are ignored. A bad file
    or line becomes a :class:`Failure` and the walk goes on.
    """
    fetched_at = now or utcnow()
    for path in sorted(p for p in seeds_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(seeds_dir).as_posix()
        if any(part.startswith(".") for part in Path(relative).parts):
            continue
        try:
            yield from _read_seed_file(path, relative, fetched_at)
        except SeedFormatError as error:
            yield _failure(relative, error)
        except OSError as error:  # unreadable: permissions, a broken link, a vanished file
            message = f"cannot read: {error.strerror or error}"
            yield _failure(relative, SeedFormatError(relative, None, message, code="unreadable"))


def parse_published(value: object) -> datetime | None:
    """Read a date or datetime (ISO 8601) as naive UTC; ``None`` stays ``None``.

    Raises:
        ValueError: the value is not a valid date or datetime, or it is one that UTC
            cannot hold (``9999-12-31T23:00:00-05:00``).
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
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(f"{value!r} is out of range in UTC") from None
    return moment


def _read_seed_file(
    path: Path, relative: str, fetched_at: datetime
) -> Iterator[RawDocument | Failure]:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES:
        raise SeedFormatError(
            relative, None, f"unsupported seed type {suffix or '(none)'!r}", code="unsupported_seed"
        )
    if suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(path, relative, fetched_at)
        return
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise SeedFormatError(
            relative, None, f"{size:,} bytes, the limit is {MAX_SEED_BYTES:,}", code="too_large"
        )
    data = path.read_bytes()
    if suffix in HTML_SUFFIXES:
        if not data.removeprefix(codecs.BOM_UTF8).strip():
            raise SeedFormatError(relative, None, "empty file", code="empty_body")
        # Bytes, as a fetched page's: extraction decodes both by the same rules (BOM, meta charset).
        yield RawDocument(
            url=f"seed://{relative}",
            source=SEED_SOURCE,
            origin="seed",
            fetched_at=fetched_at,
            body=data,
            location=relative,
        )
    else:
        yield _parse_text_seed(_decode(data, relative, 1), relative, fetched_at)


def _decode(data: bytes, relative: str, first_line: int) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = first_line + data[: error.start].count(b"\n")
        raise SeedFormatError(
            relative, line, f"not valid UTF-8 (byte {data[error.start]:#04x})", code="undecodable"
        ) from None


def _parse_text_seed(content: str, relative: str, fetched_at: datetime) -> RawDocument:
    meta, body, body_line = _split_front_matter(content, relative)
    fields = {key: _field(meta, key, relative, 2, "bad_front_matter") for key in _FIELD_CAPS}
    published, precision = _published(meta.get("published"), relative, 2)
    match = _DATE_LINE.match(body.lstrip())
    if match:
        body_line += body[: len(body) - len(body.lstrip())].count("\n")
        try:
            published, precision = parse_published(match.group(1)), None
        except ValueError:
            raise SeedFormatError(
                relative,
                body_line,
                f"bad date {match.group(1)!r}, expected YYYY-MM-DD",
                code="bad_date",
            ) from None
        body = body.lstrip()[match.end() :]
    title = fields["title"]
    if title is None and relative.endswith(".md"):
        title, body = _take_markdown_heading(body)
        _check_length(title, "title", relative, body_line)
    text = body.strip()
    if not text:
        raise SeedFormatError(relative, body_line, "empty article body", code="empty_body")
    _check_length(text, "text", relative, body_line)
    return RawDocument(
        url=fields["url"] or f"seed://{relative}",
        source=fields["source"] or SEED_SOURCE,
        origin="seed",
        fetched_at=fetched_at,
        text=text,
        title=title,
        author=fields["author"],
        published_at=published,
        published_precision=precision,
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
                meta = yaml.load(header, Loader=_FrontMatterLoader) or {}  # noqa: S506
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line_no = mark.line + 2 if mark is not None else 1
                problem = getattr(error, "problem", None) or "not valid YAML"
                raise SeedFormatError(
                    relative, line_no, f"front matter: {problem}", code="bad_front_matter"
                ) from None
            except RecursionError:
                raise SeedFormatError(
                    relative, 2, "front matter nested too deeply", code="too_deep"
                ) from None
            except ValueError as error:  # a number beyond Python's int-string limit
                raise SeedFormatError(
                    relative, 2, f"front matter: {error}", code="too_large"
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


def _iter_jsonl(path: Path, relative: str, fetched_at: datetime) -> Iterator[RawDocument | Failure]:
    """Yield one document per line; a bad line (bytes, JSON or field) fails alone.

    The file is read a line at a time, each line at most MAX_SEED_BYTES: a huge
    file or line never sits in memory whole.
    """
    with path.open("rb") as lines:
        line_no = 0
        while raw := lines.readline(MAX_SEED_BYTES + 1):
            line_no += 1
            try:
                if len(raw) > MAX_SEED_BYTES:
                    _skip_rest_of_line(lines)
                    raise SeedFormatError(
                        relative,
                        line_no,
                        f"line longer than {MAX_SEED_BYTES:,} bytes",
                        code="too_large",
                    )
                line = _decode(raw, relative, line_no)
                if line.strip():
                    yield _parse_jsonl_line(line, relative, line_no, fetched_at)
            except SeedFormatError as error:
                yield _failure(f"{relative}#{line_no}", error)


def _skip_rest_of_line(lines: Any) -> None:
    while (chunk := lines.readline(MAX_SEED_BYTES)) and not chunk.endswith(b"\n"):
        pass


def _parse_jsonl_line(line: str, relative: str, line_no: int, fetched_at: datetime) -> RawDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise SeedFormatError(
            relative, line_no, f"not valid JSON: {error.msg}", code="bad_json"
        ) from None
    except RecursionError:
        raise SeedFormatError(
            relative, line_no, "JSON nested too deeply", code="too_deep"
        ) from None
    except ValueError as error:  # a number beyond Python's int-string limit
        raise SeedFormatError(relative, line_no, f"JSON: {error}", code="too_large") from None
    if not isinstance(record, dict):
        raise SeedFormatError(relative, line_no, "expected a JSON object", code="bad_json")
    fields = {key: _field(record, key, relative, line_no, "bad_field") for key in _FIELD_CAPS}
    text = _field(record, "text", relative, line_no, "bad_field")
    html = _field(record, "html", relative, line_no, "bad_field")
    if not (text or html):
        raise SeedFormatError(
            relative, line_no, "needs a non-empty 'text' or 'html'", code="empty_body"
        )
    _check_length(text, "text", relative, line_no)
    title = fields["title"]
    published, precision = _published(record.get("published"), relative, line_no)
    return RawDocument(
        url=fields["url"] or f"seed://{relative}#{line_no}",
        source=fields["source"] or SEED_SOURCE,
        origin="seed",
        fetched_at=fetched_at,
        html=html if not text else None,
        text=text,
        title=title,
        author=fields["author"],
        published_at=published,
        published_precision=precision,
        location=f"{relative}:{line_no}",
    )


def _published(value: object, relative: str, line: int) -> tuple[datetime | None, str | None]:
    """The date and its precision: ``year`` or ``month`` for "2024" and "2024-05", else None.

    A year or a month stands for its first day, so the article keeps a usable date. A bare
    number is a year (YAML reads ``published: 2024`` as one).
    """
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 9999:
        value = f"{value:04d}"
    partial = _YEAR_OR_MONTH.match(value) if isinstance(value, str) else None
    if partial is not None:
        year, month = int(partial.group(1)), int(partial.group(2) or 1)
        if year >= 1 and 1 <= month <= 12:
            return datetime(year, month, 1), "month" if partial.group(2) else "year"
    try:
        return parse_published(value), None
    except ValueError:
        raise SeedFormatError(
            relative,
            line,
            f"bad published date {_shorten(repr(value))}, expected ISO 8601",
            code="bad_date",
        ) from None


def _field(record: dict[Any, Any], key: str, relative: str, line: int, code: str) -> str | None:
    """A text field, stripped; None when absent or empty. Numbers are read as text.

    Raises:
        SeedFormatError: the value is a list, an object or a boolean (``code``), or
            longer than its cap (``too_large``).
    """
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SeedFormatError(
            relative, line, f"{key!r} must be text, not {type(value).__name__}", code=code
        )
    text = str(value).strip()
    _check_length(text, key, relative, line)
    return text or None


def _check_length(value: str | None, key: str, relative: str, line: int) -> None:
    cap = _CAPS[key]
    if value is not None and len(value) > cap:
        raise SeedFormatError(
            relative,
            line,
            f"{key!r} is {len(value):,} characters, the limit is {cap:,}",
            code="too_large",
        )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failure(url_or_path: str, error: SeedFormatError) -> Failure:
    return Failure(
        stage="seed",
        source=SEED_SOURCE,
        url_or_path=url_or_path,
        error_code=error.code,
        message=str(error),
    )
