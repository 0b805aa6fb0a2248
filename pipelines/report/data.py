"""The report's tables, read from the warehouse: what the workbook and the page show.

Each table is a plain DataFrame whose columns are described once in :data:`COLUMNS` (label
and number format), so the workbook and the HTML table format them the same way. An empty
warehouse gives empty tables (with their columns), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pipelines import scorecard, spec, warehouse
from pipelines.reconcile import SEVERITY, TIMELINE_STATUSES

from . import mapdata
from .mapdata import MapData

#: Column -> (label, format). Formats: int, year, rupiah, share (a fraction shown as %),
#: pct (a percentage already 0-100), index (2 decimals), date, bool, text.
COLUMNS: dict[str, tuple[str, str]] = {
    "cohort_year": ("Cohort", "year"), "evaluation_year": ("Evaluation year", "year"),
    "member_regions": ("Member regions", "int"),
    "masterplans_received": ("Master plans received", "int"),
    "evaluations_expected": ("Evaluations expected", "int"),
    "evaluations_received": ("Evaluations received", "int"),
    "evaluations_on_time": ("Evaluations on time", "int"),
    "programmes": ("Programmes", "int"),
    **{col: (f"{dim} programmes", "int") for dim, col in scorecard.DIMENSION_COLUMNS.items()},
    "share_within_period": ("Within one plan period", "share"),
    "mean_progress_pct": ("Mean progress", "pct"),
    "median_progress_pct": ("Median progress", "pct"),
    "overdue": ("Overdue", "int"), "unreported": ("Unreported", "int"),
    "indicative_budget": ("Indicative budget (Rp)", "rupiah"),
    "budget_realised": ("Budget realised (Rp)", "rupiah"),
    "index_year": ("Index year", "year"), "mean_index": ("Mean index (0-5)", "index"),
    "mean_index_previous_year": ("Mean index, year before", "index"),
    "index_change": ("Index change", "index"),
    "deadline": ("Deadline", "date"), "expected": ("Expected", "int"),
    "received": ("Received", "int"), "on_time": ("On time", "int"),
    "received_rate": ("Received rate", "share"), "on_time_rate": ("On-time rate", "share"),
    "region_code": ("Region code", "text"), "region_name": ("Region", "text"),
    "province_name": ("Province", "text"), "member": ("Member", "bool"),
    "masterplan_received": ("Master plan received", "bool"),
    "masterplan_on_time": ("Master plan on time", "bool"),
    "latest_index_year": ("Latest index year", "year"),
    "latest_index": ("Latest index", "index"), "previous_index": ("Previous index", "index"),
    **{s: (s.replace("_", " ").capitalize(), "int") for s in TIMELINE_STATUSES},
    "quick_win_outside_period": ("Quick wins outside a period", "int"),
    "completed": ("Completed", "int"), "in_progress": ("In progress", "int"),
    "not_due": ("Not yet due / not reported", "int"), "total": ("Programmes", "int"),
    "program_code": ("Programme code", "text"), "program_name": ("Programme", "text"),
    "finding": ("Finding", "text"), "severity": ("Severity", "text"),
    "message": ("What to do", "text"), "row_number": ("Row", "int"), "sheet": ("Sheet", "text"),
}

DELIVERIES = ("completed", "in_progress", "not_due", "overdue", "unreported")
FINDINGS = tuple(SEVERITY)


def label(column: str) -> str:
    return COLUMNS.get(column, (column.replace("_", " ").capitalize(), "text"))[0]


def fmt(column: str) -> str:
    return COLUMNS.get(column, ("", "text"))[1]


def show(value: Any, kind: str) -> str:
    """A value as the page prints it (the workbook's formats, as text)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if kind in ("int", "rupiah"):
        text = f"{float(value):,.0f}".replace(",", ".")  # Indonesian thousands separator
        return f"Rp {text}" if kind == "rupiah" else text
    if kind == "share":
        return f"{float(value):.1%}".replace(".", ",")
    if kind == "pct":
        return f"{float(value):.1f}%".replace(".", ",")
    if kind == "index":
        return f"{float(value):.2f}".replace(".", ",")
    if kind == "year":
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, bool) or kind == "bool":
        return "yes" if value else "no"
    return str(value)



