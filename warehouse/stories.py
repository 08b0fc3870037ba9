"""Article identity extras: metadata columns, source links, sketches and persistent stories.

Every statement here writes a whole batch at once (see warehouse.bulk): DuckDB runs
``executemany`` one statement per row, which made a 200-article batch take seconds.
Stories: the warehouse stores each article's sketch, indexes its smallest hashes and
selects the articles sharing enough of them; which of those is the same story is the
caller's ``assign_stories`` (``transforms.stories.assign_stories``), run inside the same
transaction so that concurrent loads see each other's stories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import duckdb

from transforms.records import Article, StoredSketch, TaggedArticle
from warehouse.bulk import execute_records, insert_sql, records_sql
from warehouse.rows import select_records

_SKETCHES = """
SELECT s.article_id, s.shingles, s.hashes, a.story_id, a.first_seen_at
FROM article_sketches AS s JOIN articles AS a USING (article_id)
WHERE s.article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_DELETE_SKETCHES = "DELETE FROM article_sketches WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_DELETE_INDEX = "DELETE FROM story_index WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_CANDIDATES = """
SELECT mine.article_id, other.article_id
FROM story_index AS mine JOIN story_index AS other
    ON other.hash = mine.hash AND other.article_id <> mine.article_id
WHERE mine.article_id IN (SELECT unnest(?::VARCHAR[]))
GROUP BY mine.article_id, other.article_id
HAVING count(*) >= ?
"""
_COUNT_STORIES = """
UPDATE stories SET articles = counts.n
FROM (SELECT story_id, count(*) AS n FROM articles
      WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id) AS counts
WHERE stories.story_id = counts.story_id
"""

# The index holds each sketch's smallest hashes; articles sharing two of them are candidates
# for the same-story test. A text inside one three times its size still shares about a third.
INDEXED_HASHES = 32
MIN_SHARED_HASHES = 2


class AssignStories(Protocol):
    """Decides each article's story from its candidates (``transforms.stories.assign_stories``)."""

    def __call__(
        self,
        batch: Sequence[Article],
        *,
        candidates: Mapping[str, Sequence[StoredSketch]],
        previous: Mapping[str, str | None],
    ) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class _Extras:
    """The metadata columns of an article row, and the raw page it came from."""

    article_id: str
    authors: tuple[str, ...]
    site_name: str | None
    lead_image_url: str | None
    page_canonical_url: str | None
    raw_sha256: str | None


_UPDATE_EXTRAS = records_sql(
    """
UPDATE articles SET authors = v.authors, site_name = v.site_name,
    lead_image_url = v.lead_image_url, page_canonical_url = v.page_canonical_url,
    raw_sha256 = coalesce(v.raw_sha256, articles.raw_sha256)
FROM {rows} AS v
WHERE articles.article_id = v.article_id
""",
    _Extras,
)


@dataclass(frozen=True, slots=True)
class _Precision:
    """How precise a seed's date is: ``year`` or ``month``, None for a whole date."""

    article_id: str
    published_precision: str | None


# Only seeds date an article by year or month, so batches without seeds leave the column alone.
_SET_PRECISION = records_sql(
    """
UPDATE articles SET published_precision = v.published_precision
FROM {rows} AS v
WHERE articles.article_id = v.article_id
""",
    _Precision,
)


@dataclass(frozen=True, slots=True)
class _LinkRow:
    """A row of ``article_links``: a source that links an article, and when."""

    article_id: str
    source: str
    url: str
    origin: str
    first_seen_at: datetime
    last_seen_at: datetime
    run_id: str


_UPSERT_LINKS = insert_sql(
    "article_links",
    _LinkRow,
    on_conflict="""
ON CONFLICT (article_id, source, url) DO UPDATE SET
    last_seen_at = excluded.last_seen_at, run_id = excluded.run_id
""",
)


@dataclass(frozen=True, slots=True)
class _SketchRow:
    """A row of ``article_sketches``: the sketch's shingle count, then its hashes."""

    article_id: str
    shingles: int
    hashes: tuple[int, ...]


_INSERT_SKETCHES = insert_sql("article_sketches", _SketchRow)


@dataclass(frozen=True, slots=True)
class _IndexRow:
    """A row of ``story_index``: one indexed hash of an article's sketch."""

    hash: int
    article_id: str


_INSERT_INDEX = insert_sql("story_index", _IndexRow)


@dataclass(frozen=True, slots=True)
class _StoryOf:
    """The story an article belongs to."""

    article_id: str
    story_id: str


_SET_STORIES = records_sql(
    """
UPDATE articles SET story_id = v.story_id
FROM {rows} AS v
WHERE articles.article_id = v.article_id
""",
    _StoryOf,
)


@dataclass(frozen=True, slots=True)
class _StoryRow:
    """A row of ``stories``; its article count is set once its articles are assigned."""

    story_id: str
    first_article_id: str
    created_at: datetime
    updated_at: datetime
    articles: int


