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

Pure pandas over warehouse tables; a table that is empty gives zeros, never an error. Each
table is grouped by region once (codes factorised, rows bucketed with numpy), never filtered
per region: a national cohort (514 regions, 10 years) takes tens of milliseconds. Sums and
means add each region's rows in table order with numpy's summation, as ``Series.sum`` and
``Series.mean`` do, so the figures are the same to the last bit.
"""

from collections.abc import Mapping
from datetime import date

import numpy as np
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


_SUBMISSION_COLUMNS = ["region_code", "kind", "status", "evaluation_year", "document_date"]


def _narrow(subs: pd.DataFrame) -> pd.DataFrame:
    """The submission columns the rules read (filtering copies only these)."""
    return subs if subs.empty else subs[_SUBMISSION_COLUMNS]


def _is(frame: pd.DataFrame, column: str, *values: str) -> np.ndarray:
    """The rows whose ``column`` is one of ``values`` (missing: not), as a numpy mask."""
    col = frame[column].to_numpy(dtype=object)
    return np.logical_or.reduce([col == v for v in values]).astype(bool)


def _loaded(subs: pd.DataFrame, kind: str) -> pd.DataFrame:
    if subs.empty:
        return subs
    return subs[_is(subs, "kind", kind) & _is(subs, "status", "loaded")]


def _day(when: date) -> int:
    """Days since 1970-01-01: what the on-time rule compares."""
    return int(np.datetime64(when, "D").astype(np.int64))


def _first_days(subs: pd.DataFrame, kind: str, by: list[str]) -> dict[tuple, int]:
    """Key -> the day (:func:`_day`) of the earliest document date among the received
    (loaded or superseded) versions; a key with no dated version is absent (never on time).
    A date is read as ``pd.Timestamp`` reads it, time of day dropped."""
    if subs.empty:
        return {}
    got = subs[_is(subs, "kind", kind) & _is(subs, "status", "loaded", "superseded")
               & subs["document_date"].notna().to_numpy()]
    days = pd.to_datetime(got["document_date"]).to_numpy().astype("datetime64[D]")
    first: dict[tuple, int] = {}
    keys = zip(*(got[c].tolist() for c in by), strict=True)
    for key, day in zip(keys, days.astype(np.int64).tolist(), strict=True):
        if day < first.get(key, day + 1):
            first[key] = day
    return first


class _OnTime:
    """Whether a first document day is on or before a year's deadline (undated: not)."""

    def __init__(self, deadlines: Mapping[int, date] | None) -> None:
        self.deadlines = deadlines
        self.due: dict[int, int] = {}

    def __call__(self, day: int | None, year: int) -> bool:
        if day is None:
            return False
        if year not in self.due:
            self.due[year] = _day(deadline(year, self.deadlines))
        return day <= self.due[year]


def _evaluation_years(cohort_year: int, evals: pd.DataFrame) -> range:
    """From the cohort year to the latest evaluation year received (none: empty)."""
    last = int(evals["evaluation_year"].max()) if not evals.empty else None
    return range(cohort_year, (last or cohort_year - 1) + 1)


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="float64", na_value=np.nan)


def _mean(values: np.ndarray) -> float:
    """``Series.mean`` of the values (missing skipped; none left: NaN), summed the same way
    (numpy's pairwise summation, missing as 0)."""
    present = ~np.isnan(values)
    count = int(present.sum())
    return float(np.add.reduce(np.where(present, values, 0.0))) / count if count \
        else float("nan")


def _latest_positions(results: pd.DataFrame, regions: np.ndarray | None = None) -> np.ndarray:
    """The positions of :func:`latest_progress`'s rows, in its order: the rows sorted by
    evaluation year exactly as ``sort_values`` sorts them, the last of each (region,
    programme), missing codes included (``regions``: the region codes factorised)."""
    order = results[["evaluation_year"]].reset_index(drop=True).sort_values(
        "evaluation_year").index.to_numpy()
    if regions is None:
        regions = pd.factorize(results["region_code"].to_numpy(dtype=object))[0]
    program = pd.factorize(results["program_code"].to_numpy(dtype=object))[0] + 1  # 0: none
    key = pd.Series(((regions + 1) * (int(program.max()) + 1) + program)[order])
    return order[~key.duplicated(keep="last").to_numpy()]


def latest_progress(results: pd.DataFrame) -> pd.DataFrame:
    """The latest reported row of each (region, programme)."""
    if results.empty:
        return results
    return results.take(_latest_positions(results))


