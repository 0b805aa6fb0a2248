"""The vectorised scorecards, map figures and boundary simplification give exactly what the
per-region code they replaced gave: the same columns, dtypes, values (to the last bit) and
row order. The references below are that code, kept here only as the specification; the
inputs are random tables with the awkward cases mixed in (missing dates, codes and figures,
regions in several cohorts, programmes reported twice in a year, empty tables).

No timings: how fast is measured by hand (``bench/``), never asserted in a test.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipelines import scorecard, spec
from pipelines.report import geo, mapdata

# --------------------------------------------------------------------------- references


def _ref_on_time(doc_date, year, deadlines) -> bool:
    return doc_date is not None and not pd.isna(doc_date) and \
        pd.Timestamp(doc_date).date() <= scorecard.deadline(year, deadlines)


def _ref_first_dates(subs, kind, by) -> dict:
    got = subs[(subs["kind"] == kind) & subs["status"].isin(("loaded", "superseded"))]
    got = got.dropna(subset=["document_date"])
    first = got.groupby(by)["document_date"].min() if not got.empty else {}
    return {k if isinstance(k, tuple) else (k,): v for k, v in dict(first).items()}


def _ref_scorecards(cohort_year, members, regions, subs, programs, results, scores,
                    alignment, deadlines) -> pd.DataFrame:
    loaded = subs[subs["status"] == "loaded"]
    plans, evals = loaded[loaded["kind"] == "masterplan"], loaded[loaded["kind"] == "evaluation"]
    member_codes = set(members["region_code"])
    codes = sorted(member_codes | set(plans["region_code"]) | set(evals["region_code"]))
    names = dict(zip(regions["region_code"], regions["name"], strict=True))
    n_years = len(scorecard.completeness(cohort_year, members, subs, deadlines))
    first_plan = _ref_first_dates(subs, "masterplan", ["region_code"])
    first_eval = _ref_first_dates(subs, "evaluation", ["region_code", "evaluation_year"])
    total = scores[scores["component"] == spec.INDEX_TOTAL].sort_values("evaluation_year")
    latest_all = results.sort_values("evaluation_year").groupby(
        ["region_code", "program_code"], dropna=False).tail(1)
    rows = []
    for code in codes:
        plan, ev = plans[plans["region_code"] == code], evals[evals["region_code"] == code]
        progs, al = programs[programs["region_code"] == code], \
            alignment[alignment["region_code"] == code]
        res, latest = results[results["region_code"] == code], \
            latest_all[latest_all["region_code"] == code]
        hist = [(int(y), float(s)) for y, s in zip(
            total.loc[total["region_code"] == code, "evaluation_year"],
            total.loc[total["region_code"] == code, "score"], strict=True)]
        rows.append({
            "cohort_year": cohort_year, "region_code": code, "region_name": names.get(code),
            "member": code in member_codes, "masterplan_received": not plan.empty,
            "masterplan_on_time": bool(not plan.empty and _ref_on_time(
                first_plan.get((code,)), cohort_year, deadlines)),
            "programmes": len(progs),
            "share_within_period": float((al["status"] == "within").mean())
            if not al.empty else None,
            "evaluations_expected": n_years if code in member_codes else 0,
            "evaluations_received": int(ev["evaluation_year"].nunique()) if not ev.empty else 0,
            "evaluations_on_time": sum(_ref_on_time(first_eval.get((code, y)), y, deadlines)
                                       for y in ev["evaluation_year"].astype(int).unique()),
            "mean_progress_pct": float(latest["progress_pct"].mean())
            if not latest.empty else None,
            "overdue": int((al["delivery"] == "overdue").sum()),
            "unreported": int((al["delivery"] == "unreported").sum()),
            "indicative_budget": float(progs["indicative_budget"].sum())
            if not progs.empty else 0.0,
            "budget_realised": float(res["budget_realised"].sum()) if not res.empty else 0.0,
            "latest_index_year": hist[-1][0] if hist else None,
            "latest_index": hist[-1][1] if hist else None,
            "previous_index": hist[-2][1] if len(hist) > 1 else None,
        })
    return pd.DataFrame(rows, columns=scorecard.SCORECARD_COLUMNS)


def _ref_completeness(cohort_year, members, subs, deadlines) -> list[tuple]:
    evals = subs[(subs["kind"] == "evaluation") & (subs["status"] == "loaded")]
    first = _ref_first_dates(subs, "evaluation", ["region_code", "evaluation_year"])
    codes = set(members["region_code"])
    last = int(evals["evaluation_year"].max()) if not evals.empty else cohort_year - 1
    out = []
    for year in range(cohort_year, last + 1):
        got = set(evals.loc[evals["evaluation_year"] == year, "region_code"]) & codes
        out.append((year, len(got), sum(_ref_on_time(first.get((c, year)), year, deadlines)
                                        for c in got)))
    return out


# --------------------------------------------------------------------------- random tables


def _tables(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    codes = [f"11.{i:02d}" for i in range(1, 41)]

    def pick(values, n, missing=0.0):
        out = rng.choice(np.array(values, dtype=object), n)
        out[rng.random(n) < missing] = None
        return out

    def floats(n, missing=0.1, scale=1e9):
        out = np.round(rng.random(n) * scale, 2)
        out[rng.random(n) < missing] = np.nan
        return out

    n = 300
    kind = pick(["masterplan", "evaluation", "evaluation"], n)
    dates = [None if rng.random() < 0.1 else date(2020, 1, 1) + pd.Timedelta(days=int(d))
             for d in rng.integers(0, 1900, n)]
    subs = pd.DataFrame({
        "region_code": pick([*codes, "99.01"], n), "kind": kind,
        "status": pick(["loaded", "loaded", "superseded", "rejected"], n),
        "evaluation_year": np.where(kind == "evaluation", rng.integers(2020, 2025, n), np.nan),
        "document_date": pd.Series(dates, dtype=object), "cohort_year": 2020})
    m = 1500
    return {
        "members": pd.DataFrame({"cohort_year": 2020,
                                 "region_code": rng.choice(codes, 25, replace=False)}),
        "regions": pd.DataFrame({"region_code": codes, "name": pick(["Kota A", "Kab B"], 40,
                                                                    missing=0.1)}),
        "subs": subs,
        "programs": pd.DataFrame({"region_code": pick(codes, m), "indicative_budget": floats(m),
                                  "dimension": pick(list(spec.DIMENSIONS), m)}),
        "results": pd.DataFrame({"region_code": pick(codes, m, missing=0.01),
                                 "program_code": pick([f"P{i}" for i in range(9)], m, 0.01),
                                 "evaluation_year": rng.integers(2020, 2025, m),
                                 "progress_pct": floats(m, 0.1, 100.0),
                                 "budget_realised": floats(m)}),
        "scores": pd.DataFrame({"region_code": pick(codes, 400),
                                "evaluation_year": rng.integers(2020, 2025, 400),
                                "component": pick([spec.INDEX_TOTAL, "Output"], 400),
                                "score": floats(400, 0.0, 5.0)}),
        "alignment": pd.DataFrame({"region_code": pick(codes, m),
                                   "status": pick(["within", "outside"], m, missing=0.1),
                                   "delivery": pick(["overdue", "unreported", "completed"], m)}),
    }


DEADLINES = [None, {2021: date(2022, 3, 31), 2023: date(2023, 6, 30)}]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("deadlines", DEADLINES)
def test_scorecards_are_those_of_filtering_each_region(seed, deadlines):
    t = _tables(seed)
    if seed == 5:  # no programmes, results, scores or alignment yet
        t.update({k: t[k].iloc[:0] for k in ("programs", "results", "scores", "alignment")})
    args = (2020, t["members"], t["regions"], t["subs"], t["programs"], t["results"],
            t["scores"], t["alignment"], deadlines)
    got = scorecard.scorecards(*args)
    pd.testing.assert_frame_equal(got, _ref_scorecards(*args), check_exact=True)
    comp = scorecard.completeness(2020, t["members"], t["subs"], deadlines)
    assert list(zip(comp["evaluation_year"], comp["received"], comp["on_time"], strict=True)) \
        == _ref_completeness(2020, t["members"], t["subs"], deadlines)
    latest = scorecard.latest_progress(t["results"])
    pd.testing.assert_frame_equal(latest, t["results"].sort_values("evaluation_year").groupby(
        ["region_code", "program_code"], dropna=False).tail(1), check_exact=True)
    summary = scorecard.cohort_summary(2020, got, comp, t["programs"], t["results"],
                                       t["alignment"], t["scores"])
    if not latest.empty:
        assert summary.loc[0, "mean_progress_pct"] == float(latest["progress_pct"].mean())
        assert summary.loc[0, "median_progress_pct"] == float(latest["progress_pct"].median())


# --------------------------------------------------------------------------- maps


def _ref_best(cards: pd.DataFrame) -> pd.DataFrame:
    return cards.groupby("region_code")[cards.columns.tolist()].apply(
        lambda g: g.sort_values(["masterplan_received", "cohort_year"]).iloc[-1])


def _ref_yearly(members, subs, completeness) -> pd.DataFrame:
    evals = subs[subs["kind"] == "evaluation"]
    loaded = evals[evals["status"] == "loaded"].dropna(subset=["cohort_year", "evaluation_year"])
    got = {(int(c), r, int(y)) for c, r, y in zip(
        loaded["cohort_year"], loaded["region_code"], loaded["evaluation_year"], strict=True)}
    dated = evals[evals["status"].isin(("loaded", "superseded"))].dropna(
        subset=["document_date", "cohort_year", "evaluation_year"])
    first = dated.groupby(["cohort_year", "region_code", "evaluation_year"])[
        "document_date"].min().to_dict()
    due = {(int(c), int(y)): d for c, y, d in zip(
        completeness["cohort_year"], completeness["evaluation_year"], completeness["deadline"],
        strict=True)}
    last, rows = int(completeness["evaluation_year"].max()), []
    for cohort, code in zip(members["cohort_year"], members["region_code"], strict=True):
        for year in range(int(cohort), last + 1):
            when = first.get((cohort, code, year))
            status = "not_expected" if (cohort, year) not in due else "missing" if (
                cohort, code, year) not in got else "on_time" if when is not None and \
                pd.Timestamp(when).date() <= due[(cohort, year)] else "late"
            rows.append((code, year, status))
    out = pd.DataFrame(rows, columns=mapdata.YEARLY_COLUMNS)
    out["_r"] = out["status"].map(mapdata._RANK)
    out = out.sort_values("_r").drop_duplicates(["region_code", "evaluation_year"])
    return out.drop(columns="_r").sort_values(["evaluation_year", "region_code"]) \
        .reset_index(drop=True)


@pytest.mark.parametrize("seed", range(4))
def test_map_figures_and_yearly_status_are_those_of_the_per_region_code(seed):
    rng = np.random.default_rng(seed)
    codes = [f"12.{i:02d}" for i in range(1, 31)]
    members = pd.DataFrame({"cohort_year": rng.choice([2020, 2021, 2022], 40),
                            "region_code": rng.choice(codes, 40)}).drop_duplicates()
    cards = members.assign(
        masterplan_received=rng.random(len(members)) < 0.6,
        programmes=rng.integers(0, 50, len(members)),
        share_within_period=np.where(rng.random(len(members)) < 0.2, np.nan,
                                     rng.random(len(members))))
    best = mapdata._best(cards)
    pd.testing.assert_frame_equal(best, _ref_best(cards), check_exact=True)
    n = 200
    subs = pd.DataFrame({
        "kind": rng.choice(["evaluation", "masterplan"], n, p=[0.9, 0.1]),
        "status": rng.choice(["loaded", "superseded", "rejected"], n),
        "cohort_year": rng.choice([2020, 2021, 2022], n), "region_code": rng.choice(codes, n),
        "evaluation_year": rng.integers(2020, 2025, n).astype(float),
        "document_date": pd.Series([None if rng.random() < 0.1 else date(2020, 6, 1)
                                    + pd.Timedelta(days=int(d))
                                    for d in rng.integers(0, 1700, n)], dtype=object)})
    comp = pd.DataFrame([(c, y, date(y, 12, 31)) for c in (2020, 2021, 2022)
                         for y in range(c, 2025) if rng.random() < 0.9],
                        columns=["cohort_year", "evaluation_year", "deadline"])
    for got in (subs, subs.iloc[:0]):  # and with no evaluation received yet
        pd.testing.assert_frame_equal(mapdata.yearly_status(members, got, comp),
                                      _ref_yearly(members, got, comp), check_exact=True)


# --------------------------------------------------------------------------- boundaries


def test_simplifying_all_rings_at_once_keeps_the_points_one_ring_at_a_time_keeps():
    rng = np.random.default_rng(7)
    rings = []
    for k in range(600):
        n = int(rng.integers(0, 40))
        pts = [rng.normal(size=(n, 2)),  # ragged
               rng.integers(0, 3, size=(n, 2)) * 0.01,  # ties in distance, repeated points
               np.column_stack([np.sort(rng.random(n))] * 2),  # collinear
               np.ones((n, 2))][k % 4]  # one point over and over
        rings.append(np.vstack([pts, pts[:1]]) if n else pts.reshape(0, 2))
    for tol in (0.0, 0.005, 0.3):
        for got, ring in zip(geo.simplify_rings(rings, tol), rings, strict=True):
            want = geo.simplify_ring(ring, tol)
            assert (got is None) == (want is None)
            assert got is None or (got.shape == want.shape and (got == want).all())
