"""The charts' look (flows.chart_theme) applied to Altair charts: one place, so all charts agree."""

from __future__ import annotations

import copy

import altair as alt

from flows.chart_theme import CONFIG, WHOLE_AXIS


def themed(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Readable type sizes and fonts for every chart."""
    return chart.configure(**copy.deepcopy(CONFIG))


def whole_axis(*, ticks: int | None = None) -> alt.Axis:
    """An axis of counts: labels on whole numbers only."""
    axis = alt.Axis(**WHOLE_AXIS)
    if ticks:
        axis.tickCount = ticks
    return axis
