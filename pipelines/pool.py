"""Processing files in worker processes, so that one file cannot take the run down.

A reader that crashes the process (python-calamine can abort on a few crafted files) breaks
the pool; the files still pending are then retried one at a time in fresh single-worker pools,
so the file that crashed is identified and recorded as rejected, and every other file is still
processed. Results come back in input order. The pool is kept for the life of the process
(one cohort after another reuses it) and rebuilt after a crash.
"""

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pipelines.intake import FileResult, process_file

log = logging.getLogger(__name__)


def _ping() -> int:
    return os.getpid()


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _crashed(path: Path, raw_dir: Path, cohort_year: int | None) -> FileResult:
    from pipelines.intake import _reject_file, submission_id
    from pipelines.reading import sha256_of

    source = path.relative_to(raw_dir).as_posix()
    sha = sha256_of(path)
    result = FileResult({
        "submission_id": submission_id(source, sha), "source_path": source, "sha256": sha,
        "kind": None, "cohort_year": cohort_year, "status": "loaded", "rows_total": 0,
        "rows_clean": 0, "rows_rejected": 0,
    })
    _reject_file(result, "reader_crash",
                 "the file crashed the spreadsheet reader: it is damaged or not a normal "
                 "workbook; save it again from Excel as .xlsx and resend")
    return result


def _in_process(paths: Sequence[Path], raw_dir: Path, cohort_year: int | None,
                on_done: Callable[[FileResult], None] | None) -> list[FileResult]:
    results = []
    for path in paths:
        results.append(process_file(path, raw_dir, cohort_year))
        if on_done:
            on_done(results[-1])
    return results


_shared: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes kept for the life of this process (starting one costs
    about a second), or None when worker processes cannot start here."""
    with _lock:
        pool = _shared.get(workers)
        if pool is not None:
            return pool
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipelines.intake"])  # workers fork with modules imported
        pool = ProcessPoolExecutor(workers, mp_context=ctx)
        try:
            pool.submit(_ping).result(timeout=120)
        except (BrokenProcessPool, TimeoutError) as exc:
            # Workers cannot start at all (e.g. a main script without the
            # ``if __name__ == "__main__"`` guard): that says nothing about the files.
            log.warning("worker processes unavailable (%s); reading files in this process",
                        type(exc).__name__)
            pool.shutdown(wait=False, cancel_futures=True)
            return None
        _shared[workers] = pool
        return pool


def _discard(workers: int) -> None:
    with _lock:
        pool = _shared.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def _shutdown() -> None:
    for workers in list(_shared):
        _discard(workers)


def process_files(paths: Sequence[Path], raw_dir: Path, cohort_year: int | None,
                  workers: int | None = None,
                  on_done: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """``process_file`` over ``paths`` in worker processes (see the module docstring)."""
    workers = workers or default_workers()
    if not paths:
        return []
    pool = _pool(workers)
    if pool is None:
        return _in_process(paths, raw_dir, cohort_year, on_done)
    results: dict[int, FileResult] = {}
    try:
        futures = {i: pool.submit(process_file, p, raw_dir, cohort_year)
                   for i, p in enumerate(paths)}
    except BrokenProcessPool:
        futures = {}
    for i, fut in futures.items():
        try:
            results[i] = fut.result()
        except BrokenProcessPool:
            continue
        if on_done:
            on_done(results[i])
    if len(results) < len(paths):
        _discard(workers)  # a file crashed a worker: the pool is unusable
        ctx = multiprocessing.get_context("forkserver")
        for i in [i for i in range(len(paths)) if i not in results]:  # isolate the culprit(s)
            try:
                with ProcessPoolExecutor(1, mp_context=ctx) as single:
                    results[i] = single.submit(process_file, paths[i], raw_dir,
                                               cohort_year).result()
            except BrokenProcessPool:
                results[i] = _crashed(paths[i], raw_dir, cohort_year)
            if on_done:
                on_done(results[i])
    return [results[i] for i in range(len(paths))]
