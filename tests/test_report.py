"""``smartcity report``: the workbook's sheets and formats, the page's charts, self-contained.

A small sample corpus is ingested through Dagster once; the report is written by the command.
Where Chromium is installed the page is also opened headless (no network) and each chart
must have been drawn by plotly.js.
"""

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from dagster import DagsterInstance

from pipelines import runner, warehouse
from pipelines.cli import main
from pipelines.report import PAGE, WORKBOOK, load, write_report
from pipelines.report.charts import all_charts

SHEETS = ["Cohort summary", "Completeness", "Region scorecards", "Alignment status", "Findings"]
CHARTS = ["dimensions", "progress", "progress-bands", "alignment", "findings", "completeness"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.sample import generate

    root = tmp_path_factory.mktemp("report")
    raw, url = root / "raw", f"sqlite:///{root}/wh.db"
    generate(raw, regions=12, years=3, seed=11)
    assert runner.ingest(None, str(raw), url, dagster=DagsterInstance.ephemeral())
    out = root / "out"
    result = CliRunner().invoke(main, ["report", "--out", str(out), "--warehouse-url", url])
    assert result.exit_code == 0, result.output
    assert "cohort_report.html" in result.output
    return out, warehouse.engine_for(url)


def _headers(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def test_workbook_has_a_sheet_per_table_with_frozen_bold_headers(built):
    out, engine = built
    book = openpyxl.load_workbook(out / WORKBOOK)
    assert book.sheetnames == SHEETS
    for ws in book:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), ws.title
        assert all(c.font.bold for c in ws[1] if c.value), ws.title
        assert ws.auto_filter.ref
        assert all(ws.column_dimensions[c.column_letter].width >= 8 for c in ws[1])
    summary = warehouse.read_table(engine, "cohort_summary")
    assert book["Cohort summary"].max_row == len(summary) + 1
    findings = warehouse.read_table(engine, "reconciliation_finding")
    assert book["Findings"].max_row == len(findings) + 1
    cards = warehouse.read_table(engine, "region_scorecard")
    assert book["Region scorecards"].max_row == len(cards) + 1


@pytest.mark.parametrize(("sheet", "header", "number_format"), [
    ("Cohort summary", "Indicative budget (Rp)", "#,##0"),
    ("Cohort summary", "Budget realised (Rp)", "#,##0"),
    ("Cohort summary", "Within one plan period", "0.0%"),
    ("Cohort summary", "Mean progress", '0.0"%"'),
    ("Cohort summary", "Mean index (0-5)", "0.00"),
    ("Cohort summary", "Programmes", "#,##0"),
    ("Completeness", "Received rate", "0.0%"),
    ("Completeness", "On-time rate", "0.0%"),
    ("Completeness", "Deadline", "yyyy-mm-dd"),
    ("Region scorecards", "Latest index", "0.00"),
    ("Region scorecards", "Indicative budget (Rp)", "#,##0"),
    ("Alignment status", "Crosses boundary", "#,##0"),
])
def test_workbook_number_formats(built, sheet, header, number_format):
    out, _ = built
    ws = openpyxl.load_workbook(out / WORKBOOK)[sheet]
    col = _headers(ws)[header]
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert cells and all(c.number_format == number_format for c in cells)


def test_page_has_the_charts_and_the_summary_table(built):
    out, _ = built
    page = (out / PAGE).read_text(encoding="utf-8")
    for anchor in CHARTS:
        assert f'id="chart-{anchor}"' in page, anchor
    assert page.count("Plotly.newPlot(") == len(CHARTS)
    assert "Cohort summary" in page and "<table>" in page
    assert "Reconciliation findings" in page


def test_page_is_self_contained(built):
    out, _ = built
    page = (out / PAGE).read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", page, re.I)
    assert not [t for t in tags if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", t)]
    assert not re.search(r"<link\b", page, re.I)
    assert len(page) > 1_000_000  # plotly.js is inline


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_charts_render_in_a_browser(built):
    out, _ = built
    proc = subprocess.run(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--virtual-time-budget=5000", "--dump-dom",
         (out / PAGE).resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    dom = proc.stdout
    assert dom, proc.stderr[-2000:]
    for anchor in CHARTS:
        div = re.search(rf'<div id="chart-{anchor}"[^>]*class="[^"]*js-plotly-plot', dom)
        assert div, anchor
    assert dom.count('class="main-svg"') >= len(CHARTS)


def test_empty_warehouse_gives_a_report_that_says_so(tmp_path):
    engine = warehouse.engine_for(f"sqlite:///{tmp_path}/empty.db")
    files = write_report(engine, tmp_path / "out")
    assert openpyxl.load_workbook(files.workbook).sheetnames == SHEETS
    page = files.page.read_text(encoding="utf-8")
    assert "no data in the warehouse yet" in page and "smartcity ingest" in page
    assert len(all_charts(load(engine))) == len(CHARTS)


def test_command_refuses_a_missing_sqlite_warehouse(tmp_path):
    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "out"),
                                       "--warehouse-url", f"sqlite:///{tmp_path}/none.db"])
    assert result.exit_code != 0 and "smartcity ingest" in result.output
    assert not Path(tmp_path / "out").exists()
