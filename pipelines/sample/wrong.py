"""Wrong files: rows a good reader must refuse, and the check it should name.

Each function changes a table in place, records the expected check per row, and returns the
wrong kinds it actually applied. Plan rows made invalid are left out of the evaluations, so a
refused plan row never causes a second reject (``program_not_in_plan``) elsewhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from pipelines import spec

from .catalog import TEMPLATES
from .programs import PREFIX, Plan
from .refdata import rng

WRONG_KINDS: tuple[str, ...] = (
    "unknown_region", "missing_required", "impossible_years", "progress_over_100",
    "duplicate_program", "program_not_in_plan",
)
PLAN_WRONG = ("missing_required", "impossible_years", "duplicate_program")
EVALUATION_WRONG = ("missing_required", "progress_over_100", "program_not_in_plan",
                    "duplicate_program")


@dataclass
class Table:
    """A data sheet before layout: canonical column names, one dict per data row."""

    sheet: str
    columns: tuple[spec.Column, ...]
    rows: list[dict[str, Any]]
    checks: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.checks:
            self.checks = [None] * len(self.rows)

    def insert(self, index: int, row: dict[str, Any], check: str | None) -> None:
        self.rows.insert(index, row)
        self.checks.insert(index, check)


def _take(free: list[int], n: int) -> list[int]:
    picked, free[:] = free[:n], free[n:]
    return picked


def _unused_template(r: random.Random, dimension: str, names: set[str]):
    pool = [t for sub in spec.DIMENSIONS[dimension] for t in TEMPLATES[sub] if t.name not in names]
    return r.choice(pool) if pool else None


def break_plan(seed: int, plan: Plan, table: Table, kinds: tuple[str, ...]) -> tuple[list[str],
                                                                                      set[str]]:
    """Apply plan wrong kinds; returns (kinds applied, codes of programmes made invalid)."""
    r = rng(seed, "wrong", plan.region.code, plan.cohort, plan.version)
    free = list(range(1, len(table.rows)))
    r.shuffle(free)
    applied: list[str] = []
    invalid: set[str] = set()
    if "missing_required" in kinds:
        for i in _take(free, r.randint(1, 3)):
            row = table.rows[i]
            what = r.choice(("program_name", "dimension", "start_year"))
            row[what] = None
            if what == "dimension":
                row["sub_dimension"] = None
            table.checks[i] = "required"
            invalid.add(str(row["program_code"]))
            applied.append("missing_required")
    if "impossible_years" in kinds:
        for i in _take(free, r.randint(1, 2)):
            row = table.rows[i]
            if r.random() < 0.5:
                row["end_year"] = int(row["start_year"]) - r.randint(1, 3)
            else:
                row["start_year"] = r.choice((1990, 1999, 2001))
            table.checks[i] = "year_range"
            invalid.add(str(row["program_code"]))
            applied.append("impossible_years")
    if "duplicate_program" in kinds and free:
        i = free[0]
        src = table.rows[i]
        t = _unused_template(r, str(src["dimension"]), {str(x["program_name"]) for x in
                                                        table.rows})
        if t is not None:
            dup = dict(src, sub_dimension=t.sub_dimension, program_name=t.name,
                       indicator=t.indicator, unit=t.unit, target=r.randint(t.low, t.high),
                       description=f"{t.name} untuk {t.purpose}.")
            table.insert(r.randint(i + 1, len(table.rows)), dup, "duplicate_program")
            applied.append("duplicate_program")
    return sorted(set(applied), key=WRONG_KINDS.index), invalid


def break_evaluation(seed: int, plan: Plan, year: int, table: Table, kinds: tuple[str, ...],
                     breakable: set[str] | None = None) -> list[str]:
    """Apply evaluation wrong kinds; returns the kinds applied.

    Only rows of programmes in ``breakable`` (all when None) are spoiled, so that a refused
    row never changes what reconciliation finds for its programme.
    """
    r = rng(seed, "wrong", plan.region.code, plan.cohort, "evaluation", year)
    free = [i for i, row in enumerate(table.rows)
            if breakable is None or row["program_code"] in breakable]
    r.shuffle(free)
    applied: list[str] = []
    if "missing_required" in kinds:
        for i in _take(free, r.randint(1, 2)):
            table.rows[i]["progress_pct"] = None
            table.checks[i] = "required"
            applied.append("missing_required")
    if "progress_over_100" in kinds:
        for i in _take(free, r.randint(1, 2)):
            table.rows[i].update(progress_pct=r.choice((110, 120, 150, 200)), stage="Selesai")
            table.checks[i] = "progress_range"
            applied.append("progress_over_100")
    if "duplicate_program" in kinds and free:
        i = free[0]
        dup = dict(table.rows[i], progress_pct=r.randint(0, 100))
        table.insert(r.randint(i + 1, len(table.rows)), dup, "duplicate_program")
        applied.append("duplicate_program")
    if "program_not_in_plan" in kinds:
        names = {p.program_name for p in plan.programmes}
        codes = {p.program_code for p in plan.programmes}
        for k in range(r.randint(1, 3)):
            d = r.choice(list(spec.DIMENSIONS))
            t = _unused_template(r, d, names)
            code = f"{PREFIX[d]}-{91 + k}"
            if t is None or code in codes:
                continue
            names.add(t.name)
            progress = r.randint(0, 100)
            row = {"program_code": code, "program_name": t.name, "stage": "Implementasi",
                   "progress_pct": progress, "budget_realised": r.randint(5, 500) * 1_000_000,
                   "benefits": f"Masyarakat merasakan {t.benefit}",
                   "challenges": "Program baru, belum tercantum dalam masterplan",
                   "follow_up": "Diusulkan masuk revisi masterplan"}
            table.insert(r.randint(0, len(table.rows)), row, "program_not_in_plan")
            applied.append("program_not_in_plan")
    return sorted(set(applied), key=WRONG_KINDS.index)
