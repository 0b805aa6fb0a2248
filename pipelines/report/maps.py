"""The report's interactive maps: plotly choropleths of the kabupaten/kota, drawn offline.

Four maps share one embedded GeoJSON (:mod:`.geo`, keyed by region code): cohort membership
(first cohort year), master-plan alignment (share of a region's programmes within their
RPJMD/RPD period), evaluation completeness for a chosen year (a slider over the years) and
mean progress. Regions outside the programme are grey; members without the figure a darker
grey. Each region has one hover card (region, province, cohorts, key figures), kept once in
the page. A province drop-down zooms every map.

No tiles and no network: each trace names the GeoJSON by a key (``geojson="smartcity-
kabkota"``) that the page registers in plotly.js's ``PlotlyGeoAssets`` before plotting, and the
base map is off (``geo.visible=False``); plotly.js would still ask for its world topojson
because a trace has a ``locationmode``, so the page registers an empty one under that name.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from . import geo
from .charts import cohort_colour
from .data import show
from .mapdata import MapData

GEO_KEY = "smartcity-kabkota"
TOPOJSON = "world_110m"  # plotly.js's name for scope "world", resolution 110
NEUTRAL = "#d5dae0"  # outside the programme
NO_DATA = "#8e99a6"  # in the programme, without this figure
QUIET = "#a3c4e6"  # in the programme, no evaluation expected that year
STATUS = {"on_time": ("received on time", "#2e9e5b"), "late": ("received late", "#f0b429"),
          "missing": ("not received", "#c23b3b")}
SCALE: list[tuple[float, str]] = [(0.0, "#c23b3b"), (0.5, "#f0d264"), (1.0, "#1f7a4a")]
HEIGHT = 520


def _esc(value: object) -> str:
    return html.escape(str(value))


def cards(md: MapData) -> dict[str, str]:
    """Region code -> its hover card (plotly's HTML subset), the same on every map."""
    out = {}
    for r in md.regions.itertuples():
        lines = [f"<b>{_esc(r.name)}</b> ({r.region_code})", _esc(r.province_name)]
        if r.member:
            lines.append(f"Cohort {r.cohorts}" if "," not in r.cohorts
                         else f"Cohorts {r.cohorts}")
        elif r.submitted:
            lines.append("submitted, not a cohort member")
        else:
            lines.append("not in the programme")
        if r.member or r.submitted:
            if len(r.cohorts.split(",")) > 1 and not pd.isna(r.figures_cohort):
                lines.append(f"figures of cohort {int(r.figures_cohort)}")
            if r.masterplan:
                lines.append(f"Master plan: {show(r.programmes, 'int')} programmes, "
                             f"{show(r.share_within, 'share')} within plan period")
            else:
                lines.append("Master plan: not received")
            lines.append(f"Evaluations: {show(r.evaluations_received, 'int')} of "
                         f"{show(r.evaluations_expected, 'int')} received, "
                         f"{show(r.evaluations_on_time, 'int')} on time")
            lines.append(f"Mean progress: {show(r.mean_progress, 'pct')}")
            if not pd.isna(r.latest_index):
                lines.append(f"Index {int(r.index_year)}: {show(r.latest_index, 'index')}")
        if not r.in_warehouse:
            lines.append("<i>not in the warehouse's region table</i>")
        out[r.region_code] = "<br>".join(lines)
    return out


def _flat(codes: list[str], colour: str, name: str, headline: str = "",
          **kw) -> go.Choropleth:
    """One class of regions in one colour, with a legend entry."""
    head = f"<b>{_esc(headline)}</b><br>" if headline else ""
    return go.Choropleth(
        geojson=GEO_KEY, locations=codes, z=[0] * len(codes), name=name, showlegend=True,
        colorscale=[[0, colour], [1, colour]], showscale=False, zmin=0, zmax=1,
        marker={"line": {"color": "#ffffff", "width": 0.4}},
        hovertemplate=head + "%{text}<extra></extra>", **kw)


def _drawn(md: MapData) -> pd.DataFrame:
    return md.regions[md.regions["has_boundary"]]


def _outside(md: MapData) -> go.Choropleth:
    """The regions neither in a cohort nor submitting: grey, under every map."""
    regs = _drawn(md)
    mask = ~(regs["member"] | regs["submitted"])
    return _flat(regs.loc[mask, "region_code"].tolist(), NEUTRAL, "outside the programme")


def _layout(md: MapData, fig: go.Figure, title: str, **kw) -> go.Figure:
    x0, x1, y0, y1 = geo.INDONESIA
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}}, height=HEIGHT,
        margin={"l": 10, "r": 10, "t": 50, "b": kw.pop("bottom", 10)},
        template="plotly_white", hoverlabel={"bgcolor": "#ffffff", "align": "left",
                                             "font": {"size": 12}},
        legend={"x": 0.01, "y": 0.02, "xanchor": "left", "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12}},
        geo={"visible": False, "scope": "world", "resolution": 110,
             "projection": {"type": "mercator"}, "lonaxis": {"range": [x0, x1]},
             "lataxis": {"range": [y0, y1]}, "bgcolor": "rgba(0,0,0,0)",
             "domain": {"x": [0, 1], "y": [0, 1]}}, **kw)
    if not (md.regions["member"] | md.regions["submitted"]).any():
        fig.add_annotation(text="no data in the warehouse yet", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font={"size": 14, "color": "#888"})
    return fig


