"""Run a child command and measure it: wall time and peak memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
TIMELINE_SECONDS = 5.0  # one timeline point per this many seconds: the window's highest sample
_PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_NAME_CHARS = 100


@dataclass(frozen=True, slots=True)
class TreeSample:
    """One sample of the tree: seconds after the start, RSS, PSS and each process's RSS."""

    seconds: float
    rss: int
    pss: int
    processes: tuple[tuple[str, int], ...]  # (process, RSS bytes), largest first


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What a child command did: its output, time and memory high-water marks (bytes)."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_tree_rss: int  # sum of RSS over the process and all its descendants, sampled
    peak_tree_pss: int  # the same with shared pages split between sharers (no double count)
    peak_process_rss: int  # the largest single process in the tree, sampled
    process_cpu_seconds: float  # user + system CPU of the command's own process, last sample
    # At the peak-RSS sample: (process, RSS bytes) for each process of the tree, largest first,
    # so a report can say which processes peak together and what each holds then.
    peak_tree_processes: tuple[tuple[str, int], ...] = ()
    # The highest sample of each ``TIMELINE_SECONDS`` window, in order: which phase of a
    # run holds what, not only the one peak.
    timeline: tuple[TreeSample, ...] = ()


def run_child(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float = 1800
) -> ChildRun:
    """Run ``argv`` to completion while sampling its process tree's memory.

    Raises:
        subprocess.TimeoutExpired: it ran longer than ``timeout`` seconds.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = _TreeSampler(process.pid)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    finally:
        sampler.stop()
    seconds = time.perf_counter() - start
    return ChildRun(
        seconds=seconds,
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        peak_tree_rss=sampler.peak_rss,
        peak_tree_pss=sampler.peak_pss,
        peak_process_rss=sampler.peak_single,
        process_cpu_seconds=sampler.cpu_seconds,
        peak_tree_processes=sampler.peak_processes,
        timeline=tuple(sampler.timeline),
    )


class _TreeSampler(threading.Thread):
    """Sum RSS and PSS over a process tree every ``SAMPLE_SECONDS``; keep the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_single = 0
        self.cpu_seconds = 0.0
        self.peak_processes: tuple[tuple[str, int], ...] = ()
        self.timeline: list[TreeSample] = []
        self._names: dict[int, str] = {}
        self._done = threading.Event()

    def run(self) -> None:
        start = time.perf_counter()
        while not self._done.is_set():
            seconds = time.perf_counter() - start
            rss = pss = 0
            processes: list[tuple[str, int]] = []
            for pid in _descendants(self.pid):
                process_rss, process_pss = _memory(pid)
                rss += process_rss
                pss += process_pss
                self.peak_single = max(self.peak_single, process_rss)
                if pid not in self._names:
                    self._names[pid] = _process_name(pid)
                processes.append((self._names[pid], process_rss))
            ranked = tuple(sorted(processes, key=lambda p: -p[1]))
            if rss > self.peak_rss:
                self.peak_processes = ranked
            self._add_to_timeline(TreeSample(seconds, rss, pss, ranked))
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.cpu_seconds = max(self.cpu_seconds, _cpu_seconds(self.pid))
            self._done.wait(SAMPLE_SECONDS)

    def _add_to_timeline(self, sample: TreeSample) -> None:
        """Keep ``sample`` if it opens a new window or tops the highest of its window."""
        window = int(sample.seconds // TIMELINE_SECONDS)
        last = self.timeline[-1] if self.timeline else None
        if last is None or int(last.seconds // TIMELINE_SECONDS) != window:
            self.timeline.append(sample)
        elif sample.rss > last.rss:
            self.timeline[-1] = sample

    def stop(self) -> None:
        self._done.set()
        self.join()


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (_PROC / entry.name / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def _process_name(pid: int) -> str:
    """``pid`` and its command line, cut short: ``4242 python -m flows.embedded_api ...``.

    Forked workers show their forkserver's command line; the pid tells them apart.
    """
    try:
        argv = (_PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return str(pid)
    command = Path(argv[0].decode(errors="replace")).name
    rest = " ".join(arg.decode(errors="replace") for arg in argv[1:] if arg)
    return f"{pid} {command} {rest}"[:_NAME_CHARS].rstrip()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (its threads, not its children); 0 once it has gone.

    The flow runs in the command's own process, its extraction in child processes:
    this is the flow-process share of a run.
    """
    try:
        fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _memory(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process in bytes (zeros once it has gone)."""
    rss = pss = 0
    try:
        for line in (_PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss
