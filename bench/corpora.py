"""The benchmark's corpora, generated once and reused (keyed by their parameters).

- ``default``: ``pipelines.sample.generate(dir)`` with its defaults (40 regions, 3 years).
- ``514x10``: ``generate(dir, regions=514, years=10)``: every kabupaten/kota, ten years.
- ``stress10x``: ``generate(dir, regions=514, years=10, scale=10)``: the same 3,486 files as
  ``514x10`` (same regions, years, quirks and wrong files, same superseded versions), but every
  master plan holds ten times the distinct programmes (each catalogue programme followed by
  nine numbered packages, ``SG-03.02`` ... ``SG-03.10``) and every evaluation reports on them,
  so the programme and evaluation rows are about 10x and all distinct: the pipeline loads them
  all (nothing more is superseded than in ``514x10``). The index scores (one set per
  evaluation), the reference workbooks and the files of unknown regions are not scaled.

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
GENERATOR_DEFAULTS = {"regions": 40, "years": 3, "seed": 2017, "messy": 0.25, "wrong": 0.05,
                      "scale": 1}
STRESS_SCALE = 10


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
    scale = params.get("scale", 1)
    return (f"r{params['regions']}-y{params['years']}-s{params['seed']}"
            f"-m{params['messy']}-w{params['wrong']}" + (f"-x{scale}" if scale != 1 else ""))


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


def scaled(root: Path, base: Corpus, name: str, scale: int = STRESS_SCALE,
           log_dir: Path | None = None) -> Corpus:
    """``base``'s parameters with ``scale`` times the programmes (the ``stress10x`` corpus):
    written by ``generate(..., scale=scale)`` like any other (see the module). Its log goes to
    ``log_dir``, by default ``logs/`` next to ``root``."""
    overrides = {k: v for k, v in base.info["params"].items()
                 if k != "scale" and GENERATOR_DEFAULTS.get(k) != v}
    return generated(root, name, log_dir or root.parent / "logs", **overrides, scale=scale)
