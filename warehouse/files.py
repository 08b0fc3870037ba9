"""Durable file steps shared by the spool and the publish: fsync, then an atomic rename."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    """Force a file's bytes to disk, so that a rename of it never exposes a hole after a crash."""
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def replace_durably(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` atomically and make the new name survive a power cut.

    Both must be in the same folder (a rename across file systems is not atomic).
    """
    os.replace(source, target)
    descriptor = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
