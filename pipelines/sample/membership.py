"""Who is in which cohort, who sends files, and which RPJMD/RPD periods they plan against.

Memberships start from the real ones (cohorts.csv, with their source), are completed to the
real per-year counts with drawn kab/kota (``generated (sample)``), and, for corpora larger than
the 251 real members, extended with extra regions spread over the cohorts
(``generated (scale-up)``). Everything depends on the seed only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .refdata import COHORT_YEARS, Region, cohort_rows, cohort_sizes, regions, rng, wave_rows

GENERATED = "generated (sample)"
SCALE_UP = "generated (scale-up)"

#: Plan documents of each election wave (the 2020 re-election continues the 2015 wave): the
#: plan of the heads elected five years earlier (2010, 2012, 2013), then the ones that follow
#: the wave; everyone moves to RPJMD 2025-2029 after the November 2024 election. A plan runs to
#: the year its successor starts where heads take office early in the year (2016, 2017, 2021),
#: and stops the year before where they take office late (the 2018 wave).
WAVE_PLANS: dict[int, tuple[tuple[str, int, int], ...]] = {
    2015: (("RPJMD", 2011, 2016), ("RPJMD", 2016, 2021), ("RPJMD", 2021, 2026)),
    2017: (("RPJMD", 2012, 2017), ("RPJMD", 2017, 2022), ("RPD", 2023, 2026)),
    2018: (("RPJMD", 2014, 2018), ("RPJMD", 2019, 2023), ("RPD", 2024, 2026)),
}
FINAL_PLAN = ("RPJMD", 2025, 2029)
#: Regions per wave, used to draw a wave for regions the public lists do not name.
WAVE_WEIGHTS = {2015: 269, 2017: 101, 2018: 171}


@dataclass(frozen=True)
class Membership:
    cohort_year: int
    code: str
    source: str
    origin: str  # "real", "sample" or "scale-up"


@dataclass(frozen=True)
class Period:
    document_type: str
    start: int
    end: int
    legal_basis: str
    source: str


def memberships(seed: int, total_regions: int = 251) -> list[Membership]:
    """Every (cohort year, region) membership, sorted by year then code."""
    r = rng(seed, "membership")
    everyone = sorted(regions())
    real = [Membership(int(row["cohort_year"]), row["kemendagri_code"], row["source"], "real")
            for row in cohort_rows()]
    real_codes = {m.code for m in real}
    out: list[Membership] = []
    seen: set[str] = set()
    for year, (size, repeats) in sorted(cohort_sizes().items()):
        have = [m for m in real if m.cohort_year == year]
        codes = {m.code for m in have}
        need_repeats = max(0, repeats - len(codes & seen))
        pool = sorted(seen - codes)
        drawn = r.sample(pool, min(need_repeats, len(pool)))
        pool = [c for c in everyone if c not in seen and c not in real_codes and c not in codes]
        drawn += r.sample(pool, max(0, size - len(have) - len(drawn)))
        year_members = have + [Membership(year, c, GENERATED, "sample") for c in drawn]
        out += year_members
        seen |= {m.code for m in year_members}
    extra = max(0, min(total_regions, len(everyone)) - len(seen))
    if extra:
        pool = [c for c in everyone if c not in seen]
        drawn = r.sample(pool, extra)
        shares = apportion(extra, {y: cohort_sizes()[y][0] for y in COHORT_YEARS})
        for year in COHORT_YEARS:
            out += [Membership(year, c, SCALE_UP, "scale-up") for c in drawn[:shares[year]]]
            drawn = drawn[shares[year]:]
    return sorted(out, key=lambda m: (m.cohort_year, m.code))


def apportion(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, ties by key)."""
    whole = sum(weights.values()) or 1
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    rest = sorted(weights, key=lambda k: (-(exact[k] - out[k]), k))
    for k in rest[: total - sum(out.values())]:
        out[k] += 1
    return out


def cohorts_of(members: Sequence[Membership]) -> dict[str, list[int]]:
    """Region code -> its sorted cohort years."""
    out: dict[str, list[int]] = {}
    for m in members:
        out.setdefault(m.code, []).append(m.cohort_year)
    return {code: sorted(years) for code, years in out.items()}


