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
    """The timeline status of a programme spanning ``start``..``end`` and the covering plans."""
    covering = [p for p in periods if p.start_year <= end and p.end_year >= start]
    if not periods:
        return "no_plan_for_years", covering
    years = range(start, end + 1)
    last_end = max(p.end_year for p in periods)
    if end > last_end:
        return "beyond_last_period", covering
    if any(not any(p.covers(y) for p in periods) for y in years):
        return "no_plan_for_years", covering
    if any(p.start_year <= start and end <= p.end_year for p in periods):
        return "within", covering
    return "crosses_boundary", covering


def _periods_by_region(periods: pd.DataFrame) -> dict[str, list[Period]]:
    out: dict[str, list[Period]] = {}
    for row in periods.itertuples(index=False):
        out.setdefault(row.region_code, []).append(
            Period(row.document_type, int(row.start_year), int(row.end_year)))
    for plist in out.values():
        plist.sort(key=lambda p: (p.start_year, p.end_year))
    return out


def _history(evals: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """(region, programme) -> its (evaluation year, progress) in year order."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    if evals.empty:
        return out
    ordered = evals.sort_values(["region_code", "program_code", "evaluation_year"],
                                kind="stable")
    for region, code, year, pct in zip(
            ordered["region_code"].tolist(), ordered["program_code"].tolist(),
            ordered["evaluation_year"].tolist(), ordered["progress_pct"].tolist(), strict=True):
        out.setdefault((region, code), []).append((int(year), float(pct)))
    return out


def _timeline_message(status: str, name: str, start: int, end: int,
                      covering: list[Period], periods: list[Period]) -> str:
    span = f"'{name}' ({start}-{end})"
    if status == "within":
        return f"{span} lies within {covering[0].label}."
    if status == "crosses_boundary":
        docs = ", ".join(p.label for p in covering)
        return (f"{span} spans {docs}: carry it into the next plan document's programmes "
                "and budget.")
    if status == "beyond_last_period":
        last = max(periods, key=lambda p: p.end_year)
        return (f"{span} runs past the last known plan ({last.label}): confirm it in the next "
                "RPJMD or shorten it.")
    if not periods:
        return f"{span}: no RPJMD/RPD is known for this region; send the plan periods."
    return f"{span} has years with no RPJMD/RPD: check the plan periods or the programme years."


def reconcile(programs: pd.DataFrame, periods: pd.DataFrame,
              results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``program_alignment`` (one row per programme) and the findings (one row per finding).

    ``programs`` has the columns of ``masterplan_program``, ``periods`` of ``rpjmd_period``,
    ``results`` of ``evaluation_result`` (``program_code`` already matched to the plan).
    """
    if programs.empty:
        return (pd.DataFrame(columns=ALIGNMENT_COLUMNS), pd.DataFrame(columns=FINDING_COLUMNS))
    by_region = _periods_by_region(periods)
    evals = results.dropna(subset=["program_code"]) if not results.empty else results
    as_of = (results.groupby(["cohort_year", "region_code"])["evaluation_year"].max().to_dict()
             if not results.empty else {})
    history = _history(evals)
    rows, findings = [], []
    for p in programs.itertuples(index=False):
        start, end = int(p.start_year), int(p.end_year)
        plist = by_region.get(p.region_code, [])
        status, covering = timeline(start, end, plist)
        lineage = {"submission_id": p.submission_id, "sheet": p.sheet,
                   "row_number": p.row_number}
        base = {"cohort_year": p.cohort_year, "region_code": p.region_code,
                "program_code": p.program_code, **lineage}

        mine: list[dict] = []

        def find(kind: str, message: str, year: int | None = None) -> None:
            mine.append({**base, "finding": kind, "severity": SEVERITY[kind],  # noqa: B023
                         "evaluation_year": year, "message": message})

        message = _timeline_message(status, p.program_name, start, end, covering, plist)
        if status != "within":
            find(status, message)
        qw_out = p.horizon == "Quick Win" and status != "within"
        if qw_out:
            find("quick_win_outside_period",
                 f"quick win '{p.program_name}' is not inside one plan period: a quick win "
                 "should deliver within the current RPJMD/RPD.")
        hist = history.get((p.region_code, p.program_code), [])
        n_eval, first_y, last_y, last_pct, backwards, outside = 0, None, None, None, False, 0
        if hist:
            n_eval = len(hist)
            first_y, last_y, last_pct = hist[0][0], hist[-1][0], hist[-1][1]
            prev: tuple[int, float] | None = None
            for y, pct in hist:
                if y < start or y > end:
                    outside += 1
                    find("evaluated_outside_span",
                         f"'{p.program_name}' was evaluated in {y}, outside its years "
                         f"{start}-{end}: check the programme years or the evaluation.", y)
                if prev is not None and pct < prev[1]:
                    backwards = True
                    find("progress_backwards",
                         f"progress of '{p.program_name}' went from {prev[1]:g}% in {prev[0]} "
                         f"to {pct:g}% in {y}: correct the figure or explain the setback.", y)
                prev = (y, pct)
        region_as_of = as_of.get((p.cohort_year, p.region_code))
        delivery = "not_due"
        if region_as_of is not None and end < region_as_of:
            if n_eval == 0:
                delivery = "unreported"
                find("unreported", f"'{p.program_name}' ended in {end} and was never reported "
                                   "on: report its final status in the next evaluation.")
            elif last_pct is not None and last_pct < 100:
                delivery = "overdue"
                find("overdue", f"'{p.program_name}' should have finished in {end} but was "
                                f"at {last_pct:g}% in {last_y}: set a new end year or close "
                                "it.")
            else:
                delivery = "completed"
        elif last_pct is not None and last_pct >= 100:
            delivery = "completed"
        elif n_eval:
            delivery = "in_progress"
        findings.extend(mine)
        worst = {f["severity"] for f in mine}
        severity = "error" if "error" in worst else ("warning" if worst else "ok")
        rows.append({**base, "program_name": p.program_name, "dimension": p.dimension,
                     "horizon": p.horizon, "start_year": start, "end_year": end,
                     "plan_documents": "; ".join(c.label for c in covering) or None,
                     "status": status, "quick_win_outside_period": qw_out,
                     "evaluations": n_eval, "first_evaluation_year": first_y,
                     "last_evaluation_year": last_y, "last_progress_pct": last_pct,
                     "progress_backwards": backwards, "evaluated_outside_span": outside,
                     "delivery": delivery, "severity": severity, "message": message})
    return (pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS),
            pd.DataFrame(findings, columns=FINDING_COLUMNS))
