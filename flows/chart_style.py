"""One look for every chart: the colour-blind-safe palette, type sizes, whole-number count axes.

Kept apart from the charts so that the run summary's chart (flows.run_chart, drawn in a child
process) loads Altair and nothing of the warehouse.
"""

from __future__ import annotations

import altair as alt

# Okabe & Ito (2008), without black: distinguishable with protanopia, deuteranopia, tritanopia.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR = "#999999"
RISING, FALLING = "#0072B2", "#D55E00"  # blue and vermillion: the palette's safest pair
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def themed(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Readable type sizes and fonts for every chart; one place, so all charts agree."""
    return (
        # aria=False: no per-mark labels (a third of the page); the figure carries the description.
        chart.configure(font=FONT, background="white", aria=False)
        .configure_axis(labelFontSize=12, titleFontSize=13, grid=True, gridColor="#e6e6e6")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom", columns=4)
        .configure_title(fontSize=16, anchor="start", subtitleFontSize=12, subtitleColor="#555")
        .configure_view(stroke=None)
    )


def whole_axis(*, ticks: int | None = None) -> alt.Axis:
    """An axis of counts: labels on whole numbers only (vl-convert's Vega ignores tickMinStep)."""
    axis = alt.Axis(format="d", labelExpr="datum.value % 1 ? '' : datum.label")
    if ticks:
        axis.tickCount = ticks
    return axis
