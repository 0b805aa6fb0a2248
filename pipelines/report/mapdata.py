"""What the maps show, per region, read from the warehouse (never from the raw files).

One row per region known to the warehouse's ``region`` table or to the shipped boundaries:
its cohorts (``cohort_membership``), and the key figures of its ``region_scorecard`` rows: a
region in several cohorts shows the figures of its latest cohort that has a master plan (else
its latest cohort), with evaluations counted over all its cohorts. Per evaluation year, each
member's evaluation is *on time*, *late* (received after the deadline, or undated), *missing*,
or *not expected* (that year is not an evaluation year of its cohort), from ``submission`` and
the deadlines in ``evaluation_completeness``, the same rules as the completeness table.

A region of the warehouse with no boundary, or a boundary with no region in the warehouse, is
listed in :attr:`MapData.no_boundary` / :attr:`MapData.no_region`, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sqlalchemy as sa

from pipelines import warehouse

from . import geo

REGION_COLUMNS = [
    "region_code", "name", "province_code", "province_name", "in_warehouse", "has_boundary",
    "cohorts", "first_cohort", "member", "submitted", "figures_cohort", "masterplan",
    "programmes", "share_within", "evaluations_expected", "evaluations_received",
    "evaluations_on_time", "mean_progress", "index_year", "latest_index"]
YEARLY_COLUMNS = ["region_code", "evaluation_year", "status"]
STATUSES = ("on_time", "late", "missing", "not_expected")
_RANK = {s: i for i, s in enumerate(STATUSES)}


@dataclass
class MapData:
    regions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REGION_COLUMNS))
    #: one row per (member region, evaluation year) from its cohort's year to the last year
    yearly: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=YEARLY_COLUMNS))
    no_boundary: pd.DataFrame = field(default_factory=pd.DataFrame)
    no_region: pd.DataFrame = field(default_factory=pd.DataFrame)
    cohorts: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def coverage_line(self) -> str:
        """One line for a log or metadata: how well boundaries and regions match."""
        drawn = int((self.regions["in_warehouse"] & self.regions["has_boundary"]).sum())
        line = (f"{drawn} regions drawn; {len(self.no_boundary)} in the warehouse with no "
                f"boundary; {len(self.no_region)} boundaries with no region in the warehouse")
        for label, frame in (("no boundary", self.no_boundary),
                             ("no region", self.no_region)):
            if not frame.empty:
                line += f"; {label}: " + ", ".join(
                    f"{r.region_code} {r.name}" for r in frame.head(10).itertuples())
        return line


def _best(cards: pd.DataFrame) -> pd.DataFrame:
    """Per region (the index), the scorecard row whose figures it shows: its latest cohort
    with a plan, else its latest cohort (of equal rows, the last). Typed as a groupby-apply
    of the rows would type it: each column inferred from its values."""
    cards = cards[cards["region_code"].notna()]
    best = cards.sort_values(["region_code", "masterplan_received", "cohort_year"],
                             kind="stable").drop_duplicates("region_code", keep="last")
    values = best.to_numpy()
    return pd.DataFrame(values.tolist() if values.dtype == object else values,
                        index=pd.Index(best["region_code"], name="region_code"),
                        columns=cards.columns)


def _figures(cards: pd.DataFrame) -> pd.DataFrame:
    cols = ["figures_cohort", "masterplan", "programmes", "share_within", "mean_progress",
            "index_year", "latest_index", "evaluations_expected", "evaluations_received",
            "evaluations_on_time"]
    if cards.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="region_code"))
    best = _best(cards)
    sums = cards.groupby("region_code")[["evaluations_expected", "evaluations_received",
                                         "evaluations_on_time"]].sum()
    out = pd.DataFrame({
        "figures_cohort": best["cohort_year"].astype(int),
        "masterplan": cards.groupby("region_code")["masterplan_received"].any(),
        "programmes": best["programmes"], "share_within": best["share_within_period"],
        "mean_progress": best["mean_progress_pct"], "index_year": best["latest_index_year"],
        "latest_index": best["latest_index"], **{c: sums[c] for c in sums.columns}})
    return out.reindex(columns=cols)


def _days(values: pd.Series) -> pd.Series:
    """Dates (or timestamps) as days since 1970-01-01, read as ``pd.Timestamp`` reads them,
    time of day dropped; missing: missing."""
    days = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
    return pd.Series(np.where(np.isnat(days), np.nan, days.astype(np.int64)), index=values.index)


def yearly_status(members: pd.DataFrame, subs: pd.DataFrame,
                  completeness: pd.DataFrame) -> pd.DataFrame:
    """Per member region and evaluation year, the best status over its cohorts."""
    if members.empty or completeness.empty:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    key = ["cohort_year", "region_code", "evaluation_year"]
    last = int(completeness["evaluation_year"].max())
    cohort = members["cohort_year"].astype(int).to_numpy()
    span = np.clip(last + 1 - cohort, 0, None)  # member, year: from its cohort's to the last
    if not span.sum():
        out = pd.DataFrame([], columns=YEARLY_COLUMNS)
    else:
        start = np.repeat(np.cumsum(span) - span, span)
        grid = pd.DataFrame({
            "cohort_year": np.repeat(cohort, span),
            "region_code": np.repeat(members["region_code"].to_numpy(dtype=object), span),
            "evaluation_year": np.repeat(cohort, span) + np.arange(span.sum()) - start})
        due = completeness[["cohort_year", "evaluation_year"]].astype(int).assign(
            due=_days(completeness["deadline"]), expected=True).drop_duplicates(
            ["cohort_year", "evaluation_year"], keep="last")
        evals = subs[["kind", "status", *key, "document_date"]] if not subs.empty else subs
        evals = evals[evals["kind"] == "evaluation"] if not evals.empty else evals
        received = evals[evals["status"] == "loaded"].dropna(
            subset=["cohort_year", "evaluation_year"])[key] if not evals.empty else \
            pd.DataFrame(columns=key)
        dated = evals[evals["status"].isin(("loaded", "superseded"))].dropna(
            subset=["document_date", "cohort_year", "evaluation_year", "region_code"]) \
            if not evals.empty else pd.DataFrame(columns=[*key, "document_date"])
        first = dated[key].assign(first=_days(dated["document_date"]))
        grid = grid.merge(due, how="left", on=["cohort_year", "evaluation_year"]).merge(
            _int_keys(received).drop_duplicates().assign(received=True), how="left", on=key
        ).merge(_int_keys(first).groupby(key, as_index=False)["first"].min(), how="left",
                on=key)
        on_time = grid["first"].to_numpy(dtype=float) <= grid["due"].to_numpy(dtype=float)
        status = np.select(
            [grid["expected"].isna().to_numpy(), grid["received"].isna().to_numpy(), on_time],
            ["not_expected", "missing", "on_time"], "late")
        out = pd.DataFrame({"region_code": grid["region_code"].to_numpy(dtype=object),
                            "evaluation_year": grid["evaluation_year"].to_numpy(),
                            "status": status.astype(object)})
    out["_r"] = out["status"].map(_RANK)
    out = out.sort_values("_r").drop_duplicates(["region_code", "evaluation_year"])
    return out.drop(columns="_r").sort_values(["evaluation_year", "region_code"]) \
        .reset_index(drop=True)


def _int_keys(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"cohort_year": "int64", "evaluation_year": "int64"})


def _cohort_lists(members: pd.DataFrame) -> pd.Series:
    """Region code -> its cohort years, ascending: ``"2017, 2019"``."""
    lists: dict[str, list] = {}
    for code, year in zip(members["region_code"].tolist(), members["cohort_year"].tolist(),
                          strict=True):
        if code == code:  # a missing code is no region
            lists.setdefault(code, []).append(year)
    return pd.Series({code: ", ".join(str(int(y)) for y in sorted(years))
                      for code, years in sorted(lists.items())}, dtype="str")


def build(regions: pd.DataFrame, members: pd.DataFrame, cards: pd.DataFrame,
          completeness: pd.DataFrame, subs: pd.DataFrame,
          bounds: dict[str, geo.Region] | None = None) -> MapData:
    """The maps' data from warehouse tables (``bounds``: the boundaries, default shipped)."""
    bounds = geo.boundaries() if bounds is None else bounds
    wh = regions.set_index("region_code")[["name", "province_code", "province_name"]] \
        if not regions.empty else pd.DataFrame(columns=["name", "province_code",
                                                        "province_name"])
    gb = pd.DataFrame([(r.code, r.name, r.province_code, r.province_name)
                       for r in bounds.values()],
                      columns=["region_code", "name", "province_code", "province_name"]
                      ).set_index("region_code")
    out = pd.concat([wh, gb[~gb.index.isin(wh.index)]])
    out.index.name = "region_code"
    out["in_warehouse"] = out.index.isin(wh.index)
    out["has_boundary"] = out.index.isin(gb.index)
    by_region = members.groupby("region_code")["cohort_year"] if not members.empty else None
    cohorts = _cohort_lists(members) if by_region is not None else pd.Series(dtype=object)
    out["cohorts"] = cohorts.reindex(out.index).fillna("")
    out["first_cohort"] = (by_region.min() if by_region is not None
                           else pd.Series(dtype=float)).reindex(out.index).astype("Int64")
    out["member"] = out["first_cohort"].notna()
    out = out.join(_figures(cards))
    out["masterplan"] = out["masterplan"].astype("boolean").fillna(False).astype(bool)
    out["submitted"] = out["masterplan"] | (out["evaluations_received"].fillna(0) > 0)
    out = out.reset_index().reindex(columns=REGION_COLUMNS)
    # codes of regions of interest (members, submitters) first in the gap lists
    gap_cols = ["region_code", "name", "province_name", "cohorts"]
    no_boundary = out[out["in_warehouse"] & ~out["has_boundary"]].reindex(columns=gap_cols)
    no_region = out[~out["in_warehouse"] & out["has_boundary"]].reindex(columns=gap_cols)
    yearly = yearly_status(members, subs, completeness)
    return MapData(
        regions=out, yearly=yearly, no_boundary=no_boundary.reset_index(drop=True),
        no_region=no_region.reset_index(drop=True),
        cohorts=sorted(int(c) for c in members["cohort_year"].unique()) if not members.empty
        else [],
        years=sorted(int(y) for y in yearly["evaluation_year"].unique()))


def load(engine: sa.Engine, bounds: dict[str, geo.Region] | None = None) -> MapData:
    """Read the tables the maps need from the warehouse and build :class:`MapData`."""
    warehouse.create_all(engine)
    t = {name: warehouse.read_table(engine, name) for name in (
        "region", "cohort_membership", "region_scorecard", "evaluation_completeness")}
    subs = warehouse.read_table(engine, "submission", "kind = :k", {"k": "evaluation"})
    return build(t["region"], t["cohort_membership"], t["region_scorecard"],
                 t["evaluation_completeness"], subs, bounds)