@dataclass
class ReportData:
    summary: pd.DataFrame
    completeness: pd.DataFrame
    scorecards: pd.DataFrame
    alignment: pd.DataFrame  # status and delivery counts per cohort
    findings: pd.DataFrame
    progress: pd.DataFrame  # cohort_year, region_code, program_code, dimension, progress_pct
    maps: MapData = field(default_factory=MapData)  # per region, for the maps

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Workbook sheet name -> table, in order."""
        return {"Cohort summary": self.summary, "Completeness": self.completeness,
                "Region scorecards": self.scorecards, "Alignment status": self.alignment,
                "Findings": self.findings}


def _alignment_counts(alignment: pd.DataFrame) -> pd.DataFrame:
    cols = ["cohort_year", *TIMELINE_STATUSES, "quick_win_outside_period", *DELIVERIES,
            "total"]
    if alignment.empty:
        return pd.DataFrame(columns=cols)
    status = pd.crosstab(alignment["cohort_year"], alignment["status"])
    delivery = pd.crosstab(alignment["cohort_year"], alignment["delivery"])
    out = pd.concat([status, delivery], axis=1).reindex(
        columns=[*TIMELINE_STATUSES, *DELIVERIES], fill_value=0).fillna(0).astype(int)
    out["quick_win_outside_period"] = alignment.groupby("cohort_year")[
        "quick_win_outside_period"].sum().astype(int)
    out["total"] = alignment.groupby("cohort_year").size()
    return out.reset_index().reindex(columns=cols)


def _findings(findings: pd.DataFrame, alignment: pd.DataFrame,
              names: dict[str, str]) -> pd.DataFrame:
    cols = ["cohort_year", "region_code", "region_name", "program_code", "program_name",
            "finding", "severity", "evaluation_year", "message", "sheet", "row_number"]
    if findings.empty:
        return pd.DataFrame(columns=cols)
    progs = alignment[["cohort_year", "region_code", "program_code", "program_name"]] \
        .drop_duplicates(["cohort_year", "region_code", "program_code"])
    out = findings.merge(progs, how="left", on=["cohort_year", "region_code", "program_code"])
    out["region_name"] = out["region_code"].map(names)
    order = {"error": 0, "warning": 1}
    out = out.assign(_s=out["severity"].map(order).fillna(2)).sort_values(
        ["_s", "cohort_year", "region_code", "program_code", "finding"])
    return out.reindex(columns=cols).reset_index(drop=True)


def load(engine: sa.Engine) -> ReportData:
    """Read the summary tables (and what the charts need) from the warehouse."""
    warehouse.create_all(engine)
    read = {name: warehouse.read_table(engine, name) for name in (
        "region", "cohort_summary", "evaluation_completeness", "region_scorecard",
        "program_alignment", "reconciliation_finding", "evaluation_result",
        "masterplan_program")}
    regions = read["region"]
    names = dict(zip(regions["region_code"], regions["name"], strict=True))
    provinces = dict(zip(regions["region_code"], regions["province_name"], strict=True))
    cards = read["region_scorecard"].sort_values(["cohort_year", "region_code"])
    cards.insert(3, "province_name", cards["region_code"].map(provinces))
    results, programs = read["evaluation_result"], read["masterplan_program"]
    progress = scorecard.latest_progress(results)
    if not progress.empty:
        progress = progress.merge(
            programs[["cohort_year", "region_code", "program_code", "dimension"]]
            .drop_duplicates(["cohort_year", "region_code", "program_code"]),
            how="left", on=["cohort_year", "region_code", "program_code"])
    progress = progress.reindex(columns=["cohort_year", "region_code", "program_code",
                                         "dimension", "progress_pct"])
    return ReportData(
        summary=read["cohort_summary"].sort_values("cohort_year").reset_index(drop=True),
        completeness=read["evaluation_completeness"].sort_values(
            ["cohort_year", "evaluation_year"]).reset_index(drop=True),
        scorecards=cards.reset_index(drop=True),
        alignment=_alignment_counts(read["program_alignment"]),
        findings=_findings(read["reconciliation_finding"], read["program_alignment"], names),
        progress=progress, maps=mapdata.load(engine))


def dimension_counts(summary: pd.DataFrame) -> pd.DataFrame:
    """Long form: cohort_year, dimension, programmes."""
    rows = [{"cohort_year": int(r["cohort_year"]), "dimension": dim,
             "programmes": int(r[col])}
            for _, r in summary.iterrows() for dim, col in scorecard.DIMENSION_COLUMNS.items()]
    return pd.DataFrame(rows, columns=["cohort_year", "dimension", "programmes"])


DIMENSIONS = tuple(spec.DIMENSIONS)