def cohort_map(md: MapData) -> go.Figure:
    regs = _drawn(md)
    fig = go.Figure([_outside(md)])
    for i, cohort in enumerate(md.cohorts):
        codes = regs.loc[regs["first_cohort"] == cohort, "region_code"].tolist()
        fig.add_trace(_flat(codes, cohort_colour(i), f"{cohort} ({len(codes)})",
                            f"joined in {cohort}"))
    others = regs[regs["submitted"] & ~regs["member"]]
    if not others.empty:
        fig.add_trace(_flat(others["region_code"].tolist(), NO_DATA,
                            "submitted, not a member"))
    return _layout(md, fig, "Cohort membership: the year each region joined",
                   legend_title_text="cohort (regions)")


def _value_map(md: MapData, column: str, title: str, kind: str, what: str,
               zmax: float, tickformat: str, missing: str, suffix: str = "") -> go.Figure:
    regs = _drawn(md)
    inside = regs["member"] | regs["submitted"]
    has = regs[inside & regs[column].notna()]
    fig = go.Figure([_outside(md)])
    lacking = regs.loc[inside & regs[column].isna(), "region_code"].tolist()
    if lacking:
        fig.add_trace(_flat(lacking, NO_DATA, missing, missing))
    fig.add_trace(go.Choropleth(
        geojson=GEO_KEY, locations=has["region_code"].tolist(), z=has[column].tolist(),
        zmin=0, zmax=zmax, colorscale=SCALE, name=what, showlegend=False,
        customdata=[f"{show(v, kind)} {what}" for v in has[column]],
        marker={"line": {"color": "#ffffff", "width": 0.4}},
        colorbar={"title": {"text": what, "side": "top"}, "tickformat": tickformat,
                  "ticksuffix": suffix, "orientation": "h", "thickness": 10, "len": 0.28, "x": 0.99,
                  "xanchor": "right", "y": 0.03, "yanchor": "bottom"},
        hovertemplate="<b>%{customdata}</b><br>%{text}<extra></extra>"))
    return _layout(md, fig, title)


def alignment_map(md: MapData) -> go.Figure:
    return _value_map(md, "share_within", "Master-plan alignment: share of programmes within "
                      "their RPJMD/RPD period", "share", "within plan period", 1.0, ".0%",
                      "no master plan")


def progress_map(md: MapData) -> go.Figure:
    return _value_map(md, "mean_progress", "Mean progress of the programmes (latest reported)",
                      "pct", "mean progress", 100.0, ".0f", "no progress reported", "%")


def default_year(md: MapData) -> int | None:
    """The year the completeness map opens on: the one most evaluations were due (latest)."""
    due = md.yearly[md.yearly["status"] != "not_expected"]
    if due.empty:
        return md.years[-1] if md.years else None
    counts = due.groupby("evaluation_year").size()
    return int(counts[counts == counts.max()].index.max())


def completeness_map(md: MapData) -> go.Figure:
    """One group of traces per evaluation year; a slider shows one year at a time (first the
    year most evaluations were due)."""
    regs = _drawn(md)
    shown = default_year(md)
    drawn = set(regs["region_code"])
    members = regs["member"] | regs["submitted"]
    fig = go.Figure([_outside(md)])
    groups: list[list[int]] = []
    for year in md.years:
        part = md.yearly[(md.yearly["evaluation_year"] == year)
                         & md.yearly["region_code"].isin(drawn)]
        expected = set(part.loc[part["status"] != "not_expected", "region_code"])
        idx = []
        for status, (label, colour) in STATUS.items():
            codes = part.loc[part["status"] == status, "region_code"].tolist()
            fig.add_trace(_flat(codes, colour, f"{label} ({len(codes)})", f"{year}: {label}",
                                visible=year == shown, legendgroup=status))
            idx.append(len(fig.data) - 1)
        quiet = regs.loc[members & ~regs["region_code"].isin(expected), "region_code"]
        fig.add_trace(_flat(quiet.tolist(), QUIET, "no evaluation due that year",
                            f"{year}: no evaluation due", visible=year == shown))
        idx.append(len(fig.data) - 1)
        groups.append(idx)
    steps = []
    for year, idx in zip(md.years, groups, strict=True):
        visible = [i == 0 or i in idx for i in range(len(fig.data))]
        steps.append({"label": str(year), "method": "update", "args": [{"visible": visible}]})
    active = md.years.index(shown) if shown in md.years else 0
    sliders = [{"active": active, "steps": steps, "x": 0.05, "len": 0.9, "y": 0,
                "yanchor": "top", "pad": {"t": 10, "b": 0},
                "currentvalue": {"prefix": "Evaluation year: ", "font": {"size": 13}}}] \
        if steps else []
    return _layout(md, fig, "Evaluation completeness: was each member's evaluation received, and "
                   "on time?", sliders=sliders, bottom=80 if steps else 10)


def all_maps(md: MapData) -> list[tuple[str, go.Figure]]:
    """(anchor, figure) in page order."""
    return [("cohorts", cohort_map(md)), ("alignment", alignment_map(md)),
            ("completeness", completeness_map(md)), ("progress", progress_map(md))]
