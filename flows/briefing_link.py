"""Which briefing is the latest: a note in the private folder that run summaries link to.

Kept apart from the page code so that flows read the note without loading the chart stack.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

LATEST_NAME = "latest-briefing.json"


@dataclass(frozen=True, slots=True)
class LatestBriefing:
    """The briefing most recently written for a warehouse."""

    path: Path
    written_at: datetime


def remember_briefing(private_dir: Path, path: Path, *, now: datetime) -> None:
    """Note ``path`` as the latest briefing of the warehouse whose private folder this is."""
    private_dir.mkdir(parents=True, exist_ok=True)
    note = {"path": str(path.resolve()), "written_at": now.isoformat()}
    partial = private_dir / f".{LATEST_NAME}.{os.getpid()}.partial"
    partial.write_text(json.dumps(note), encoding="utf-8")
    os.replace(partial, private_dir / LATEST_NAME)


def latest_briefing(private_dir: Path) -> LatestBriefing | None:
    """The latest briefing noted in ``private_dir``, if its file is still there."""
    try:
        note = json.loads((private_dir / LATEST_NAME).read_text(encoding="utf-8"))
        latest = LatestBriefing(Path(note["path"]), datetime.fromisoformat(note["written_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return latest if latest.path.is_file() else None
