"""``smartcity sample``: write a deterministic, realistic sample corpus of submissions."""

from __future__ import annotations

import time
from pathlib import Path

import click

from pipelines.sample import generate


@click.command("sample")
@click.option("--out", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Raw directory to fill: reference/ and one folder per cohort year.")
@click.option("--regions", default=40, show_default=True, type=click.IntRange(1, 514),
              help="Kab/kota that send files (above 251 the cohorts are scaled up).")
@click.option("--years", default=3, show_default=True, type=click.IntRange(1, 30),
              help="Evaluation years per region, from its first cohort year.")
@click.option("--seed", default=2017, show_default=True, type=int,
              help="Same seed, same corpus.")
@click.option("--messy", default=0.25, show_default=True, type=click.FloatRange(0, 1),
              help="Share of submission files that depart from the template.")
@click.option("--wrong", default=0.05, show_default=True, type=click.FloatRange(0, 1),
              help="Share of submission files with rows a reader must refuse.")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 100),
              help="Programmes per master-plan programme (numbered packages), for stress "
                   "corpora: the same files, about SCALE times the rows.")
@click.option("--manifest", "manifest_path", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the manifest (expected results per file) to this JSON file.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Processes writing files (default: 2 for large corpora).")
def sample(out: Path, regions: int, years: int, seed: int, messy: float, wrong: float,
           scale: int, manifest_path: Path | None, workers: int | None) -> None:
    """Write a sample corpus of master plans and evaluations under OUT.

    Reference workbooks go to OUT/reference/, submissions to OUT/<cohort year>/<region>/.
    Nothing else is written inside OUT unless --manifest points there.
    """
    if out.exists() and any(out.iterdir()):
        click.echo(f"warning: {out} is not empty; files from earlier runs are kept", err=True)
    started = time.perf_counter()
    manifest = generate(out, regions=regions, years=years, seed=seed, messy=messy, wrong=wrong,
                        scale=scale, workers=workers)
    if manifest_path is not None:
        manifest.write(manifest_path)
    size = sum((out / f.path).stat().st_size for f in manifest.files)
    plans, evals = len(manifest.by_kind("masterplan")), len(manifest.by_kind("evaluation"))
    n_messy = sum(1 for f in manifest.files if f.quirks)
    n_wrong = sum(1 for f in manifest.files if f.wrong)
    click.echo(f"sample: {len(manifest.files)} files ({plans} master plans, {evals} evaluations, "
               f"{n_messy} messy, {n_wrong} wrong), {manifest.total_rows} data rows, "
               f"{size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s -> {out}")
