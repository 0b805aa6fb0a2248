"""Master plans: programmes per dimension, horizons against RPJMD/RPD periods, revisions.

A plan is a pure function of (seed, region, cohort, version, scale): the evaluation files
regenerate the plan they evaluate instead of sharing state with the process that wrote it.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pipelines import spec

from .catalog import TEMPLATES, Template
from .membership import Period
from .refdata import Region, rng
from .texts import Contact, contact

PREFIX = {"Smart Governance": "SG", "Smart Branding": "SB", "Smart Economy": "SE",
          "Smart Living": "SL", "Smart Society": "SS", "Smart Environment": "SEN"}
HORIZON_WEIGHTS = {"Quick Win": 20, "Jangka Pendek": 30, "Jangka Menengah": 30,
                   "Jangka Panjang": 20}
_SHORTEST = {"Quick Win": 1, "Jangka Pendek": 1, "Jangka Menengah": 3, "Jangka Panjang": 4}
_LATEST_START = {"Quick Win": 1, "Jangka Pendek": 2, "Jangka Menengah": 3, "Jangka Panjang": 4}
_BUDGET = {"Quick Win": (5e7, 2e9), "Jangka Pendek": (1e8, 5e9),
           "Jangka Menengah": (2.5e8, 1e10), "Jangka Panjang": (5e8, 2.5e10)}
FUNDING_WEIGHTS = dict(zip(spec.FUNDING_SOURCES, (55, 8, 8, 8, 4, 6, 4, 4, 3), strict=True))
_DESCRIPTIONS = ("{name} untuk {purpose}.",
                 "Pembangunan dan pengembangan {name} guna {purpose}.",
                 "Penerapan {name} di {scope} untuk {purpose}.",
                 "Pengembangan {name} secara bertahap di {scope}.")
_SCOPES = ("seluruh OPD", "seluruh kecamatan", "kawasan perkotaan", "desa/kelurahan percontohan",
           "pusat pemerintahan")
LATE_PLAN_SHARE = 0.08  # master plans dated in the January after the cohort year
#: Timeline misalignments planted on purpose: the share of programmes whose years are drawn
#: to cross an RPJMD/RPD boundary or run past the last plan (2029); the rest are drawn to lie
#: within one plan document. A draw that cannot be met (no plan past 2029 yet, a quick win
#: too short to cross) falls back to ``within``. Years are drawn against the region's real
#: periods; ``no_plan_for_years`` comes from gaps in the reference workbook (``period_gaps``).
TIMELINE_SHARES = {"crosses_boundary": 0.12, "beyond_last_period": 0.08}
#: A scaled plan (``scale`` > 1, for stress corpora) follows each programme with ``scale - 1``
#: numbered packages of the same catalogue programme: code ``SG-03.02``, name "... Paket 2".
PACKAGE_WORD = "Paket"
PINNED_SHARE = 1 / 8  # packages that start in the plan's first year as a quick win/short term


@dataclass
class Programme:
    """One master-plan row; field names are the spec's column names."""

    program_code: str
    dimension: str
    sub_dimension: str
    program_name: str
    description: str
    horizon: str
    start_year: int
    end_year: int
    agency: str
    funding_source: str
    indicative_budget: int
    indicator: str
    target: int
    unit: str

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def timeline_findings(self, periods: list[Period]) -> tuple[str, ...]:
        """The reconciliation findings its years raise against ``periods`` (none when they
        lie within one plan document)."""
        status = timeline_status(self.start_year, self.end_year, periods)
        if status == "within":
            return ()
        if self.horizon == "Quick Win":
            return (status, "quick_win_outside_period")
        return (status,)


@dataclass
class Plan:
    region: Region
    cohort: int
    version: int
    period: tuple[int, int]
    document_date: date
    contact: Contact
    programmes: list[Programme] = field(default_factory=list)
    revised_in: int | None = None  # version 2: the year its added programmes start from

    @property
    def period_text(self) -> str:
        return f"{self.period[0]}-{self.period[1]}"


def round_sig(value: float, digits: int = 2) -> int:
    """``value`` rounded to ``digits`` significant figures (1_234_567 -> 1_200_000)."""
    step = 10 ** max(0, int(math.floor(math.log10(value))) - digits + 1)
    return int(round(value / step) * step)


def timeline_status(start: int, end: int, periods: list[Period]) -> str:
    """Where ``start``..``end`` sits against ``periods``: ``within`` one document,
    ``crosses_boundary`` (covered, by several), ``beyond_last_period`` (ends after the last),
    ``no_plan_for_years`` (a year no document covers, or no documents at all)."""
    if not periods:
        return "no_plan_for_years"
    if end > max(p.end for p in periods):
        return "beyond_last_period"
    if not all(any(p.start <= y <= p.end for p in periods) for y in range(start, end + 1)):
        return "no_plan_for_years"
    if any(p.start <= start and end <= p.end for p in periods):
        return "within"
    return "crosses_boundary"


def _target(r: random.Random) -> str:
    roll, edge = r.random(), 0.0
    for status, share in TIMELINE_SHARES.items():
        edge += share
        if roll < edge:
            return status
    return "within"


def _years(r: random.Random, horizon: str, first: int, last: int, pinned: bool) -> tuple[int, int]:
    shortest = min(_SHORTEST[horizon], last - first + 1)
    latest = max(first, min(first + _LATEST_START[horizon], last - shortest + 1))
    start = first if pinned else r.randint(first, latest)
    span = r.randint(shortest, spec.HORIZON_MAX_YEARS[horizon])
    return start, min(start + span - 1, last)


def _programme(r: random.Random, t: Template, code: str, first: int, last: int,
               periods: list[Period], pinned: bool) -> Programme:
    horizon = r.choices(list(HORIZON_WEIGHTS), weights=list(HORIZON_WEIGHTS.values()))[0]
    if pinned:
        horizon = r.choice(("Quick Win", "Jangka Pendek"))
    want, status = _target(r), ""
    for goal in dict.fromkeys((want, "within")):
        for _ in range(25):
            start, end = _years(r, horizon, first, last, pinned)
            status = timeline_status(start, end, periods)
            if status == goal:
                break
        if status == goal:
            break
    low, high = _BUDGET[horizon]
    budget = round_sig(math.exp(r.uniform(math.log(low), math.log(high))))
    target = r.randint(t.low, t.high)
    description = r.choice(_DESCRIPTIONS).format(name=t.name, purpose=t.purpose,
                                                 scope=r.choice(_SCOPES))
    return Programme(
        program_code=code, dimension=t.dimension, sub_dimension=t.sub_dimension,
        program_name=t.name, description=description, horizon=horizon, start_year=start,
        end_year=end, agency=r.choice(t.agencies),
        funding_source=r.choices(list(FUNDING_WEIGHTS), list(FUNDING_WEIGHTS.values()))[0],
        indicative_budget=budget, indicator=t.indicator,
        target=round_sig(target) if target >= 1000 else target, unit=t.unit)


def _pick(r: random.Random, dimension: str, used: set[str]) -> Template:
    subs = list(spec.DIMENSIONS[dimension])
    r.shuffle(subs)
    for sub in subs:
        free = [t for t in TEMPLATES[sub] if t.name not in used]
        if free:
            return r.choice(free)
    t = r.choice(TEMPLATES[subs[0]])
    return replace(t, name=f"{t.name} Tahap {sum(n.startswith(t.name) for n in used) + 1}")


