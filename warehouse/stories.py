"""Article identity extras: metadata columns, source links, sketches and persistent stories.

Every statement here writes a whole batch at once (``unnest`` over column lists): DuckDB runs
``executemany`` one statement per row, which made a 200-article batch take seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from transforms.records import Article, TaggedArticle
from transforms.stories import INDEXED_HASHES, MIN_SHARED_HASHES, is_same_story

_UPDATE_EXTRAS = """
UPDATE articles SET authors = v.authors, site_name = v.site_name,
    lead_image_url = v.lead_image_url, page_canonical_url = v.page_canonical_url,
    raw_sha256 = coalesce(v.raw_sha256, articles.raw_sha256)
FROM (SELECT unnest(?::VARCHAR[]) AS article_id, unnest(?::VARCHAR[][]) AS authors,
             unnest(?::VARCHAR[]) AS site_name, unnest(?::VARCHAR[]) AS lead_image_url,
             unnest(?::VARCHAR[]) AS page_canonical_url, unnest(?::VARCHAR[]) AS raw_sha256) AS v
WHERE articles.article_id = v.article_id
"""
# Only seeds date an article by year or month, so batches without seeds leave the column alone.
_SET_PRECISION = """
UPDATE articles SET published_precision = v.published_precision
FROM (SELECT unnest(?::VARCHAR[]) AS article_id,
             unnest(?::VARCHAR[]) AS published_precision) AS v
WHERE articles.article_id = v.article_id
"""
_UPSERT_LINKS = """
INSERT INTO article_links
SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),
       ?::TIMESTAMP, ?::TIMESTAMP, ?::VARCHAR
ON CONFLICT (article_id, source, url) DO UPDATE SET
    last_seen_at = excluded.last_seen_at, run_id = excluded.run_id
"""
_SKETCHES = """
SELECT s.article_id, s.shingles, s.hashes, a.story_id, a.first_seen_at
FROM article_sketches AS s JOIN articles AS a USING (article_id)
WHERE s.article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_DELETE_SKETCHES = "DELETE FROM article_sketches WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_DELETE_INDEX = "DELETE FROM story_index WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
_INSERT_SKETCHES = """
INSERT INTO article_sketches
SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::BIGINT[][])
"""
_INSERT_INDEX = "INSERT INTO story_index SELECT unnest(?::BIGINT[]), unnest(?::VARCHAR[])"
_CANDIDATES = """
SELECT mine.article_id, other.article_id
FROM story_index AS mine JOIN story_index AS other
    ON other.hash = mine.hash AND other.article_id <> mine.article_id
WHERE mine.article_id IN (SELECT unnest(?::VARCHAR[]))
GROUP BY mine.article_id, other.article_id
HAVING count(*) >= ?
"""
_SET_STORIES = """
UPDATE articles SET story_id = v.story_id
FROM (SELECT unnest(?::VARCHAR[]) AS article_id, unnest(?::VARCHAR[]) AS story_id) AS v
WHERE articles.article_id = v.article_id
"""
_UPSERT_STORIES = """
INSERT INTO stories
SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?::TIMESTAMP, ?::TIMESTAMP, 0
ON CONFLICT (story_id) DO UPDATE SET updated_at = excluded.updated_at
"""
_COUNT_STORIES = """
UPDATE stories SET articles = counts.n
FROM (SELECT story_id, count(*) AS n FROM articles
      WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id) AS counts
WHERE stories.story_id = counts.story_id
"""

_Stored = tuple[tuple[int, ...], str | None, datetime]  # sketch, story, first seen


