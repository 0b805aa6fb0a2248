"""Evaluations: per-programme progress over the years, narratives, and index scores."""

from __future__ import annotations

import random
from datetime import date

from pipelines import spec

from .catalog import TEMPLATES
from .delivery import delivery
from .programs import Plan
from .refdata import rng
from .texts import (
    CHALLENGES,
    EARLY_BENEFITS,
    FOLLOW_UPS,
    PANDEMIC,
    PARTIAL_BENEFITS,
    Contact,
    contact,
)

#: Index weights in percent, in the order of spec.INDEX_COMPONENTS.
WEIGHTS = (10, 20, 30, 30, 10)
LATE_SHARE = 0.1  # evaluations sent in the first months of the following year


def stage_of(progress: int, finished: str = "Selesai") -> str:
    """The implementation stage a progress percentage implies."""
    for limit, stage in ((0, "Belum Dimulai"), (14, "Perencanaan"), (29, "Pengadaan"),
                         (69, "Implementasi"), (89, "Uji Coba"), (99, "Operasional")):
        if progress <= limit:
            return stage
    return finished


def _benefit(r: random.Random, progress: int, benefit: str) -> str:
    if progress < 15:
        return r.choice(EARLY_BENEFITS)
    if progress < 70:
        return r.choice(PARTIAL_BENEFITS).format(benefit=benefit)
    return f"Masyarakat merasakan {benefit}"


def results(seed: int, plan: Plan, year: int, years: tuple[int, ...],
            exclude: frozenset[str] | set[str] = frozenset()) -> list[dict]:
    """One row per programme of the plan the region reports on in ``year`` (plan order).

    ``years`` are all the region's evaluation years for this cohort: they decide which
    programmes are due, hence which misalignments can be planted (``delivery``).
    """
    rows = []
    for p in plan.programmes:
        if p.program_code in exclude:
            continue
        report = delivery(seed, plan, p, years).reports.get(year)
        if report is None:
            continue
        progress, spent = report
        r = rng(seed, "result", plan.region.code, plan.cohort, p.program_code, year)
        finished = "Selesai" if r.random() < 0.75 else "Operasional"
        benefit = TEMPLATES[p.sub_dimension][0].benefit
        if progress == 100:
            challenge = r.choice(("-", "Tidak ada kendala berarti",
                                  "Pemeliharaan dan pembaruan sistem"))
        else:
            challenge = r.choice(CHALLENGES)
            if year in (2020, 2021) and r.random() < 0.5:
                challenge = f"{PANDEMIC}; {challenge[0].lower()}{challenge[1:]}"
        rows.append({
            "program_code": p.program_code, "program_name": p.program_name,
            "stage": stage_of(progress, finished), "progress_pct": progress,
            "budget_realised": spent, "benefits": _benefit(r, progress, benefit),
            "challenges": challenge,
            "follow_up": r.choice(FOLLOW_UPS).format(head=plan.region.head_title)})
    return rows


def scores(seed: int, code: str, first_year: int, year: int) -> list[dict]:
    """Score rows: the five components, the weighted index, then one row per dimension."""
    base = rng(seed, "score-base", code)
    level = base.uniform(1.8, 3.2) + base.uniform(0.05, 0.25) * (year - first_year)
    component_offset = [base.uniform(-0.4, 0.4) for _ in spec.INDEX_COMPONENTS]
    dimension_offset = [base.uniform(-0.5, 0.5) for _ in spec.DIMENSIONS]
    r = rng(seed, "score", code, year)
    level += r.uniform(-0.08, 0.08)

    def clip(v: float) -> float:
        return round(min(spec.SCORE_MAX, max(0.5, v)), 2)

    parts = [clip(level + off + r.uniform(-0.1, 0.1)) for off in component_offset]
    total = round(sum(w * v for w, v in zip(WEIGHTS, parts, strict=True)) / 100, 2)
    dims = [clip(level + off + r.uniform(-0.15, 0.15)) for off in dimension_offset]
    labels = (*spec.INDEX_COMPONENTS, spec.INDEX_TOTAL, *spec.DIMENSIONS)
    return [{"component": k, "score": v}
            for k, v in zip(labels, (*parts, total, *dims), strict=True)]


def evaluation_meta(seed: int, code: str, year: int) -> tuple[date, Contact]:
    """(document date, contact) of a region's evaluation for ``year``."""
    r = rng(seed, "evaluation", code, year)
    when = date(year, r.randint(8, 11), r.randint(1, 28))
    if r.random() < LATE_SHARE:  # after the 31 December deadline of the evaluation year
        when = date(year + 1, r.randint(1, 3), r.randint(1, 28))
    return when, contact(rng(seed, "contact", code,
                                                                         "eval", year))
