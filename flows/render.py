"""Printing query results for people (an aligned table) and for programs (CSV, JSON).

Stored text comes from feeds and pages, so it may hold terminal escape sequences or
bidirectional overrides that would recolour, move the cursor or disguise what is printed.
Every format shows them as visible escapes (``\\x1b``, ``\\u202e``) instead; JSON's escapes
keep the exact text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warehouse import QueryResult

FORMATS = ("table", "csv", "json")
MAX_CELL_CHARS = 60  # the table is for reading; csv and json carry every character
# C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), bidi overrides.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")
_UNSAFE_CELL = re.compile(f"[\t{_UNSAFE}]")  # a tab would also break the table's alignment
# What json.dumps(ensure_ascii=False) leaves raw (it escapes the C0 controls itself).
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render(result: QueryResult, fmt: str) -> str:
    """Render ``result`` as ``table``, ``csv`` or ``json`` text, ending with a newline."""
    if fmt == "csv":
        return render_csv(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "table":
        return render_table(result)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def render_table(result: QueryResult) -> str:
    """An aligned text table with a row count; long cells are cut with an ellipsis."""
    if not result.columns:
        return "(no result)\n"
    cells = [[_cell(value) for value in row] for row in result.rows]
    widths = [
        max([len(name)] + [len(row[index]) for row in cells])
        for index, name in enumerate(result.columns)
    ]
    lines = [_line(result.columns, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths) for row in cells]
    count = len(result.rows)
    lines.append(f"({counted(count, 'row')})")
    return "\n".join(lines) + "\n"


def render_failing_feeds(result: QueryResult, *, width: int) -> str:
    """One block per failing feed: its state, then its whole last error wrapped to ``width``.

    ``result`` has the columns of ``WarehouseStatus.failing``.
    """
    blocks = []
    for row in result.rows:
        feed = dict(zip(result.columns, row, strict=True))
        polled = feed["last_polled_at"]
        when = f", last poll {polled:%Y-%m-%d %H:%M}" if isinstance(polled, datetime) else ""
        failures = feed["failures_in_a_row"]
        assert isinstance(failures, int)
        head = (
            f"{feed['source']}: {feed['state']}, {counted(failures, 'failure')}"
            f" in a row{when}: {feed['last_error_code']}"
        )
        error = str(feed["last_error"] or "(no message)")
        error = error.removeprefix(f"source {feed['source']!r}: ")  # the head names it already
        message = textwrap.fill(
            _UNSAFE_CELL.sub(_escape, error),
            width=width,
            initial_indent="    ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
        blocks.append(f"  {_UNSAFE_CELL.sub(_escape, head)}\n{message}\n")
    return "".join(blocks)


def render_csv(result: QueryResult) -> str:
    """RFC 4180 CSV with a header; lists and structs are written as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_scalar(value) for value in row])
    return _UNSAFE_TEXT.sub(_escape, buffer.getvalue())


def render_json(result: QueryResult) -> str:
    """A JSON array of objects, one per row; times in ISO 8601."""
    return dump_json(records(result))


def records(result: QueryResult) -> list[dict[str, object]]:
    """The rows as objects keyed by column name, for JSON output."""
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def dump_json(value: object) -> str:
    """Indented JSON with a final newline; times in ISO 8601, nothing cut."""
    text = json.dumps(value, default=_json_default, ensure_ascii=False, indent=2)
    return _UNSAFE_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one: "1 failure", "2 failures"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _cell(value: object) -> str:
    text = "" if value is None else str(_scalar(value)).replace("\n", " ")
    text = _UNSAFE_CELL.sub(_escape, text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _scalar(value: object) -> object:
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _line(values: Sequence[str], widths: Sequence[int]) -> str:
    cells = (value.ljust(width) for value, width in zip(values, widths, strict=True))
    return "  ".join(cells).rstrip()
