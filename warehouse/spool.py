"""The spool: load batches staged on disk before the load, so nothing fetched is lost.

A run writes every batch it fetched and transformed to a spool file first, then loads the
spool files in order, one transaction each, and deletes a file only after its transaction
committed. A run that dies or fails (SIGKILL, a lock held by another process, a full disk)
leaves its files behind, and the next run loads them first. Each file's name is its batch
id, recorded in ``load_batches`` by the same transaction, so a file whose load committed
just before a crash is recognised and skipped: every batch lands exactly once.

Files are JSON (readable with ``jq`` when something needs looking into); records keep their
types through a small tagged encoding. Raw pages are not in them: the extraction worker wrote
each page's file before its batch was spooled, and the spool carries only its reference.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from connectors.records import Failure
from transforms.rawpage import RawPage
from transforms.records import Article, CandidateName, EntityMention, TaggedArticle, TopicTag
from warehouse.files import fsync_file, replace_durably
from warehouse.load import LoadCounts, load_batch
from warehouse.stories import AssignStories

SPOOL_SUFFIX = ".json"
_RECORD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        Article,
        CandidateName,
        EntityMention,
        Failure,
        RawPage,
        TaggedArticle,
        TopicTag,
    )
}


@dataclass(frozen=True, slots=True)
class SpooledBatch:
    """One staged batch: what a load transaction will write."""

    batch_id: str
    run_id: str
    spooled_at: datetime
    tagged: tuple[TaggedArticle, ...]
    failures: tuple[Failure, ...]
    raw: tuple[tuple[RawPage, str | None], ...] = ()  # stored raw pages, the article each gave


def spool_batch(
    spool_dir: Path,
    *,
    run_id: str,
    tagged: Sequence[TaggedArticle],
    failures: Sequence[Failure],
    now: datetime,
    raw: Sequence[tuple[RawPage, str | None]] = (),
) -> Path:
    """Stage one batch durably (written, fsynced, renamed into place) and return its file.

    Raises:
        OSError: the spool cannot be written (disk full, permissions); nothing is staged.
    """
    spool_dir.mkdir(parents=True, exist_ok=True)
    batch_id = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}"
    payload = {
        "batch_id": batch_id,
        "run_id": run_id,
        "spooled_at": _encode(now),
        "tagged": _encode(list(tagged)),
        "failures": _encode(list(failures)),
        "raw": _encode(list(raw)),
    }
    path = spool_dir / f"{batch_id}{SPOOL_SUFFIX}"
    partial = spool_dir / f".{batch_id}.partial"
    try:
        partial.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        fsync_file(partial)
        replace_durably(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def list_spooled(spool_dir: Path) -> list[Path]:
    """Spool files waiting to be loaded, oldest first (names start with the spool time)."""
    if not spool_dir.is_dir():
        return []
    return sorted(spool_dir.glob(f"*{SPOOL_SUFFIX}"))


def read_spooled(path: Path) -> SpooledBatch:
    """Read a spool file back into records.

    Raises:
        ValueError: the file is not a spool file this version can read (the message names it).
    """
    return parse_spooled(path.read_text(encoding="utf-8"), origin=str(path))


def parse_spooled(text: str, *, origin: str) -> SpooledBatch:
    """A spool file's content as records (the lake stages it as is: warehouse.lake_merge).

    Raises:
        ValueError: the text is not a spool file this version can read (the message names
            ``origin``).
    """
    try:
        payload = json.loads(text)
        return SpooledBatch(
            batch_id=str(payload["batch_id"]),
            run_id=str(payload["run_id"]),
            spooled_at=_decode(payload["spooled_at"]),
            tagged=tuple(_decode(payload["tagged"])),
            failures=tuple(_decode(payload["failures"])),
            raw=tuple(_decode(payload.get("raw", []))),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{origin}: not a readable spool file ({error})") from error


def load_spooled(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    run_id: str,
    now: datetime,
    assign_stories: AssignStories,
    batch: SpooledBatch | None = None,
) -> LoadCounts:
    """Load one spool file in one transaction, then delete it.

    The file is deleted only after the commit; if the process dies in between, the next
    call finds the batch id in ``load_batches`` and only deletes the file. A file that
    cannot be read is renamed ``*.rejected`` (kept for inspection, never retried) and
    becomes a ``bad_spool`` failure of the run ``run_id`` that met it. ``batch`` is the
    file's content when the caller has read it already.
    """
    try:
        batch = batch or read_spooled(path)
    except ValueError as error:
        rejected = path.with_suffix(".rejected")
        os.replace(path, rejected)
        failure = Failure("load", "spool", str(rejected), "bad_spool", str(error))
        return load_batch(
            con,
            run_id=run_id,
            tagged=[],
            failures=[failure],
            now=now,
            assign_stories=assign_stories,
        )
    counts = load_batch(
        con,
        run_id=batch.run_id,
        tagged=batch.tagged,
        failures=batch.failures,
        now=now,
        batch_id=batch.batch_id,
        spooled_at=batch.spooled_at,
        raw=batch.raw,
        assign_stories=assign_stories,
    )
    path.unlink(missing_ok=True)
    return counts


def _encode(value: object) -> object:
    # Scalars first: they are most of a batch's values (~12 kB of records an article).
    if value is None or isinstance(value, str | int | float | bool):
        return value
    names = _field_names(type(value))
    if names is not None:
        return {"$record": type(value).__name__, **{n: _encode(getattr(value, n)) for n in names}}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": {str(key): _encode(item) for key, item in value.items()}}
    raise TypeError(f"cannot spool a value of type {type(value).__name__}")


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, kept per class (``dataclasses.fields`` walks it every call)."""
    if cls not in _FIELD_NAMES:
        fields = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else None
        _FIELD_NAMES[cls] = None if fields is None else tuple(f.name for f in fields)
    return _FIELD_NAMES[cls]


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)  # records hold tuples, never lists
    if not isinstance(value, dict):
        return value
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$dict" in value:
        return {key: _decode(item) for key, item in value["$dict"].items()}
    fields = {key: _decode(item) for key, item in value.items() if key != "$record"}
    cls = _RECORD_TYPES.get(value.get("$record", ""))
    if cls is None:
        raise ValueError(f"unknown record type {value.get('$record')!r}")
    return cls(**fields)
