"""Flow run names: readable ones by default, never over a name the user typed in the run form.

Prefect renames every run of a flow that has a ``flow_run_name``, even one whose name a
user typed in the UI's run form. These helpers keep such a name and give every other run
a name that says what it covers (``backfill-2024-03-01..2024-03-31``).
"""

from __future__ import annotations

import re

from prefect.runtime import flow_run

from connectors import utcnow

# Every name Prefect makes up is two words joined by a hyphen: "smart-koala" (the server, for
# API, schedule and automation runs) or "Sleek-Addax" (the v2 UI's run form).
_GENERATED = re.compile(r"[A-Za-z]+-[A-Za-z]+")


def keep_typed_name(default: str) -> str:
    """``default``, unless the run already carries a name someone typed: that one is kept.

    A typed name is any name that is not two words joined by a hyphen (the shape of the
    names Prefect generates): one with a digit, a space, a dot or a third word.
    """
    current = flow_run.get_name()
    if current and not _GENERATED.fullmatch(current):
        return str(current)
    return default


def timestamped_name(flow: str) -> str:
    """``<flow>-2026-11-28T10:17`` (UTC), or the name the user typed."""
    return keep_typed_name(f"{flow}-{utcnow():%Y-%m-%dT%H:%M}")
