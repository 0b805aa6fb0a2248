"""How a programme is carried out and reported on, year by year, with planted misalignments.

A clean programme is reported in every evaluation its region sends for the cohort while the
programme runs (start to end year, never outside), its progress never goes backwards, and it
reaches 100 % in its end year. The region's latest evaluation year for the cohort is "now":
a programme that ended before it has been judged (the rule of ``pipelines.reconcile``).

Some programmes are given one planted misalignment instead (:data:`SHARES`, drawn only where
the region's evaluation years make it visible):

- ``overdue`` — ended before the region's latest evaluation, last reported under 100 %;
- ``unreported`` — ended before the region's latest evaluation, never listed in one;
- ``evaluated_outside_span`` — also listed the year before it starts, or after it ended;
- ``progress_backwards`` — one year lower than the year before (re-audited), then recovers.

Everything is a pure function of (seed, region, cohort, programme code, evaluation years).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .programs import Plan, Programme
from .refdata import rng

#: Planted delivery misalignments: (kind, share of the programmes where it can show).
#: ``overdue`` and ``unreported`` are drawn among programmes already past their end year.
SHARES: tuple[tuple[str, float], ...] = (
    ("overdue", 0.18), ("unreported", 0.06), ("evaluated_outside_span", 0.03),
    ("progress_backwards", 0.04),
)
DELIVERY_FINDINGS = tuple(k for k, _ in SHARES)


@dataclass(frozen=True)
class Delivery:
    """The reports of one programme: year -> (progress %, budget realised that year)."""

    reports: dict[int, tuple[int, int]] = field(default_factory=dict)
    finding: str | None = None  # the planted misalignment, if any
    year: int | None = None  # the evaluation year it shows in (outside span, backwards)


def _curve(r: random.Random, p: Programme) -> dict[int, int]:
    """Cumulative progress from start to end year: never down, 100 in the end year."""
    years = list(range(p.start_year, p.end_year + 1))
    weights = [r.uniform(0.5, 1.5) for _ in years]
    for i in range(1, len(years)):
        if r.random() < 0.1:
            weights[i] = 0.0  # a year without progress
    if len(years) > 1 and r.random() < 0.08:
        weights[0] = 0.0  # not started in its first year
    if not sum(weights):
        weights[-1] = 1.0
    total, done, out = sum(weights), 0.0, {}
    for y, w in zip(years, weights, strict=True):
        done += w
        out[y] = round(100 * done / total)
    out[p.end_year] = 100
    return out


def _options(p: Programme, years: tuple[int, ...]) -> dict[str, list[int]]:
    """Planted kinds visible with these evaluation years, and the years each could show in."""
    if not years:
        return {}
    latest = max(years)
    inside = [y for y in years if p.start_year <= y <= p.end_year]
    due = p.end_year < latest
    out: dict[str, list[int]] = {}
    if due and inside:
        out["overdue"] = []
        out["unreported"] = []
    outside = [y for y in (p.start_year - 1, p.end_year + 1) if y in years]
    if inside and outside:
        out["evaluated_outside_span"] = list(outside)
    drops = [y for y in inside if y - 1 in inside and (y < p.end_year or not due)]
    if drops:
        out["progress_backwards"] = list(drops)
    return out


def delivery(seed: int, plan: Plan, p: Programme, years: tuple[int, ...]) -> Delivery:
    """What the region reports of ``p`` in its evaluation ``years`` for this cohort."""
    r = rng(seed, "progress", plan.region.code, plan.cohort, p.program_code)
    curve = _curve(r, p)
    options = _options(p, years)
    pick = rng(seed, "plant", plan.region.code, plan.cohort, p.program_code)
    roll, edge, finding = pick.random(), 0.0, None
    for kind, share in SHARES:
        if edge <= roll < edge + share and kind in options:
            finding = kind
        edge += share
    year: int | None = None
    if finding == "overdue":
        final = pick.randint(35, 95)
        curve = {y: round(v * final / 100) for y, v in curve.items()}
    elif finding == "progress_backwards":
        candidates = [y for y in options[finding] if curve[y - 1] >= 20]
        if candidates:
            year = pick.choice(candidates)
            curve[year] = curve[year - 1] - pick.randint(3, 12)
        else:
            finding = None
    elif finding == "evaluated_outside_span":
        year = pick.choice(options[finding])
        curve[year] = 0 if year < p.start_year else 100
    shown = [y for y in years if p.start_year <= y <= p.end_year or y == year]
    if finding == "unreported":
        shown = []
    annual = p.indicative_budget / (p.end_year - p.start_year + 1)
    reports: dict[int, tuple[int, int]] = {}
    before = 0
    for y in shown:
        value = curve[y]
        share = r.uniform(0.55, 1.0) if value > before else 0.1 * r.uniform(0.55, 1.0)
        reports[y] = (value, int(round(annual * share, -3)) if value else 0)
        before = value
    return Delivery(reports, finding, year)