_UPSERT_STORIES = insert_sql(
    "stories",
    _StoryRow,
    on_conflict="ON CONFLICT (story_id) DO UPDATE SET updated_at = excluded.updated_at",
)


@dataclass(frozen=True, slots=True)
class _SelectedSketch:
    """A stored article's sketch (shingle count and hashes), story and first sighting."""

    article_id: str
    shingles: int
    hashes: list[int]
    story_id: str | None
    first_seen_at: datetime


def load_article_extras(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    tagged: Sequence[TaggedArticle],
    raw_hashes: dict[str, str],
    now: datetime,
    assign_stories: AssignStories,
) -> None:
    """Write metadata columns, source links and story membership for stored articles.

    Runs inside load_batch's transaction, after the articles rows exist.

    Args:
        con: the open connection, in a transaction.
        run_id: the run writing.
        tagged: this batch's articles (also unchanged ones: a new feed may link them).
        raw_hashes: article_id -> sha256 of the raw page it came from.
        now: the batch time (UTC).
        assign_stories: decides the stories of the articles whose sketch is new or changed.
    """
    if not tagged:
        return
    articles = [item.article for item in tagged]
    extras = [
        _Extras(
            article_id=a.article_id,
            authors=a.authors,
            site_name=a.site_name,
            lead_image_url=a.lead_image_url,
            page_canonical_url=a.page_canonical_url,
            raw_sha256=raw_hashes.get(a.article_id),
        )
        for a in articles
    ]
    execute_records(con, _UPDATE_EXTRAS, extras)
    precisions = [
        _Precision(article_id=a.article_id, published_precision=a.published_precision)
        for a in articles
        if a.origin == "seed"
    ]
    execute_records(con, _SET_PRECISION, precisions)
    links = [
        _LinkRow(
            article_id=a.article_id,
            source=a.source,
            url=a.url,
            origin=a.origin,
            first_seen_at=now,
            last_seen_at=now,
            run_id=run_id,
        )
        for a in articles
    ]
    execute_records(con, _UPSERT_LINKS, links)
    sketched = [a for a in articles if len(a.sketch) > 1]
    _load_stories(con, sketched, now, assign_stories)


def _load_stories(
    con: duckdb.DuckDBPyConnection,
    batch: Sequence[Article],
    now: datetime,
    assign_stories: AssignStories,
) -> None:
    """Store the sketches of articles that are new or changed, index them, and store their stories.

    An article whose stored sketch is unchanged and has a story keeps it untouched.
    """
    stored = _stored(con, [a.article_id for a in batch])
    todo = [
        a
        for a in batch
        if a.article_id not in stored
        or stored[a.article_id].sketch != tuple(a.sketch)
        or stored[a.article_id].story_id is None
    ]
    if not todo:
        return
    keys = [a.article_id for a in todo]
    con.execute(_DELETE_SKETCHES, [keys])
    con.execute(_DELETE_INDEX, [keys])
    sketches = [
        _SketchRow(article_id=a.article_id, shingles=a.sketch[0], hashes=a.sketch[1:]) for a in todo
    ]
    execute_records(con, _INSERT_SKETCHES, sketches)
    index = [
        _IndexRow(hash=value, article_id=a.article_id)
        for a in todo
        for value in a.sketch[1 : 1 + INDEXED_HASHES]
    ]
    execute_records(con, _INSERT_INDEX, index)
    assigned = assign_stories(
        todo,
        candidates=_candidates(con, keys),
        previous={key: found.story_id for key, found in stored.items()},
    )
    execute_records(
        con, _SET_STORIES, [_StoryOf(article_id=k, story_id=v) for k, v in assigned.items()]
    )
    founders = {story: key for key, story in reversed(assigned.items())}
    stories = [
        _StoryRow(story_id=story, first_article_id=key, created_at=now, updated_at=now, articles=0)
        for story, key in founders.items()
    ]
    execute_records(con, _UPSERT_STORIES, stories)
    touched = set(assigned.values()) | {
        s.story_id for s in stored.values() if s.story_id is not None
    }
    con.execute(_COUNT_STORIES, [sorted(touched)])


def _candidates(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, list[StoredSketch]]:
    """Per article, the stored articles sharing enough indexed hashes with it."""
    pairs = con.execute(_CANDIDATES, [keys, MIN_SHARED_HASHES]).fetchall()
    others = _stored(con, sorted({other for _, other in pairs}))
    found: dict[str, list[StoredSketch]] = {}
    for mine, other in pairs:
        if other in others:
            found.setdefault(mine, []).append(others[other])
    return found


def _stored(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, StoredSketch]:
    if not keys:
        return {}
    rows = select_records(con, _SKETCHES, [keys], record_type=_SelectedSketch)
    return {
        r.article_id: StoredSketch(
            article_id=r.article_id,
            sketch=(r.shingles, *r.hashes),
            story_id=r.story_id,
            first_seen_at=r.first_seen_at,
        )
        for r in rows
    }
