"""Ingesting cohorts' raw files into their warehouse tables (pure: no Dagster).

:func:`ingest_cohort` lists a cohort's files, processes them in worker processes, applies
the cross-file rules and validation of :mod:`pipelines.cohort`, and returns the tables to
write. :func:`ingest_cohorts` does the same for several cohorts, giving each cohort's tables
as soon as its files are read while the workers go on with the next cohort's files. Contact
details from identity sheets go to ``officer_contact`` only.
"""

import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from pipelines import cohort
from pipelines.discovery import cohort_files
from pipelines.intake import FileResult
from pipelines.limits import Limits, active
from pipelines.pool import process_files, process_many
from pipelines.readcache import CohortCache, file_key
from pipelines.reading import sha256_of


def ingest_cohort(raw_dir: Path, cohort_year: int, workers: int | None = None,
                  on_file: Callable[[FileResult], None] | None = None) -> dict[str, pd.DataFrame]:
    """The warehouse tables of ``cohort_year`` from the files under ``raw_dir/<year>/``."""
    paths = cohort_files(raw_dir, cohort_year)
    return _tables(process_files(paths, raw_dir, cohort_year, workers, on_file), cohort_year)


def ingest_cohorts(raw_dir: Path, years: Sequence[int], workers: int | None = None,
                   limits: Limits | None = None, cache_dir: Path | None = None
                   ) -> Iterator[tuple[int, dict[str, pd.DataFrame]]]:
    """``(year, tables)`` for each of ``years`` in order, each as soon as its files are read.

    One background thread feeds every cohort's files to the shared reader pool, so the
    workers never wait while the caller builds and writes a cohort; only one cohort's file
    results are held at a time once the caller keeps up. An error in the reading thread is
    raised here. With ``cache_dir``, files read before with the same bytes, path, cohort,
    limits and reader (:mod:`pipelines.readcache`) are not read again.
    """
    limits = limits or active()
    listed = {year: cohort_files(raw_dir, year) for year in years}
    expected = {year: len(paths) for year, paths in listed.items()}
    got: dict[int, list[FileResult]] = defaultdict(list)
    ready: queue.Queue[int | BaseException] = queue.Queue()
    caches = {year: CohortCache(cache_dir, year) for year in years}
    for year, n in expected.items():
        if n == 0:
            ready.put(year)

    def done(result: FileResult) -> None:
        year = result.submission["cohort_year"]
        got[year].append(result)
        if len(got[year]) == expected[year]:
            ready.put(year)

    to_read = []
    for year, paths in listed.items():
        for path in paths:
            kept = _kept(caches[year], path, raw_dir, year, limits) if cache_dir else None
            if kept is not None:
                done(kept)
            else:
                to_read.append((path, year))

    def read() -> None:
        try:
            process_many(to_read, raw_dir, workers, done, limits=limits)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            ready.put(exc)

    reader = threading.Thread(target=read, name="smartcity-cohort-reader", daemon=True)
    reader.start()
    finished: set[int] = set()
    try:
        for year in years:
            while year not in finished:
                item = ready.get()
                if isinstance(item, BaseException):
                    raise item
                finished.add(item)
            # in listing order, as ingest_cohort gives them (supersession ties, row order)
            order = {p.relative_to(raw_dir).as_posix(): i for i, p in enumerate(listed[year])}
            results = sorted(got.pop(year, []),
                             key=lambda r: order.get(r.submission["source_path"], len(order)))
            if caches[year].hits < len(results):
                caches[year].save(results, limits)  # before build_tables marks them up
            yield year, _tables(results, year)
    finally:
        reader.join()


def _kept(cache: CohortCache, path: Path, raw_dir: Path, year: int,
          limits: Limits) -> FileResult | None:
    source = path.relative_to(raw_dir).as_posix()
    if source not in cache.entries:
        return None  # a first run or a new file: nothing to hash it against
    try:
        sha = sha256_of(path)
    except OSError:
        return None  # the reader will say why
    return cache.get(source, file_key(sha, source, year, limits))


def _tables(results: list[FileResult], cohort_year: int) -> dict[str, pd.DataFrame]:
    tables = cohort.build_tables(results, cohort_year)
    contacts = [{**res.contact, "cohort_year": cohort_year,
                 "region_code": res.submission.get("region_code")}
                for res in results if res.contact and any(
                    res.contact.get(k) for k in ("name", "email", "phone"))]
    tables["officer_contact"] = pd.DataFrame(contacts)
    return tables
