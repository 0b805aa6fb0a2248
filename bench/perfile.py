"""Per-file cost of the reader: :func:`pipelines.intake.process_file` in one process.

    .venv/bin/python -m bench.perfile [CORPUS_DIR] [--limit N] [--passes 3] [--profile]
                                      [--dump FILE] [--compare FILE]

Every cohort file of the corpus (the files under its four-digit year folders, listed by
:func:`pipelines.discovery.cohort_files` as ingestion lists them) goes through
``process_file`` with the active limits, one file after the other in this process: no worker
pool, no warehouse. Prints milliseconds per file, wall and CPU (the median of ``--passes``
passes), and, for comparison, the same for python-calamine alone reading every sheet's rows.
On a shared machine compare CPU times, measured back to back.

``--profile`` adds one profiled pass (pyinstrument when installed, else cProfile).
``--dump FILE`` pickles every :class:`~pipelines.intake.FileResult` (keyed by source path);
``--compare FILE`` checks this run's results against such a dump, field by field and each
table as a DataFrame, and exits with status 1 when any differs (up to 20 are listed). To
compare two versions of the code, dump with one and compare with the other, on the same
copy of a corpus. Default corpus:
``bench/out/corpora/r514-y10-s2017-m0.25-w0.05`` (``python -m bench.run`` writes it).
"""

from __future__ import annotations

import argparse
import math
import pickle
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from pipelines.discovery import cohort_dirs, cohort_files
from pipelines.intake import FileResult, process_file
from pipelines.limits import active

DEFAULT_CORPUS = Path(__file__).resolve().parent / "out" / "corpora" / \
    "r514-y10-s2017-m0.25-w0.05"


def jobs(raw_dir: Path, limit: int | None) -> list[tuple[Path, int]]:
    out = [(p, year) for year in cohort_dirs(raw_dir) for p in cohort_files(raw_dir, year)]
    return out[:limit] if limit else out


def run_pipeline(raw_dir: Path, work: list[tuple[Path, int]]) -> list[FileResult]:
    limits = active()
    return [process_file(p, raw_dir, year, False, limits) for p, year in work]


def run_calamine(work: list[tuple[Path, int]]) -> None:
    import python_calamine as pc

    for path, _ in work:
        try:
            book = pc.CalamineWorkbook.from_path(str(path))
        except Exception:  # noqa: BLE001 - not a workbook calamine reads: the file costs this
            continue
        try:
            for index, _meta in enumerate(book.sheets_metadata):
                try:
                    book.get_sheet_by_index(index).to_python(skip_empty_area=False)
                except Exception:  # noqa: BLE001 - chart sheets and damaged sheets
                    continue
        finally:
            book.close()


def timed(fn: Any, passes: int, files: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds per file over ``passes`` calls of ``fn`` (on a
    shared machine the CPU time is the steadier figure)."""
    wall, cpu = [], []
    for _ in range(passes):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    scale = 1000 / max(files, 1)
    return statistics.median(wall) * scale, statistics.median(cpu) * scale


def profile(fn: Any) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.runcall(fn)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    fn()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


# --------------------------------------------------------------------------- comparing


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN and floats compared exactly (type included)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(before: dict[str, FileResult], after: dict[str, FileResult]) -> list[str]:
    """What differs between two sets of results (source path -> result), in words."""
    import pandas as pd

    out = []
    for key in sorted(set(before) | set(after)):
        if key not in before or key not in after:
            out.append(f"{key}: only in {'after' if key in after else 'before'}")
            continue
        a, b = before[key], after[key]
        for name in ("submission", "contact", "rows", "rejects"):
            x, y = getattr(a, name), getattr(b, name)
            if not _same(x, y):
                out.append(f"{key}: {name} differs: {str(x)[:300]} != {str(y)[:300]}")
        for table in set(a.rows) & set(b.rows):  # the same rows as frames, as cohort sees them
            try:
                pd.testing.assert_frame_equal(pd.DataFrame(a.rows[table]),
                                              pd.DataFrame(b.rows[table]), check_exact=True)
            except AssertionError as exc:
                out.append(f"{key}: table {table} differs as a frame: {exc}")
        if len(out) >= 20:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.perfile",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--passes", type=int, default=3, help="timed passes (median kept)")
    parser.add_argument("--profile", action="store_true", help="add one profiled pass")
    parser.add_argument("--dump", type=Path, help="pickle every FileResult to this file")
    parser.add_argument("--compare", type=Path, help="compare with a --dump of an earlier run")
    parser.add_argument("--no-calamine", action="store_true",
                        help="skip the calamine-only comparison")
    args = parser.parse_args(argv)
    raw_dir = args.corpus.resolve()
    work = jobs(raw_dir, args.limit)
    if not work:
        print(f"no cohort files under {raw_dir}", file=sys.stderr)
        return 2
    print(f"{len(work):,} cohort files under {raw_dir}", flush=True)

    results = run_pipeline(raw_dir, work)  # warm-up; also what is dumped and compared
    by_path = {r.submission["source_path"]: r for r in results}
    if args.dump:
        with open(args.dump, "wb") as fh:
            pickle.dump(by_path, fh, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"dumped {len(by_path):,} results to {args.dump}")
    status = 0
    if args.compare:
        with open(args.compare, "rb") as fh:
            before = pickle.load(fh)
        diffs = differences(before, by_path)
        if diffs:
            status = 1
            print(f"DIFFERENT from {args.compare}:")
            for line in diffs:
                print("  " + line)
        else:
            print(f"identical to {args.compare}: {len(by_path):,} results, every field equal")

    ms, cpu = timed(lambda: run_pipeline(raw_dir, work), args.passes, len(work))
    print(f"process_file:  {ms:.3f} ms/file wall, {cpu:.3f} CPU (median of {args.passes} "
          "passes)", flush=True)
    if not args.no_calamine:
        run_calamine(work)
        cal, cal_cpu = timed(lambda: run_calamine(work), args.passes, len(work))
        print(f"calamine only: {cal:.3f} ms/file wall, {cal_cpu:.3f} CPU (every sheet's rows)")
        print(f"ratio:         {ms / cal:.1f}x calamine (wall), {cpu / cal_cpu:.1f}x (CPU)")
    if args.profile:
        profile(lambda: run_pipeline(raw_dir, work))
    return status


if __name__ == "__main__":
    sys.exit(main())
