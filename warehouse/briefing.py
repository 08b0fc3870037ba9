"""The briefing's numbers: every query of `newsflow report`, over one window of publication days.

A window is a range of UTC days, both included. Articles count when they were *published* in it
(undated articles never do); failures when they happened in it, where an end left open reaches
back to the first failure or on to now. Entities rise or fall against the previous window of
the same length, the days just before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import duckdb

from warehouse.rows import select_dicts, select_records

Unit = Literal["day", "week"]
DAILY_UP_TO_DAYS = 45  # longer windows are drawn week by week
TOP_TOPICS = 7  # the colour-blind-safe palette has 7 colours besides the grey of "other"
TOP_ENTITIES = 7
TOP_CHANGES = 6  # entities shown rising, and as many falling
TOP_STORIES = 10
STORY_ARTICLES = 5  # articles listed per story
TOP_ERROR_CODES = 7
TOP_FAILING_SOURCES = 10
TOP_TOPIC_ENTITIES = 10
OTHER = "other"

_BOUNDS = "SELECT min(published_at)::DATE, max(published_at)::DATE FROM articles"
# The window's articles: every query below starts from this one.
_WINDOW = """
win AS (
    SELECT article_id, source, coalesce(story_id, article_id) AS story, published_at,
           date_trunc($unit, published_at)::DATE AS period
    FROM articles WHERE published_at >= $start AND published_at < $end
)"""
_TOTALS = f"""
WITH {_WINDOW}
SELECT
    (SELECT count(*) FROM win) AS articles,
    (SELECT count(DISTINCT story) FROM win) AS stories,
    (SELECT count(DISTINCT source) FROM win) AS sources,
    (SELECT count(DISTINCT ae.entity_id) FROM win JOIN article_entities ae USING (article_id))
        AS entities,
    (SELECT count(*) FROM failures WHERE "at" >= $fail_start AND "at" < $fail_end) AS failures,
    (SELECT count(*) FROM articles WHERE published_at >= $prev_start AND published_at < $start)
        AS previous_articles,
    (SELECT count(*) FROM articles WHERE published_at IS NULL) AS undated_articles
"""
_TOPICS_OVER_TIME = f"""
WITH {_WINDOW},
tagged AS (SELECT w.period, t.topic FROM win w JOIN article_topics t USING (article_id)),
top AS (SELECT topic FROM tagged GROUP BY topic ORDER BY count(*) DESC, topic LIMIT $top)
SELECT period, CASE WHEN topic IN (SELECT topic FROM top) THEN topic ELSE $other END AS topic,
       count(*) AS articles
FROM tagged GROUP BY ALL ORDER BY period, articles DESC, topic
"""
# Every period of the window for every top entity, zeros included, so lines do not skip gaps.
_ENTITIES_OVER_TIME = f"""
WITH {_WINDOW},
mentioned AS (SELECT w.period, ae.entity_id FROM win w JOIN article_entities ae USING (article_id)),
top AS (
    SELECT entity_id, count(*) AS articles FROM mentioned
    GROUP BY entity_id ORDER BY articles DESC, entity_id LIMIT $top
),
periods AS (
    SELECT unnest(generate_series(date_trunc($unit, $start), $last, to_days($step)))::DATE
        AS period
)
SELECT p.period, e.name, count(m.entity_id) AS articles
FROM periods p CROSS JOIN top JOIN entities e USING (entity_id)
LEFT JOIN mentioned m ON m.period = p.period AND m.entity_id = top.entity_id
GROUP BY p.period, e.name, top.articles ORDER BY p.period, top.articles DESC, e.name
"""
_ENTITY_CHANGES = """
WITH counted AS (
    SELECT ae.entity_id,
           count(*) FILTER (WHERE a.published_at >= $start) AS now,
           count(*) FILTER (WHERE a.published_at < $start) AS before
    FROM articles a JOIN article_entities ae USING (article_id)
    WHERE a.published_at >= $prev_start AND a.published_at < $end
    GROUP BY ae.entity_id
)
SELECT e.name, e.type, c.now, c.before
FROM counted c JOIN entities e USING (entity_id)
WHERE c.now <> c.before
QUALIFY row_number() OVER (
    PARTITION BY c.now > c.before ORDER BY abs(c.now - c.before) DESC, c.now DESC, e.name
) <= $top
ORDER BY c.now - c.before DESC, e.name
"""
_TOP_STORIES = f"""
WITH {_WINDOW},
top AS (
    SELECT story, count(*) AS articles, count(DISTINCT source) AS sources,
           max(published_at) AS latest
    FROM win GROUP BY story ORDER BY articles DESC, latest DESC, story LIMIT $top
)
SELECT t.story, t.articles, t.sources, a.title, a.url, a.source, a.published_at
FROM top t JOIN win w USING (story) JOIN articles a USING (article_id)
QUALIFY row_number() OVER (PARTITION BY t.story ORDER BY a.published_at, a.article_id)
    <= $per_story