def load_article_extras(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    tagged: Sequence[TaggedArticle],
    raw_hashes: dict[str, str],
    now: datetime,
) -> None:
    """Write metadata columns, source links and story membership for stored articles.

    Runs inside load_batch's transaction, after the articles rows exist.

    Args:
        con: the open connection, in a transaction.
        run_id: the run writing.
        tagged: this batch's articles (also unchanged ones: a new feed may link them).
        raw_hashes: article_id -> sha256 of the raw page it came from.
        now: the batch time (UTC).
    """
    if not tagged:
        return
    articles = [item.article for item in tagged]
    keys = [a.article_id for a in articles]
    con.execute(
        _UPDATE_EXTRAS,
        [
            keys,
            [list(a.authors) for a in articles],
            [a.site_name for a in articles],
            [a.lead_image_url for a in articles],
            [a.page_canonical_url for a in articles],
            [raw_hashes.get(key) for key in keys],
        ],
    )
    seeds = [a for a in articles if a.origin == "seed"]
    if seeds:
        con.execute(
            _SET_PRECISION,
            [[a.article_id for a in seeds], [a.published_precision for a in seeds]],
        )
    con.execute(
        _UPSERT_LINKS,
        [
            keys,
            [a.source for a in articles],
            [a.url for a in articles],
            [a.origin for a in articles],
            now,
            now,
            run_id,
        ],  # fmt: skip
    )
    _assign_stories(con, [a for a in articles if len(a.sketch) > 1], now)


def _assign_stories(
    con: duckdb.DuckDBPyConnection, batch: Sequence[Article], now: datetime
) -> None:
    """Give each article a story: keep its own when its sketch is unchanged, else join or found one.

    Articles are handled in batch order and see the ones before them, so
    copies within one batch join the first copy's story; an article joins the
    story of the earliest stored article that passes the same-story test.
    """
    stored = _stored(con, [a.article_id for a in batch])
    todo = [
        a
        for a in batch
        if a.article_id not in stored
        or stored[a.article_id][0] != tuple(a.sketch)
        or stored[a.article_id][1] is None
    ]
    if not todo:
        return
    keys = [a.article_id for a in todo]
    con.execute(_DELETE_SKETCHES, [keys])
    con.execute(_DELETE_INDEX, [keys])
    con.execute(
        _INSERT_SKETCHES,
        [keys, [a.sketch[0] for a in todo], [list(a.sketch[1:]) for a in todo]],
    )
    index = [(value, a.article_id) for a in todo for value in a.sketch[1 : 1 + INDEXED_HASHES]]
    con.execute(_INSERT_INDEX, [[v for v, _ in index], [k for _, k in index]])
    candidates: dict[str, list[str]] = {}
    for mine, other in con.execute(_CANDIDATES, [keys, MIN_SHARED_HASHES]).fetchall():
        candidates.setdefault(mine, []).append(other)
    others = _stored(con, sorted({o for found in candidates.values() for o in found}))
    assigned: dict[str, str] = {}
    for article in todo:
        previous = stored.get(article.article_id)
        story = _matching_story(article, candidates.get(article.article_id, []), others, assigned)
        if story is None and previous is not None:
            story = previous[1]
        assigned[article.article_id] = story or article.article_id
    con.execute(_SET_STORIES, [list(assigned), list(assigned.values())])
    founders = {story: key for key, story in reversed(assigned.items())}
    con.execute(_UPSERT_STORIES, [list(founders), list(founders.values()), now, now])
    touched = set(assigned.values()) | {p[1] for p in stored.values() if p[1] is not None}
    con.execute(_COUNT_STORIES, [sorted(touched)])


def _matching_story(
    article: Article,
    candidates: list[str],
    others: dict[str, _Stored],
    assigned: dict[str, str],
) -> str | None:
    """The story of the earliest candidate (stored, or earlier in this batch) that matches."""
    ranked = sorted(
        (others[key][2], key) for key in candidates if key in others and key != article.article_id
    )
    for _, key in ranked:
        story = assigned.get(key) or others[key][1]
        if story is not None and is_same_story(article.sketch, others[key][0]):
            return story
    return None


def _stored(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, _Stored]:
    if not keys:
        return {}
    rows = con.execute(_SKETCHES, [keys]).fetchall()
    return {row[0]: ((row[1], *row[2]), row[3], row[4]) for row in rows}
