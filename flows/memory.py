"""Keep the flow process's memory at its working size over a long run.

The flow process handles every fetched page (about 150 kB of HTML each). glibc
serves blocks that large from mmap at first, but raises its threshold each time
one is freed, after which they come from the heap, where freed space is kept
and fragments: the process grew by ~70 MB per 3,000 pages in the benchmark. A
fixed threshold keeps large blocks on mmap, returned to the system when freed.
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value, now kept fixed


def keep_large_blocks_on_mmap() -> bool:
    """Fix glibc's mmap threshold; ``False`` where the C library has no ``mallopt``.

    The process's own symbols are searched (``CDLL(None)``): ``ctypes.util.find_library``
    would run ``ldconfig`` in a subprocess at every flow run.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