ORDER BY t.articles DESC, t.latest DESC, t.story, a.published_at, a.article_id
"""
_FAILURES_WINDOW = """
fails AS (
    SELECT source, error_code, date_trunc($unit, "at")::DATE AS period
    FROM failures WHERE "at" >= $fail_start AND "at" < $fail_end
),
codes AS (SELECT error_code FROM fails GROUP BY ALL ORDER BY count(*) DESC, error_code LIMIT $top),
folded AS (
    SELECT source, period,
           CASE WHEN error_code IN (SELECT error_code FROM codes) THEN error_code ELSE $other END
               AS error_code
    FROM fails
)"""
_FAILURES_OVER_TIME = f"""
WITH {_FAILURES_WINDOW}
SELECT period, error_code, count(*) AS failures
FROM folded GROUP BY ALL ORDER BY period, failures DESC, error_code
"""
_FAILURES_BY_SOURCE = f"""
WITH {_FAILURES_WINDOW},
sources AS (
    SELECT source FROM folded GROUP BY source ORDER BY count(*) DESC, source LIMIT $sources
)
SELECT period, source, error_code, count(*) AS failures
FROM folded WHERE source IN (SELECT source FROM sources)
GROUP BY ALL ORDER BY period, source, failures DESC, error_code
"""
_FAILING_FEEDS = """
SELECT source, state, consecutive_failures, last_success_at, last_error_code, last_error
FROM feed_health WHERE state <> 'active'
ORDER BY consecutive_failures DESC, source
"""
_ENTITY_TOPICS = f"""
WITH {_WINDOW},
top AS (
    SELECT ae.entity_id, count(*) AS articles
    FROM win JOIN article_entities ae USING (article_id)
    GROUP BY ae.entity_id ORDER BY articles DESC, ae.entity_id LIMIT $top
)
SELECT e.name, t.topic, count(*) AS articles
FROM win JOIN article_entities ae USING (article_id) JOIN top USING (entity_id)
JOIN entities e USING (entity_id) JOIN article_topics t USING (article_id)
GROUP BY e.name, t.topic, top.articles ORDER BY top.articles DESC, e.name, articles DESC, t.topic
"""


@dataclass(frozen=True, slots=True)
class ReportWindow:
    """Publication days ``since`` to ``until``, both included, and how its charts bin time.

    ``open_since`` / ``open_until``: that end was not asked for, only filled in from the
    articles' dates; failures then count from the first one / up to now.
    """

    since: date
    until: date
    open_since: bool = False
    open_until: bool = False

    @property
    def days(self) -> int:
        """Length of the window in days."""
        return (self.until - self.since).days + 1

    @property
    def unit(self) -> Unit:
        """Day bins for short windows, week bins (Mondays) for long ones."""
        return "day" if self.days <= DAILY_UP_TO_DAYS else "week"

    @property
    def start(self) -> datetime:
        """First instant inside the window."""
        return datetime(self.since.year, self.since.month, self.since.day)

    @property
    def end(self) -> datetime:
        """First instant after the window."""
        return self.start + timedelta(days=self.days)

    def previous(self) -> ReportWindow:
        """The window of the same length that ends the day before this one starts."""
        return ReportWindow(self.since - timedelta(days=self.days), self.since - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Totals:
    """Headline numbers of the window."""

    articles: int
    stories: int
    sources: int
    entities: int
    failures: int
    previous_articles: int  # published in the previous window
    undated_articles: int  # in the whole warehouse: no window can hold them


@dataclass(frozen=True, slots=True)
class PeriodCount:
    """Articles (or failures) of one series in one day or week."""

    period: date
    series: str
    count: int


@dataclass(frozen=True, slots=True)
class EntityChange:
    """An entity's articles in the window against the previous window."""

    name: str
    type: str
    now: int
    before: int

    @property
    def change(self) -> int:
        """Articles gained (positive) or lost (negative)."""
        return self.now - self.before


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story, as the briefing links it."""

    title: str | None
    url: str
    source: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Story:
    """A story cluster of the window: its size and its first articles."""

    story_id: str
    articles: int
    sources: int
    items: tuple[StoryArticle, ...]


@dataclass(frozen=True, slots=True)
class SourceFailures:
    """Failures of one source with one error code in one day or week."""

    period: date
    source: str
    error_code: str
    count: int


@dataclass(frozen=True, slots=True)
class Count:
    """A number for one pair of labels: (entity, topic)."""

    label: str
    series: str
    count: int


@dataclass(frozen=True, slots=True)
class FailingFeed:
    """A feed that is not active right now, and why."""

    source: str
    state: str
    consecutive_failures: int
    last_success_at: datetime | None
    last_error_code: str | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything the briefing shows, read in one go from one snapshot."""

    window: ReportWindow
    totals: Totals
    topics: tuple[PeriodCount, ...]
    entities: tuple[PeriodCount, ...]
    changes: tuple[EntityChange, ...]
    stories: tuple[Story, ...]
    failures: tuple[PeriodCount, ...]
    failures_by_source: tuple[SourceFailures, ...]
    failing_feeds: tuple[FailingFeed, ...]
    entity_topics: tuple[Count, ...]


