"""Raw page retention: gzip files named by SHA-256 beside the database, rows in raw_documents.

Files rather than BLOBs, by measurement on the developer corpus (990 pages): the same
gzip bytes cost 28 kB a page as files but 44 kB a page inside DuckDB, and pages in the
database would be copied into every analysts' snapshot. The extraction workers write the
files (transforms.rawpage) before their batch is spooled; a load records only the rows.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from transforms.rawpage import RawPage
from warehouse.bulk import execute_records, insert_sql
from warehouse.rows import select_dicts

_SELECT_RAW = """
SELECT url, final_url, source, origin, fetched_at, status, content_type, bytes AS size, sha256,
       storage_path AS stored_path, stored_bytes, given_title, given_author, given_published_at,
       location, given_published_precision
FROM raw_documents
WHERE ($since IS NULL OR fetched_at >= $since) AND ($until IS NULL OR fetched_at < $until)
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC, sha256) = 1
ORDER BY fetched_at, url
"""


@dataclass(frozen=True, slots=True)
class _RawDocumentRow:
    """A row of ``raw_documents``: a stored page, and the article it gave."""

    url: str
    sha256: str
    final_url: str | None
    source: str
    origin: str
    fetched_at: datetime
    status: int | None
    content_type: str | None
    bytes: int
    stored_bytes: int
    storage_path: str
    given_title: str | None
    given_author: str | None
    given_published_at: datetime | None
    location: str
    article_id: str | None
    run_id: str
    given_published_precision: str | None


# The same page fetched again keeps its row (and file), with what the latest fetch said.
_UPSERT_RAW = insert_sql(
    "raw_documents",
    _RawDocumentRow,
    on_conflict="""
ON CONFLICT (url, sha256) DO UPDATE SET
    final_url = excluded.final_url, source = excluded.source, origin = excluded.origin,
    fetched_at = excluded.fetched_at, status = excluded.status,
    content_type = excluded.content_type, given_title = excluded.given_title,
    given_author = excluded.given_author, given_published_at = excluded.given_published_at,
    given_published_precision = excluded.given_published_precision,
    location = excluded.location, article_id = excluded.article_id, run_id = excluded.run_id
""",
)


def load_raw_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    pages: Sequence[tuple[RawPage, str | None]],
) -> None:
    """Upsert raw_documents rows (page, article_id it gave) inside the caller's transaction.

    One statement for the batch; a page listed twice counts once, as its last listing
    (an upsert statement may not update one row twice).
    """
    latest = {(page.url, page.sha256): (page, article_id) for page, article_id in pages}
    rows = [
        _RawDocumentRow(
            url=p.url,
            sha256=p.sha256,
            final_url=p.final_url,
            source=p.source,
            origin=p.origin,
            fetched_at=p.fetched_at,
            status=p.status,
            content_type=p.content_type,
            bytes=p.size,
            stored_bytes=p.stored_bytes,
            storage_path=p.stored_path,
            given_title=p.given_title,
            given_author=p.given_author,
            given_published_at=p.given_published_at,
            location=p.location,
            article_id=article_id,
            run_id=run_id,
            given_published_precision=p.given_published_precision,
        )
        for p, article_id in latest.values()
    ]
    execute_records(con, _UPSERT_RAW, rows)


def select_stored_pages(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[RawPage]:
    """The latest stored version of every URL fetched in [since, until), oldest first.

    Rows only: their files are read with :func:`read_stored_pages`, outside any write
    section, a batch at a time.
    """
    rows = select_dicts(con, _SELECT_RAW, {"since": since, "until": until})
    return [RawPage(**row) for row in rows]


def read_stored_pages(store: Path, pages: Sequence[RawPage]) -> list[tuple[RawPage, bytes]]:
    """Each page with its uncompressed bytes, read from its file in the raw store."""
    return [(page, gzip.decompress((store / page.stored_path).read_bytes())) for page in pages]
