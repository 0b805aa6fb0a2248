"""Reconciling master-plan programmes with RPJMD/RPD timelines and with their evaluations.

For each programme of a current master plan: which plan documents of its region cover its
years, and a timeline status:

- ``within`` — one plan document covers every year of the programme;
- ``crosses_boundary`` — every year is covered, but by more than one document: the programme
  must be carried into the next plan;
- ``beyond_last_period`` — it runs past the end of the region's last known plan;
- ``no_plan_for_years`` — some of its years (before the first plan, or in a gap) have no
  plan document, or the region has none at all.

Against the evaluations: whether it was evaluated in a year outside its span, whether its
progress went backwards from one year to the next, and — for a programme whose end year is
before its region's latest evaluation year in the cohort — whether it is ``overdue`` (last
progress under 100 %) or ``unreported`` (never evaluated).

"Past its end year" is judged against the region's own latest evaluation, not the cohort's:
evaluations arrive region by region, so while a round is coming in, the cohort's latest year
would flag every programme of a region that has not sent it yet; and a region that sent no
evaluation at all is a completeness gap (``evaluation_completeness``), not one finding per
programme. A programme that ended before an evaluation its region did send, and is not at
100 % (or absent) in its reports, is what the planner must act on.

Each finding has a severity and a sentence a planner can act on. Pure pandas: missing inputs
give empty results, never errors.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

TIMELINE_STATUSES = ("within", "crosses_boundary", "beyond_last_period", "no_plan_for_years")
SEVERITY = {
    "crosses_boundary": "warning", "beyond_last_period": "warning",
    "no_plan_for_years": "error", "quick_win_outside_period": "warning",
    "evaluated_outside_span": "warning", "progress_backwards": "warning",
    "overdue": "error", "unreported": "error",
}

ALIGNMENT_COLUMNS = [
    "cohort_year", "region_code", "program_code", "program_name", "dimension", "horizon",
    "start_year", "end_year", "plan_documents", "status", "quick_win_outside_period",
    "evaluations", "first_evaluation_year", "last_evaluation_year", "last_progress_pct",
    "progress_backwards", "evaluated_outside_span", "delivery", "severity", "message",
    "submission_id", "sheet", "row_number",
]
FINDING_COLUMNS = ["cohort_year", "region_code", "program_code", "finding", "severity",
                   "evaluation_year", "message", "submission_id", "sheet", "row_number"]


@dataclass(frozen=True)
class Period:
    document_type: str
    start_year: int
    end_year: int

    @property
    def label(self) -> str:
        return f"{self.document_type} {self.start_year}-{self.end_year}"

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year


def timeline(start: int, end: int, periods: list[Period]) -> tuple[str, list[Period]]:
    """The timeline status of a programme spanning ``start``..``end`` and the plans it
    overlaps, in start order: :func:`_timelines` for one programme.

    ``within`` one period; ``crosses_boundary`` when every year is covered but by more than
    one; ``beyond_last_period`` when it ends after the last known plan; ``no_plan_for_years``
    when some year has no plan (or no plan is known).
    """
    plist = sorted(periods, key=lambda p: (p.start_year, p.end_year))
    statuses, pair_of, pairs = _timelines([0], [start], [end], {0: plist} if plist else {})
    return statuses[0], list(pairs[pair_of[0]][1])


def _periods_by_region(periods: pd.DataFrame) -> dict[str, list[Period]]:
    out: dict[str, list[Period]] = {}
    if periods.empty:
        return out
    for region, doc, start, end in zip(
            periods["region_code"].tolist(), periods["document_type"].tolist(),
            periods["start_year"].tolist(), periods["end_year"].tolist(), strict=True):
        out.setdefault(region, []).append(Period(doc, int(start), int(end)))
    for plist in out.values():
        plist.sort(key=lambda p: (p.start_year, p.end_year))
    return out


def _blocks(plist: list[Period]) -> list[list[int]]:
    """The region's covered years as disjoint runs [first, last] (adjacent periods merge)."""
    blocks: list[list[int]] = []
    for p in plist:  # sorted by start year
        if p.end_year < p.start_year:
            continue  # covers no year
        if blocks and p.start_year <= blocks[-1][1] + 1:
            blocks[-1][1] = max(blocks[-1][1], p.end_year)
        else:
            blocks.append([p.start_year, p.end_year])
    return blocks


