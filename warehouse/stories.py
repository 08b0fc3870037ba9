"""Article identity extras: metadata columns, source links, sketches and persistent stories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from transforms.records import Article, TaggedArticle
from transforms.stories import INDEXED_HASHES, MIN_SHARED_HASHES, is_same_story

_UPDATE_EXTRAS = """
UPDATE articles SET authors = ?, site_name = ?, lead_image_url = ?, page_canonical_url = ?,
    raw_sha256 = coalesce(?, raw_sha256)
WHERE article_id = ?
"""
_UPSERT_LINK = """
INSERT INTO article_links VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, source, url) DO UPDATE SET
    last_seen_at = excluded.last_seen_at, run_id = excluded.run_id
"""
_SKETCHES = """
SELECT s.article_id, s.shingles, s.hashes, a.story_id
FROM article_sketches AS s JOIN articles AS a USING (article_id)
WHERE s.article_id IN (SELECT unnest(?::VARCHAR[]))
"""
_DELETE_SKETCH = "DELETE FROM article_sketches WHERE article_id = ?"
_DELETE_INDEX = "DELETE FROM story_index WHERE article_id = ?"
_INSERT_SKETCH = "INSERT INTO article_sketches VALUES (?, ?, ?)"
_INSERT_INDEX = "INSERT INTO story_index VALUES (?, ?)"
_CANDIDATES = """
SELECT other.article_id, a.first_seen_at
FROM story_index AS mine
JOIN story_index AS other ON other.hash = mine.hash AND other.article_id <> mine.article_id
JOIN articles AS a ON a.article_id = other.article_id
WHERE mine.article_id = ? AND a.story_id IS NOT NULL
GROUP BY other.article_id, a.first_seen_at
HAVING count(*) >= ?
ORDER BY a.first_seen_at, other.article_id
"""
_SET_STORY = "UPDATE articles SET story_id = ? WHERE article_id = ?"
_UPSERT_STORY = """
INSERT INTO stories VALUES (?, ?, ?, ?, 1)
ON CONFLICT (story_id) DO UPDATE SET updated_at = excluded.updated_at
"""
_COUNT_STORIES = """
UPDATE stories SET articles = counts.n
FROM (SELECT story_id, count(*) AS n FROM articles
      WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id) AS counts
WHERE stories.story_id = counts.story_id
"""


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
    con.executemany(
        _UPDATE_EXTRAS,
        [
            [
                list(a.authors),
                a.site_name,
                a.lead_image_url,
                a.page_canonical_url,
                raw_hashes.get(a.article_id),
                a.article_id,
            ]
            for a in articles
        ],
    )
    con.executemany(
        _UPSERT_LINK,
        [[a.article_id, a.source, a.url, a.origin, now, now, run_id] for a in articles],
    )
    _assign_stories(con, [a for a in articles if len(a.sketch) > 1], now)


def _assign_stories(
    con: duckdb.DuckDBPyConnection, batch: Sequence[Article], now: datetime
) -> None:
    """Give each article a story: keep its own when its sketch is unchanged, else join or found one.

    Articles are handled in batch order and see the ones before them, so
    copies within one batch join the first copy's story.
    """
    stored = {
        row[0]: ((row[1], *row[2]), row[3])
        for row in con.execute(_SKETCHES, [[a.article_id for a in batch]]).fetchall()
    }
    touched: set[str] = set()
    for article in batch:
        sketch = article.sketch
        previous = stored.get(article.article_id)
        if previous is not None and tuple(previous[0]) == tuple(sketch) and previous[1] is not None:
            continue
        con.execute(_DELETE_SKETCH, [article.article_id])
        con.execute(_DELETE_INDEX, [article.article_id])
        con.execute(_INSERT_SKETCH, [article.article_id, sketch[0], list(sketch[1:])])
        con.executemany(
            _INSERT_INDEX, [[value, article.article_id] for value in sketch[1 : 1 + INDEXED_HASHES]]
        )
        story = _matching_story(con, article.article_id, sketch)
        if previous is not None and previous[1]:
            touched.add(previous[1])
            story = story or previous[1]
        story = story or article.article_id
        con.execute(_SET_STORY, [story, article.article_id])
        con.execute(_UPSERT_STORY, [story, article.article_id, now, now])
        touched.add(story)
    if touched:
        con.execute(_COUNT_STORIES, [sorted(touched)])


def _matching_story(
    con: duckdb.DuckDBPyConnection, article_id: str, sketch: tuple[int, ...]
) -> str | None:
    """The story of the earliest stored article that passes the same-story test, if any."""
    candidates = [
        row[0] for row in con.execute(_CANDIDATES, [article_id, MIN_SHARED_HASHES]).fetchall()
    ]
    if not candidates:
        return None
    rows = con.execute(_SKETCHES, [candidates]).fetchall()
    by_id = {row[0]: ((row[1], *row[2]), row[3]) for row in rows}
    for candidate in candidates:
        theirs, story = by_id.get(candidate, ((), None))
        if story is not None and is_same_story(sketch, theirs):
            return str(story)
    return None
