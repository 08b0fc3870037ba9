"""The run summary that each run leaves in the Prefect UI, as markdown tables."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from flows.briefing_link import LatestBriefing
from warehouse.load import LoadCounts
from warehouse.reports import RunReport

SLOWEST_FEEDS = 10
# A poll that never reached its server: with every feed failing so, the machine is offline.
UNREACHABLE_CODES = frozenset({"dns_error", "connect_error", "connect_timeout"})


def no_network_line(polled: int, failure_codes: Iterable[str]) -> str | None:
    """Say in one line that no feed could be reached, when that is what happened.

    Args:
        polled: feeds the run polled.
        failure_codes: the error code of each failed poll.

    Returns:
        ``"no network: 25 of 25 feeds unreachable (dns_error)"`` when every poll
        failed to resolve or connect; ``None`` otherwise (one healthy feed is
        enough to show the network works, and its failures are then each news).
    """
    codes = Counter(failure_codes)
    if polled == 0 or codes.total() != polled or not set(codes) <= UNREACHABLE_CODES:
        return None
    kinds = ", ".join(
        code if len(codes) == 1 else f"{code} {n}" for code, n in sorted(codes.items())
    )
    return f"no network: {polled} of {polled} feeds unreachable ({kinds})"


CHART_TIMEOUT_SECONDS = 60.0


def run_summary_markdown(
    report: RunReport,
    *,
    counts: LoadCounts,
    title: str,
    days: Sequence[tuple[str, LoadCounts | None]] = (),
) -> str:
    """Summarise a run: articles new and updated by source and by topic, failures, slow feeds.

    Sections with nothing to show are left out; when no feed could be reached,
    one line says so instead of a table of identical feed failures.

    Args:
        days: a backfill's outcome day by day, as (day, counts) rows; ``None``
            counts mark a day that failed.
    """
    new_by_source = Counter(a.source for a in report.articles if a.is_new)
    updated_by_source = Counter(a.source for a in report.articles if not a.is_new)
    new_by_topic = Counter(t for a in report.articles if a.is_new for t in a.topics)
    updated_by_topic = Counter(t for a in report.articles if not a.is_new for t in a.topics)
    offline = no_network_line(
        len(report.feeds), [f.error_code for f in report.feeds if f.error_code]
    )
    lines = [
        f"# {title}",
        "",
        f"**{counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged articles; "
        f"{counts.failures} failures** (run `{report.run_id}`)",
    ]
    if offline:
        lines += ["", f"**{offline}**: each feed's poll is in `feed_fetches` and `failures`."]
    lines += _section(
        "Days",
        ("day", "new", "updated", "unchanged", "failures"),
        [_day_row(day, day_counts) for day, day_counts in days],
    )
    lines += _section(
        "New and updated articles by source",
        ("source", "new", "updated"),
        _split_rows(new_by_source, updated_by_source),
    )
    lines += _section(
        "New and updated articles by topic",
        ("topic", "new", "updated"),
        _split_rows(new_by_topic, updated_by_topic),
    )
    lines += _section(
        "Failures by error code",
        ("error code", "failures"),
        [(c, str(n)) for c, n in report.failures_by_code],
    )
    lines += _section(
        "Slowest feeds",
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
            for f in ([] if offline else report.feeds[:SLOWEST_FEEDS])
        ],
    )
    return "\n".join(lines) + "\n"


def _day_row(day: str, counts: LoadCounts | None) -> tuple[str, ...]:
    if counts is None:
        return (day, "day failed: re-run it with start = end", "", "", "")
    return (day, str(counts.new), str(counts.updated), str(counts.unchanged), str(counts.failures))


def _section(heading: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A titled markdown table, or nothing when there are no rows."""
    return ["", f"## {heading}", "", *_table(header, rows)] if rows else []


def loaded_topics(report: RunReport) -> Counter[str]:
    """Articles the run wrote (new or updated) per topic: what its summary chart shows."""
    return Counter(topic for article in report.articles for topic in article.topics)


class TopicsChartDrawer:
    """A child process (``python -m flows.run_chart``) that draws the summary chart as PNG.

    The chart engine costs ~0.6 s of CPU to start and ~90 MB; started before the run's report is
    read, the child starts up meanwhile, and it gives the memory back when it exits, so the flow
    process stays as lean as before.
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "flows.run_chart"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def draw(self, topics: Mapping[str, int]) -> bytes | None:
        """The chart of ``topics`` as PNG bytes; None (and the child ends) when there are none.

        Raises:
            subprocess.SubprocessError: the child failed or timed out (it is killed).
        """
        if not topics:  # nothing to draw: end the child now, not after its warm-up
            self._process.kill()
            self._process.communicate()
            return None
        try:
            out, err = self._process.communicate(
                json.dumps(dict(topics)).encode(), timeout=CHART_TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise
        if self._process.returncode != 0:
            raise subprocess.CalledProcessError(
                self._process.returncode, "flows.run_chart", out, err
            )
        return out or None


def chart_and_briefing_markdown(topics_png: bytes | None, briefing: LatestBriefing | None) -> str:
    """The summary's picture (an inline PNG) and a link to the latest briefing, when there are."""
    lines: list[str] = [""]
    if topics_png:
        encoded = base64.b64encode(topics_png).decode("ascii")
        lines += [
            "## Loaded by topic",
            "",
            f"![Articles loaded by topic](data:image/png;base64,{encoded})",
            "",
        ]
    if briefing is not None:
        lines += [
            "## Briefing",
            "",
            f"The latest briefing: [{briefing.path.name}]({briefing.path.as_uri()}) "
            f"(`{briefing.path}`, written {briefing.written_at:%Y-%m-%d %H:%M} UTC; "
            "`newsflow report` writes a new one).",
            "",
        ]
    return "\n".join(lines) if len(lines) > 1 else ""


def _split_rows(new: Counter[str], updated: Counter[str]) -> list[tuple[str, ...]]:
    keys = sorted(set(new) | set(updated), key=lambda k: (-(new[k] + updated[k]), k))
    return [(key, str(new[key]), str(updated[key])) for key in keys]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    cells = [header, tuple("---" for _ in header), *rows]
    return ["| " + " | ".join(_escape(c) for c in row) + " |" for row in cells]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")
