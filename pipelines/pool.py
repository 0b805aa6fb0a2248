"""Processing files in worker processes, so that one file cannot take the run down.

Each file is checked and read by :func:`pipelines.intake.process_file` in a worker process
bounded in memory (``RLIMIT_AS``: the worker's start-up size plus ``worker_memory_mb`` of
:class:`pipelines.limits.Limits`) and in time (``file_timeout_s`` per file). A worker that dies
on a file (python-calamine aborts the whole process on some crafted files, and a memory
blow-up becomes such an abort, or a ``MemoryError``, at the limit) or runs out of time is
killed and replaced, and that file alone is recorded as rejected (``reader_crash``,
``reader_timeout``); the other files go on. Workers are started once (forkserver, intake
modules preloaded), reused by one cohort after another, and recycled when a file left them
large. Results come back in input order. When worker processes cannot start at all, files
are read in this process (still checked by :mod:`pipelines.guard`, but not time-bounded).
"""

import atexit
import logging
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from pipelines.intake import FileResult, process_file, rejected_result
from pipelines.limits import Limits, active, address_space, cap_address_space

log = logging.getLogger(__name__)
#: Seconds each file took in a worker (source path -> seconds), for every file this process
#: has read since it started or since the caller cleared it: for measurements and logs.
timings: dict[str, float] = {}
_PING = -1
_OOM = re.compile(r"memory allocation of (\d+) bytes failed")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _serve(conn: Connection, memory_mb: int, stderr_path: str) -> None:
    """A worker: process the files it is sent, one at a time, until told to stop.

    Its stderr goes to ``stderr_path``, emptied before each file, so that what a reader says
    as it aborts (``memory allocation of N bytes failed``) can explain the crash; its
    temporary files go to the same folder, which the pool removes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tempfile.tempdir = os.path.dirname(stderr_path)  # what a killed worker leaves goes too
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    if memory_mb > 0:
        cap_address_space(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        index, args = task
        os.ftruncate(2, 0)
        os.lseek(2, 0, os.SEEK_SET)
        try:
            reply: Any = os.getpid() if index == _PING else process_file(*args)
            conn.send((index, reply, address_space()))
        except (EOFError, OSError):
            return
        except BaseException as exc:  # e.g. MemoryError while sending a huge result
            conn.send((index, f"{type(exc).__name__}: {exc}"[:300], address_space()))


class _Worker:
    def __init__(self, ctx: Any, memory_mb: int, stderr_path: str):
        self.stderr_path = stderr_path
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb, stderr_path),
                                daemon=True, name="smartcity-reader")
        self.proc.start()
        child.close()
        self.index: int | None = None
        self.since = 0.0

    def give(self, index: int, args: tuple) -> None:
        self.conn.send((index, args))
        self.index, self.since = index, time.monotonic()

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(1)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()

    def last_words(self) -> str:
        """What the worker wrote to stderr while on its current file."""
        try:
            if not os.path.getsize(self.stderr_path):
                return ""
            with open(self.stderr_path, errors="replace") as fh:
                return fh.read(4096)
        except OSError:
            return ""


class WorkerPool:
    """``size`` worker processes, each limited to ``memory_mb`` above its start-up size."""

    def __init__(self, size: int, memory_mb: int):
        self.size, self.memory_mb = size, memory_mb
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["pipelines.intake"])  # workers fork with it imported
        self.logs = tempfile.mkdtemp(prefix="smartcity-readers-")
        self.started = 0
        self.workers = [self._new() for _ in range(size)]
        self.base_vm = 0

    def _new(self) -> _Worker:
        self.started += 1
        return _Worker(self.ctx, self.memory_mb, os.path.join(self.logs, f"{self.started}.err"))

    def ping(self, timeout: float) -> bool:
        worker = self.workers[0]
        worker.give(_PING, ())
        if worker.conn not in wait([worker.conn, worker.proc.sentinel], timeout):
            return False
        _, _, self.base_vm = worker.conn.recv()
        worker.index = None
        return True

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        shutil.rmtree(self.logs, ignore_errors=True)

    def _replace(self, worker: _Worker, kill: bool) -> None:
        worker.stop(kill=kill)
        self.workers[self.workers.index(worker)] = self._new()
        try:
            os.unlink(worker.stderr_path)
        except OSError:
            pass

    def run(self, jobs: Sequence[tuple], timeout_s: float,
            failed: Callable[[int, str, str], FileResult],
            on_done: Callable[[FileResult], None] | None) -> dict[int, FileResult]:
        """``process_file(*job)`` for every job; crashes and timeouts become ``failed``."""
        pending, results = deque(range(len(jobs))), {}

        def finish(index: int, result: FileResult, since: float) -> None:
            timings[result.submission["source_path"]] = time.monotonic() - since
            results[index] = result
            if on_done:
                on_done(result)

        idle_deaths = 0
        while pending or any(w.index is not None for w in self.workers):
            for worker in list(self.workers):
                if worker.index is None and pending:
                    if not worker.proc.is_alive():  # died without a file: not a file's fault
                        idle_deaths += 1
                        if idle_deaths > 5 * self.size:
                            raise RuntimeError("reader worker processes keep dying on start")
                        self._replace(worker, kill=True)
                        continue
                    index = pending.popleft()
                    try:
                        worker.give(index, jobs[index])
                    except OSError:
                        pending.appendleft(index)
                        self._replace(worker, kill=True)
            busy = [w for w in self.workers if w.index is not None]
            if not busy:
                continue
            deadline = min(w.since for w in busy) + timeout_s
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                         timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                task = worker.index
                assert task is not None
                if worker.conn in ready:
                    try:
                        _, reply, vm = worker.conn.recv()
                    except (EOFError, OSError):
                        pass  # it died while answering: a crash, below
                    else:
                        worker.index, idle_deaths = None, 0
                        if said := worker.last_words().strip():
                            log.warning("reading %s: %s", jobs[task][0], said[:500])
                        if isinstance(reply, str):
                            finish(task, failed(task, "internal_error", reply), worker.since)
                        else:
                            finish(task, reply, worker.since)
                        if self.base_vm and vm > self.base_vm + self.memory_mb * 2**19:
                            self._replace(worker, kill=False)  # give the memory back
                        continue
                if worker.proc.sentinel in ready or not worker.proc.is_alive():
                    worker.proc.join(5)
                    said = worker.last_words()
                    log.warning("the reader crashed on %s (exit code %s): %s", jobs[task][0],
                                worker.proc.exitcode, said.strip().split("\n")[0][:200])
                    self._replace(worker, kill=True)
                    finish(task, failed(task, "reader_crash", _crash_reason(
                        worker.proc.exitcode, said, self.memory_mb)), worker.since)
                elif time.monotonic() - worker.since > timeout_s:
                    self._replace(worker, kill=True)
                    finish(task, failed(task, "reader_timeout", (
                        f"reading the file took longer than {timeout_s:g} s, the most one file "
                        "may take: it is far larger than a submission or built to stall the "
                        "reader; send only the submission's tables, saved again from Excel")),
                        worker.since)
        return results


def _crash_reason(exitcode: int | None, said: str, memory_mb: int) -> str:
    if oom := _OOM.search(said):
        return (f"the file made the spreadsheet reader ask for "
                f"{int(oom.group(1)) / 2**30:,.1f} GB of memory, more than the {memory_mb:,} "
                "MB one file may use: it is damaged or crafted; save it again from Excel as "
                ".xlsx and resend")
    how = f"exit code {exitcode}"
    if exitcode is not None and exitcode < 0:
        try:
            how = signal.Signals(-exitcode).name
        except ValueError:
            how = f"signal {-exitcode}"
    return (f"the file crashed the spreadsheet reader ({how}): it is damaged, or built to "
            f"need more than the {memory_mb:,} MB one file may use; save it again from Excel "
            "as .xlsx and resend")


_shared: WorkerPool | None = None
_lock = threading.Lock()


def _pool(workers: int, memory_mb: int) -> WorkerPool | None:
    """The shared pool (rebuilt when the size or memory limit changes), or None when worker
    processes cannot start here (e.g. a main script without ``if __name__ == "__main__"``)."""
    global _shared
    if _shared is not None and (_shared.size, _shared.memory_mb) == (workers, memory_mb):
        return _shared
    if _shared is not None:
        _shared.close()
        _shared = None
    try:
        pool = WorkerPool(workers, memory_mb)
        started = pool.ping(120)
    except (OSError, EOFError, RuntimeError) as exc:
        log.warning("worker processes unavailable (%s); reading files in this process", exc)
        return None
    if not started:
        log.warning("worker processes do not answer; reading files in this process")
        pool.close()
        return None
    _shared = pool
    return pool


@atexit.register
def _shutdown() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


def _forget_in_child() -> None:  # a forked child must not talk to its parent's workers
    global _shared, _lock
    _shared, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


def process_files(paths: Sequence[Path], raw_dir: Path, cohort_year: int | None,
                  workers: int | None = None,
                  on_done: Callable[[FileResult], None] | None = None,
                  reference: bool = False, limits: Limits | None = None) -> list[FileResult]:
    """``process_file`` over ``paths`` in worker processes (see the module docstring).

    ``limits`` default to the active ones (:func:`pipelines.limits.active`); ``on_done`` is
    called with each result as it completes.
    """
    return process_many([(p, cohort_year) for p in paths], raw_dir, workers, on_done,
                        reference, limits)


def process_many(items: Sequence[tuple[Path, int | None]], raw_dir: Path,
                 workers: int | None = None,
                 on_done: Callable[[FileResult], None] | None = None,
                 reference: bool = False, limits: Limits | None = None) -> list[FileResult]:
    """:func:`process_files` over ``(path, cohort year)`` pairs of several cohorts at once:
    the workers go from one cohort's files to the next without waiting for the caller."""
    if not items:
        return []
    limits = limits or active()
    jobs = [(p, raw_dir, year, reference, limits) for p, year in items]
    with _lock:
        pool = _pool(workers or default_workers(), limits.worker_memory_mb)
        if pool is not None:

            def failed(index: int, check: str, reason: str) -> FileResult:
                path, year = items[index]
                return rejected_result(path, raw_dir, year, check, reason, reference)

            results = pool.run(jobs, limits.file_timeout_s, failed, on_done)
            return [results[i] for i in range(len(items))]
    out = []
    for job in jobs:
        since = time.monotonic()
        out.append(process_file(*job))
        timings[out[-1].submission["source_path"]] = time.monotonic() - since
        if on_done:
            on_done(out[-1])
    return out


def prestart(workers: int | None = None, limits: Limits | None = None) -> threading.Thread:
    """Start the shared pool in a background thread (its forkserver imports the reader
    modules while the caller goes on, e.g. importing Dagster); the first
    :func:`process_files` with the same size and memory limit then finds it ready."""

    def start() -> None:
        with _lock:
            _pool(workers or default_workers(), (limits or active()).worker_memory_mb)

    thread = threading.Thread(target=start, name="smartcity-pool-start", daemon=True)
    thread.start()
    return thread
