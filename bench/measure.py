"""Measuring one command: wall time, CPU time and peak memory of its whole process tree.

- **Wall**: from starting the command to its main process exiting.
- **CPU**: user + system time of every process of the tree, from the deltas of
  ``getrusage(RUSAGE_CHILDREN)`` around the command. That only counts processes that were
  waited for, so this process makes itself a *child subreaper* (Linux ``prctl``): a grandchild
  orphaned by its parent (a forkserver, a pool worker) is re-parented here instead of to init,
  and is reaped here, so its time is counted too.
- **Peak memory**: the largest sum, over one sample, of ``VmRSS`` of the command's process and
  all its descendants (and of orphans adopted here), sampled from ``/proc`` every 50 ms. RSS
  counts pages shared between forked processes once per process, so this overstates what the
  tree really holds (it is what the issue asks for: an upper bound).
- **Others' load**: the machine's busy CPU time (``/proc/stat``) during the command minus the
  command's own CPU time, per second of wall time: how many cores other work took meanwhile.
  And the 1-minute load average, sampled every second.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
SAMPLE_S = 0.05
CLK_TCK = os.sysconf("SC_CLK_TCK")
_subreaper = False


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux); True when it worked."""
    global _subreaper
    if not _subreaper:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            _subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
        except (OSError, AttributeError):
            _subreaper = False
    return _subreaper


def _parents() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                text = fh.read().decode(errors="replace")
        except OSError:
            continue
        rest = text[text.rfind(")") + 2:].split()
        out[int(name)] = (int(rest[1]), rest[0])
    return out


def tree(root: int, adopted_from: set[int] | None = None) -> list[int]:
    """Live (not zombie) pids of ``root`` and its descendants, plus orphans adopted here that
    were not children of this process before (``adopted_from``: the children it had then)."""
    procs = _parents()
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    me = os.getpid()
    roots = [root] + [p for p in kids.get(me, []) if p != root and adopted_from is not None
                      and p not in adopted_from]
    seen, stack = [], list(roots)
    while stack:
        pid = stack.pop()
        if pid in procs and procs[pid][1] != "Z":
            seen.append(pid)
        stack.extend(kids.get(pid, []))
    return seen


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def _busy_seconds() -> float:
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    steal = values[7] if len(values) > 7 else 0
    return (sum(values[:8]) - idle - steal) / CLK_TCK


def load1() -> float:
    with open("/proc/loadavg") as fh:
        return float(fh.read().split()[0])


def _my_children() -> set[int]:
    me = os.getpid()
    return {pid for pid, (ppid, _) in _parents().items() if ppid == me}


def _reap_orphans() -> None:
    """Wait for every exited adopted process (not the ones a Popen object still owns)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


@dataclass
class Measurement:
    command: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    peak_rss_bytes: int
    peak_processes: int
    others_cores: float  # CPU cores other work used meanwhile (average)
    load1_max: float
    load1_mean: float
    lingering: int = 0  # descendants still running when the main process exited
    log: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def run(command: list[str], log: Path, env: dict[str, str] | None = None,
        cwd: str | Path | None = None, linger_s: float = 30.0) -> Measurement:
    """Run ``command`` (stdout and stderr to ``log``) and measure its whole process tree.

    Must not run concurrently with other child processes of this process (orphans are reaped
    with ``waitpid(-1)``).
    """
    become_subreaper()
    log.parent.mkdir(parents=True, exist_ok=True)
    before_children = _my_children()
    usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0 = _busy_seconds()
    loads: list[float] = []
    peak = peak_n = 0
    next_load = 0.0
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        while True:
            pids = tree(proc.pid, before_children)
            rss = rss_bytes(pids)
            if rss > peak:
                peak, peak_n = rss, len(pids)
            now = time.perf_counter()
            if now >= next_load:
                loads.append(load1())
                next_load = now + 1.0
            if proc.poll() is not None:
                break
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - start
        busy1 = _busy_seconds()
        # processes left behind (a forkserver shutting down): wait for them, still sampling
        lingering = [p for p in tree(proc.pid, before_children) if p != proc.pid]
        deadline = time.perf_counter() + linger_s
        while True:
            _reap_orphans()
            left = [p for p in tree(proc.pid, before_children) if p != proc.pid]
            if not left or time.perf_counter() > deadline:
                break
            peak = max(peak, rss_bytes(left))
            time.sleep(SAMPLE_S)
        _reap_orphans()
    usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    user = usage1.ru_utime - usage0.ru_utime
    sys_ = usage1.ru_stime - usage0.ru_stime
    others = max(0.0, (busy1 - busy0) - (user + sys_)) / wall if wall > 0 else 0.0
    return Measurement(
        command=[str(c) for c in command], returncode=proc.returncode, wall_s=wall,
        cpu_s=user + sys_, user_s=user, sys_s=sys_, peak_rss_bytes=peak, peak_processes=peak_n,
        others_cores=others, load1_max=max(loads) if loads else 0.0,
        load1_mean=sum(loads) / len(loads) if loads else 0.0, lingering=len(lingering),
        log=str(log))
