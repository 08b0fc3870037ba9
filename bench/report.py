"""The suite's output: the figures against their targets, as a table and as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    """One reported number: where it comes from in the results, and its target if any."""

    key: str
    label: str
    case: str
    field: str
    unit: str
    target: float | None = None
    at_least: bool = True  # the target is a floor (>=), else a ceiling (<=)


_F = Figure
FIGURES = (
    _F(
        "1",
        "end-to-end, cold (Prefect start-up included)",
        "throughput",
        "cold_pages_per_s",
        "pages/s",
    ),
    _F(
        "1m",
        "marginal rate between two sizes (in-flow)",
        "throughput",
        "marginal_pages_per_s",
        "pages/s",
    ),
    _F(
        "1mw",
        "marginal rate between two sizes (wall)",
        "throughput",
        "marginal_wall_pages_per_s",
        "pages/s",
    ),
    _F("2", "bound: bare trafilatura, 2-process pool", "bound", "bound_pages_per_s", "pages/s"),
    _F("1m/2", "marginal rate / extraction bound", "bound", "ratio_marginal_to_bound", "x", 0.8),
    _F("3", "naive sequential peer, no latency", "naive", "naive_pages_per_s", "pages/s"),
    _F("1/3", "newsflow / naive, no latency", "naive", "ratio_no_latency", "x"),
    _F("3L", "naive peer, 100 ms per response", "naive", "naive_latency_pages_per_s", "pages/s"),
    _F("1L", "newsflow, 100 ms per response", "naive", "newsflow_latency_pages_per_s", "pages/s"),
    _F("1/3L", "newsflow / naive, with latency", "naive", "ratio_with_latency", "x", 5.0),
    _F("1/3Lf", "the same, newsflow in-flow", "naive", "ratio_with_latency_in_flow", "x"),
    _F("4", "no-change re-poll beyond an empty run", "repoll", "beyond_empty_s", "s", 3.0, False),
    _F("4f", "the same, in-flow time only", "repoll", "beyond_empty_in_flow_s", "s"),
    _F(
        "5",
        "per-article cost, large / small warehouse",
        "scale",
        "ratio_large_to_small",
        "x",
        1.2,
        False,
    ),
    _F(
        "6",
        "peak RSS of the large run (process tree)",
        "memory",
        "peak_tree_rss_mb",
        "MB",
        600.0,
        False,
    ),
    _F("6p", "peak PSS of the large run (process tree)", "memory", "peak_tree_pss_mb", "MB"),
    _F(
        "6s",
        "peak RSS of the same run against a standing Prefect server",
        "memory",
        "served_peak_tree_rss_mb",
        "MB",
        600.0,
        False,
    ),
    _F("6sp", "peak PSS of that run", "memory", "served_peak_tree_pss_mb", "MB"),
    _F("7", "achieved / politeness bound", "polite", "ratio_to_bound", "x", 0.8),
)


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure with its value (``None`` when its case did not run) and verdict."""
    rows = []
    for figure in FIGURES:
        value = results.get(figure.case, {}).get(figure.field)
        verdict = None
        if figure.target is not None and isinstance(value, int | float):
            verdict = value >= figure.target if figure.at_least else value <= figure.target
        target = None
        if figure.target is not None:
            target = f"{'>=' if figure.at_least else '<='} {figure.target:g}"
        rows.append(
            {
                "key": figure.key,
                "label": figure.label,
                "value": value,
                "unit": figure.unit,
                "target": target,
                "met": verdict,
            }
        )
    return rows


def render_table(rows: list[dict[str, Any]], write: Callable[[str], None] = print) -> None:
    """Print the figures as a Markdown table (pasteable into the README)."""
    write("| # | figure | value | target | met |")
    write("| --- | --- | ---: | --- | --- |")
    for row in rows:
        value = row["value"]
        shown = "not run" if value is None else f"{value:,.2f} {row['unit']}"
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        write(f"| {row['key']} | {row['label']} | {shown} | {row['target'] or ''} | {met} |")


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
