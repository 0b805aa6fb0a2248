"""The report's maps: boundaries, per-region figures, the static PNG, the page offline.

A sample corpus (40 regions, 2 years) is ingested through Dagster once, and the report written
from the warehouse. The browser test opens the page in Debian's headless Chromium (Playwright,
no browser download), records every request (only ``file:`` and ``data:`` URLs allowed), waits
for the four maps' region paths, hovers a region for its card, zooms to a province, and saves
a screenshot to ``$SMARTCITY_UI_SCREENSHOTS`` (default: the test's temporary folder). It skips
without Chromium or Playwright unless ``SMARTCITY_REQUIRE_UI=1``, which makes it fail.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from dagster import AssetKey, DagsterInstance
from PIL import Image

from pipelines import runner, warehouse
from pipelines.report import geo, mapdata, mappage, write_report
from pipelines.report.charts import cohort_colour
from pipelines.report.maps import NEUTRAL, all_maps

MAPS = ("cohorts", "alignment", "completeness", "progress")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.sample import generate

    root = tmp_path_factory.mktemp("maps")
    raw, url = root / "raw", f"sqlite:///{root}/wh.db"
    generate(raw, regions=40, years=2)
    instance = DagsterInstance.ephemeral()
    assert runner.ingest(None, str(raw), url, dagster=instance)
    engine = warehouse.engine_for(url)
    files = write_report(engine, root / "out")
    return root, engine, files, instance


# --------------------------------------------------------------------------- boundaries


def test_every_region_has_a_drawable_simplified_boundary():
    bounds = geo.boundaries()
    registry = pd.read_csv(Path(geo.__file__).parents[1] / "reference_data" / "regencies.csv",
                           dtype=str)
    assert set(bounds) == set(registry.iloc[:, 0])
    assert len(bounds) == 514
    for region in bounds.values():
        assert region.polygons, region.code
        for poly in region.polygons:
            assert all(len(ring) >= 4 and (ring[0] == ring[-1]).all() for ring in poly)
        x0, x1, y0, y1 = region.bounds()
        assert 94.5 <= x0 <= x1 <= 141.5 and -11.5 <= y0 <= y1 <= 6.5, region.code
    assert "MIT License" in geo.licence() and "Cahya DSN" in geo.licence()  # ships with it
    sources = (Path(geo.__file__).parents[1] / "reference_data" / "SOURCES.md").read_text()
    assert "geo/kabkota.geojson" in sources and "kabkota.LICENSE.txt" in sources


def test_packed_boundaries_are_small_and_unpack_to_d3_wound_geojson():
    bounds = geo.boundaries()
    text = geo.packed(bounds)
    source = (Path(geo.__file__).parents[1] / geo.SOURCE).stat().st_size
    assert len(text) < 400_000 < source  # about a sixth of the shipped file
    collection = geo.unpack(text)
    assert [f["id"] for f in collection["features"]] == list(bounds)
    for feature, region in zip(collection["features"], bounds.values(), strict=True):
        polys = feature["geometry"]["coordinates"]
        assert len(polys) == len(region.polygons)
        for poly, source_poly in zip(polys, region.polygons, strict=True):
            assert np.allclose(np.asarray(poly[0]), source_poly[0][::-1]) or \
                np.allclose(np.asarray(poly[0]), source_poly[0])
            # d3-geo: outer rings clockwise (negative planar area), holes counter-clockwise
            assert geo.signed_area(np.asarray(poly[0])) < 0
            assert all(geo.signed_area(np.asarray(h)) > 0 for h in poly[1:])


# --------------------------------------------------------------------------- figures


def test_yearly_status_on_time_late_missing_and_best_over_cohorts():
    members = pd.DataFrame({"cohort_year": [2017, 2017, 2017, 2018],
                            "region_code": ["A", "B", "C", "C"]})
    subs = pd.DataFrame({
        "kind": "evaluation", "status": ["loaded", "loaded", "superseded", "loaded"],
        "cohort_year": [2017, 2017, 2017, 2018], "region_code": ["A", "B", "B", "C"],
        "evaluation_year": [2017, 2017, 2017, 2018],
        "document_date": [date(2017, 11, 1), date(2018, 2, 1), None, date(2018, 6, 1)]})
    comp = pd.DataFrame({"cohort_year": [2017, 2017, 2018], "evaluation_year": [2017, 2018, 2018],
                         "deadline": [date(2017, 12, 31), date(2018, 12, 31),
                                      date(2018, 12, 31)]})
    got = mapdata.yearly_status(members, subs, comp).set_index(
        ["region_code", "evaluation_year"])["status"].to_dict()
    assert got == {("A", 2017): "on_time", ("B", 2017): "late", ("C", 2017): "missing",
                   ("A", 2018): "missing", ("B", 2018): "missing",
                   ("C", 2018): "on_time"}  # missing in cohort 2017, on time in 2018: best


def test_map_data_reads_the_warehouse(built):
    _, engine, _, _ = built
    md = mapdata.load(engine)
    members = warehouse.read_table(engine, "cohort_membership")
    regs = md.regions.set_index("region_code")
    assert set(regs.index[regs["member"]]) == set(members["region_code"])
    assert md.cohorts == sorted(members["cohort_year"].unique().tolist())
    first = members.groupby("region_code")["cohort_year"].min()
    assert (regs.loc[first.index, "first_cohort"].astype(int) == first).all()
    cards = warehouse.read_table(engine, "region_scorecard")
    planned = set(cards.loc[cards["masterplan_received"], "region_code"])
    assert set(regs.index[regs["masterplan"]]) == planned
    assert regs.loc[list(planned), "share_within"].notna().all()
    comp = warehouse.read_table(engine, "evaluation_completeness")
    received = md.yearly[md.yearly["status"].isin(("on_time", "late"))]
    for year, part in received.groupby("evaluation_year"):
        assert len(part) <= comp.loc[comp["evaluation_year"] == year, "received"].sum()
    assert md.no_boundary.empty and md.no_region.empty
    assert "514 regions drawn" in md.coverage_line


def test_gaps_between_regions_and_boundaries_are_reported(built):
    root, engine, _, _ = built
    copy = root / "gaps.db"
    with sqlite3.connect(root / "wh.db") as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # the WAL's pages too
    with sqlite3.connect(copy) as conn:
        member = conn.execute("SELECT region_code FROM cohort_membership LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM region WHERE region_code = '91.71'")  # Kota Jayapura
        conn.execute("INSERT INTO region (region_code, province_code, province_name, name, "
                     "kind) VALUES ('99.99', '99', 'Provinsi Contoh', 'Kota Contoh', 'kota')")
        conn.execute("INSERT INTO cohort_membership (cohort_year, region_code, submission_id) "
                     "VALUES (2017, '99.99', 'x')")
    gap_engine = warehouse.engine_for(f"sqlite:///{copy}")
    md = mapdata.load(gap_engine)
    assert md.no_boundary["region_code"].tolist() == ["99.99"]
    assert md.no_region["region_code"].tolist() == ["91.71"]
    assert "99.99 Kota Contoh" in md.coverage_line and "91.71" in md.coverage_line
    assert member in set(md.regions.loc[md.regions["member"], "region_code"])
    files = write_report(gap_engine, root / "gaps")
    page = files.page.read_text(encoding="utf-8")
    table = mappage.coverage_table(md)
    assert "Kota Contoh" in table and "Kota Jayapura" in table and table in page
    assert "1 in the warehouse with no boundary" in page


def test_maps_have_a_trace_per_class_and_a_year_slider(built):
    _, engine, _, _ = built
    md = mapdata.load(engine)
    figures = dict(all_maps(md))
    assert list(figures) == list(MAPS)
    cohort_names = [t.name for t in figures["cohorts"].data]
    assert cohort_names[0] == "outside the programme"
    assert [n.split()[0] for n in cohort_names[1:len(md.cohorts) + 1]] == \
        [str(c) for c in md.cohorts]
    for fig in figures.values():
        assert fig.layout.geo.visible is False  # no base map: nothing to fetch
        for trace in fig.data:
            assert trace.geojson == "smartcity-kabkota" and trace.hovertemplate
    drawn = set()
    for trace in figures["cohorts"].data:
        assert not drawn & set(trace.locations)
        drawn |= set(trace.locations)
    assert len(drawn) == 514
    slider = figures["completeness"].layout.sliders[0]
    assert [s.label for s in slider.steps] == [str(y) for y in md.years]
    due = md.yearly[md.yearly["status"] != "not_expected"].groupby("evaluation_year").size()
    assert md.years[slider.active] == due.idxmax() or due[md.years[slider.active]] == due.max()
    shown = [t for t in figures["completeness"].data[1:] if t.visible]
    assert len(shown) == 4 and all(t.hovertemplate.startswith(
        f"<b>{md.years[slider.active]}:") for t in shown)


# --------------------------------------------------------------------------- static PNG


def _colour_pixels(png: bytes, colour: str, tolerance: int = 6) -> int:
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - target).max(axis=2) <= tolerance).sum())


def test_the_workbook_has_the_static_maps_below_the_summary(built):
    _, engine, files, _ = built
    ws = openpyxl.load_workbook(files.workbook)["Cohort summary"]
    assert len(ws._images) == 1
    picture = ws._images[0]
    summary = warehouse.read_table(engine, "cohort_summary")
    assert picture.anchor._from.row >= len(summary) + 1  # below the table, not over it
    png = picture._data()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1200 and image.height > 900
    md = mapdata.load(engine)
    assert _colour_pixels(png, NEUTRAL) > 50_000  # the regions outside the programme
    for i, _cohort in enumerate(md.cohorts):  # every cohort has regions coloured
        assert _colour_pixels(png, cohort_colour(i)) > 30, _cohort
    assert len(png) < 250_000


def test_the_static_maps_are_asset_metadata_in_dagster(built):
    _, _, _, instance = built
    event = instance.get_latest_materialization_event(AssetKey("cohort_summary"))
    meta = event.asset_materialization.metadata
    markdown = meta["map"].value
    prefix = "![Cohort membership and master-plan alignment](data:image/png;base64,"
    assert markdown.startswith(prefix) and markdown.endswith(")")
    png = base64.b64decode(markdown[len(prefix):-1])
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert "514 regions drawn" in meta["map_coverage"].value


# --------------------------------------------------------------------------- the page


def test_page_embeds_the_maps_once(built):
    _, _, files, _ = built
    page = files.page.read_text(encoding="utf-8")
    for anchor in MAPS:
        assert f'id="map-{anchor}"' in page
    for block in ("map-geojson", "map-cards", "map-figures", "map-bounds"):
        assert page.count(f'id="{block}"') == 1
    assert page.count('<option value="') == 39  # All Indonesia + 38 provinces
    assert "MIT License" in page and "Cahya DSN" in page
    from plotly.offline import get_plotlyjs

    assert len(page.encode()) - len(get_plotlyjs().encode()) < 900_000


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium; skipped without it or Playwright, unless SMARTCITY_REQUIRE_UI=1."""
    path = shutil.which("chromium") or ("/usr/bin/chromium"
                                         if os.access("/usr/bin/chromium", os.X_OK) else None)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        reason = "Debian's chromium (.ci/browser.sh) or playwright is not installed"
        if os.environ.get("SMARTCITY_REQUIRE_UI") == "1":
            pytest.fail(f"{reason} (SMARTCITY_REQUIRE_UI=1)")
        pytest.skip(reason)
    return path


