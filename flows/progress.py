"""Progress reporting from tasks to whoever is watching (the CLI's progress bar)."""

from __future__ import annotations

from collections.abc import Callable

ProgressHook = Callable[[str, int, int | None], None]

_hook: ProgressHook | None = None


def set_progress_hook(hook: ProgressHook | None) -> None:
    """Install (or with ``None`` remove) the function that receives progress."""
    global _hook
    _hook = hook


def report_progress(stage: str, advance: int, total: int | None = None) -> None:
    """Tell the watcher that ``advance`` more items of ``stage`` are done.

    Args:
        stage: a short label ("extract", "load").
        advance: items finished since the last report.
        total: the stage's total, when it becomes known.
    """
    if _hook is not None:
        _hook(stage, advance, total)
