"""Plan and write a whole sample corpus: who sends what, which files are messy or wrong."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path, PurePosixPath

from pipelines import spec

from . import refdata
from .documents import FileResult, FileSpec, produce
from .manifest import FileEntry, Manifest
from .membership import (
    Membership,
    cohorts_of,
    memberships,
    period_gaps,
    periods_for,
    select_regions,
)
from .messy import QUIRKS, applicable, compatible, draw_quirks, float_differs, fmt_of
from .plants import planted
from .programs import Plan, make_plan
from .refdata import Region, regions, rng
from .texts import FAKE_REGIONS, slug
from .writers import SheetModel, write
from .wrong import EVALUATION_WRONG, PLAN_WRONG

REVISION_SHARE = 0.2  # plans that also get a version 2
SCORE_SHARE = 0.8  # evaluations with the index score sheet
_FORCED_WRONG = (("masterplan", "impossible_years"), ("masterplan", "missing_required"),
                 ("masterplan", "duplicate_program"), ("evaluation", "progress_over_100"),
                 ("evaluation", "program_not_in_plan"), ("evaluation", "missing_required"),
                 ("evaluation", "duplicate_program"))


#: An evaluation year is sent only while the plan has at least this many programmes running
#: (a plan's last years may have none; a few rows may be refused in a wrong file).
MIN_RUNNING = 6


def evaluation_years(plan: Plan, years: list[int]) -> tuple[int, ...]:
    """The first of ``years`` (consecutive, from the cohort year) in which the plan still has
    programmes running: a region stops evaluating a master plan whose programmes are over.
    Judged on the unscaled plan, so a scaled corpus holds the same files."""
    out = []
    for y in years:
        if sum(p.start_year <= y <= p.end_year for p in plan.programmes) < MIN_RUNNING:
            break
        out.append(y)
    return tuple(out)


def _submissions(seed: int, chosen: list[str], members: list[Membership],
                 years: int, scale: int = 1) -> list[FileSpec]:
    years_of = cohorts_of(members)
    out: list[FileSpec] = []
    for code in chosen:
        region = regions()[code]
        periods = tuple(periods_for(seed, region))  # the real ones, whatever the workbook says
        cohorts = years_of[code]
        final: dict[int, int] = {}
        for c in cohorts:
            final[c] = 2 if rng(seed, "v2", code, c).random() < REVISION_SHARE else 1
            for v in range(1, final[c] + 1):
                out.append(FileSpec(
                    f"{c}/{region.slug}/masterplan_{region.slug}_{c}_v{v}.xlsx", "masterplan",
                    seed, region, c, periods, version=v,
                    status="superseded" if v < final[c] else "loaded", scale=scale))
        span = range(cohorts[0], cohorts[0] + years)
        for c in cohorts:
            plan = make_plan(seed, region, c, list(periods), final[c])
            mine = [y for y in span if max(x for x in cohorts if x <= y) == c]
            due = evaluation_years(plan, mine)
            for y in due:
                out.append(FileSpec(
                    f"{c}/{region.slug}/evaluasi/evaluasi_{region.slug}_{y}.xlsx", "evaluation",
                    seed, region, c, periods, plan_version=final[c], evaluation_year=y,
                    eval_years=due, first_year=cohorts[0],
                    with_scores=rng(seed, "scores", code, y).random() < SCORE_SHARE,
                    scale=scale))
    return out


def _unknown(seed: int, count: int, cohorts: list[int]) -> list[FileSpec]:
    """Files from regions that exist nowhere (no code): the reader must reject them (never
    scaled: planted wrong files stay as they are at scale 1)."""
    r = rng(seed, "unknown")
    provinces = sorted({(x.province_code, x.province) for x in regions().values()})
    out = []
    for k in range(count):
        kind = r.choice(("kabupaten", "kota"))
        name = f"{'Kabupaten' if kind == 'kabupaten' else 'Kota'} {FAKE_REGIONS[k % 8]}"
        if k >= len(FAKE_REGIONS):
            name += f" {k // len(FAKE_REGIONS) + 1}"
        pcode, province = r.choice(provinces)
        region = Region(f"00.{k + 1:02d}", name, kind, pcode, province, fake=True)
        c = r.choice(cohorts)
        doc = "masterplan" if k % 2 == 0 else "evaluation"
        path = (f"{c}/{slug(name)}/masterplan_{slug(name)}_{c}_v1.xlsx" if doc == "masterplan"
                else f"{c}/{slug(name)}/evaluasi/evaluasi_{slug(name)}_{c + 1}.xlsx")
        out.append(FileSpec(path, doc, seed, region, c, version=1 if doc == "masterplan" else None,
                            evaluation_year=c + 1 if doc == "evaluation" else None,
                            first_year=c, with_scores=True, wrong=("unknown_region",),
                            status="rejected"))
    return out


def _assign_wrong(seed: int, specs: list[FileSpec], share: float) -> list[FileSpec]:
    """Give about ``share`` of the files a wrong kind, each kind at least once."""
    if share <= 0:
        return specs
    r = rng(seed, "wrong-assign")
    target = max(len(_FORCED_WRONG), round(share * len(specs)))
    eligible = {"masterplan": [i for i, s in enumerate(specs)
                               if s.kind == "masterplan" and s.status == "loaded"],
                "evaluation": [i for i, s in enumerate(specs) if s.kind == "evaluation"
                               and (s.evaluation_year or 0) > s.cohort_year]}
    for pool in eligible.values():
        r.shuffle(pool)
    picks = list(_FORCED_WRONG)
    while len(picks) < target and any(eligible.values()):
        kind = r.choice(("masterplan", "evaluation"))
        picks.append((kind, r.choice(PLAN_WRONG if kind == "masterplan" else EVALUATION_WRONG)))
    for kind, wrong in picks:
        if eligible[kind]:
            i = eligible[kind].pop()
            specs[i] = replace(specs[i], wrong=(wrong,))
    plan_wrong = {(s.region.code, s.cohort_year): s.wrong for s in specs
                  if s.kind == "masterplan" and s.status == "loaded"}
    return [replace(s, plan_wrong=plan_wrong.get((s.region.code, s.cohort_year), ()))
            if s.kind == "evaluation" else s for s in specs]


def _assign_quirks(seed: int, specs: list[FileSpec], share: float) -> list[FileSpec]:
    """Make about ``share`` of the files messy; every quirk occurs at least once."""
    if share <= 0:
        return specs
    r = rng(seed, "quirk-assign")
    quirks = [draw_quirks(rng(seed, "quirks", s.path), s.kind, s.region)
              if r.random() < share else [] for s in specs]
    for q in QUIRKS:
        if any(q in qs for qs in quirks):
            continue
        fits = [i for i, s in enumerate(specs) if applicable(q, s.kind, s.region)]
        messy = [i for i in fits if quirks[i] and compatible(q, quirks[i])]
        clean = [i for i in fits if not quirks[i]]
        if messy or clean:
            i = r.choice(messy or clean)
            quirks[i] = sorted([*quirks[i], q], key=QUIRKS.index)
    return [replace(s, quirks=tuple(q), path=_messy_path(s, q)) if q else s
            for s, q in zip(specs, quirks, strict=True)]


def _messy_path(s: FileSpec, quirks: list[str]) -> str:
    """Officers name files their own way; the folder stays the cohort's."""
    folder = PurePosixPath(s.path).parent
    ext = fmt_of(quirks)
    bare = s.region.bare
    r = rng(s.seed, "name", s.path)
    if s.kind == "masterplan":
        name = r.choice((f"Masterplan Smart City {bare} {s.cohort_year} v{s.version}",
                         f"MASTERPLAN SC {bare.upper()} {s.cohort_year} rev{s.version}",
                         f"masterplan {s.region.slug} {s.cohort_year} (versi {s.version})"))
    else:
        name = r.choice((f"Evaluasi Smart City {bare} {s.evaluation_year}",
                         f"EVALUASI SC {bare.upper()} {s.evaluation_year} final",
                         f"evaluasi_{s.region.slug}_{s.evaluation_year} (final)"))
    return str(folder / f"{name}.{ext}")