_CENTRE = """([anchor, lon, lat]) => {
  const gd = document.getElementById('map-' + anchor);
  const pt = gd._fullLayout.geo._subplot.projection([lon, lat]);
  const box = gd.getBoundingClientRect();
  return {x: box.x + pt[0], y: box.y + pt[1]};
}"""


@pytest.mark.ui
def test_maps_render_offline_in_chromium(built, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    root, engine, files, _ = built
    md = mapdata.load(engine)
    shots = Path(os.environ.get("SMARTCITY_UI_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            start = time.perf_counter()
            page.goto(files.page.resolve().as_uri(), wait_until="load")
            for anchor in MAPS:
                page.wait_for_selector(f"#map-{anchor} .choroplethlayer path", timeout=60_000)
            seconds = time.perf_counter() - start
            paths = {a: page.locator(f"#map-{a} .choroplethlayer path").count() for a in MAPS}
            page.locator("#map-cohorts").screenshot(path=str(shots / "map_cohorts.png"))
            page.screenshot(path=str(shots / "report_page.png"), full_page=True)

            # a hover card: the largest members with a master plan, at their largest part
            planned = md.regions[md.regions["masterplan"]]
            bounds = geo.boundaries()
            cards = []
            for code in sorted(planned["region_code"], key=lambda c: -max(
                    abs(geo.signed_area(p[0])) for p in bounds[c].polygons))[:6]:
                part = max(bounds[code].polygons, key=lambda p: abs(geo.signed_area(p[0])))
                lon, lat = part[0][:-1].mean(axis=0)
                page.locator("#map-alignment").scroll_into_view_if_needed()
                xy = page.evaluate(_CENTRE, ["alignment", float(lon), float(lat)])
                page.mouse.move(xy["x"] - 4, xy["y"])
                page.mouse.move(xy["x"], xy["y"], steps=3)
                page.wait_for_timeout(300)
                cards.append(page.evaluate(
                    "() => document.querySelector('#map-alignment .hoverlayer').textContent"))
            page.locator("#map-alignment").screenshot(path=str(shots / "map_hover.png"))

            # another year on the completeness slider: its statuses replace the legend's
            legend = ("() => Array.from(document.querySelectorAll("
                      "'#map-completeness .legendtext')).map(e => e.textContent)")
            before = page.evaluate(legend)
            page.locator("#map-completeness").scroll_into_view_if_needed()
            tick = page.locator("#map-completeness .slider-label-group").first.bounding_box()
            page.mouse.click(tick["x"] + tick["width"] / 2, tick["y"] - 8)  # the first year
            page.wait_for_timeout(500)
            after = page.evaluate(legend)

            # zoom to a province with members: every map's view moves there
            province = planned["province_code"].mode().iloc[0]
            page.select_option("#map-province", province)
            page.wait_for_timeout(500)
            ranges = page.evaluate("""() => ['cohorts', 'progress'].map(
                a => document.getElementById('map-' + a).layout.geo.lonaxis.range)""")
            page.locator("#map-cohorts").screenshot(path=str(shots / "map_zoom.png"))
        finally:
            browser.close()
    print(f"\nmaps rendered in {seconds:.2f} s; page {files.page.stat().st_size / 1e6:.1f} MB; "
          f"screenshots in {shots}")
    assert not errors, errors
    offline = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert not offline, offline
    assert requests and requests[0].startswith("file:")
    drawn = int(md.regions["has_boundary"].sum())
    assert all(n == drawn for n in paths.values()), paths
    assert any("Cohort" in c and "within plan period" in c for c in cards), cards
    first = md.yearly[md.yearly["evaluation_year"] == md.years[0]]
    assert f"not received ({(first['status'] == 'missing').sum()})" in after
    assert before != after or len(md.years) == 1
    box = geo.province_bounds({c: r for c, r in geo.boundaries().items()
                               if r.province_code == province})[province]
    for lo, hi in ranges:
        assert lo <= box[0] and hi >= box[1] and hi - lo < 40  # zoomed, around the province
