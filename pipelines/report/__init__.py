"""The cohort report (``smartcity report``): a workbook and a self-contained HTML page.

``write_report(engine, out)`` reads the summary tables of the warehouse (``cohort_summary``,
``evaluation_completeness``, ``region_scorecard``, ``program_alignment``,
``reconciliation_finding``, and the evaluation results for the progress charts) and writes
``out/cohort_report.xlsx`` and ``out/cohort_report.html``. An empty warehouse gives a report
that says so, never an error. Pure: no Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .data import ReportData, load
from .page import write_page
from .workbook import write_workbook

WORKBOOK = "cohort_report.xlsx"
PAGE = "cohort_report.html"


@dataclass(frozen=True)
class ReportFiles:
    workbook: Path
    page: Path


def write_report(engine: sa.Engine, out: Path) -> ReportFiles:
    """Write the workbook and the page under ``out`` (created; existing files replaced)."""
    data = load(engine)
    out = Path(out)
    return ReportFiles(write_workbook(data, out / WORKBOOK), write_page(data, out / PAGE))


__all__ = ["PAGE", "WORKBOOK", "ReportData", "ReportFiles", "load", "write_report"]
