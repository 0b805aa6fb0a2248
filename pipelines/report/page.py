"""``cohort_report.html``: one self-contained page (plotly.js inline, no network needed)."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs

from .charts import all_charts
from .data import ReportData, fmt, label, show
from .mappage import CSS as MAP_CSS
from .mappage import section as map_section

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
 background:#f4f6f9;color:#1d2733}
header{background:#1f3b5c;color:#fff;padding:22px 36px}
header h1{margin:0;font-size:24px;font-weight:600}
header p{margin:6px 0 0;color:#c9d6e6;font-size:14px}
main{max-width:1320px;margin:0 auto;padding:20px 28px 40px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;
 margin-bottom:18px}
.kpi{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px #0001}
.kpi b{display:block;font-size:24px;color:#1f3b5c}
.kpi span{font-size:13px;color:#5b6b7d}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.card{background:#fff;border-radius:8px;padding:8px 10px;box-shadow:0 1px 2px #0001;
 min-width:0}
.wide{grid-column:1 / -1}
h2{font-size:18px;margin:26px 0 10px;color:#1f3b5c}
table{border-collapse:collapse;font-size:13px;background:#fff;width:100%}
th,td{padding:5px 9px;border-bottom:1px solid #e3e8ef;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{background:#dde4ee;position:sticky;top:0}
td.text,th.text{text-align:left;white-space:normal}
.scroll{overflow-x:auto;border-radius:8px;box-shadow:0 1px 2px #0001}
.error{color:#b42318;font-weight:600}.warning{color:#9a6700;font-weight:600}
footer{color:#6b7785;font-size:12px;margin-top:26px}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def summary_table(summary: pd.DataFrame) -> str:
    """The cohort summary, one column per cohort (it is long, not wide)."""
    if summary.empty:
        return "<p>No cohort summary yet: run <code>smartcity ingest</code>.</p>"
    cohorts = [int(c) for c in summary["cohort_year"]]
    head = "".join(f"<th>{c}</th>" for c in cohorts)
    rows = []
    for col in summary.columns[1:]:
        cells = "".join(f"<td>{_esc(show(v, fmt(col)))}</td>" for v in summary[col])
        rows.append(f"<tr><th>{_esc(label(col))}</th>{cells}</tr>")
    return (f'<div class="scroll"><table><thead><tr><th>Cohort</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def findings_table(findings: pd.DataFrame) -> str:
    """Findings per kind: severity, count, and one example a planner can act on."""
    if findings.empty:
        return "<p>No reconciliation findings.</p>"
    rows = []
    for kind, part in findings.groupby("finding", sort=False):
        sev = part["severity"].iloc[0]
        first = part.iloc[0]
        where = f"{first['region_name'] or first['region_code']}, {first['program_code']}"
        rows.append(
            f'<tr><td>{_esc(str(kind).replace("_", " "))}</td>'
            f'<td class="{_esc(sev)}">{_esc(sev)}</td><td>{len(part):,}</td>'
            f'<td>{part["region_code"].nunique():,}</td>'
            f'<td class="text">{_esc(where)}: {_esc(first["message"])}</td></tr>')
    return ('<div class="scroll"><table><thead><tr><th>Finding</th><th>Severity</th>'
            "<th>Findings</th><th>Regions</th><th class=\"text\">Example</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _kpis(data: ReportData) -> str:
    s, comp, f = data.summary, data.completeness, data.findings
    expected = comp["expected"].sum() if not comp.empty else 0

    def rate(col: str) -> str:
        return show(comp[col].sum() / expected, "share") if expected else "–"

    items = [
        (show(len(s), "int"), "cohorts"),
        (show(s["member_regions"].sum() if not s.empty else 0, "int"), "cohort memberships"),
        (show(s["masterplans_received"].sum() if not s.empty else 0, "int"),
         "master plans received"),
        (show(s["programmes"].sum() if not s.empty else 0, "int"), "programmes"),
        (rate("received"), "evaluations received"), (rate("on_time"), "evaluations on time"),
        (show(int((f["severity"] == "error").sum()) if not f.empty else 0, "int"),
         "findings to fix (errors)"),
        (show(int((f["severity"] == "warning").sum()) if not f.empty else 0, "int"),
         "warnings"),
    ]
    return '<div class="kpis">' + "".join(
        f'<div class="kpi"><b>{_esc(v)}</b><span>{_esc(t)}</span></div>' for v, t in items
    ) + "</div>"


def render(data: ReportData, generated: datetime | None = None) -> str:
    """The whole page as one string."""
    generated = generated or datetime.now()
    charts = []
    for anchor, fig in all_charts(data):
        body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{anchor}",
                           config={"displaylogo": False, "responsive": True,
                                   "displayModeBar": False})
        wide = " wide" if anchor in ("completeness", "findings") else ""
        charts.append(f'<section class="card{wide}" id="{anchor}">{body}</section>')
    cohorts = [int(c) for c in data.summary["cohort_year"]] if not data.summary.empty else []
    span = f"cohorts {cohorts[0]}–{cohorts[-1]}" if cohorts else "no cohorts yet"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gerakan Menuju Smart City: cohort report</title>
<style>{_CSS}{MAP_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
<header><h1>Gerakan Menuju Smart City — cohort report</h1>
<p>{_esc(span)} · generated {generated:%Y-%m-%d %H:%M} from the warehouse ·
the same tables are in cohort_report.xlsx</p></header>
<main>
{_kpis(data)}
{map_section(data.maps)}
<h2>Charts</h2>
<div class="grid">{''.join(charts)}</div>
<h2>Cohort summary</h2>
{summary_table(data.summary)}
<h2>Reconciliation findings</h2>
{findings_table(data.findings)}
<footer>Progress is each programme's latest reported figure. On time: the first version of
the evaluation dated on or before the year's deadline. Index: the weighted smart-city index
(0-5) of the regions that sent scores.</footer>
</main></body></html>
"""


def write_page(data: ReportData, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data), encoding="utf-8")
    return path