def plan_corpus(seed: int, regions_: int, years: int, messy: float, wrong: float,
                scale: int = 1) -> tuple[list[Membership], list[str], list[FileSpec]]:
    """(memberships, regions that send files, file specs) of a corpus. ``scale`` changes what
    the master plans and evaluations hold, never which files there are or how they are spoiled."""
    members = memberships(seed, regions_)
    needs = [lambda g: g.code_changed, lambda g: float_differs(g.code)] if messy > 0 else []
    chosen = select_regions(seed, members, regions_, needs)
    specs = _submissions(seed, chosen, members, years, scale)
    if wrong > 0:
        cohorts = sorted({s.cohort_year for s in specs})
        specs += _unknown(seed, max(1, round(wrong * len(specs) / 6)), cohorts)
    specs = _assign_wrong(seed, specs, wrong)
    specs = _assign_quirks(seed, specs, messy)
    return members, chosen, sorted(specs, key=lambda s: s.path)


def reference_sheets(seed: int, members: list[Membership], chosen: Iterable[str],
                     gaps: dict[str, tuple[str, int, int]]) -> dict[str, SheetModel]:
    """The programme office's workbooks: cohort memberships and RPJMD/RPD periods."""
    table = regions()
    cohort_rows: list[list[object]] = [[c.header for c in spec.COHORT_COLUMNS]]
    for m in members:
        g = table[m.code]
        cohort_rows.append([m.cohort_year, g.code, g.name, g.province, m.source])
    period_rows: list[list[object]] = [[c.header for c in spec.PERIOD_COLUMNS]]
    for code in sorted(chosen):
        g = table[code]
        for p in periods_for(seed, g, gaps.get(code)):
            period_rows.append([g.code, g.name, g.province, p.document_type, p.start, p.end,
                                p.legal_basis, p.source])
    return {"reference/angkatan.xlsx": SheetModel(spec.COHORT_SHEET, cohort_rows,
                                                  widths=[14, 12, 36, 28, 60]),
            "reference/periode_rpjmd.xlsx": SheetModel(spec.PERIOD_SHEET, period_rows,
                                                       widths=[12, 36, 28, 14, 12, 12, 50, 60])}


