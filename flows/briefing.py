"""The briefing page: the warehouse's numbers and charts laid into one self-contained HTML file.

Charts are inline SVG and the styles are inline, so the file opens anywhere, offline, and asks
for nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from connectors import utcnow
from flows.charts import RenderedChart, render_briefing_charts
from flows.render import counted
from warehouse import Warehouse
from warehouse.briefing import (
    STORY_ARTICLES,
    Briefing,
    FailingFeed,
    ReportWindow,
    Story,
    resolve_window,
    select_briefing,
    select_failing_feeds,
)

TEMPLATE = "briefing.html.j2"
BRIEFING_NAME = "briefing.html"  # the default --out, beside the analysts' database
_LINKABLE = ("http://", "https://")
_CAPTIONS = {
    "topics": "An article with several topics counts once under each; the seven largest topics "
    "have their own colour, the rest are grouped as other.",
    "entities": "Articles that mention each of the most-mentioned entities of the window.",
    "changes": "Entities whose article count moved most against the previous window of the "
    "same length; the label gives articles now and before.",
    "entity_topics": "Articles per topic for the ten most-mentioned entities of the window.",
    "failures": "Every recorded failure (feed polls, pages, seeds) by the day it happened.",
    "failures_by_source": "The ten sources with the most failures in the window, each on its "
    "own scale.",
}


@dataclass(frozen=True, slots=True)
class BriefingFile:
    """A briefing written to disk: where, how big, what it covers."""

    path: Path
    bytes: int
    window: ReportWindow | None
    articles: int
    charts: int


def default_briefing_path(db: Path) -> Path:
    """Where a briefing goes when no path is given: beside the analysts' database."""
    return db.with_name(BRIEFING_NAME)


def write_briefing(
    warehouse: Warehouse,
    out: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> BriefingFile:
    """Read the analysts' snapshot and write the briefing of a window to ``out``.

    Args:
        warehouse: the warehouse whose snapshot is read (read-only).
        out: the HTML file to write (replaced atomically; folders are created).
        since: first publication day (default: the earliest article's).
        until: last publication day, included (default: the latest article's).
        now: the time the page says it was written (default: now, UTC).

    Raises:
        FileNotFoundError: nothing has been published yet.
        ValueError: ``until`` is before ``since``.
    """
    now = now or utcnow()
    with warehouse.reading() as con:
        window = resolve_window(con, since=since, until=until)
        briefing = select_briefing(con, window) if window else None
        failing = briefing.failing_feeds if briefing else select_failing_feeds(con)
    charts = render_briefing_charts(briefing) if briefing else {}
    html = render_briefing_html(briefing, failing, charts, db=warehouse.snapshot, generated_at=now)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, out)
    return BriefingFile(
        path=out.resolve(),
        bytes=out.stat().st_size,
        window=window,
        articles=briefing.totals.articles if briefing else 0,
        charts=len(charts),
    )


def render_briefing_html(
    briefing: Briefing | None,
    failing_feeds: tuple[FailingFeed, ...],
    charts: dict[str, RenderedChart],
    *,
    db: Path,
    generated_at: datetime,
) -> str:
    """Fill the page template; ``briefing`` is None for a warehouse without dated articles."""
    environment = Environment(
        loader=PackageLoader("flows", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = _page(briefing, failing_feeds, charts, db=db, generated_at=generated_at)
    return environment.get_template(TEMPLATE).render(page=page)


def _page(
    briefing: Briefing | None,
    failing_feeds: tuple[FailingFeed, ...],
    charts: dict[str, RenderedChart],
    *,
    db: Path,
    generated_at: datetime,
) -> dict[str, Any]:
    """What the template shows, as plain strings: formatting stays out of the template."""
    window = briefing.window if briefing else None
    notice = None
    if briefing is None:
        notice = "The warehouse holds no dated articles yet: run `newsflow ingest` to fill it."
    elif briefing.totals.articles == 0:
        notice = (
            f"No articles were published between {briefing.window.since} "
            f"and {briefing.window.until}."
        )
    return {
        "heading": "AI-industry news briefing",
        "subtitle": _subtitle(window, briefing),
        "notice": notice,
        "window": window,
        "totals": _totals(briefing) if briefing else [],
        "charts": charts,
        "captions": _CAPTIONS,
        "no_changes": _no_changes(briefing) if briefing else "",
        "stories": [_story(story) for story in briefing.stories] if briefing else [],
        "failing_feeds": [_feed(feed) for feed in failing_feeds],
        "generated": f"{generated_at:%Y-%m-%d %H:%M} UTC",
        "db": str(db),
    }


def _subtitle(window: ReportWindow | None, briefing: Briefing | None) -> str:
    if window is None or briefing is None:
        return "No dated articles yet"
    days = counted(window.days, "day")
    undated = briefing.totals.undated_articles
    left_out = f" · {undated:,} undated article(s) left out" if undated else ""
    return f"Articles published {window.since} – {window.until} ({days}, UTC){left_out}"


def _no_changes(briefing: Briefing) -> str:
    """Why the rising-and-falling chart is missing."""
    previous = briefing.window.previous()
    if briefing.totals.previous_articles == 0:
        return (
            f"Nothing was published in the {briefing.window.days} days before the window "
            f"({previous.since} – {previous.until}): no entity can rise or fall against them."
        )
    return "No entity's article count changed against the previous window."


def _totals(briefing: Briefing) -> list[dict[str, str]]:
    totals = briefing.totals
    change = totals.articles - totals.previous_articles
    previous = f"{change:+,} against the previous {briefing.window.days} days"
    return [
        {"value": f"{totals.articles:,}", "label": f"articles ({previous})"},
        {"value": f"{totals.stories:,}", "label": "stories"},
        {"value": f"{totals.sources:,}", "label": "sources"},
        {"value": f"{totals.entities:,}", "label": "entities mentioned"},
        {"value": f"{totals.failures:,}", "label": "failures recorded"},
    ]


def _story(story: Story) -> dict[str, Any]:
    first = story.items[0]
    sources = counted(story.sources, "source")
    articles = counted(story.articles, "article")
    return {
        "story_id": story.story_id,
        "headline": first.title or "(untitled)",
        "meta": f"{articles} from {sources}",
        "articles": [
            {
                "title": item.title or "(untitled)",
                "url": item.url,
                "href": item.url if item.url.startswith(_LINKABLE) else None,
                "source": item.source,
                "day": f"{item.published_at:%Y-%m-%d}",
            }
            for item in story.items
        ],
        "more": max(0, story.articles - STORY_ARTICLES),
    }


def _feed(feed: FailingFeed) -> dict[str, Any]:
    return {
        "source": feed.source,
        "state": feed.state,
        "consecutive_failures": feed.consecutive_failures,
        "last_success": f"{feed.last_success_at:%Y-%m-%d %H:%M}"
        if feed.last_success_at
        else "never",
        "last_error_code": feed.last_error_code or "",
        "last_error": feed.last_error or "",
    }
