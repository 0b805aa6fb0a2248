"""Measure a whole run over the hostile corpus mixed into the sample corpus.

    .venv/bin/python bench/hostile.py [--keep DIR] [--regions N]

Writes the sample corpus (``pipelines.sample.generate``) and the hostile corpus
(``tests/fixtures/hostile/build.py``, into ``raw/2022/hostile/``) to a temporary folder, then
runs ``pipelines.runner.ingest`` over every cohort in a child process against a fresh SQLite
warehouse, sampling the memory of the child and all its descendants (forkserver, reader
workers) from /proc every 20 ms. Reports: files and their statuses, rejects by check and
reason, the peak memory of the whole process tree (sum of RSS, and of PSS, which counts pages
shared between forked processes once), the largest single process (``getrusage``), and the
slowest files.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(raw: str, url: str, out: str) -> None:
    from dagster import DagsterInstance

    from pipelines import pool, runner

    start = time.perf_counter()
    steps: dict[str, float] = {}
    ok = runner.ingest(None, raw, url, dagster=DagsterInstance.ephemeral(),
                       progress=lambda label, s: steps.__setitem__(label, s))
    Path(out).write_text(json.dumps({"ok": ok, "seconds": time.perf_counter() - start,
                                     "steps": steps, "timings": pool.timings}))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _measure(cmd: list[str]) -> dict:
    peak = {"rss_mb": 0.0, "pss_mb": 0.0, "processes": 0}
    proc = subprocess.Popen(cmd, cwd=ROOT)
    while proc.poll() is None:
        pids = _tree(proc.pid)
        rss = sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in pids) / 1024
        pss = sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids) / 1024
        peak = {"rss_mb": max(peak["rss_mb"], rss), "pss_mb": max(peak["pss_mb"], pss),
                "processes": max(peak["processes"], len(pids))}
        time.sleep(0.02)
    peak["largest_process_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak["returncode"] = proc.returncode
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", help="write the corpus and warehouse here and keep them")
    parser.add_argument("--regions", type=int, default=40, help="regions in the sample corpus")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return

    sys.path.insert(0, str(ROOT / "tests"))
    from fixtures.hostile.build import build

    from pipelines import warehouse
    from pipelines.sample import generate

    work = Path(args.keep or tempfile.mkdtemp(prefix="smartcity-bench-"))
    shutil.rmtree(work / "raw", ignore_errors=True)
    (work / "wh.db").unlink(missing_ok=True)
    raw, url, out = work / "raw", f"sqlite:///{work}/wh.db", work / "run.json"
    manifest = generate(raw, regions=args.regions)
    expected = build(raw / "2022" / "hostile")
    size = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file())
    print(f"corpus: {len(manifest.files)} sample files + {len(expected)} hostile files "
          f"({size / 2**20:.1f} MB on disk) in {raw}")
    peak = _measure([sys.executable, __file__, "--child", str(raw), url, str(out)])
    run = json.loads(out.read_text())
    subs = warehouse.read_table(warehouse.engine_for(url), "submission")
    rejects = warehouse.read_table(warehouse.engine_for(url), "rejected_row")
    file_checks = rejects[rejects["row_number"].isna() |
                          rejects["submission_id"].isin(
                              subs.loc[subs["status"] == "rejected", "submission_id"])]
    by_check = file_checks.drop_duplicates("submission_id")["check_name"].value_counts()

    print(f"\nrun: {'ok' if run['ok'] else 'FAILED'} in {run['seconds']:.1f} s "
          f"({', '.join(f'{k} {v:.1f} s' for k, v in run['steps'].items())})")
    print(f"files: {len(subs)}  " + "  ".join(f"{k} {v}" for k, v in
                                              Counter(subs["status"]).most_common()))
    print("rejected files by check: " + ", ".join(f"{k} {v}" for k, v in by_check.items()))
    hostile = subs[subs["source_path"].str.contains("/hostile/")]
    print(f"hostile files: {len(hostile)}, rejected {int((hostile['status'] == 'rejected').sum())}"
          f", loaded (survivable quirks) {int((hostile['status'] == 'loaded').sum())}")
    reasons = Counter(str(r).split(":")[0][:70] for r in
                      hostile.loc[hostile["status"] == "rejected", "reason"])
    for reason, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:3}  {reason}")
    print(f"\npeak memory of the run (child + forkserver + workers, sampled every 20 ms): "
          f"RSS sum {peak['rss_mb']:.0f} MB, PSS sum {peak['pss_mb']:.0f} MB over up to "
          f"{peak['processes']} processes; largest single process "
          f"{peak['largest_process_mb']:.0f} MB")
    slow = sorted(run["timings"].items(), key=lambda kv: -kv[1])[:5]
    print("slowest files (s, in a reader worker): " +
          ", ".join(f"{Path(p).name} {s:.2f}" for p, s in slow))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if run["ok"] and peak["returncode"] == 0 else 1)


if __name__ == "__main__":
    main()
