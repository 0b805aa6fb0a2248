"""One submission file: what it says (plan or evaluation), then its layout and bytes.

:func:`produce` is the unit of work of the corpus: it needs nothing but its :class:`FileSpec`,
so files can be written by several processes in any order with the same result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines import spec

from .delivery import delivery
from .evaluations import evaluation_meta, results, scores
from .layout import Document, render
from .membership import Period
from .messy import Styler, fmt_of
from .programs import Plan, make_plan
from .refdata import Region, rng
from .writers import write
from .wrong import Table, break_evaluation, break_plan


@dataclass(frozen=True)
class FileSpec:
    """Everything needed to write one submission file."""

    path: str
    kind: str
    seed: int
    region: Region
    cohort_year: int
    periods: tuple[Period, ...] = ()
    version: int | None = None
    plan_version: int = 1
    evaluation_year: int | None = None
    #: the region's evaluation years for this cohort (what is due depends on the latest)
    eval_years: tuple[int, ...] = ()
    first_year: int = 0
    with_scores: bool = False
    quirks: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()
    plan_wrong: tuple[str, ...] = ()
    status: str = "loaded"
    #: programmes per plan programme (:func:`~.programs.scaled`); the files stay the same
    scale: int = 1


@dataclass(frozen=True)
class FileResult:
    path: str
    data_rows: dict[str, int]
    rejects: list[list]
    wrong: list[str]
    size: int
    document_date: str | None = None


def _plan_table(fs: FileSpec, plan: Plan, kinds: tuple[str, ...]) -> tuple[Table, list[str],
                                                                            set[str]]:
    table = Table(spec.MASTERPLAN_SHEET, spec.MASTERPLAN_COLUMNS,
                  [p.row() for p in plan.programmes])
    applied, invalid = break_plan(fs.seed, plan, table, kinds)
    return table, applied, invalid


def _identity_head(kind: str, fs: FileSpec) -> list[tuple[str, object]]:
    region = fs.region
    return [("document_kind", spec.KIND_LABELS[kind]), ("province", region.province),
            ("region_name", region.name), ("region_code", region.code),
            ("cohort_year", fs.cohort_year)]


def masterplan(fs: FileSpec) -> tuple[Document, list[str]]:
    plan = make_plan(fs.seed, fs.region, fs.cohort_year, list(fs.periods), fs.version or 1,
                     fs.scale)
    table, applied, _ = _plan_table(fs, plan, fs.wrong)
    c = plan.contact
    identity = _identity_head("masterplan", fs) + [
        ("plan_period", plan.period_text), ("document_date", plan.document_date),
        ("version", plan.version), ("contact_name", c.name), ("contact_email", c.email),
        ("contact_phone", c.phone)]
    name = fs.region.name.upper()
    titles = {spec.MASTERPLAN_SHEET: ["RENCANA PROGRAM MASTERPLAN SMART CITY", name,
                                      f"PERIODE {plan.period_text}"]}
    doc = Document("masterplan", fs.region, "IDENTITAS MASTERPLAN SMART CITY", identity,
                   [table], titles, plan.document_date)
    return doc, applied


def evaluation(fs: FileSpec) -> tuple[Document, list[str]]:
    year = fs.evaluation_year or fs.cohort_year
    plan = make_plan(fs.seed, fs.region, fs.cohort_year, list(fs.periods), fs.plan_version,
                     fs.scale)
    _, _, invalid = _plan_table(fs, plan, fs.plan_wrong)
    years = fs.eval_years or (year,)
    table = Table(spec.EVALUATION_SHEET, spec.EVALUATION_COLUMNS,
                  results(fs.seed, plan, year, years, invalid))
    applied = break_evaluation(fs.seed, plan, year, table, fs.wrong,
                               breakable(fs.seed, plan, year, years))
    tables = [table]
    if fs.with_scores:
        tables.append(Table(spec.SCORE_SHEET, spec.SCORE_COLUMNS,
                            scores(fs.seed, fs.region.code, fs.first_year or fs.cohort_year,
                                   year)))
    when, c = evaluation_meta(fs.seed, fs.region.code, year)
    identity = _identity_head("evaluation", fs) + [
        ("evaluation_year", year), ("document_date", when), ("contact_name", c.name),
        ("contact_email", c.email), ("contact_phone", c.phone)]
    name = fs.region.name.upper()
    titles = {spec.EVALUATION_SHEET: ["HASIL EVALUASI PELAKSANAAN MASTERPLAN SMART CITY", name,
                                      f"TAHUN {year}"],
              spec.SCORE_SHEET: ["NILAI INDEKS SMART CITY (PENILAIAN MANDIRI)", name,
                                 f"TAHUN {year}"]}
    doc = Document("evaluation", fs.region, "IDENTITAS EVALUASI SMART CITY", identity, tables,
                   titles, when)
    return doc, applied


def produce(fs: FileSpec, out: Path) -> FileResult:
    """Write the file of ``fs`` under ``out``; return what the manifest records of it."""
    doc, applied = masterplan(fs) if fs.kind == "masterplan" else evaluation(fs)
    if fs.region.fake:
        applied = ["unknown_region", *applied]
    styler = Styler(fs.quirks, rng(fs.seed, "style", fs.path))
    sheets, data_rows, rejects = render(doc, styler)
    target = out / fs.path
    write(target, sheets, fmt_of(fs.quirks), fast=not fs.quirks)
    return FileResult(fs.path, data_rows, rejects, applied, target.stat().st_size,
                      doc.when.isoformat())


def breakable(seed: int, plan: Plan, year: int, years: tuple[int, ...]) -> set[str]:
    """Programmes whose row of ``year`` a wrong file may spoil (the reader refuses the row)
    without changing what reconciliation finds: clean ones, not in their end year."""
    return {p.program_code for p in plan.programmes
            if year < p.end_year and delivery(seed, plan, p, years).finding is None}
