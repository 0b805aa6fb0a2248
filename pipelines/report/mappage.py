"""The maps' part of ``cohort_report.html``: the map cards, the province zoom, the boundary
coverage table and the script that draws them, with the data embedded once.

The simplified GeoJSON, the hover cards, the province boxes and the four figures are embedded
as ``<script type="application/json">`` blocks (parsed once; ``<`` escaped so no value can
close the script), and drawn with ``Plotly.react`` once plotly.js (inline in the page's head)
has the GeoJSON registered under :data:`~.maps.GEO_KEY`.
"""

from __future__ import annotations

import html
import json

import plotly.io as pio

from . import geo
from .data import show
from .mapdata import MapData
from .maps import GEO_KEY, TOPOJSON, all_maps, cards

CSS = """
.mapbar{display:flex;flex-wrap:wrap;gap:10px 22px;align-items:center;margin:0 0 10px;
 font-size:14px;color:#3d4b5c}
.mapbar select{font:inherit;padding:4px 8px;border:1px solid #b9c4d2;border-radius:6px;
 background:#fff}
.mapnote{font-size:13px;color:#5b6b7d;margin:6px 2px 0}
details{font-size:12px;color:#5b6b7d;margin-top:10px}
details pre{white-space:pre-wrap}
"""

_SCRIPT = """
(function () {
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var assets = window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
  assets.topojson = assets.topojson || {};
  // the base map is off: plotly.js never reads this, but would fetch it from the network
  assets.topojson["%(topojson)s"] = {type: "Topology", objects: {}, arcs: []};
  // the boundaries, packed (pipelines/report/geo.py: packed): integer deltas, 1/1000 degree
  assets["%(key)s"] = {type: "FeatureCollection", features: read("map-geojson").map(
    function (f) {
      return {type: "Feature", id: f[0], geometry: {type: "MultiPolygon", coordinates:
        f[1].map(function (poly) { return poly.map(function (ring) {
          var out = [], x = 0, y = 0;
          for (var i = 0; i < ring.length; i += 2) {
            x += ring[i]; y += ring[i + 1]; out.push([x / %(scale)d, y / %(scale)d]);
          }
          return out;
        }); })}};
    })};
  var cards = read("map-cards"), figures = read("map-figures"), boxes = read("map-bounds");
  var config = {displaylogo: false, responsive: true, scrollZoom: true,
                modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  Object.keys(figures).forEach(function (anchor) {
    var fig = figures[anchor];
    fig.data.forEach(function (trace) {
      trace.text = (trace.locations || []).map(function (code) { return cards[code] || code; });
    });
    Plotly.react("map-" + anchor, fig.data, fig.layout, config);
  });
  // a box widened (or heightened) to the map's own shape, so nothing around it is cut off
  function fit(gd, b) {
    var size = gd._fullLayout._size, ratio = size.w / size.h;
    var merc = function (lat) { return Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)); };
    var unmerc = function (y) {
      return (2 * Math.atan(Math.exp(y)) - Math.PI / 2) * 180 / Math.PI;
    };
    var w = (b[1] - b[0]) * Math.PI / 180, y0 = merc(b[2]), y1 = merc(b[3]), h = y1 - y0;
    if (w / h < ratio) {
      var dx = (h * ratio - w) * 90 / Math.PI;
      return [b[0] - dx, b[1] + dx, b[2], b[3]];
    }
    var dy = (w / ratio - h) / 2;
    return [b[0], b[1], unmerc(y0 - dy), unmerc(y1 + dy)];
  }
  function zoom(code) {
    Object.keys(figures).forEach(function (anchor) {
      var gd = document.getElementById("map-" + anchor);
      var b = fit(gd, boxes[code] || boxes[""]), lon = (b[0] + b[1]) / 2;
      Plotly.relayout(gd, {"geo.lonaxis.range": [b[0], b[1]], "geo.lataxis.range": [b[2], b[3]],
                           "geo.center": {lon: lon, lat: (b[2] + b[3]) / 2},
                           "geo.projection.scale": 1, "geo.projection.rotation.lon": lon});
    });
  }
  document.getElementById("map-province").addEventListener("change", function (e) {
    zoom(e.target.value);
  });
})();
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _json_block(element_id: str, text: str) -> str:
    safe = text.replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{safe}</script>'


def _provinces(md: MapData) -> str:
    regs = md.regions[md.regions["has_boundary"]]
    counts = regs.groupby(["province_code", "province_name"])["member"].sum()
    options = ['<option value="">All Indonesia</option>']
    for (code, name), members in counts.items():
        note = f" ({int(members)} in the programme)" if members else ""
        options.append(f'<option value="{_esc(code)}">{_esc(name)}{note}</option>')
    return ('<label>Zoom to a province <select id="map-province">'
            + "".join(options) + "</select></label>")


def coverage_table(md: MapData, limit: int = 40) -> str:
    """Regions with no boundary and boundaries with no region: what the maps could not tie."""
    if not md.regions["in_warehouse"].any():
        return ("<p class=\"mapnote\">The warehouse has no regions yet (run <code>smartcity "
                "ingest</code>): every boundary is drawn grey.</p>")
    sentence = _esc(md.coverage_line.split("; no boundary:")[0].split("; no region:")[0])
    rows = []
    for what, frame in (("in the warehouse, no boundary: not drawn", md.no_boundary),
                        ("boundary, not in the warehouse: drawn grey", md.no_region)):
        for r in frame.head(limit).itertuples():
            rows.append(f"<tr><td>{_esc(r.region_code)}</td><td class=\"text\">"
                        f"{_esc(r.name)}</td><td class=\"text\">{_esc(r.province_name)}</td>"
                        f"<td>{_esc(r.cohorts or '–')}</td><td class=\"text\">{what}</td></tr>")
        if len(frame) > limit:
            rows.append(f'<tr><td colspan="5" class="text">… and {len(frame) - limit} more '
                        f"({what})</td></tr>")
    if not rows:
        return f'<p class="mapnote">Boundaries: {sentence}.</p>'
    return (f'<p class="mapnote">Boundaries: {sentence}.</p><div class="scroll"><table>'
            '<thead><tr><th>Region code</th><th class="text">Region</th><th class="text">'
            'Province</th><th>Cohorts</th><th class="text">On the maps</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def section(md: MapData) -> str:
    """The maps' HTML: heading, zoom, one card per map, coverage, licence, data, script."""
    figures = all_maps(md)
    drawn = {code: r for code, r in geo.boundaries().items()
             if code in set(md.regions.loc[md.regions["has_boundary"], "region_code"])}
    boxes: dict[str, tuple[float, ...]] = {"": geo.INDONESIA, **geo.province_bounds(drawn)}
    figure_json = "{" + ",".join(
        f"{json.dumps(anchor)}:{pio.to_json(fig, validate=False, remove_uids=True)}"
        for anchor, fig in figures) + "}"
    members = int(md.regions["member"].sum())
    divs = "".join(f'<section class="card wide"><div id="map-{a}" style="height:'
                   f'{int(fig.layout.height)}px"></div></section>' for a, fig in figures)
    licence = geo.licence()
    return f"""<h2 id="maps">Maps</h2>
<div class="mapbar">{_provinces(md)}
<span>{show(members, "int")} regions in the programme; grey: outside it. Hover a region for
its card; scroll or use the buttons to zoom.</span></div>
<div class="grid">{divs}</div>
{coverage_table(md)}
<details><summary>Boundaries: cahyadsn/wilayah_boundaries (commit 3c5a7960), MIT licence,
Copyright (c) 2024 Cahya DSN; simplified to about 1 km for this page.</summary>
<pre>{_esc(licence)}</pre></details>
{_json_block("map-geojson", geo.packed(drawn))}
{_json_block("map-cards", json.dumps(cards(md), separators=(",", ":")))}
{_json_block("map-bounds", json.dumps(boxes, separators=(",", ":")))}
{_json_block("map-figures", figure_json)}
<script type="text/javascript">{_SCRIPT % {"topojson": TOPOJSON, "key": GEO_KEY,
                                               "scale": 10 ** geo.DECIMALS}}</script>
"""