def _padded(rows: list[list[tuple[int, int]]]) -> tuple[np.ndarray, np.ndarray]:
    """Per region (one row each, plus an empty last row) its (start, end) pairs, padded with
    pairs that overlap and contain nothing."""
    width = max([len(r) for r in rows] + [1])
    lo = np.full((len(rows) + 1, width), np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full((len(rows) + 1, width), np.iinfo(np.int64).min, dtype=np.int64)
    for i, row in enumerate(rows):
        for k, (s, e) in enumerate(row):
            lo[i, k], hi[i, k] = s, e
    return lo, hi


def _timelines(regions: list, starts: list[int], ends: list[int],
               by_region: dict[Any, list[Period]]) -> tuple[list[str], list[int], list[tuple]]:
    """:func:`timeline` for every programme at once.

    The same rules, on arrays: a programme's years are all covered exactly when one run of
    consecutive covered years (:func:`_blocks`) holds them. Returns the statuses, and for each
    programme an index into the distinct (region, covering periods) pairs, also returned.
    """
    keys = list(by_region)
    plists = [by_region[k] for k in keys]
    where = {k: i for i, k in enumerate(keys)}
    sel = np.array([where.get(r, len(keys)) for r in regions], dtype=np.int64)
    start = np.array(starts, dtype=np.int64)[:, None]
    end = np.array(ends, dtype=np.int64)[:, None]
    p_lo, p_hi = _padded([[(p.start_year, p.end_year) for p in pl] for pl in plists])
    b_lo, b_hi = _padded([[(s, e) for s, e in _blocks(pl)] for pl in plists])
    last_end = np.array([max(p.end_year for p in pl) for pl in plists] + [0], dtype=np.int64)
    lo, hi = p_lo[sel], p_hi[sel]
    overlap = (lo <= end) & (hi >= start)
    within = ((lo <= start) & (end <= hi)).any(axis=1)
    covered = ((b_lo[sel] <= start) & (end <= b_hi[sel])).any(axis=1)
    start, end = start[:, 0], end[:, 0]
    status = np.select(
        [sel == len(keys), end > last_end[sel], (start <= end) & ~covered, within],
        ["no_plan_for_years", "beyond_last_period", "no_plan_for_years", "within"],
        "crosses_boundary").tolist()
    uniq, inverse = np.unique(np.column_stack([sel, overlap]), axis=0, return_inverse=True)
    padded = [*plists, []]
    pairs = [(padded[row[0]], tuple(padded[row[0]][k] for k in np.flatnonzero(row[1:])))
             for row in uniq]
    return status, inverse.reshape(-1).tolist(), pairs


class _History:
    """Evaluations grouped by (region, programme code), each group in year order."""

    def __init__(self, evals: pd.DataFrame) -> None:
        self.group: dict[tuple, int] = {}
        self.years: list[int] = []
        self.pcts: list[float] = []
        if evals.empty:
            return
        ordered = evals.sort_values(["region_code", "program_code", "evaluation_year"],
                                    kind="stable")
        regions = np.array(ordered["region_code"].tolist(), dtype=object)
        codes = np.array(ordered["program_code"].tolist(), dtype=object)
        self.years = [int(y) for y in ordered["evaluation_year"].tolist()]
        self.pcts = [float(p) for p in ordered["progress_pct"].tolist()]
        new = np.ones(len(regions), dtype=bool)
        new[1:] = (regions[1:] != regions[:-1]) | (codes[1:] != codes[:-1])
        first = np.flatnonzero(new)
        years = np.array(self.years, dtype=np.int64)
        pcts = np.array(self.pcts, dtype=np.float64)
        back = np.zeros(len(regions), dtype=bool)
        back[1:] = ~new[1:] & (pcts[1:] < pcts[:-1])
        self.lo = first.tolist()
        self.hi = [*first[1:].tolist(), len(regions)]
        self.min_year = np.minimum.reduceat(years, first).tolist()
        self.max_year = np.maximum.reduceat(years, first).tolist()
        self.backwards = np.logical_or.reduceat(back, first).tolist()
        self.group = {(regions[i], codes[i]): g for g, i in enumerate(self.lo)}


def _timeline_message(status: str, covering: tuple[Period, ...],
                      periods: list[Period]) -> str:
    """What follows "'<programme name>' (<start>-<end>)" in the programme's message."""
    if status == "within":
        return f" lies within {covering[0].label}."
    if status == "crosses_boundary":
        docs = ", ".join(p.label for p in covering)
        return f" spans {docs}: carry it into the next plan document's programmes and budget."
    if status == "beyond_last_period":
        last = max(periods, key=lambda p: p.end_year)
        return (f" runs past the last known plan ({last.label}): confirm it in the next RPJMD "
                "or shorten it.")
    if not periods:
        return ": no RPJMD/RPD is known for this region; send the plan periods."
    return " has years with no RPJMD/RPD: check the plan periods or the programme years."


def reconcile(programs: pd.DataFrame, periods: pd.DataFrame,
              results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``program_alignment`` (one row per programme) and the findings (one row per finding).

    ``programs`` has the columns of ``masterplan_program``, ``periods`` of ``rpjmd_period``,
    ``results`` of ``evaluation_result`` (``program_code`` already matched to the plan).
    Timelines and evaluation histories are computed on arrays; rows and messages are then
    assembled programme by programme, findings in the order they are found.
    """
    if programs.empty:
        return (pd.DataFrame(columns=ALIGNMENT_COLUMNS), pd.DataFrame(columns=FINDING_COLUMNS))
    by_region = _periods_by_region(periods)
    evals = results.dropna(subset=["program_code"]) if not results.empty else results
    as_of = (results.groupby(["cohort_year", "region_code"])["evaluation_year"].max().to_dict()
             if not results.empty else {})
    hist = _History(evals)
    years, pcts = hist.years, hist.pcts
    cohorts, regions, codes, names, horizons = (programs[c].tolist() for c in (
        "cohort_year", "region_code", "program_code", "program_name", "horizon"))
    starts = [int(v) for v in programs["start_year"].tolist()]
    ends = [int(v) for v in programs["end_year"].tolist()]
    statuses, pair_of, pairs = _timelines(regions, starts, ends, by_region)
    docs = ["; ".join(p.label for p in covering) or None for _, covering in pairs]
    endings: dict[tuple[str, int], str] = {}  # (status, pair) -> end of the message
    messages, qw_outs, deliveries, severities = [], [], [], []
    stats: list[tuple] = []  # per programme: evaluations, first/last year, last %, ...
    findings: list[tuple] = []  # (programme, finding, severity, evaluation year, message)
    for i, (cohort, region, code, name, horizon, start, end, status, pair) in enumerate(zip(
            cohorts, regions, codes, names, horizons, starts, ends, statuses, pair_of,
            strict=True)):
        n_found, error = len(findings), False
        ending = endings.get((status, pair))
        if ending is None:
            ending = endings[status, pair] = _timeline_message(status, pairs[pair][1],
                                                               pairs[pair][0])
        message = f"'{name}' ({start}-{end}){ending}"
        if status != "within":
            findings.append((i, status, SEVERITY[status], None, message))
            error = SEVERITY[status] == "error"
        qw_out = horizon == "Quick Win" and status != "within"
        if qw_out:
            findings.append((i, "quick_win_outside_period",
                             SEVERITY["quick_win_outside_period"], None,
                             f"quick win '{name}' is not inside one plan period: a quick win "
                             "should deliver within the current RPJMD/RPD."))
        n_eval, first_y, last_y, last_pct, backwards, outside = 0, None, None, None, False, 0
        g = hist.group.get((region, code))
        if g is not None:
            lo, hi = hist.lo[g], hist.hi[g]
            n_eval, first_y, last_y, last_pct = hi - lo, years[lo], years[hi - 1], pcts[hi - 1]
            backwards = hist.backwards[g]
            if backwards or hist.min_year[g] < start or hist.max_year[g] > end:
                for j in range(lo, hi):
                    y, pct = years[j], pcts[j]
                    if y < start or y > end:
                        outside += 1
                        findings.append((i, "evaluated_outside_span",
                                         SEVERITY["evaluated_outside_span"], y,
                                         f"'{name}' was evaluated in {y}, outside its years "
                                         f"{start}-{end}: check the programme years or the "
                                         "evaluation."))
                    if j > lo and pct < pcts[j - 1]:
                        findings.append((i, "progress_backwards", SEVERITY["progress_backwards"],
                                         y, f"progress of '{name}' went from {pcts[j - 1]:g}% in "
                                            f"{years[j - 1]} to {pct:g}% in {y}: correct the "
                                            "figure or explain the setback."))
        region_as_of = as_of.get((cohort, region))
        delivery = "not_due"
        if region_as_of is not None and end < region_as_of:
            if n_eval == 0:
                delivery, error = "unreported", True
                findings.append((i, "unreported", SEVERITY["unreported"], None,
                                 f"'{name}' ended in {end} and was never reported on: report "
                                 "its final status in the next evaluation."))
            elif last_pct is not None and last_pct < 100:
                delivery, error = "overdue", True
                findings.append((i, "overdue", SEVERITY["overdue"], None,
                                 f"'{name}' should have finished in {end} but was at "
                                 f"{last_pct:g}% in {last_y}: set a new end year or close it."))
            else:
                delivery = "completed"
        elif last_pct is not None and last_pct >= 100:
            delivery = "completed"
        elif n_eval:
            delivery = "in_progress"
        messages.append(message)
        qw_outs.append(qw_out)
        deliveries.append(delivery)
        severities.append("error" if error else ("warning" if len(findings) > n_found
                                                 else "ok"))
        stats.append((n_eval, first_y, last_y, last_pct, backwards, outside))
    lineage = [programs[c].tolist() for c in ("submission_id", "sheet", "row_number")]
    rows = zip(cohorts, regions, codes, names, programs["dimension"].tolist(), horizons, starts,
               ends, [docs[p] for p in pair_of], statuses, qw_outs, *zip(*stats, strict=True),
               deliveries, severities, messages, *lineage, strict=True)
    found = [(cohorts[i], regions[i], codes[i], kind, severity, year, message,
              *(col[i] for col in lineage)) for i, kind, severity, year, message in findings]
    return (pd.DataFrame(list(rows), columns=ALIGNMENT_COLUMNS),
            pd.DataFrame(found, columns=FINDING_COLUMNS))