def make_plan(seed: int, region: Region, cohort: int, periods: list[Period],
              version: int = 1, scale: int = 1) -> Plan:
    """The master plan of ``region`` for ``cohort``, as written in ``version``, with ``scale``
    times its programmes (:func:`scaled`; ``scale`` 1 is the plan itself)."""
    r = rng(seed, "plan", region.code, cohort)
    length = r.choice((5, 5, 5, 6, 7, 8, 10, 10, 10))
    first, last = cohort, cohort + length - 1
    total = int(r.triangular(15, 56, 30))  # a revision adds up to four
    dims = list(spec.DIMENSIONS)
    counts = {d: 2 for d in dims}
    for _ in range(total - 2 * len(dims)):
        d = r.choice([d for d in dims if counts[d] < 20])
        counts[d] += 1
    pinned = set(r.sample(range(total), max(2, total // 8)))
    used: set[str] = set()
    programmes: list[Programme] = []
    for d in dims:
        picks = []
        for _ in range(counts[d]):
            picks.append(_pick(r, d, used))
            used.add(picks[-1].name)
        picks.sort(key=lambda t: spec.DIMENSIONS[d].index(t.sub_dimension))
        for i, t in enumerate(picks, 1):
            programmes.append(_programme(r, t, f"{PREFIX[d]}-{i:02d}", first, last, periods,
                                         len(programmes) in pinned))
    when = date(cohort, r.randint(6, 11), r.randint(1, 28))
    if r.random() < LATE_PLAN_SHARE:  # sent after the cohort year's 31 December deadline
        when = date(cohort + 1, 1, r.randint(5, 31))
    plan = Plan(region, cohort, 1, (first, last), when,
                contact(rng(seed, "contact", region.code, cohort)), programmes)
    original = {p.program_code for p in programmes}
    if version >= 2:
        plan = revise(seed, plan, periods)
    return scaled(seed, plan, periods, scale, original) if scale > 1 else plan


def revise(seed: int, plan: Plan, periods: list[Period]) -> Plan:
    """Version 2 of a plan: a later date, a few programmes changed, a few added.

    Codes of existing programmes never change, and added programmes start in or after the
    year of the revision, so earlier evaluations stay valid against the revised plan.
    """
    r = rng(seed, "plan-v2", plan.region.code, plan.cohort)
    first, last = plan.period
    year = min(plan.cohort + r.choice((1, 1, 2)), last - 1)
    programmes = [replace(p) for p in plan.programmes]
    for p in r.sample(programmes, min(len(programmes), r.randint(2, 5))):
        p.indicative_budget = round_sig(p.indicative_budget * r.choice((0.5, 0.75, 1.25, 1.5, 2)))
        p.target = max(1, round_sig(p.target * r.choice((0.8, 1.2, 1.5))))
        if p.unit == "%":
            p.target = min(p.target, 100)
        p.description = p.description.rstrip(".") + f" (revisi {year})."
    used = {p.program_name for p in programmes}
    for _ in range(r.randint(1, 4)):
        d = r.choice(list(spec.DIMENSIONS))
        t = _pick(r, d, used)
        used.add(t.name)
        ours = [i for i, p in enumerate(programmes) if p.dimension == d]
        code = f"{PREFIX[d]}-{len(ours) + 1:02d}"
        new = _programme(r, t, code, year, last, periods, False)
        programmes.insert(ours[-1] + 1 if ours else len(programmes), new)
    when = date(year, r.randint(2, 10), r.randint(1, 28))
    return replace(plan, version=2, document_date=when, programmes=programmes, revised_in=year)


_BY_NAME = {t.name: t for templates in TEMPLATES.values() for t in templates}


def scaled(seed: int, plan: Plan, periods: list[Period], scale: int,
           original: set[str]) -> Plan:
    """``plan`` with ``scale - 1`` packages after each of its programmes, all distinct.

    Package ``k`` of programme ``SG-03`` (``k`` = 2..``scale``) is ``SG-03.0k`` (``SG-03.10``
    ...), named "<name> Paket k": the same catalogue programme (dimension, sub-dimension,
    indicator), with its own horizon, years, budget and target drawn from a generator of its
    own, so the plan's programmes, and every draw made from them, stay those of scale 1.
    Packages of the ``original`` (version 1) programmes start in the plan's span, those of
    programmes a revision added from the revision year, like them; a package's code and
    contents are the same in both versions of a plan.
    """
    first, last = plan.period
    out: list[Programme] = []
    for p in plan.programmes:
        out.append(p)
        t = _BY_NAME[re.sub(r" Tahap \d+$", "", p.program_name)]
        start = first if p.program_code in original else (plan.revised_in or first)
        for k in range(2, scale + 1):
            r = rng(seed, "plan-package", plan.region.code, plan.cohort, p.program_code, k)
            package = replace(t, name=f"{t.name} {PACKAGE_WORD} {k}")
            out.append(_programme(r, package, f"{p.program_code}.{k:02d}", start, last,
                                  periods, r.random() < PINNED_SHARE))
    return replace(plan, programmes=out)
