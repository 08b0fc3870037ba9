"""Raw pages as kept for re-extraction: content-addressed (SHA-256), gzip-compressed files.

The extraction worker writes each page once, into the raw store folder the flow names, and
hands back only a reference (``RawPage``); the spool and the load carry that reference. A
file appears under its real name only complete and on disk (temporary file, fsync, rename),
so a worker killed mid-write leaves at most a ``.tmp-`` file, never a half page.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from connectors.records import RawDocument

# gzip level 3: on the developer corpus (990 pages, 145 kB each) 31.7 kB a page in 1.0 ms,
# against 28.4 kB in 2.3 ms at level 6 (as small as zstd level 3), in a worker's time per page.
GZIP_LEVEL = 3
TEMP_PREFIX = ".tmp-"  # a write in progress, or one whose writer was killed


@dataclass(frozen=True, slots=True)
class RawPage:
    """One stored page (fetched or seed): where its file is, and what re-extraction needs."""

    url: str
    final_url: str | None
    source: str
    origin: str
    fetched_at: datetime
    status: int | None
    content_type: str | None
    size: int  # bytes before compression
    sha256: str  # of the uncompressed bytes: the storage key
    stored_path: str  # the file, relative to the raw store: "ab/ab12….html.gz"
    stored_bytes: int  # the file's size
    given_title: str | None
    given_author: str | None
    given_published_at: datetime | None
    location: str
    given_published_precision: str | None = None  # a seed's "year" or "month"


def raw_page_path(sha256: str) -> str:
    """Where a page with this hash lives, relative to the raw store."""
    return f"{sha256[:2]}/{sha256}.html.gz"


def write_raw_page(raw_dir: Path, document: RawDocument) -> RawPage | None:
    """Store an HTML document's page once and return its reference.

    ``None`` for plain-text seeds, which have no page. The bytes kept are the
    page's own (a fetched page's as fetched, whatever its charset; an HTML seed's
    text as UTF-8), so re-extraction decodes them as the first extraction did.

    Raises:
        OSError: the file cannot be written (disk full, permissions).
    """
    if document.body is not None:
        body = document.body
    elif document.html is not None:
        body = document.html.encode("utf-8")
    else:
        return None
    sha256 = hashlib.sha256(body).hexdigest()
    stored_path = raw_page_path(sha256)
    return RawPage(
        url=document.url,
        final_url=document.final_url,
        source=document.source,
        origin=document.origin,
        fetched_at=document.fetched_at,
        status=document.status,
        content_type=document.content_type
        or ("text/html; charset=utf-8" if document.body is None else None),
        size=len(body),
        sha256=sha256,
        stored_path=stored_path,
        stored_bytes=_write_once(raw_dir / stored_path, body),
        given_title=document.title,
        given_author=document.author,
        given_published_at=document.published_at,
        location=document.location,
        given_published_precision=document.published_precision,
    )


def _write_once(target: Path, body: bytes) -> int:
    """Write ``body`` gzipped to ``target`` unless it is there; return the file's size.

    A complete, fsynced temporary file is renamed to the name and the folder is
    fsynced, so the file is whole and durable before anyone (the spool) names it.
    A file already there is left as it is (same name, same bytes).
    """
    if target.exists():
        return target.stat().st_size
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        _fsync_folder(target.parent.parent)  # the new folder's own name must survive too
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            with gzip.GzipFile(
                filename="", mode="wb", fileobj=file, compresslevel=GZIP_LEVEL, mtime=0
            ) as packed:
                packed.write(body)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
        _fsync_folder(target.parent)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target.stat().st_size


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def to_raw_document(page: RawPage, body: bytes) -> RawDocument:
    """Rebuild the document a stored page came from, to run it through extraction again.

    It keeps the stored bytes (not a decoded copy), so extraction decodes them as the
    first time, and storing the page again finds the same hash, the same file.
    """
    return RawDocument(
        url=page.url,
        source=page.source,
        origin=page.origin,
        fetched_at=page.fetched_at,
        body=body,
        title=page.given_title,
        author=page.given_author,
        published_at=page.given_published_at,
        published_precision=page.given_published_precision,
        location=page.location,
        final_url=page.final_url,
        status=page.status,
        content_type=page.content_type,
    )
