"""The benchmark's corpora, generated once and reused (keyed by their parameters).

- ``default``: ``pipelines.sample.generate(dir)`` with its defaults (40 regions, 3 years).
- ``514x10``: ``generate(dir, regions=514, years=10)``: every kabupaten/kota, ten years.
- ``stress10x``: ten times the files and rows of ``514x10``. The generator cannot scale rows
  past 514 regions (there are no more regions) or ten years (plans run out of programmes), so
  the corpus is built by **replicating** the 514x10 corpus: ``reference/`` once, and each
  cohort folder's files copied ten times, into ``<year>/set00/`` ... ``<year>/set09/`` (real
  copies, not links). The files still name the same regions, so the pipeline reads, checks and
  records all ten copies, then marks nine of every ten superseded (same region, kind and
  evaluation year; the copy with the last path wins): the warehouse gets ten times the
  ``submission`` rows but the clean tables about 1x. The naive baseline and the floor load
  every copy's rows (they neither supersede nor reconcile).

Each corpus lives in ``<out>/corpora/<key>/`` with ``<key>.json`` next to it (parameters, the
generator's source digest, file count and bytes). A corpus is reused when its JSON exists and
the generator's source digest is unchanged; otherwise it is written again (to a temporary
folder, renamed into place when complete).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_DEFAULTS = {"regions": 40, "years": 3, "seed": 2017, "messy": 0.25, "wrong": 0.05}
COPIES = 10


@dataclass
class Corpus:
    name: str
    path: Path
    info: dict

    @property
    def files(self) -> int:
        return int(self.info["files"])

    @property
    def bytes(self) -> int:
        return int(self.info["bytes"])


def generator_digest() -> str:
    h = hashlib.sha256()
    for path in sorted((ROOT / "pipelines" / "sample").rglob("*.py")):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _stats(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _key(params: dict) -> str:
    return (f"r{params['regions']}-y{params['years']}-s{params['seed']}"
            f"-m{params['messy']}-w{params['wrong']}")


def _ready(folder: Path, meta: Path, digest: str) -> dict | None:
    if not (folder.is_dir() and meta.is_file()):
        return None
    try:
        info = json.loads(meta.read_text())
    except ValueError:
        return None
    return info if info.get("generator") == digest else None


def _finish(tmp: Path, folder: Path, meta: Path, info: dict) -> dict:
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    info["files"], info["bytes"] = _stats(folder)
    meta.write_text(json.dumps(info, indent=2))
    return info


def generated(root: Path, name: str, log_dir: Path, **overrides) -> Corpus:
    """A corpus written by ``pipelines.sample.generate`` (in a child process)."""
    params = {**GENERATOR_DEFAULTS, **overrides}
    key, digest = _key(params), generator_digest()
    folder, meta = root / key, root / f"{key}.json"
    info = _ready(folder, meta, digest)
    if info is not None:
        print(f"  {name}: reusing {folder} ({info['files']} files)", flush=True)
        return Corpus(name, folder, info)
    print(f"  {name}: generating {folder} ...", flush=True)
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    call = (f"from pipelines.sample import generate; generate({str(tmp)!r}, "
            + ("" if not overrides else ", ".join(f"{k}={v!r}" for k, v in overrides.items()))
            + ")")
    start = time.perf_counter()
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"generate-{name}.log", "wb") as log:
        subprocess.run([sys.executable, "-c", call], check=True, stdout=log,
                       stderr=subprocess.STDOUT, cwd=ROOT)
    info = _finish(tmp, folder, meta, {
        "name": name, "params": params, "generator": digest, "how": "generate("
        + ", ".join(["dir"] + [f"{k}={v}" for k, v in overrides.items()]) + ")",
        "seconds": round(time.perf_counter() - start, 1)})
    print(f"  {name}: {info['files']} files in {info['seconds']} s", flush=True)
    return Corpus(name, folder, info)


def replicated(root: Path, base: Corpus, name: str, copies: int = COPIES) -> Corpus:
    """``base`` with each cohort folder's files copied ``copies`` times (see the module)."""
    key = f"x{copies}-of-{base.path.name}"
    folder, meta = root / key, root / f"{key}.json"
    info = _ready(folder, meta, base.info["generator"])
    if info is not None and info.get("base_files") == base.files:
        print(f"  {name}: reusing {folder} ({info['files']} files)", flush=True)
        return Corpus(name, folder, info)
    print(f"  {name}: copying {base.path.name} x{copies} ...", flush=True)
    start = time.perf_counter()
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base.path / "reference", tmp / "reference")
    for cohort in sorted(p for p in base.path.iterdir() if p.is_dir() and p.name.isdigit()):
        for k in range(copies):
            shutil.copytree(cohort, tmp / cohort.name / f"set{k:02d}")
    info = _finish(tmp, folder, meta, {
        "name": name, "params": {**base.info["params"], "copies": copies},
        "generator": base.info["generator"], "base_files": base.files,
        "how": f"{base.info['how']}, each cohort folder's files copied {copies}x into "
               f"<year>/set00..set{copies - 1:02d}/ (reference/ once)",
        "seconds": round(time.perf_counter() - start, 1)})
    print(f"  {name}: {info['files']} files in {info['seconds']} s", flush=True)
    return Corpus(name, folder, info)