def resolve_window(
    con: duckdb.DuckDBPyConnection, *, since: date | None = None, until: date | None = None
) -> ReportWindow | None:
    """The window a report covers: the days given, open ends filled by the articles' dates.

    An open end never crosses the given one (``--since`` after the last article is an empty
    window, not an error about an ``--until`` nobody typed).

    Returns:
        None when neither end is given and no article has a publication date.

    Raises:
        ValueError: ``until`` is before ``since``, both given.
    """
    row = con.execute(_BOUNDS).fetchone()
    first, last = row if row is not None else (None, None)
    open_since, open_until = since is None, until is None
    if since is None:
        since = min(first, until) if first is not None and until is not None else first or until
    if until is None:
        until = max(last, since) if last is not None and since is not None else last or since
    if since is None or until is None:
        return None
    if until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    return ReportWindow(since, until, open_since=open_since, open_until=open_until)


def select_failing_feeds(con: duckdb.DuckDBPyConnection) -> tuple[FailingFeed, ...]:
    """Feeds that are failing or disabled now, most failures in a row first."""
    return tuple(select_records(con, _FAILING_FEEDS, record_type=FailingFeed))


def select_briefing(con: duckdb.DuckDBPyConnection, window: ReportWindow) -> Briefing:
    """Read every number of the briefing for ``window``."""
    params = _params(window)
    [totals] = _rows(con, _TOTALS, params)
    last_day = window.start + timedelta(days=window.days - 1)
    fails = {**params, "top": TOP_ERROR_CODES, "other": OTHER}
    return Briefing(
        window=window,
        totals=Totals(**totals),
        topics=_period_counts(
            _rows(con, _TOPICS_OVER_TIME, {**params, "top": TOP_TOPICS, "other": OTHER}), "topic"
        ),
        entities=_period_counts(
            _rows(con, _ENTITIES_OVER_TIME, {**params, "top": TOP_ENTITIES, "last": last_day}),
            "name",
        ),
        changes=tuple(
            EntityChange(**row)
            for row in _rows(con, _ENTITY_CHANGES, {**params, "top": TOP_CHANGES})
        ),
        stories=_stories(con, params),
        failures=_period_counts(_rows(con, _FAILURES_OVER_TIME, fails), "error_code", "failures"),
        failures_by_source=tuple(
            SourceFailures(row["period"], row["source"], row["error_code"], int(row["failures"]))
            for row in _rows(con, _FAILURES_BY_SOURCE, {**fails, "sources": TOP_FAILING_SOURCES})
        ),
        failing_feeds=select_failing_feeds(con),
        entity_topics=tuple(
            Count(label=row["name"], series=row["topic"], count=int(row["articles"]))
            for row in _rows(con, _ENTITY_TOPICS, {**params, "top": TOP_TOPIC_ENTITIES})
        ),
    )


def _params(window: ReportWindow) -> dict[str, Any]:
    return {
        "start": window.start,
        "end": window.end,
        "unit": window.unit,
        "step": 1 if window.unit == "day" else 7,
        "prev_start": window.previous().start,
        "fail_start": datetime.min if window.open_since else window.start,
        "fail_end": datetime.max if window.open_until else window.end,
    }


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run ``sql`` with the parameters it names (DuckDB refuses unused named parameters)."""
    used = {name: value for name, value in params.items() if f"${name}" in sql}
    return select_dicts(con, sql, used)


def _period_counts(
    rows: list[dict[str, Any]], series: str, count: str = "articles"
) -> tuple[PeriodCount, ...]:
    """Counts by period of the column ``series`` (topic, entity name, error code)."""
    return tuple(PeriodCount(row["period"], row[series], int(row[count])) for row in rows)


def _stories(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> tuple[Story, ...]:
    rows = _rows(con, _TOP_STORIES, {**params, "top": TOP_STORIES, "per_story": STORY_ARTICLES})
    stories: dict[str, Story] = {}
    for row in rows:
        item = StoryArticle(row["title"], row["url"], row["source"], row["published_at"])
        story_id = row["story"]
        known = stories.get(story_id)
        items = (*known.items, item) if known else (item,)
        stories[story_id] = Story(story_id, int(row["articles"]), int(row["sources"]), items)
    return tuple(stories.values())
