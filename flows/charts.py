"""The briefing's charts: Vega-Altair specs rendered offline to inline SVG by vl-convert.

vl-convert runs Vega in an embedded engine and returns plain SVG, so the briefing needs no
JavaScript and makes no request. Colours and type come from flows.chart_theme.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import altair as alt
import vl_convert

from flows.chart_style import themed, whole_axis
from flows.chart_theme import FALLING, OTHER_COLOUR, PALETTE, RISING
from warehouse.briefing import OTHER, Briefing, Count, PeriodCount

POINTS_UP_TO = 60  # periods per line drawn with a point on each; beyond, points only clutter
CHART_WIDTH = 440  # scaled to fit, a phone still shows its text at ~9 px
_SVG_ID = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True, slots=True)
class RenderedChart:
    """One chart of the briefing, ready to inline: an id, its SVG and what it shows."""

    key: str
    svg: str
    description: str


def topics_chart(briefing: Briefing) -> alt.Chart:
    """Articles over time by topic, stacked; an article counts once under each of its topics."""
    unit = briefing.window.unit
    return _stacked_bars(
        _values(briefing.topics, unit),
        unit,
        count_title="Articles (once per topic)",
        colour=_colour("series:N", "Topic", _series_order(briefing.topics)),
        height=260,
        title=f"Articles by topic, per {unit}",
    ).encode(order=alt.Order("count:Q", sort="descending"))


def entities_chart(briefing: Briefing) -> alt.Chart:
    """The most-mentioned entities of the window, articles per day or week."""
    unit = briefing.window.unit
    order = _series_order(briefing.entities)
    return (
        alt.Chart(_values(briefing.entities, unit), title=f"Top entities: articles per {unit}")
        .mark_line(point=len(order) * POINTS_UP_TO >= len(briefing.entities), strokeWidth=2)
        .encode(
            x=_period_axis(unit),
            y=alt.Y("count:Q", title="Articles mentioning it", axis=whole_axis()),
            color=_colour("series:N", "Entity", order),
            shape=alt.Shape("series:N", title="Entity", sort=order, scale=alt.Scale(domain=order)),
        )
        .properties(width=CHART_WIDTH, height=260)
    )


def changes_chart(briefing: Briefing) -> alt.TopLevelMixin:
    """Entities rising and falling: articles now minus articles in the previous window."""
    previous = briefing.window.previous()
    rows = [
        {
            "entity": change.name,
            "change": change.change,
            "direction": "rising" if change.change > 0 else "falling",
            "label": f"{change.now} (was {change.before})",
        }
        for change in briefing.changes
    ]
    changes = [change.change for change in briefing.changes]
    low, high = min(0, *changes), max(0, *changes)
    room = 0.35 * (high - low)  # space for the labels beyond the longest bars
    base = alt.Chart(
        alt.Data(values=rows),
        title=alt.Title(
            "Rising and falling entities",
            subtitle=f"articles now against {previous.since} – {previous.until}",
        ),
    ).encode(
        y=alt.Y("entity:N", title=None, sort=[change.name for change in briefing.changes]),
        x=alt.X(
            "change:Q",
            title="Change in articles",
            axis=whole_axis(),
            scale=alt.Scale(domain=[low - room if low else 0, high + room if high else 0]),
        ),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "direction:N",
            title="Direction",
            scale=alt.Scale(domain=["rising", "falling"], range=[RISING, FALLING]),
            legend=alt.Legend(orient="bottom"),
        )
    )
    gains = base.mark_text(align="left", dx=4).encode(text="label:N")
    losses = base.mark_text(align="right", dx=-4).encode(text="label:N")
    return alt.layer(
        bars,
        gains.transform_filter("datum.change > 0"),
        losses.transform_filter("datum.change < 0"),
    ).properties(width=CHART_WIDTH, height=alt.Step(22))


def failures_chart(briefing: Briefing) -> alt.Chart:
    """Failures over time, stacked by error code."""
    unit = briefing.window.unit
    return _stacked_bars(
        _values(briefing.failures, unit),
        unit,
        count_title="Failures",
        colour=_colour("series:N", "Error code", _failure_codes(briefing)),
        height=220,
        title=f"Failures by error code, per {unit}",
    )


def failures_by_source_chart(briefing: Briefing) -> alt.TopLevelMixin:
    """Failures over time for the sources with the most, one row each, stacked by error code."""
    unit = briefing.window.unit
    totals: Counter[str] = Counter()
    for item in briefing.failures_by_source:
        totals[item.source] += item.count
    sources = [name for name, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    rows = [
        {
            "period": item.period.isoformat(),
            "period_end": _period_end(item.period, unit).isoformat(),
            "source": item.source,
            "series": item.error_code,
            "count": item.count,
        }
        for item in briefing.failures_by_source
    ]
    return (
        _stacked_bars(
            alt.Data(values=rows),
            unit,
            count_title=None,
            colour=_colour("series:N", "Error code", _failure_codes(briefing)),
            height=36,
            ticks=2,
        )
        .facet(
            row=alt.Row(
                "source:N",
                title=None,
                sort=sources,
                header=alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0),
            ),
            title=f"Failures by source and error code, per {unit}",
            spacing=6,
        )
        .resolve_scale(y="independent")
    )


def entity_topics_chart(briefing: Briefing) -> alt.TopLevelMixin:
    """What the most-covered entities are in the news for: articles by entity and topic."""
    entities = list(dict.fromkeys(c.label for c in briefing.entity_topics))
    dark = 0.55 * max(c.count for c in briefing.entity_topics)  # white numbers on dark cells
    base = alt.Chart(_count_values(briefing.entity_topics), title="Top entities by topic").encode(
        y=alt.Y("label:N", title="Entity", sort=entities),
        x=alt.X("series:N", title="Topic", axis=alt.Axis(labelAngle=-40)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "count:Q",
            title="Articles",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(orient="bottom"),
        )
    )
    numbers = base.mark_text(fontSize=11).encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {dark}", alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, numbers).properties(width=alt.Step(44), height=alt.Step(24))


def render_briefing_charts(briefing: Briefing) -> dict[str, RenderedChart]:
    """Every chart that has data to show, as inline SVG, keyed by the section it belongs to."""
    wanted: list[tuple[str, Sequence[object], Any, str]] = [
        ("topics", briefing.topics, topics_chart, "Stacked bars of articles per topic over time."),
        ("entities", briefing.entities, entities_chart, "Lines of the top entities over time."),
        (
            "changes",
            # With nothing published before the window, every entity would merely "rise".
            briefing.changes if briefing.totals.previous_articles else (),
            changes_chart,
            "Bars of entities' change in articles.",
        ),
        ("failures", briefing.failures, failures_chart, "Stacked bars of failures over time."),
        (
            "failures_by_source",
            briefing.failures_by_source,
            failures_by_source_chart,
            "Bars of failures per source by error code.",
        ),
        (
            "entity_topics",
            briefing.entity_topics,
            entity_topics_chart,
            "A grid of articles per top entity and topic.",
        ),
    ]
    return {
        key: RenderedChart(key, render_svg(build(briefing), key=key), description)
        for key, rows, build, description in wanted
        if rows
    }


def render_svg(chart: alt.TopLevelMixin, *, key: str) -> str:
    """The chart as an SVG element for inlining; ids get ``key`` as prefix so charts never clash."""
    svg = vl_convert.vegalite_to_svg(themed(chart).to_dict())
    ids = set(_SVG_ID.findall(svg))
    for name in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{name}"', f'id="{key}-{name}"')
        svg = svg.replace(f"url(#{name})", f"url(#{key}-{name})")
        svg = svg.replace(f'href="#{name}"', f'href="#{key}-{name}"')
    return svg


def _stacked_bars(
    data: alt.Data,
    unit: str,
    *,
    count_title: str | None,
    colour: alt.Color,
    height: int,
    title: str | None = None,
    ticks: int | None = None,
) -> alt.Chart:
    """Counts per period stacked by series; each bar spans its day or week, so gaps show."""
    return (
        alt.Chart(data, title=alt.Undefined if title is None else title)
        .mark_bar(orient="vertical", stroke="white", strokeWidth=0.5)
        .encode(
            x=_period_axis(unit),
            x2="period_end:T",
            y=alt.Y("count:Q", title=count_title, stack="zero", axis=whole_axis(ticks=ticks)),
            color=colour,
        )
        .properties(width=CHART_WIDTH, height=height)
    )


def _period_end(period: date, unit: str) -> date:
    """The day after ``period`` ends: a bar's right edge."""
    return period + timedelta(days=1 if unit == "day" else 7)


