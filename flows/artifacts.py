"""The run summary that each run leaves in the Prefect UI, as markdown tables."""

from __future__ import annotations

from collections import Counter

from warehouse.load import LoadCounts
from warehouse.reports import RunReport

SLOWEST_FEEDS = 10


def run_summary_markdown(report: RunReport, *, counts: LoadCounts, title: str) -> str:
    """Summarise a run: articles new and updated by source and by topic, failures, slow feeds."""
    new_by_source = Counter(a.source for a in report.articles if a.is_new)
    updated_by_source = Counter(a.source for a in report.articles if not a.is_new)
    new_by_topic = Counter(t for a in report.articles if a.is_new for t in a.topics)
    updated_by_topic = Counter(t for a in report.articles if not a.is_new for t in a.topics)
    lines = [
        f"# {title}",
        "",
        f"**{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged articles; "
        f"{counts.failures} failures** (run `{report.run_id}`)",
        "",
        "## New and updated articles by source",
        "",
        *_table(("source", "new", "updated"), _split_rows(new_by_source, updated_by_source)),
        "",
        "## New and updated articles by topic",
        "",
        *_table(("topic", "new", "updated"), _split_rows(new_by_topic, updated_by_topic)),
        "",
        "## Failures by error code",
        "",
        *_table(("error code", "failures"), [(c, str(n)) for c, n in report.failures_by_code]),
        "",
        "## Slowest feeds",
        "",
        *_table(
            ("source", "status", "new items", "seen items", "ms", "error"),
            [
                (
                    f.source,
                    "" if f.status is None else str(f.status),
                    str(f.items_new),
                    str(f.items_seen),
                    f"{f.duration_ms:.0f}",
                    f.error_code or "",
                )
                for f in report.feeds[:SLOWEST_FEEDS]
            ],
        ),
    ]
    return "\n".join(lines) + "\n"


def _split_rows(new: Counter[str], updated: Counter[str]) -> list[tuple[str, ...]]:
    keys = sorted(set(new) | set(updated), key=lambda k: (-(new[k] + updated[k]), k))
    return [(key, str(new[key]), str(updated[key])) for key in keys]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return ["(none)"]
    cells = [header, tuple("---" for _ in header), *rows]
    return ["| " + " | ".join(_escape(c) for c in row) + " |" for row in cells]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")
