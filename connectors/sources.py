"""sources.yaml: the feeds to poll, validated so that every error names file, entry and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from connectors.addresses import check_url, split_user_info
from connectors.errors import FetchError, SourcesError
from connectors.records import Source
from connectors.settings import DEFAULT_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES

KINDS = frozenset({"rss", "atom", "json", "auto"})
_FIELDS = frozenset({"name", "url", "kind", "tags", "interval_minutes", "enabled"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._&'()-]{0,79}$")


def read_sources(path: Path) -> list[Source]:
    """Read and validate a sources file.

    Raises:
        SourcesError: the file is missing, is not YAML, or an entry is invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesError(str(path), None, None, f"cannot read: {error}") from None
    return parse_sources(text, str(path))


def parse_sources(text: str, where: str = "sources.yaml") -> list[Source]:
    """Validate the YAML text of a sources file (pure).

    Raises:
        SourcesError: with the file, the entry (``sources[3] 'Name'``) and the field.
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else None
        raise SourcesError(where, line, None, "not valid YAML") from None
    if not isinstance(document, dict) or set(document) != {"sources"}:
        raise SourcesError(where, None, None, "expected one top-level key 'sources:'")
    entries = [] if document["sources"] is None else document["sources"]
    if not isinstance(entries, list):
        raise SourcesError(where, None, "sources", "must be a list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        source = _parse_entry(entry, where, index)
        if source.name.casefold() in seen:
            raise SourcesError(where, _label(index, entry), "name", "duplicate name")
        seen.add(source.name.casefold())
        sources.append(source)
    return sources


def _parse_entry(entry: Any, where: str, index: int) -> Source:
    label = _label(index, entry)
    if not isinstance(entry, dict):
        raise SourcesError(where, label, None, "must be a mapping with name and url")
    unknown = sorted(set(map(str, entry)) - _FIELDS)
    if unknown:
        raise SourcesError(where, label, unknown[0], f"unknown field (known: {sorted(_FIELDS)})")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SourcesError(
            where, label, "name", "required: 1-80 letters, digits, spaces or ._&'()-"
        )
    url = entry.get("url")
    if not isinstance(url, str):
        raise SourcesError(where, label, "url", "required: an http(s) URL")
    try:
        check_url(split_user_info(url.strip())[0])  # user info: the feed's login, sent as Basic
    except FetchError as error:
        raise SourcesError(where, label, "url", str(error)) from None
    kind = entry.get("kind", "auto")
    if kind not in KINDS:
        raise SourcesError(where, label, "kind", f"must be one of {sorted(KINDS)}")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise SourcesError(where, label, "tags", "must be a list of strings")
    interval = entry.get("interval_minutes", DEFAULT_INTERVAL_MINUTES)
    if (
        not isinstance(interval, int)
        or isinstance(interval, bool)
        or not MIN_INTERVAL_MINUTES <= interval <= MAX_INTERVAL_MINUTES
    ):
        raise SourcesError(
            where,
            label,
            "interval_minutes",
            f"must be a whole number from {MIN_INTERVAL_MINUTES} to {MAX_INTERVAL_MINUTES}",
        )
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesError(where, label, "enabled", "must be true or false")
    return Source(name, url.strip(), kind, tuple(t.strip() for t in tags), interval, enabled)


def _label(index: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"sources[{index}]" + (f" {name!r}" if isinstance(name, str) else "")