class _ByRegion:
    """The rows of a table grouped by region code (rows with no code in no group)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        codes, names = pd.factorize(frame["region_code"].to_numpy(dtype=object)) \
            if not frame.empty else (np.array([], dtype=np.intp), [])
        self.codes, self.names = codes, list(names)

    def count(self, rows: np.ndarray | None = None) -> dict[str, int]:
        """Region code -> its rows (only those where ``rows`` is true, when given)."""
        codes = self.codes if rows is None else self.codes[rows]
        counts = np.bincount(codes[codes >= 0], minlength=len(self.names))
        return {name: n for name, n in zip(self.names, counts.tolist(), strict=True) if n}

    def sums(self, values: np.ndarray, positions: np.ndarray | None = None
             ) -> dict[str, tuple[float, int]]:
        """Region code -> the sum of its values and how many are not missing. The values
        are added in table order (or in the order of ``positions``), missing as 0, with
        numpy's pairwise summation: what ``Series.sum`` of the region's rows gives."""
        codes = self.codes if positions is None else self.codes[positions]
        values = values if positions is None else values[positions]
        present = ~np.isnan(values)
        counts = np.bincount(codes[present & (codes >= 0)], minlength=len(self.names))
        order = np.argsort(codes, kind="stable")  # table order within a region
        codes, values = codes[order], np.where(present, values, 0.0)[order]
        bounds = np.searchsorted(codes, np.arange(len(self.names) + 1)).tolist()
        return {name: (float(np.add.reduce(values[a:b])), n) for name, a, b, n in zip(
            self.names, bounds[:-1], bounds[1:], counts.tolist(), strict=True) if b > a}


def completeness(cohort_year: int, members: pd.DataFrame, subs: pd.DataFrame,
                 deadlines: Mapping[int, date] | None = None) -> pd.DataFrame:
    """One row per evaluation year of the cohort: expected, received, on time."""
    subs = _narrow(subs)
    evals = _loaded(subs, "evaluation")
    member_codes = set(members["region_code"]) if not members.empty else set()
    years = _evaluation_years(cohort_year, evals)
    received: dict[float, int] = {}  # evaluation year -> member regions
    on_time: dict[float, int] = {}
    if len(years):
        first = _first_days(subs, "evaluation", ["region_code", "evaluation_year"])
        is_on_time = _OnTime(deadlines)
        got = evals[evals["region_code"].isin(member_codes)
                    & evals["evaluation_year"].isin(list(years))]
        for code, year in set(zip(got["region_code"].tolist(),
                                  got["evaluation_year"].tolist(), strict=True)):
            received[year] = received.get(year, 0) + 1
            on_time[year] = on_time.get(year, 0) + is_on_time(first.get((code, year)),
                                                              int(year))
    rows = []
    expected = len(member_codes)
    for year in years:
        n_received, n_on_time = received.get(year, 0), on_time.get(year, 0)
        rows.append({"cohort_year": cohort_year, "evaluation_year": year,
                     "deadline": deadline(year, deadlines), "expected": expected,
                     "received": n_received, "on_time": n_on_time,
                     "received_rate": n_received / expected if expected else None,
                     "on_time_rate": n_on_time / expected if expected else None})
    return pd.DataFrame(rows, columns=COMPLETENESS_COLUMNS)


def _index_by_region(scores: pd.DataFrame) -> dict[str, tuple[int, float, float | None]]:
    """Region code -> (latest index year, its index, the index reported before it)."""
    if scores.empty:
        return {}
    total = scores.loc[_is(scores, "component", spec.INDEX_TOTAL),
                       ["region_code", "evaluation_year", "score"]].sort_values("evaluation_year")
    out: dict[str, tuple[int, float, float | None]] = {}
    for code, year, score in zip(total["region_code"].tolist(),
                                 total["evaluation_year"].tolist(), total["score"].tolist(),
                                 strict=True):
        out[code] = (int(year), float(score), out[code][1] if code in out else None)
    return out


def _evaluations(evals: pd.DataFrame, first: dict, is_on_time: _OnTime
                 ) -> tuple[dict[str, int], dict[str, int]]:
    """Region code -> evaluation years received; and of those, received on time."""
    if evals.empty:
        return {}, {}
    received = {code: int(n) for code, n in evals.groupby("region_code")[
        "evaluation_year"].nunique().items()}
    on_time: dict[str, int] = {}
    for code, year in set(zip(evals["region_code"].tolist(),
                              evals["evaluation_year"].astype(int).tolist(), strict=True)):
        on_time[code] = on_time.get(code, 0) + is_on_time(first.get((code, year)), year)
    return received, on_time


def scorecards(cohort_year: int, members: pd.DataFrame, regions: pd.DataFrame,
               subs: pd.DataFrame, programs: pd.DataFrame, results: pd.DataFrame,
               scores: pd.DataFrame, alignment: pd.DataFrame,
               deadlines: Mapping[int, date] | None = None) -> pd.DataFrame:
    """One row per region of the cohort (members, and any region that submitted)."""
    subs = _narrow(subs)
    plans, evals = _loaded(subs, "masterplan"), _loaded(subs, "evaluation")
    member_codes = set(members["region_code"]) if not members.empty else set()
    planned = set(plans.get("region_code", []))
    codes = sorted(member_codes | planned | set(evals.get("region_code", [])))
    names = dict(zip(regions["region_code"], regions["name"], strict=True)) \
        if not regions.empty else {}
    n_years = len(_evaluation_years(cohort_year, evals))
    first_plan = _first_days(subs, "masterplan", ["region_code"])
    is_on_time = _OnTime(deadlines)
    received, on_time = _evaluations(
        evals, _first_days(subs, "evaluation", ["region_code", "evaluation_year"]), is_on_time)
    index = _index_by_region(scores)
    progs, res, al = _ByRegion(programs), _ByRegion(results), _ByRegion(alignment)
    n_progs = progs.count()
    budget = {code: total for code, (total, _) in progs.sums(
        _values(programs, "indicative_budget")).items()} if not programs.empty else {}
    realised = {code: total for code, (total, _) in res.sums(
        _values(results, "budget_realised")).items()} if not results.empty else {}
    progress = {code: total / n if n else float("nan") for code, (total, n) in res.sums(
        _values(results, "progress_pct"), _latest_positions(results, res.codes)).items()} \
        if not results.empty else {}
    n_aligned = al.count()
    within, overdue, unreported = ({}, {}, {}) if alignment.empty else (
        al.count(_is(alignment, "status", "within")),
        al.count(_is(alignment, "delivery", "overdue")),
        al.count(_is(alignment, "delivery", "unreported")))
    rows = []
    for code in codes:
        member, plan = code in member_codes, code in planned
        hist = index.get(code)
        rows.append((
            cohort_year, code, names.get(code), member, plan,
            plan and is_on_time(first_plan.get((code,)), cohort_year),
            n_progs.get(code, 0),
            within.get(code, 0) / n_aligned[code] if code in n_aligned else None,
            n_years if member else 0, received.get(code, 0), on_time.get(code, 0),
            progress.get(code), overdue.get(code, 0), unreported.get(code, 0),
            budget.get(code, 0.0), realised.get(code, 0.0),
            hist[0] if hist else None, hist[1] if hist else None, hist[2] if hist else None,
        ))
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def cohort_summary(cohort_year: int, cards: pd.DataFrame, comp: pd.DataFrame,
                   programs: pd.DataFrame, results: pd.DataFrame, alignment: pd.DataFrame,
                   scores: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary of a cohort, built from its scorecards and tables."""
    progress = _values(results, "progress_pct")[_latest_positions(results)] \
        if not results.empty else np.array([])
    by_dim = programs["dimension"].value_counts().to_dict() if not programs.empty else {}
    total = scores.loc[_is(scores, "component", spec.INDEX_TOTAL), ["evaluation_year", "score"]] \
        if not scores.empty else scores
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
        "share_within_period": float(_is(alignment, "status", "within").mean())
        if not alignment.empty else None,
        "mean_progress_pct": _mean(progress) if len(progress) else None,
        "median_progress_pct": float(pd.Series(progress).median()) if len(progress) else None,
        "overdue": int(_is(alignment, "delivery", "overdue").sum()) if not alignment.empty else 0,
        "unreported": int(_is(alignment, "delivery", "unreported").sum())
        if not alignment.empty else 0,
        "indicative_budget": float(programs["indicative_budget"].sum())
        if not programs.empty else 0.0,
        "budget_realised": float(results["budget_realised"].sum()) if not results.empty else 0.0,
        "index_year": idx_year, "mean_index": mean_idx, "mean_index_previous_year": prev_idx,
        "index_change": (mean_idx - prev_idx) if mean_idx is not None and prev_idx is not None
        else None,
    }
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)