def _values(counts: Sequence[PeriodCount], unit: str) -> alt.Data:
    """Rows for a time chart: each period with the day after it ends (a bar's right edge)."""
    return alt.Data(
        values=[
            {
                "period": c.period.isoformat(),
                "period_end": _period_end(c.period, unit).isoformat(),
                "series": c.series,
                "count": c.count,
            }
            for c in counts
        ]
    )


def _count_values(counts: Sequence[Count]) -> alt.Data:
    return alt.Data(
        values=[{"label": c.label, "series": c.series, "count": c.count} for c in counts]
    )


def _period_axis(unit: str) -> alt.X:
    """Days or weeks along a time axis; bars span ``period`` to ``period_end``, gaps show."""
    return alt.X(
        "period:T",
        title="Day" if unit == "day" else "Week (starting Monday)",
        axis=alt.Axis(format="%b %d, %Y" if unit == "week" else "%b %d", labelOverlap=True),
        scale=alt.Scale(type="utc"),
    )


def _series_order(counts: Sequence[PeriodCount]) -> list[str]:
    """Series by total, largest first, with ``other`` last: legend and colours follow it."""
    totals: Counter[str] = Counter()
    for count in counts:
        totals[count.series] += count.count
    ordered = [name for name, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return [name for name in ordered if name != OTHER] + ([OTHER] if OTHER in totals else [])


def _failure_codes(briefing: Briefing) -> list[str]:
    return _series_order(briefing.failures)


def _colour(field: str, title: str, domain: list[str]) -> alt.Color:
    colours = [
        OTHER_COLOUR if name == OTHER else PALETTE[i % len(PALETTE)]
        for i, name in enumerate(domain)
    ]
    return alt.Color(field, title=title, sort=domain, scale=alt.Scale(domain=domain, range=colours))
