"""The benchmark of issue 7: the pipeline vs a naive baseline vs a floor, side by side.

    .venv/bin/python -m bench.run [--quick] [--runs 3] [--postgres-url URL] [--out bench/out]

1. Generates (or reuses) the corpora under ``<out>/corpora/`` (:mod:`bench.corpora`): the
   default sample, 514 x 10, and a 10x stress corpus (514 x 10 with ten times the programmes).
2. On each corpus, ``--runs`` rounds; each round runs, one after the other on the same files:
   (1) the pipeline, ``smartcity ingest --raw-dir C --warehouse-url sqlite:///fresh.db`` with a
   fresh ``DAGSTER_HOME`` (and into a fresh PostgreSQL database with ``--postgres-url``);
   (2) the naive baseline (:mod:`bench.naive`); (3) the floor (:mod:`bench.floor`). Each is a
   child process measured by :mod:`bench.measure` (wall, CPU of the whole process tree, peak
   RSS of the whole tree); the tables report medians.
3. On 514 x 10: the nightly schedule's decision with no change (a fresh interpreter importing
   the definitions and evaluating ``nightly_ingestion``, :mod:`bench.night`), first with no
   hash cache, then with it; then one evaluation file of the largest cohort is edited: the
   schedule must request that cohort only, and ``smartcity ingest --cohort Y`` is timed
   against the full run.
4. Prints the Markdown tables and writes ``<out>/results.md`` and ``<out>/results.json``
   (updated after every measurement). Every command's output is kept in ``<out>/logs/``.

``--quick``: the default corpus only, one round (a smoke check; the targets are then judged on
the default corpus and marked so).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import corpora, measure

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SMARTCITY = str(Path(sys.executable).parent / "smartcity")
GIB = 2**30
READ_CACHE = "smartcity-cache"  # pipelines.assets.submissions.CACHE_FOLDER, in DAGSTER_HOME
MIB = 2**20

TARGETS = {
    "naive": "at least 10x faster than the naive baseline (514 x 10)",
    "floor": "at most 2x the floor's time (514 x 10)",
    "night": "night with no change under 5 s wall, Dagster start included (514 x 10)",
    "changed": "one changed file: only its cohort re-runs, in under 1/5 of a full run",
    "stress_time": "10x stress: time grows at most 11x",
    "stress_mem": "10x stress: peak memory under 2 GiB",
    "memory": "peak memory under 1 GiB (514 x 10)",
}


# --------------------------------------------------------------------------- helpers

def _env(dagster_home: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("RAW_DIR", "WAREHOUSE_URL", "DAGSTER_HOME")}
    env.setdefault("PYTHONPATH", "")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env["PYTHONPATH"] else "")
    if dagster_home is not None:
        env["DAGSTER_HOME"] = str(dagster_home)
    return env


def _last_json(log: str) -> dict:
    for line in reversed(Path(log).read_text(errors="replace").splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def _steps(log: str) -> dict[str, float]:
    """The per-run seconds ``smartcity ingest`` prints (``  reference 2017-2024   9.4 s``)."""
    out = {}
    for line in Path(log).read_text(errors="replace").splitlines():
        m = re.match(r"^\s+((?:reference|\d{4}(?:-\d{4})?)(?: \d{4}(?:-\d{4})?)?)"
                     r"( FAILED)?\s+([\d.]+) s$", line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def _sqlite_counts(db: Path) -> dict:
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("submission", "masterplan_program", "evaluation_result",
                      "evaluation_score", "rejected_row", "cohort_membership", "rpjmd_period"):
            try:
                out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except sqlite3.Error:
                pass
        try:
            out["status"] = dict(conn.execute(
                "SELECT status, count(*) FROM submission GROUP BY status").fetchall())
        except sqlite3.Error:
            pass
        return out
    finally:
        conn.close()


def _rows_loaded(approach: str, counts: dict) -> int | None:
    if approach.startswith("pipeline"):
        keys = ("masterplan_program", "evaluation_result", "evaluation_score",
                "cohort_membership", "rpjmd_period")
        return sum(counts.get(k, 0) for k in keys) if counts else None
    if approach == "naive":
        return counts.get("rows_loaded")
    return counts.get("rows")


def code_digest() -> str:
    """A digest of the pipeline's source (``pipelines/**/*.py``), recorded with every
    measurement: when others change the code during a run, the tables say so."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Postgres:
    """A fresh database per run on the server of ``url`` (CREATE DATABASE when allowed, else
    the warehouse's tables dropped in ``url``'s database)."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.sa = sa
        self.base = sa.make_url(url)
        self.n = 0

    def fresh(self) -> tuple[str, str | None]:
        sa = self.sa
        self.n += 1
        name = f"smartcity_bench_{os.getpid()}_{self.n}"
        admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            return self.base.set(database=name).render_as_string(hide_password=False), name
        except sa.exc.SQLAlchemyError:
            from pipelines import warehouse

            warehouse.metadata.drop_all(admin)
            return self.base.render_as_string(hide_password=False), None
        finally:
            admin.dispose()

    def drop(self, name: str | None) -> None:
        if name is None:
            return
        admin = self.sa.create_engine(self.base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.dispose()

    def counts(self, url: str) -> dict:
        sa = self.sa
        engine = sa.create_engine(url)
        out = {}
        try:
            with engine.connect() as conn:
                for table in ("submission", "masterplan_program", "evaluation_result",
                              "evaluation_score", "rejected_row", "cohort_membership",
                              "rpjmd_period"):
                    try:
                        out[table] = conn.exec_driver_sql(
                            f"SELECT count(*) FROM {table}").scalar()
                    except sa.exc.SQLAlchemyError:
                        conn.rollback()
        finally:
            engine.dispose()
        return out


# --------------------------------------------------------------------------- the bench

class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = Path(args.out).resolve()
        self.logs = self.out / "logs"
        self.work = self.out / "work"
        self.pg = Postgres(args.postgres_url) if args.postgres_url else None
        self.results: dict = {"meta": self._meta(), "corpora": {}, "measurements": [],
                              "night": {}, "targets": []}
        self.keep: dict[str, Path] = {}  # corpus -> a loaded SQLite warehouse (for the nights)

    def _meta(self) -> dict:
        def git(*a: str) -> str:
            try:
                return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True,
                                      timeout=20).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                return ""
        cpu = ""
        try:
            cpu = next((ln.split(":", 1)[1].strip() for ln in
                        Path("/proc/cpuinfo").read_text().splitlines()
                        if ln.startswith("model name")), "")
        except OSError:
            pass
        mem = ""
        try:
            mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
        except OSError:
            pass
        return {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                "args": vars(self.args), "python": platform.python_version(),
                "cpus": os.cpu_count(), "cpu": cpu, "memory": mem,
                "commit": git("rev-parse", "--short", "HEAD"), "code": code_digest(),
                "dirty_files": len([ln for ln in git("status", "--porcelain").splitlines()
                                    if ln.strip()]),
                "load_at_start": os.getloadavg(), "subreaper": measure.become_subreaper()}

    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "results.json").write_text(json.dumps(self.results, indent=2, default=str))
        (self.out / "results.md").write_text(render(self.results))

    # ---- one measured command
    def measured(self, label: str, command: list[str], env: dict, extra: dict) -> dict:
        log = self.logs / f"{label}.log"
        print(f"    {label:<40}", end="", flush=True)
        code = code_digest()
        m = measure.run(command, log, env=env, cwd=self.work)
        row = {**extra, **m.as_dict(), "code": code}
        if code_digest() != code:
            row["code"] = code + "+changed-during"
        status = "ok" if m.returncode == 0 else f"FAILED rc={m.returncode} (see {log})"
        print(f" {m.wall_s:8.2f} s wall {m.cpu_s:8.2f} s CPU "
              f"{m.peak_rss_bytes / MIB:7.0f} MiB  load {m.load1_mean:4.2f}  {status}",
              flush=True)
        return row

    def pipeline(self, corpus: corpora.Corpus, run: int, backend: str) -> dict:
        home = self.work / f"dagster-{corpus.name}-{backend}-{run}"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        db = self.work / f"{corpus.name}-pipeline-{run}.db"
        pg_name = None
        if backend == "sqlite":
            db.unlink(missing_ok=True)
            url = f"sqlite:///{db}"
        else:
            assert self.pg is not None
            url, pg_name = self.pg.fresh()
        approach = "pipeline" if backend == "sqlite" else "pipeline-pg"
        row = self.measured(f"{corpus.name}-{approach}-run{run}",
                            [SMARTCITY, "ingest", "--raw-dir", str(corpus.path),
                             "--warehouse-url", url], _env(home),
                            {"corpus": corpus.name, "approach": approach, "run": run})
        row["steps"] = _steps(row["log"])
        if backend == "sqlite":
            row["counts"] = _sqlite_counts(db)
            if row["returncode"] == 0:
                keep = self.work / f"{corpus.name}-loaded.db"
                db.replace(keep)
                self.keep[corpus.name] = keep
                cache = self.work / f"{corpus.name}-read-cache"  # what the next night finds
                shutil.rmtree(cache, ignore_errors=True)
                if (home / READ_CACHE).is_dir():
                    shutil.copytree(home / READ_CACHE, cache)
            else:
                db.unlink(missing_ok=True)
        else:
            assert self.pg is not None
            row["counts"] = self.pg.counts(url)
            self.pg.drop(pg_name)
        row["rows_loaded"] = _rows_loaded(approach, row["counts"])
        shutil.rmtree(home, ignore_errors=True)
        return row

    def script(self, corpus: corpora.Corpus, run: int, approach: str) -> dict:
        db = self.work / f"{corpus.name}-{approach}-{run}.db"
        db.unlink(missing_ok=True)
        command = [PY, "-m", f"bench.{approach}", str(corpus.path), str(db)]
        if approach == "floor":
            command += ["--workers", "2"]
        row = self.measured(f"{corpus.name}-{approach}-run{run}", command, _env(),
                            {"corpus": corpus.name, "approach": approach, "run": run})
        row["counts"] = _last_json(row["log"])
        row["rows_loaded"] = _rows_loaded(approach, row["counts"])
        db.unlink(missing_ok=True)
        return row

    def corpus(self, corpus: corpora.Corpus, runs: int, naive_runs: int) -> None:
        self.results["corpora"][corpus.name] = {**corpus.info, "path": str(corpus.path)}
        print(f"\n== {corpus.name}: {corpus.files} files, {corpus.bytes / MIB:.0f} MiB, "
              f"{runs} round(s)", flush=True)
        for run in range(1, runs + 1):
            rows = [self.pipeline(corpus, run, "sqlite")]
            if self.pg is not None:
                rows.append(self.pipeline(corpus, run, "pg"))
            if run <= naive_runs:
                rows.append(self.script(corpus, run, "naive"))
            rows.append(self.script(corpus, run, "floor"))
            self.results["measurements"].extend(rows)
            self.save()

    # ---- nights
    def night(self, corpus: corpora.Corpus, runs: int) -> None:
        print(f"\n== nights on {corpus.name}", flush=True)
        loaded = self.keep.get(corpus.name)
        night: dict = {"corpus": corpus.name}
        self.results["night"] = night
        if loaded is None:
            night["error"] = "no successful pipeline run to start from"
            print("    skipped: " + night["error"])
            self.save()
            return
        base = self.work / "night"
        shutil.rmtree(base, ignore_errors=True)
        raw, home, db = base / "raw", base / "dagster", base / "warehouse.db"
        _link_tree(corpus.path, raw)
        home.mkdir(parents=True)
        shutil.copyfile(loaded, db)
        cache = self.work / f"{corpus.name}-read-cache"
        if cache.is_dir():  # the full run's read cache, as a nightly instance would keep it
            shutil.copytree(cache, home / READ_CACHE)
        url = f"sqlite:///{db}"
        env = _env(home)

        def decide(label: str) -> dict:
            row = self.measured(f"{corpus.name}-{label}", [PY, "-m", "bench.night", str(raw),
                                                           url], env, {"label": label})
            row["decision"] = _last_json(row["log"])
            return row

        night["no_change_cold"] = decide("night-nochange-cold")
        night["no_change_warm"] = [decide(f"night-nochange-warm{i}")
                                   for i in range(1, runs + 1)]
        self.save()

        cohort, path, change = _edit_one_evaluation(raw)
        night["changed_file"] = {"cohort": cohort, "path": str(path.relative_to(raw)),
                                 "change": change}
        print(f"    edited {path.relative_to(raw)} ({change})", flush=True)
        night["changed_decision"] = decide("night-changed")
        night["cohort_rerun"] = []
        for i in range(1, runs + 1):
            row = self.measured(f"{corpus.name}-cohort{cohort}-rerun{i}",
                                [SMARTCITY, "ingest", "--cohort", str(cohort), "--raw-dir",
                                 str(raw), "--warehouse-url", url], env,
                                {"label": f"cohort-rerun{i}"})
            row["steps"] = _steps(row["log"])
            night["cohort_rerun"].append(row)
            self.save()
        night["after_rerun_decision"] = decide("night-after-rerun")
        self.save()
        shutil.rmtree(base, ignore_errors=True)


def _link_tree(src: Path, dst: Path) -> None:
    """``dst``: hard links to ``src``'s files (copies where links fail)."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _edit_one_evaluation(raw: Path) -> tuple[int, Path, str]:
    """Edit one plain evaluation workbook of the largest cohort (a new file replaces the
    hard link, so the shared corpus is untouched): one 'Kendala' cell gets a suffix."""
    import openpyxl

    cohorts = {int(p.name): sum(1 for f in p.rglob("*") if f.is_file())
               for p in raw.iterdir() if p.is_dir() and p.name.isdigit()}
    cohort = max(cohorts, key=lambda c: (cohorts[c], -c))
    candidates = sorted(p for p in (raw / str(cohort)).rglob("evaluasi_*.xlsx")
                        if re.fullmatch(r"evaluasi_[a-z0-9-]+_\d{4}\.xlsx", p.name))
    for path in candidates:
        book = openpyxl.load_workbook(path)
        if "Hasil Evaluasi" not in book.sheetnames:
            continue
        sheet = book["Hasil Evaluasi"]
        header = next((r for r in sheet.iter_rows(min_row=1, max_row=30)
                       if any(c.value == "Kendala" for c in r)), None)
        if header is None:
            continue
        column = next(c.column for c in header if c.value == "Kendala")
        cell = sheet.cell(row=header[0].row + 1, column=column)
        if not isinstance(cell.value, str):
            continue
        cell.value = cell.value + " (diperbarui)"
        tmp = path.with_name(".edit.tmp")
        book.save(tmp)
        os.replace(tmp, path)
        return cohort, path, f"cell {cell.coordinate} of 'Hasil Evaluasi' + ' (diperbarui)'"
    raise RuntimeError(f"no plain evaluation workbook to edit in cohort {cohort}")


