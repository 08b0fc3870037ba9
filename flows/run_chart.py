"""The run summary's chart: what a run loaded, by topic, as a small PNG.

A flow draws it in a child process (``python -m flows.run_chart``, see flows.artifacts): the
chart engine costs ~0.6 s of CPU to start and ~90 MB, which the child gives back when it exits.
This module loads Altair and vl-convert only, nothing of the warehouse, to start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

import altair as alt
import vl_convert

from flows.chart_style import PALETTE, themed, whole_axis


def run_topics_chart(topics: Mapping[str, int]) -> alt.Chart:
    """Articles the run loaded (new or updated) by topic, largest first."""
    rows = [{"topic": topic, "articles": number} for topic, number in topics.items()]
    return (
        alt.Chart(alt.Data(values=rows), title="Articles loaded by topic")
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y("topic:N", title="Topic", sort="-x"),
            x=alt.X("articles:Q", title="Articles (new or updated)", axis=whole_axis()),
        )
        .properties(width=320, height=alt.Step(18))
    )


def render_run_topics_png(topics: Mapping[str, int]) -> bytes:
    """The chart of ``topics`` as PNG bytes."""
    return bytes(vl_convert.vegalite_to_png(themed(run_topics_chart(topics)).to_dict(), scale=1))


def _serve() -> None:
    """Start the engine while the parent works, then draw the topics it sends, if any."""
    render_run_topics_png({"warm-up": 1})  # the first chart starts the engine
    sent = sys.stdin.read()  # empty when the parent gave up: nothing to draw
    topics = json.loads(sent) if sent else {}
    if topics:
        sys.stdout.buffer.write(render_run_topics_png(topics))


if __name__ == "__main__":
    _serve()
