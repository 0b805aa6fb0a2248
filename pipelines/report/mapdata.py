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


def _best(group: pd.DataFrame) -> pd.Series:
    """The scorecard row whose figures a region shows: latest cohort with a plan, else latest."""
    ordered = group.sort_values(["masterplan_received", "cohort_year"])
    return ordered.iloc[-1]


def _figures(cards: pd.DataFrame) -> pd.DataFrame:
    cols = ["figures_cohort", "masterplan", "programmes", "share_within", "mean_progress",
            "index_year", "latest_index", "evaluations_expected", "evaluations_received",
            "evaluations_on_time"]
    if cards.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="region_code"))
    best = cards.groupby("region_code")[cards.columns.tolist()].apply(_best)
    sums = cards.groupby("region_code")[["evaluations_expected", "evaluations_received",
                                         "evaluations_on_time"]].sum()
    out = pd.DataFrame({
        "figures_cohort": best["cohort_year"].astype(int),
        "masterplan": cards.groupby("region_code")["masterplan_received"].any(),
        "programmes": best["programmes"], "share_within": best["share_within_period"],
        "mean_progress": best["mean_progress_pct"], "index_year": best["latest_index_year"],
        "latest_index": best["latest_index"], **{c: sums[c] for c in sums.columns}})
    return out.reindex(columns=cols)


def yearly_status(members: pd.DataFrame, subs: pd.DataFrame,
                  completeness: pd.DataFrame) -> pd.DataFrame:
    """Per member region and evaluation year, the best status over its cohorts."""
    if members.empty or completeness.empty:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    evals = subs[subs["kind"] == "evaluation"] if not subs.empty else subs
    loaded = evals[evals["status"] == "loaded"] if not evals.empty else evals
    got = {(int(r.cohort_year), r.region_code, int(r.evaluation_year))
           for r in loaded.dropna(subset=["cohort_year", "evaluation_year"]).itertuples()}
    dated = evals[evals["status"].isin(("loaded", "superseded"))].dropna(
        subset=["document_date", "cohort_year", "evaluation_year"]) if not evals.empty else evals
    first = {} if dated.empty else dated.groupby(
        ["cohort_year", "region_code", "evaluation_year"])["document_date"].min().to_dict()
    deadlines = {(int(r.cohort_year), int(r.evaluation_year)): r.deadline
                 for r in completeness.itertuples()}
    last = int(completeness["evaluation_year"].max())
    rows = []
    for m in members.itertuples():
        cohort = int(m.cohort_year)
        for year in range(cohort, last + 1):
            if (cohort, year) not in deadlines:
                status = "not_expected"
            elif (cohort, m.region_code, year) not in got:
                status = "missing"
            else:
                when = first.get((cohort, m.region_code, year))
                on_time = when is not None and not pd.isna(when) and \
                    pd.Timestamp(when).date() <= pd.Timestamp(deadlines[(cohort, year)]).date()
                status = "on_time" if on_time else "late"
            rows.append((m.region_code, year, status))
    out = pd.DataFrame(rows, columns=YEARLY_COLUMNS)
    out["_r"] = out["status"].map(_RANK)
    out = out.sort_values("_r").drop_duplicates(["region_code", "evaluation_year"])
    return out.drop(columns="_r").sort_values(["evaluation_year", "region_code"]) \
        .reset_index(drop=True)


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
    cohorts = by_region.apply(lambda s: ", ".join(str(int(y)) for y in sorted(s))) \
        if by_region is not None else pd.Series(dtype=object)
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