def select_regions(seed: int, members: Sequence[Membership], count: int,
                   needs: Sequence[Callable[[Region], bool]] = ()) -> list[str]:
    """The ``count`` regions that send files, spread over first cohorts in proportion.

    Real named members come first; at least one region that joined two cohorts is included,
    and, for each predicate in ``needs``, at least one region satisfying it (when possible).
    """
    years_of = cohorts_of(members)
    named = {m.code for m in members if m.origin == "real"}
    if count >= len(years_of):
        return sorted(years_of)
    r = rng(seed, "select")
    by_first: dict[int, list[str]] = {}
    for code, years in sorted(years_of.items()):
        by_first.setdefault(years[0], []).append(code)
    for codes in by_first.values():
        r.shuffle(codes)
        codes.sort(key=lambda c: c not in named)  # stable: named first, in drawn order
    shares = apportion(count, {y: len(c) for y, c in by_first.items()})
    chosen = {y: codes[:shares[y]] for y, codes in by_first.items()}
    protected: set[str] = set()
    table = regions()
    wants: list[Callable[[Region], bool]] = [lambda reg: len(years_of[reg.code]) > 1, *needs]
    for want in wants:
        if any(want(table[c]) for codes in chosen.values() for c in codes):
            protected |= {c for codes in chosen.values() for c in codes if want(table[c])}
            continue
        candidates = [c for y, codes in by_first.items() if chosen[y] for c in codes
                      if want(table[c])]
        candidates.sort(key=lambda c: c not in named)
        for code in candidates:
            year = years_of[code][0]
            victims = [c for c in reversed(chosen[year]) if c not in protected]
            if victims:
                chosen[year][chosen[year].index(victims[0])] = code
                protected.add(code)
                break
    return sorted(c for codes in chosen.values() for c in codes)


def wave_of(seed: int, code: str) -> tuple[int, str | None]:
    """(election wave, source) of a region; the source is None when the wave was drawn."""
    found = wave_rows().get(code)
    if found:
        year, source = found
        return (2015 if year == 2020 else year), source
    r = rng(seed, "wave", code)
    return r.choices(list(WAVE_WEIGHTS), weights=list(WAVE_WEIGHTS.values()))[0], None


def periods_for(seed: int, region: Region,
                omit: tuple[str, int, int] | None = None) -> list[Period]:
    """The RPJMD/RPD documents of a region, following its election wave.

    The plan before the wave's first one is derived (five years earlier), so it is always
    marked generated. ``omit`` leaves one document out, as the programme office's workbook
    does when a region's plan has not been recorded yet (see :func:`period_gaps`).
    """
    wave, source = wave_of(seed, region.code)
    r = rng(seed, "perda", region.code)
    note = (f"periode: pilkada {wave} ({source.split(' ; ')[0]}); dasar hukum: {GENERATED}"
            if source else GENERATED)
    out = []
    for i, (doc, start, end) in enumerate((*WAVE_PLANS[wave], FINAL_PLAN)):
        number = r.randint(1, 15)
        year = start if doc == "RPJMD" else start - 1
        if region.administrative:
            basis = f"Perda Provinsi DKI Jakarta Nomor {number} Tahun {year}"
        elif doc == "RPJMD":
            basis = f"Perda {region.name} Nomor {number} Tahun {year}"
        else:
            basis = f"Perkada {region.name} Nomor {number + 20} Tahun {year}"
        if (doc, start, end) != omit:
            out.append(Period(doc, start, end, basis,
                              f"{GENERATED}: plan before pilkada {wave}" if i == 0 else note))
    return out


def uncovered(periods: Sequence[Period], first: int, last: int) -> list[int]:
    """Years of ``first``..``last`` that no period covers."""
    return [y for y in range(first, last + 1) if not any(p.start <= y <= p.end for p in periods)]


GAP_SHARE = 0.08  # regions whose period list misses one document (at least one region)


def period_gaps(seed: int, codes: Sequence[str],
                years_of: dict[str, list[int]]) -> dict[str, tuple[str, int, int]]:
    """Region -> the plan document its period list leaves out, for about :data:`GAP_SHARE` of
    ``codes``: a document whose absence leaves years from the region's first cohort to the
    last plan without any plan (a gap, or no plan before the first one listed)."""
    r = rng(seed, "period-gaps")
    out: dict[str, tuple[str, int, int]] = {}
    order = sorted(codes)
    r.shuffle(order)
    want = max(1, round(GAP_SHARE * len(codes))) if len(codes) >= 10 else 0
    for code in order:
        if len(out) >= want:
            break
        full = periods_for(seed, regions()[code])
        first = years_of[code][0]
        options = [(p.document_type, p.start, p.end) for p in full[:-1]
                   if uncovered([q for q in full if q is not p], first, FINAL_PLAN[2])]
        if options:
            out[code] = r.choice(options)
    return out
