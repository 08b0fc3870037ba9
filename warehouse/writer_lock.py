"""The single-writer lock: one process at a time opens the warehouse, the others wait."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.02


@contextmanager
def hold_writer_lock(path: Path, *, timeout_seconds: float) -> Iterator[None]:
    """Wait for and hold the exclusive lock on the lock file ``path``.

    DuckDB refuses a second process at once instead of waiting, so every
    process that opens the warehouse queues here first. The lock is an
    ``flock`` on a file beside the database: the kernel drops it when its
    holder exits, even on SIGKILL, so a crash never leaves a stale lock.

    Raises:
        TimeoutError: the lock was not free within ``timeout_seconds``;
            the message names the lock file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(
                        f"{path}: another newsflow process held the warehouse for more than "
                        f"{timeout_seconds:.0f} s"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
