"""The run summary's chart: what a run loaded, by topic, as a small PNG.

A flow draws it in a child process (``python -m flows.run_chart``, see flows.artifacts), which
gives its memory back when it exits. The chart is a plain Vega-Lite spec, the one Altair would
write for it (a test holds them equal): the child loads vl-convert's engine (~90 MB in all) and
neither Altair (~40 MB more) nor anything of the warehouse.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

import vl_convert

from flows.chart_theme import CONFIG, PALETTE, WHOLE_AXIS

# The Vega-Lite version the briefing's Altair charts are written for.
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
# The view size Altair writes into every spec's config (this chart sets its own size).
_ALTAIR_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def run_topics_spec(topics: Mapping[str, int]) -> dict[str, Any]:
    """Articles the run loaded (new or updated) by topic, largest first, as a Vega-Lite spec."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "config": {**CONFIG, "view": {**_ALTAIR_VIEW, **CONFIG["view"]}},
        "data": {"values": [{"topic": t, "articles": n} for t, n in topics.items()]},
        "mark": {"type": "bar", "color": PALETTE[0]},
        "encoding": {
            "y": {"field": "topic", "type": "nominal", "title": "Topic", "sort": "-x"},
            "x": {
                "field": "articles",
                "type": "quantitative",
                "title": "Articles (new or updated)",
                "axis": dict(WHOLE_AXIS),
            },
        },
        "width": 320,
        "height": {"step": 18},
        "title": "Articles loaded by topic",
    }


def render_run_topics_png(topics: Mapping[str, int]) -> bytes:
    """The chart of ``topics`` as PNG bytes."""
    return bytes(vl_convert.vegalite_to_png(run_topics_spec(topics), scale=1))


def _serve() -> None:
    """Start the engine while the parent works, then draw the topics it sends, if any."""
    render_run_topics_png({"warm-up": 1})  # the first chart starts the engine
    sent = sys.stdin.read()  # empty when the parent gave up: nothing to draw
    topics = json.loads(sent) if sent else {}
    if topics:
        sys.stdout.buffer.write(render_run_topics_png(topics))


if __name__ == "__main__":
    _serve()
