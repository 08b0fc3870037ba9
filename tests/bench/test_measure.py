"""The bench's sampler: what it says about a process tree's memory peak."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import TIMELINE_SECONDS, run_child

# A parent that starts a child holding 64 MB, waits a moment with it, and lets it go.
_PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import time; block = bytearray(64 * 2**20); time.sleep(1.5)", "holder"])
time.sleep(0.2)
child.wait()
"""


def test_run_child_names_each_process_of_the_tree_at_its_peak(tmp_path: Path) -> None:
    run = run_child([sys.executable, "-c", _PARENT], env={}, cwd=tmp_path)

    assert run.returncode == 0
    names = [name for name, _ in run.peak_tree_processes]
    assert len(names) == 2
    holder = [rss for name, rss in run.peak_tree_processes if name.endswith("holder")]
    assert holder and holder[0] >= 64 * 2**20
    assert run.peak_tree_processes[0][1] == holder[0]  # largest first
    assert sum(rss for _, rss in run.peak_tree_processes) == run.peak_tree_rss


def test_run_child_keeps_a_timeline_whose_highest_point_is_the_peak(tmp_path: Path) -> None:
    run = run_child([sys.executable, "-c", _PARENT], env={}, cwd=tmp_path)

    assert run.timeline
    seconds = [sample.seconds for sample in run.timeline]
    assert seconds == sorted(seconds)
    windows = [int(second // TIMELINE_SECONDS) for second in seconds]
    assert len(windows) == len(set(windows))  # one point per window
    assert max(sample.rss for sample in run.timeline) == run.peak_tree_rss
    highest = max(run.timeline, key=lambda sample: sample.rss)
    assert highest.processes == run.peak_tree_processes
