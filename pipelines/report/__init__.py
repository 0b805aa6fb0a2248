"""The cohort report (``smartcity report``): a workbook and a self-contained HTML page.

``write_report(engine, out)`` reads the summary tables of the warehouse (``cohort_summary``,
``evaluation_completeness``, ``region_scorecard``, ``program_alignment``,
``reconciliation_finding``, and the evaluation results for the progress charts) and writes
``out/cohort_report.xlsx`` and ``out/cohort_report.html``. An empty warehouse gives a report
that says so, never an error. Pure: no Dagster.

The maps (:mod:`.maps`, :mod:`.mappage`, :mod:`.static_map`) read the warehouse's regions,
cohort memberships, scorecards and completeness (:mod:`.mapdata`) and the boundaries shipped in
``reference_data/geo/`` (:mod:`.geo`); :func:`map_summary` gives the static maps and the
boundary coverage for the Dagster UI.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from . import mapdata, static_map
from .data import ReportData, load

WORKBOOK = "cohort_report.xlsx"
PAGE = "cohort_report.html"


@dataclass(frozen=True)
class ReportFiles:
    workbook: Path
    page: Path


def write_report(engine: sa.Engine, out: Path) -> ReportFiles:
    """Write the workbook and the page under ``out`` (created; existing files replaced)."""
    # imported here: openpyxl and plotly cost a pipeline run's summaries 0.3 s to import
    from .page import write_page
    from .workbook import write_workbook

    data = load(engine)
    out = Path(out)
    return ReportFiles(write_workbook(data, out / WORKBOOK), write_page(data, out / PAGE))


@dataclass(frozen=True)
class MapSummary:
    markdown: str  # the static maps as a Markdown image (a data: URI), or why there is none
    coverage: str  # one line: regions drawn, regions with no boundary, boundaries with no region
    gaps: bool  # a region with no boundary or a boundary with no region


def map_summary(engine: sa.Engine) -> MapSummary:
    """The static maps and the boundary coverage, for the Dagster UI. A map that cannot be
    drawn says why in ``markdown`` and ``coverage`` instead of raising: the tables it
    summarises are already written."""
    try:
        maps = mapdata.load(engine)
        # 860 px: the UI shows it unscaled, in a dialog about 900 px wide
        png = base64.b64encode(static_map.render(maps, width=860)).decode("ascii")
    except Exception as exc:  # noqa: BLE001 - reported in the metadata and the log
        return MapSummary(f"*maps not drawn: {exc!r}*", f"maps not drawn: {exc!r}", True)
    return MapSummary(
        f"![Cohort membership and master-plan alignment](data:image/png;base64,{png})",
        maps.coverage_line, bool(len(maps.no_boundary) or len(maps.no_region)))


__all__ = ["PAGE", "WORKBOOK", "MapSummary", "ReportData", "ReportFiles", "load", "map_summary",
           "write_report"]
