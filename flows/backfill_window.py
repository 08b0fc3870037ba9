"""Backfill parameters: checked before any work, with messages that say what to change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from connectors import RawDocument

MAX_BACKFILL_DAYS = 366


@dataclass(frozen=True, slots=True)
class BackfillWindow:
    """A checked backfill request: every day from start to end, and the sources to cover."""

    start: date
    end: date
    sources: tuple[str, ...]
    mode: str

    @property
    def days(self) -> list[date]:
        """Every day of the window, oldest first."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def check_backfill_window(
    *,
    start: date,
    end: date,
    sources: Sequence[str] | None,
    mode: str,
    known_sources: Iterable[str],
    available_modes: Iterable[str],
) -> BackfillWindow:
    """Validate a backfill request, or say exactly what is wrong with it.

    Dates arrive already parsed (Prefect rejects impossible ones such as
    2024-02-30 before the flow starts); this checks how they relate and that
    every named source exists.

    Raises:
        ValueError: end before start, a window longer than MAX_BACKFILL_DAYS,
            an unknown source or a mode this installation cannot run.
    """
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start}): swap them or fix one")
    if (end - start).days + 1 > MAX_BACKFILL_DAYS:
        raise ValueError(
            f"{start}..{end} is {(end - start).days + 1} days; split it into runs of at most "
            f"{MAX_BACKFILL_DAYS} days"
        )
    modes = set(available_modes)
    if mode not in modes:
        raise ValueError(
            f"mode {mode!r} is not available yet; available: {', '.join(sorted(modes))}"
        )
    known = sorted(set(known_sources))
    chosen = tuple(dict.fromkeys(sources)) if sources else tuple(known)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ValueError(
            f"unknown source(s): {', '.join(unknown)}; known sources: {', '.join(known) or 'none'}"
        )
    return BackfillWindow(start=start, end=end, sources=chosen, mode=mode)


def group_by_day(
    documents: Iterable[RawDocument], window: BackfillWindow
) -> dict[date, list[RawDocument]]:
    """The documents of the window's sources published on each of its days (others dropped)."""
    days: dict[date, list[RawDocument]] = defaultdict(list)
    for document in documents:
        if document.published_at is None or document.source not in window.sources:
            continue
        day = document.published_at.date()
        if window.start <= day <= window.end:
            days[day].append(document)
    return dict(days)
