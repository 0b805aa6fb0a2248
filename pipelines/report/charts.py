"""The report's charts (plotly figures), one function per question a planner asks.

Every function takes the report tables and returns a figure; with no data it returns a figure
that says so, never an error.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pipelines.reconcile import TIMELINE_STATUSES

from .data import DIMENSIONS, ReportData, dimension_counts

#: One colour per dimension, status and cohort, the same in every chart.
DIMENSION_COLOURS = dict(zip(DIMENSIONS, ("#1f5fa8", "#d9822b", "#2e9e5b", "#c23b3b",
                                          "#7b57b0", "#3aa3a3"), strict=True))
STATUS_COLOURS = {"within": "#2e9e5b", "crosses_boundary": "#f0b429",
                  "beyond_last_period": "#d9822b", "no_plan_for_years": "#c23b3b"}
STATUS_LABELS = {"within": "within one plan", "crosses_boundary": "crosses a plan boundary",
                 "beyond_last_period": "beyond the last plan",
                 "no_plan_for_years": "years with no plan"}
_PALETTE = ("#1f5fa8", "#d9822b", "#2e9e5b", "#c23b3b", "#7b57b0", "#3aa3a3", "#8c6d31",
            "#e377c2", "#7f7f7f", "#17becf")
HEIGHT = 420


def cohort_colour(i: int) -> str:
    return _PALETTE[i % len(_PALETTE)]


def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 16}},
                      template="plotly_white", height=kw.pop("height", HEIGHT),
                      margin={"l": 60, "r": 20, "t": 60, "b": 50},
                      legend={"orientation": "h", "y": -0.18, "x": 0}, **kw)
    return fig


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text="no data in the warehouse yet", showarrow=False,
                       font={"size": 14, "color": "#888"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def _cohorts(frame: pd.DataFrame) -> list[str]:
    return [str(int(c)) for c in frame["cohort_year"]]


def programmes_by_dimension(data: ReportData) -> go.Figure:
    title = "Programmes by dimension, per cohort"
    counts = dimension_counts(data.summary)
    if counts.empty:
        return _empty(title)
    fig = go.Figure()
    for dim in DIMENSIONS:
        part = counts[counts["dimension"] == dim]
        fig.add_bar(x=_cohorts(part), y=part["programmes"], name=dim,
                    marker_color=DIMENSION_COLOURS[dim],
                    hovertemplate=f"{dim}<br>cohort %{{x}}: %{{y}} programmes<extra></extra>")
    fig.update_xaxes(title="cohort", type="category")
    fig.update_yaxes(title="programmes")
    return _layout(fig, title, barmode="stack")


BANDS = ["not started", "1-20%", "21-40%", "41-60%", "61-80%", "81-99%", "done (100%)"]
BAND_COLOURS = ("#c23b3b", "#e8743b", "#f0b429", "#c9c94b", "#8cc46b", "#4fae6d", "#1f7a4a")


def _bands(progress: pd.Series) -> pd.Series:
    return pd.cut(progress, [-0.1, 0, 20, 40, 60, 80, 99.99, 100], labels=BANDS)


def progress_distribution(data: ReportData) -> go.Figure:
    title = "Latest reported progress of each programme: share per band, per cohort"
    prog = data.progress.dropna(subset=["progress_pct"])
    if prog.empty:
        return _empty(title)
    counts = pd.crosstab(prog["cohort_year"], _bands(prog["progress_pct"])).reindex(
        columns=BANDS, fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0)
    cohorts = [str(int(c)) for c in counts.index]
    fig = go.Figure()
    for band, colour in zip(BANDS, BAND_COLOURS, strict=True):
        fig.add_bar(x=cohorts, y=shares[band], name=band, marker_color=colour,
                    customdata=counts[band],
                    hovertemplate=(f"{band}<br>cohort %{{x}}: %{{y:.1%}} "
                                   "(%{customdata} programmes)<extra></extra>"))
    fig.update_xaxes(title="cohort", type="category")
    fig.update_yaxes(title="share of programmes reported on", tickformat=".0%", range=[0, 1])
    return _layout(fig, title, barmode="stack")


def progress_histogram(data: ReportData) -> go.Figure:
    title = "How far programmes have got: latest progress, all cohorts"
    prog = data.progress.dropna(subset=["progress_pct"])
    if prog.empty:
        return _empty(title)
    bins = _bands(prog["progress_pct"])
    fig = go.Figure()
    for dim in DIMENSIONS:
        counts = bins[prog["dimension"] == dim].value_counts().reindex(BANDS, fill_value=0)
        fig.add_bar(x=BANDS, y=counts.to_numpy(), name=dim,
                    marker_color=DIMENSION_COLOURS[dim],
                    hovertemplate=f"{dim}<br>%{{x}}: %{{y}} programmes<extra></extra>")
    fig.update_xaxes(title="latest progress")
    fig.update_yaxes(title="programmes")
    return _layout(fig, title, barmode="stack")


def alignment_status(data: ReportData) -> go.Figure:
    title = "Alignment with RPJMD/RPD periods: share of programmes, per cohort"
    al = data.alignment
    if al.empty:
        return _empty(title)
    fig = go.Figure()
    for status in TIMELINE_STATUSES:
        share = al[status] / al["total"].where(al["total"] > 0)
        fig.add_bar(x=_cohorts(al), y=share, name=STATUS_LABELS[status],
                    marker_color=STATUS_COLOURS[status], customdata=al[status],
                    hovertemplate=(f"{STATUS_LABELS[status]}<br>cohort %{{x}}: "
                                   "%{y:.1%} (%{customdata} programmes)<extra></extra>"))
    fig.update_xaxes(title="cohort", type="category")
    fig.update_yaxes(title="share of programmes", tickformat=".0%", range=[0, 1])
    return _layout(fig, title, barmode="stack")


def findings_by_kind(data: ReportData) -> go.Figure:
    title = "Reconciliation findings by kind, per cohort"
    f = data.findings
    if f.empty:
        return _empty(title)
    counts = pd.crosstab(f["finding"], f["cohort_year"])
    fig = go.Figure()
    for i, cohort in enumerate(counts.columns):
        fig.add_bar(y=[k.replace("_", " ") for k in counts.index], x=counts[cohort],
                    name=str(int(cohort)), orientation="h", marker_color=cohort_colour(i),
                    hovertemplate="%{y}: %{x}<extra>cohort " + str(int(cohort)) + "</extra>")
    fig.update_xaxes(title="findings")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, barmode="stack", legend_title_text="cohort ",
                   legend_traceorder="normal")


def completeness(data: ReportData) -> go.Figure:
    title = "Evaluations received and on time, by evaluation year"
    comp = data.completeness
    if comp.empty:
        return _empty(title)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=("received / expected", "on time / expected"))
    for i, (cohort, part) in enumerate(comp.groupby("cohort_year")):
        for col, rate in ((1, "received_rate"), (2, "on_time_rate")):
            fig.add_scatter(x=part["evaluation_year"], y=part[rate], mode="lines+markers",
                            name=str(int(cohort)), legendgroup=str(cohort),
                            showlegend=col == 1, line={"color": cohort_colour(i)},
                            hovertemplate=(f"cohort {int(cohort)}, %{{x}}: "
                                           "%{y:.0%}<extra></extra>"), row=1, col=col)
    fig.update_xaxes(title="evaluation year", dtick=1)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title="share of member regions", col=1)
    return _layout(fig, title, legend_title_text="cohort ")


def all_charts(data: ReportData) -> list[tuple[str, go.Figure]]:
    """(anchor, figure) in page order."""
    return [("dimensions", programmes_by_dimension(data)),
            ("progress", progress_distribution(data)),
            ("progress-bands", progress_histogram(data)),
            ("alignment", alignment_status(data)),
            ("findings", findings_by_kind(data)),
            ("completeness", completeness(data))]