def _run(specs: list[FileSpec], out: Path, workers: int | None) -> list[FileResult]:
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(specs) > 60 else 1
    work = partial(produce, out=out)
    if workers <= 1:
        return [work(s) for s in specs]
    chunk = max(1, len(specs) // (workers * 16))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, specs, chunksize=chunk))


def generate(out: Path, regions: int = 40, years: int = 3, seed: int = 2017,
             messy: float = 0.25, *, wrong: float = 0.05, scale: int = 1,
             workers: int | None = None) -> Manifest:
    """Write a deterministic sample corpus under ``out`` and return its manifest.

    ``regions`` kab/kota send files (1-514; above 251 the cohorts are scaled up), each a
    master plan per cohort and an evaluation for ``years`` years from its first cohort (fewer
    when its master plan's programmes are over before then: see :func:`evaluation_years`);
    ``messy`` and ``wrong`` are the shares of messy and wrong submission files. ``scale`` (a
    stress corpus) gives every master plan ``scale`` times as many distinct programmes
    (numbered packages of its own: :func:`~.programs.scaled`) and its evaluations report on
    them all: the same files, about ``scale`` times the rows, the same quirks and wrong kinds
    per file (the files of unknown regions are not scaled); ``scale=1`` is the corpus as it
    always was. The manifest lists the reconciliation findings the corpus plants
    (``planted``) and the plan documents left out of the reference workbook on purpose
    (``omitted_periods``). Bad parameters raise ``ValueError`` before anything is written.
    """
    everyone = len(refdata.regions())
    if not 1 <= regions <= everyone:
        raise ValueError(f"regions must be between 1 and {everyone}")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not (0 <= messy <= 1 and 0 <= wrong <= 1):
        raise ValueError("messy and wrong are shares between 0 and 1")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a whole number, at least 1")
    out = Path(out)
    members, chosen, specs = plan_corpus(seed, regions, years, messy, wrong, scale)
    gaps = period_gaps(seed, chosen, cohorts_of(members))
    manifest = Manifest(seed, regions, years, messy, wrong, region_codes=list(chosen),
                        scale=scale)
    for path, sheet in reference_sheets(seed, members, chosen, gaps).items():
        write(out / path, [sheet], "xlsx", fast=True)
        manifest.files.append(FileEntry(path, "reference",
                                        data_rows={sheet.name: len(sheet.rows) - 1}))
    for s, res in zip(specs, _run(specs, out, workers), strict=True):
        manifest.files.append(FileEntry(
            path=s.path, kind=s.kind, region_code=None if s.region.fake else s.region.code,
            cohort_year=s.cohort_year, evaluation_year=s.evaluation_year, version=s.version,
            quirks=list(s.quirks), wrong=res.wrong, expected_status=s.status,
            data_rows=res.data_rows, expected_rejects=res.rejects, format=fmt_of(s.quirks),
            document_date=res.document_date))
    manifest.omitted_periods = [
        {"region_code": code, "document_type": doc, "start_year": start, "end_year": end}
        for code, (doc, start, end) in sorted(gaps.items())]
    manifest.planted = planted(specs, gaps)
    return manifest