# --------------------------------------------------------------------------- report

def summarise(results: dict) -> dict:
    """corpus -> approach -> medians."""
    out: dict = {}
    for row in results["measurements"]:
        out.setdefault(row["corpus"], {}).setdefault(row["approach"], []).append(row)
    summary: dict = {}
    for corpus, approaches in out.items():
        summary[corpus] = {}
        for approach, rows in approaches.items():
            good = [r for r in rows if r["returncode"] == 0]
            summary[corpus][approach] = {
                "runs": len(rows), "ok": len(good),
                "wall_s": _median([r["wall_s"] for r in good]),
                "cpu_s": _median([r["cpu_s"] for r in good]),
                "peak_rss": _median([r["peak_rss_bytes"] for r in good]),
                "peak_rss_max": max((r["peak_rss_bytes"] for r in good), default=None),
                "rows_loaded": _median([r.get("rows_loaded") for r in good]),
                "load1_mean": _median([r["load1_mean"] for r in rows]),
                "load1_max": max((r["load1_max"] for r in rows), default=None),
                "others_cores": _median([r["others_cores"] for r in rows]),
            }
    return summary


def judge(results: dict) -> list[dict]:
    s = summarise(results)
    quick = results["meta"]["args"].get("quick")
    main = "default" if quick else "514x10"
    note = " (quick: judged on the default corpus)" if quick else ""
    targets = []

    def add(key: str, measured: str, ok: bool | None) -> None:
        targets.append({"target": TARGETS[key] + note, "measured": measured,
                        "pass": ok})

    p = s.get(main, {}).get("pipeline", {})
    n = s.get(main, {}).get("naive", {})
    f = s.get(main, {}).get("floor", {})
    if p.get("wall_s") and n.get("wall_s"):
        ratio = n["wall_s"] / p["wall_s"]
        add("naive", f"naive {n['wall_s']:.1f} s / pipeline {p['wall_s']:.1f} s = "
                     f"{ratio:.1f}x faster", ratio >= 10)
    else:
        add("naive", "not measured", None)
    if p.get("wall_s") and f.get("wall_s"):
        ratio = p["wall_s"] / f["wall_s"]
        add("floor", f"pipeline {p['wall_s']:.1f} s / floor {f['wall_s']:.1f} s = "
                     f"{ratio:.1f}x the floor", ratio <= 2)
    else:
        add("floor", "not measured", None)
    night = results.get("night") or {}
    warm = [r["wall_s"] for r in night.get("no_change_warm", []) if r["returncode"] == 0
            and not r["decision"].get("partitions")]
    cold = night.get("no_change_cold")
    if warm:
        text = f"{_median(warm):.2f} s (median, hash cache warm)"
        ok = _median(warm) < 5
        if cold and cold["returncode"] == 0:
            text += f"; {cold['wall_s']:.2f} s with no hash cache"
            ok = ok and cold["wall_s"] < 5
        add("night", text, ok)
    else:
        add("night", night.get("error", "not measured"), None)
    decision = (night.get("changed_decision") or {}).get("decision", {})
    reruns = [r["wall_s"] for r in night.get("cohort_rerun", []) if r["returncode"] == 0]
    if decision and reruns and p.get("wall_s"):
        cohort = night["changed_file"]["cohort"]
        only = decision.get("partitions") == [str(cohort)]
        frac = _median(reruns) / p["wall_s"]
        add("changed", f"schedule requests {decision.get('partitions')} (edited: cohort "
                       f"{cohort}); `ingest --cohort {cohort}` {_median(reruns):.1f} s = "
                       f"{frac:.2f} of the full run ({p['wall_s']:.1f} s)",
            only and frac < 0.2)
    else:
        add("changed", "not measured", None)
    st = s.get("stress10x", {}).get("pipeline", {})
    base = s.get("514x10", {}).get("pipeline", {})
    if st.get("wall_s") and base.get("wall_s"):
        growth = st["wall_s"] / base["wall_s"]
        add("stress_time", f"{st['wall_s']:.1f} s / {base['wall_s']:.1f} s = {growth:.1f}x "
                           f"(CPU {st['cpu_s'] / base['cpu_s']:.1f}x)", growth <= 11)
        add("stress_mem", f"{st['peak_rss_max'] / MIB:.0f} MiB (largest of the runs)",
            st["peak_rss_max"] < 2 * GIB)
    else:
        add("stress_time", "not measured", None)
        add("stress_mem", "not measured", None)
    if p.get("peak_rss_max"):
        add("memory", f"{p['peak_rss_max'] / MIB:.0f} MiB (largest of the runs)",
            p["peak_rss_max"] < GIB)
    else:
        add("memory", "not measured", None)
    return targets


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


