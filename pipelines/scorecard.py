"""Per-region scorecards, evaluation completeness, and the cohort summary built from them.

Completeness works like a reporting rate: per cohort and evaluation year, the member regions
expected to report, those whose evaluation was received (loaded), and those received on time:
the document date on the identity sheet of the first version received (a correction sent
later does not make an evaluation late) on or before the year's deadline; a file without a
document date is not on time. The evaluation years of a cohort run from the cohort year to the
latest evaluation year any of its regions submitted. Deadlines default to 31 December of the
evaluation year and can be set per year; a master plan is judged against the deadline of its
cohort year the same way.

A programme's progress is its latest reported figure; a region's and a cohort's mean progress
are over those figures, one per programme ever reported.

Pure pandas over warehouse tables; a table that is empty gives zeros, never an error.
"""

from collections.abc import Mapping
from datetime import date

import pandas as pd

from pipelines import spec

DIMENSION_COLUMNS = {d: "programmes_" + d.split()[-1].lower() for d in spec.DIMENSIONS}

SCORECARD_COLUMNS = [
    "cohort_year", "region_code", "region_name", "member", "masterplan_received",
    "masterplan_on_time", "programmes", "share_within_period", "evaluations_expected",
    "evaluations_received", "evaluations_on_time", "mean_progress_pct", "overdue",
    "unreported", "indicative_budget", "budget_realised", "latest_index_year",
    "latest_index", "previous_index",
]
COMPLETENESS_COLUMNS = ["cohort_year", "evaluation_year", "deadline", "expected", "received",
                        "on_time", "received_rate", "on_time_rate"]
SUMMARY_COLUMNS = [
    "cohort_year", "member_regions", "masterplans_received", "evaluations_expected",
    "evaluations_received", "evaluations_on_time", "programmes", *DIMENSION_COLUMNS.values(),
    "share_within_period", "mean_progress_pct", "median_progress_pct", "overdue",
    "unreported", "indicative_budget", "budget_realised", "index_year", "mean_index",
    "mean_index_previous_year", "index_change",
]


def deadline(year: int, deadlines: Mapping[int, date] | None = None) -> date:
    return (deadlines or {}).get(year) or date(year, 12, 31)


def _loaded(subs: pd.DataFrame, kind: str) -> pd.DataFrame:
    if subs.empty:
        return subs
    return subs[(subs["kind"] == kind) & (subs["status"] == "loaded")]


def _on_time(doc_date, year: int, deadlines) -> bool:
    return doc_date is not None and not pd.isna(doc_date) and \
        pd.Timestamp(doc_date).date() <= deadline(year, deadlines)


def _first_dates(subs: pd.DataFrame, kind: str, by: list[str]) -> dict:
    """Key -> earliest document date among the received (loaded or superseded) versions."""
    if subs.empty:
        return {}
    got = subs[(subs["kind"] == kind) & subs["status"].isin(("loaded", "superseded"))]
    got = got.dropna(subset=["document_date"])
    if got.empty:
        return {}
    first = got.groupby(by)["document_date"].min()
    return {k if isinstance(k, tuple) else (k,): v for k, v in first.items()}


def latest_progress(results: pd.DataFrame) -> pd.DataFrame:
    """The latest reported row of each (region, programme)."""
    if results.empty:
        return results
    return results.sort_values("evaluation_year").groupby(
        ["region_code", "program_code"], dropna=False).tail(1)


def completeness(cohort_year: int, members: pd.DataFrame, subs: pd.DataFrame,
                 deadlines: Mapping[int, date] | None = None) -> pd.DataFrame:
    """One row per evaluation year of the cohort: expected, received, on time."""
    evals = _loaded(subs, "evaluation")
    first = _first_dates(subs, "evaluation", ["region_code", "evaluation_year"])
    member_codes = set(members["region_code"]) if not members.empty else set()
    last = int(evals["evaluation_year"].max()) if not evals.empty else None
    rows = []
    for year in range(cohort_year, (last or cohort_year - 1) + 1):
        got = evals[evals["evaluation_year"] == year]
        received = set(got["region_code"]) & member_codes
        on_time = {code for code in received
                   if _on_time(first.get((code, year)), year, deadlines)}
        expected = len(member_codes)
        rows.append({"cohort_year": cohort_year, "evaluation_year": year,
                     "deadline": deadline(year, deadlines), "expected": expected,
                     "received": len(received), "on_time": len(on_time),
                     "received_rate": len(received) / expected if expected else None,
                     "on_time_rate": len(on_time) / expected if expected else None})
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)


def _index_by_region(scores: pd.DataFrame) -> dict[str, list[tuple[int, float]]]:
    if scores.empty:
        return {}
    total = scores[scores["component"] == spec.INDEX_TOTAL]
    out: dict[str, list[tuple[int, float]]] = {}
    for r in total.sort_values("evaluation_year").itertuples():
        out.setdefault(r.region_code, []).append((int(r.evaluation_year), float(r.score)))
    return out


