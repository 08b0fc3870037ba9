"""The charts' look as plain Vega-Lite data: palette, type sizes, whole-number count axes.

Plain data, no Altair: flows.chart_style applies it to the briefing's Altair charts, and the
run summary's chart child (flows.run_chart) writes it into its spec without importing Altair.
"""

from __future__ import annotations

from typing import Any

# Okabe & Ito (2008), without black: distinguishable with protanopia, deuteranopia, tritanopia.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR = "#999999"
RISING, FALLING = "#0072B2", "#D55E00"  # blue and vermillion: the palette's safest pair
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

# A spec's top-level ``config``: readable type sizes and fonts for every chart.
CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    # aria=False: no per-mark labels (a third of the page); the figure carries the description.
    "aria": False,
    "axis": {"labelFontSize": 12, "titleFontSize": 13, "grid": True, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "columns": 4},
    "title": {"fontSize": 16, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555"},
    "view": {"stroke": None},
}

# An axis of counts: labels on whole numbers only (vl-convert's Vega ignores tickMinStep).
WHOLE_AXIS: dict[str, Any] = {"format": "d", "labelExpr": "datum.value % 1 ? '' : datum.label"}