def render(results: dict) -> str:
    meta = results["meta"]
    s = summarise(results)
    results["summary"] = s
    results["targets"] = judge(results)
    lines = ["# Benchmark results", "",
             f"Started {meta['started']} on {meta['cpus']} CPUs ({meta['cpu']}), "
             f"{meta['memory']} RAM, Python {meta['python']}; commit {meta['commit']} "
             f"with {meta['dirty_files']} uncommitted files. Command: "
             f"`.venv/bin/python -m bench.run "
             + " ".join(a for a in _argv(meta["args"])) + "`.", ""]
    codes: dict[str, int] = {}
    for r in results["measurements"] + _night_rows(results.get("night") or {}):
        codes[r.get("code", "?")] = codes.get(r.get("code", "?"), 0) + 1
    if len(codes) > 1:
        lines += ["**Warning: the pipeline's source (`pipelines/**/*.py`) changed during this "
                  "run; the measurements are not comparable.** Measurements per source "
                  "digest: " + ", ".join(f"`{k}` {v}" for k, v in codes.items()), ""]
    elif codes and "?" not in codes:
        lines += [f"Pipeline source digest `{next(iter(codes))}` for every measurement.", ""]
    lines += ["## Corpora", "", "| corpus | files | MiB | how |", "|---|---:|---:|---|"]
    for name, info in results["corpora"].items():
        lines.append(f"| {name} | {info['files']} | {info['bytes'] / MIB:.1f} | {info['how']} |")
    lines += ["", "## Runs (medians)", "",
              "Wall and CPU in seconds; CPU = user + system of the whole process tree; peak = "
              "largest sum of RSS over the process tree (median of the runs); rows = rows "
              "written to the warehouse's data tables; load = 1-minute load average during "
              "the runs (mean / max); others = CPU cores used by other work meanwhile.", "",
              "| corpus | approach | runs | wall s | CPU s | peak MiB | rows | 1/x wall | "
              "1/x CPU | load | others |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for corpus, approaches in s.items():
        pipe = approaches.get("pipeline", {})
        for approach in ("pipeline", "pipeline-pg", "naive", "floor"):
            a = approaches.get(approach)
            if a is None:
                continue
            rw = (pipe["wall_s"] / a["wall_s"] if pipe.get("wall_s") and a.get("wall_s")
                  else None)
            rc = (pipe["cpu_s"] / a["cpu_s"] if pipe.get("cpu_s") and a.get("cpu_s") else None)
            runs = f"{a['ok']}" if a["ok"] == a["runs"] else f"{a['ok']}/{a['runs']} ok"
            lines.append(
                f"| {corpus} | {approach} | {runs} | {_fmt(a['wall_s'], '.2f')} | "
                f"{_fmt(a['cpu_s'], '.2f')} | "
                f"{_fmt(a['peak_rss'] and a['peak_rss'] / MIB, '.0f')} | "
                f"{_fmt(a['rows_loaded'], ',.0f')} | "
                f"{'–' if approach == 'pipeline' else _fmt(rw, '.2f')} | "
                f"{'–' if approach == 'pipeline' else _fmt(rc, '.2f')} | "
                f"{_fmt(a['load1_mean'], '.2f')} / {_fmt(a['load1_max'], '.2f')} | "
                f"{_fmt(a['others_cores'], '.2f')} |")
    lines += ["", "1/x = pipeline ÷ this approach (1/2: vs naive, 1/3: vs floor; below 1 the "
              "pipeline is faster)."]
    night = results.get("night") or {}
    if night and "error" not in night:
        lines += ["", f"## Nights ({night['corpus']})", "",
                  "| what | wall s | CPU s | peak MiB | decision |", "|---|---:|---:|---:|---|"]

        def row(label: str, r: dict | None) -> None:
            if not r:
                return
            d = r.get("decision")
            if d:
                what = (f"requests {d['partitions']}" if d.get("partitions")
                        else d.get("skip") or "")
                what += f" (import {d.get('import_s')} s, evaluate {d.get('evaluate_s')} s)"
            else:
                what = ", ".join(f"{k} {v:.1f} s" for k, v in (r.get("steps") or {}).items())
            lines.append(f"| {label} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | "
                         f"{r['peak_rss_bytes'] / MIB:.0f} | {what} |")
        row("no change, no hash cache yet", night.get("no_change_cold"))
        for i, r in enumerate(night.get("no_change_warm", []), 1):
            row(f"no change, hash cache warm ({i})", r)
        if night.get("changed_file"):
            c = night["changed_file"]
            lines.append(f"| *edited `{c['path']}`: {c['change']}* | | | | |")
        row("after the edit", night.get("changed_decision"))
        for i, r in enumerate(night.get("cohort_rerun", []), 1):
            row(f"`smartcity ingest --cohort {night['changed_file']['cohort']}` ({i})", r)
        row("after the re-run", night.get("after_rerun_decision"))
    lines += ["", "## Targets (issue 7)", "", "| target | measured | result |", "|---|---|---|"]
    for t in results["targets"]:
        verdict = {True: "**pass**", False: "**FAIL**", None: "n/a"}[t["pass"]]
        lines.append(f"| {t['target']} | {t['measured']} | {verdict} |")
    loads = [r["load1_mean"] for r in results["measurements"]]
    others = [r["others_cores"] for r in results["measurements"]]
    if loads:
        lines += ["", f"Load during the measurements: 1-minute load average mean "
                  f"{statistics.mean(loads):.2f}, max "
                  f"{max(r['load1_max'] for r in results['measurements']):.2f}; other work "
                  f"used {statistics.mean(others):.2f} cores on average (max "
                  f"{max(others):.2f}) of {meta['cpus']}."]
    return "\n".join(lines) + "\n"


def _night_rows(night: dict) -> list[dict]:
    rows = [night.get(k) for k in ("no_change_cold", "changed_decision",
                                   "after_rerun_decision")]
    rows += night.get("no_change_warm", []) + night.get("cohort_rerun", [])
    return [r for r in rows if r]


def _argv(args: dict) -> list[str]:
    out = []
    if args.get("quick"):
        out.append("--quick")
    if args.get("postgres_url"):
        out.append("--postgres-url URL")
    if not args.get("quick") and args.get("corpora") != "default,514x10,stress10x":
        out.append(f"--corpora {args.get('corpora')}")
    if not args.get("quick"):
        out.append(f"--runs {args.get('runs')}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="default corpus only, one round (smoke check)")
    parser.add_argument("--runs", type=int, default=3, help="rounds per corpus (default 3)")
    parser.add_argument("--postgres-url", default="",
                        help="also run the pipeline into PostgreSQL (a fresh database per run "
                             "is created on that server and dropped after)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--corpora", default="default,514x10,stress10x",
                        help="comma-separated subset of default,514x10,stress10x (the nights "
                             "run on 514x10)")
    parser.add_argument("--stress-runs", type=int, default=None,
                        help="rounds on the 10x stress corpus (default: --runs)")
    parser.add_argument("--naive-stress-runs", type=int, default=1,
                        help="naive baseline rounds on the stress corpus (default 1: one run "
                             "takes about ten times the 514 x 10 one)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    if runs < 1:
        parser.error("--runs must be at least 1")
    names = ["default"] if args.quick else [n.strip() for n in args.corpora.split(",")]
    unknown = set(names) - {"default", "514x10", "stress10x"}
    if unknown:
        parser.error(f"unknown corpus {sorted(unknown)}")
    bench = Bench(args)
    bench.work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    print("Corpora:", flush=True)
    root = bench.out / "corpora"
    made: dict[str, corpora.Corpus] = {}
    if "default" in names:
        made["default"] = corpora.generated(root, "default", bench.logs)
    if "514x10" in names or "stress10x" in names:
        made["514x10"] = corpora.generated(root, "514x10", bench.logs, regions=514, years=10)
    if "stress10x" in names:
        made["stress10x"] = corpora.scaled(root, made["514x10"], "stress10x")
    bench.save()
    for name in ("default", "514x10", "stress10x"):
        if name not in names:
            continue
        n = runs if name != "stress10x" else (args.stress_runs or runs)
        naive = n if name != "stress10x" else min(n, args.naive_stress_runs)
        bench.corpus(made[name], n, naive)
    night = "default" if args.quick else "514x10" if "514x10" in names else None
    if night:
        bench.night(made[night], runs)
    bench.results["meta"]["seconds"] = round(time.perf_counter() - start, 1)
    bench.results["meta"]["load_at_end"] = os.getloadavg()
    bench.save()
    shutil.rmtree(bench.work, ignore_errors=True)
    print("\n" + (bench.out / "results.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