def scorecards(cohort_year: int, members: pd.DataFrame, regions: pd.DataFrame,
               subs: pd.DataFrame, programs: pd.DataFrame, results: pd.DataFrame,
               scores: pd.DataFrame, alignment: pd.DataFrame,
               deadlines: Mapping[int, date] | None = None) -> pd.DataFrame:
    """One row per region of the cohort (members, and any region that submitted)."""
    plans, evals = _loaded(subs, "masterplan"), _loaded(subs, "evaluation")
    member_codes = set(members["region_code"]) if not members.empty else set()
    codes = sorted(member_codes | set(plans.get("region_code", [])) |
                   set(evals.get("region_code", [])))
    names = dict(zip(regions["region_code"], regions["name"], strict=True)) \
        if not regions.empty else {}
    comp_years = completeness(cohort_year, members, subs, deadlines)["evaluation_year"].tolist()
    first_plan = _first_dates(subs, "masterplan", ["region_code"])
    first_eval = _first_dates(subs, "evaluation", ["region_code", "evaluation_year"])
    index = _index_by_region(scores)
    latest_all = latest_progress(results)
    rows = []
    for code in codes:
        plan = plans[plans["region_code"] == code]
        ev = evals[evals["region_code"] == code]
        progs = programs[programs["region_code"] == code] if not programs.empty else programs
        al = alignment[alignment["region_code"] == code] if not alignment.empty else alignment
        res = results[results["region_code"] == code] if not results.empty else results
        latest = latest_all[latest_all["region_code"] == code] \
            if not latest_all.empty else latest_all
        hist = index.get(code, [])
        rows.append({
            "cohort_year": cohort_year, "region_code": code, "region_name": names.get(code),
            "member": code in member_codes, "masterplan_received": not plan.empty,
            "masterplan_on_time": bool(not plan.empty and _on_time(
                first_plan.get((code,)), cohort_year, deadlines)),
            "programmes": len(progs),
            "share_within_period": float((al["status"] == "within").mean())
            if not al.empty else None,
            "evaluations_expected": len(comp_years) if code in member_codes else 0,
            "evaluations_received": int(ev["evaluation_year"].nunique()) if not ev.empty else 0,
            "evaluations_on_time": sum(_on_time(first_eval.get((code, y)), y, deadlines)
                                       for y in ev["evaluation_year"].astype(int).unique()),
            "mean_progress_pct": float(latest["progress_pct"].mean())
            if not latest.empty else None,
            "overdue": int((al["delivery"] == "overdue").sum()) if not al.empty else 0,
            "unreported": int((al["delivery"] == "unreported").sum()) if not al.empty else 0,
            "indicative_budget": float(progs["indicative_budget"].sum())
            if not progs.empty else 0.0,
            "budget_realised": float(res["budget_realised"].sum()) if not res.empty else 0.0,
            "latest_index_year": hist[-1][0] if hist else None,
            "latest_index": hist[-1][1] if hist else None,
            "previous_index": hist[-2][1] if len(hist) > 1 else None,
        })
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def cohort_summary(cohort_year: int, cards: pd.DataFrame, comp: pd.DataFrame,
                   programs: pd.DataFrame, results: pd.DataFrame, alignment: pd.DataFrame,
                   scores: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary of a cohort, built from its scorecards and tables."""
    latest = latest_progress(results)
    by_dim = programs["dimension"].value_counts().to_dict() if not programs.empty else {}
    total = scores[scores["component"] == spec.INDEX_TOTAL] if not scores.empty else scores
    idx_year = mean_idx = prev_idx = None
    if not total.empty:
        idx_year = int(total["evaluation_year"].max())
        mean_idx = float(total[total["evaluation_year"] == idx_year]["score"].mean())
        prev = total[total["evaluation_year"] == idx_year - 1]
        prev_idx = float(prev["score"].mean()) if not prev.empty else None
    row = {
        "cohort_year": cohort_year,
        "member_regions": int(cards["member"].sum()) if not cards.empty else 0,
        "masterplans_received": int(cards["masterplan_received"].sum()) if not cards.empty
        else 0,
        "evaluations_expected": int(comp["expected"].sum()) if not comp.empty else 0,
        "evaluations_received": int(comp["received"].sum()) if not comp.empty else 0,
        "evaluations_on_time": int(comp["on_time"].sum()) if not comp.empty else 0,
        "programmes": len(programs),
        **{col: int(by_dim.get(dim, 0)) for dim, col in DIMENSION_COLUMNS.items()},
        "share_within_period": float((alignment["status"] == "within").mean())
        if not alignment.empty else None,
        "mean_progress_pct": float(latest["progress_pct"].mean()) if not latest.empty else None,
        "median_progress_pct": float(latest["progress_pct"].median())
        if not latest.empty else None,
        "overdue": int((alignment["delivery"] == "overdue").sum()) if not alignment.empty else 0,
        "unreported": int((alignment["delivery"] == "unreported").sum())
        if not alignment.empty else 0,
        "indicative_budget": float(programs["indicative_budget"].sum())
        if not programs.empty else 0.0,
        "budget_realised": float(results["budget_realised"].sum()) if not results.empty else 0.0,
        "index_year": idx_year, "mean_index": mean_idx, "mean_index_previous_year": prev_idx,
        "index_change": (mean_idx - prev_idx) if mean_idx is not None and prev_idx is not None
        else None,
    }
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)
