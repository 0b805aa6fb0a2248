"""The static picture of the main maps (a PNG): cohort membership and master-plan alignment.

For the report workbook and the Dagster UI, where no script runs. Drawn with Pillow from the
same boundaries and the same colours as the page's maps: each region a filled polygon
(Mercator, Indonesia's extent), supersampled twice and scaled down for smooth edges; no tiles,
no network, no browser. Regions outside the programme are grey.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import geo
from .charts import cohort_colour
from .data import show
from .mapdata import MapData
from .maps import NEUTRAL, NO_DATA, SCALE

WIDTH = 1200  # pixels of the PNG
_SS = 2  # supersampling factor
_PAD = 24
_BACKGROUND = "#ffffff"
_INK = "#1d2733"
_MUTED = "#5b6b7d"
ATTRIBUTION = ("Boundaries: cahyadsn/wilayah_boundaries, MIT licence, Copyright (c) 2024 "
               "Cahya DSN")

RGB = tuple[int, int, int]


def _rgb(colour: str) -> RGB:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def scale_colour(value: float) -> RGB:
    """The alignment colour scale (:data:`.maps.SCALE`) at ``value`` in [0, 1]."""
    value = min(1.0, max(0.0, float(value)))
    for (a, ca), (b, cb) in zip(SCALE, SCALE[1:], strict=False):
        if value <= b:
            t = 0.0 if b == a else (value - a) / (b - a)
            lo, hi = _rgb(ca), _rgb(cb)
            return (round(lo[0] + t * (hi[0] - lo[0])), round(lo[1] + t * (hi[1] - lo[1])),
                    round(lo[2] + t * (hi[2] - lo[2])))
    return _rgb(SCALE[-1][1])


def _merc(lat: np.ndarray | float) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def _projection(width: int) -> tuple[Callable[[np.ndarray], np.ndarray], int]:
    """Lon/lat -> pixels inside a map ``width`` wide; and the map's height."""
    x0, x1, y0, y1 = geo.INDONESIA
    k = width / math.radians(x1 - x0)
    top = float(_merc(y1))
    height = round(k * (top - float(_merc(y0))))

    def project(ring: np.ndarray) -> np.ndarray:
        return np.column_stack([(np.radians(ring[:, 0] - x0)) * k,
                                (top - _merc(ring[:, 1])) * k])

    return project, height


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size * _SS)


@lru_cache(maxsize=8)
def _shapes(width: int, stamp: tuple[str, int | None]
            ) -> tuple[list[tuple[str, bool]], np.ndarray, list[int]]:
    """The boundaries projected into a map ``width`` wide, in drawing order (enclaves after
    their containers): each ring's region code and whether it is an outer ring, every ring's
    points one after the other, and where each ring starts (and the last ends). Depends only
    on the shipped boundaries (``stamp``: :func:`.geo.source_stamp`), so drawn once per
    process and width."""
    project, _ = _projection(width)
    regions = sorted(geo.boundaries().values(), key=lambda r: -max(
        abs(float(geo.signed_area(p[0]))) for p in r.polygons))
    rings = [(region.code, i == 0, ring) for region in regions for poly in region.polygons
             for i, ring in enumerate(poly)]
    cuts = np.cumsum([0, *(len(ring) for _, _, ring in rings)]).tolist()
    points = project(np.concatenate([ring for _, _, ring in rings])) if rings \
        else np.empty((0, 2))
    return [(code, outer) for code, outer, _ in rings], points, cuts


def _draw_map(draw: ImageDraw.ImageDraw, origin: tuple[int, int], width: int,
              colours: dict[str, RGB]) -> int:
    """Every boundary, filled with its colour (grey when it has none); returns the height."""
    _, height = _projection(width)
    rings, points, cuts = _shapes(width, geo.source_stamp())
    flat = (points + origin).ravel().tolist()  # x0, y0, x1, y1, ...: what Pillow reads
    grey, line, hole = _rgb(NEUTRAL), _rgb(_BACKGROUND), _rgb(_BACKGROUND)
    outlines = []
    for (code, outer), lo, hi in zip(rings, cuts[:-1], cuts[1:], strict=True):
        xy = flat[2 * lo:2 * hi]
        draw.polygon(xy, fill=colours.get(code, grey) if outer else hole)
        outlines.append(xy)
    for xy in outlines:
        draw.line(xy, fill=line, width=1)
    return height


def _swatches(draw: ImageDraw.ImageDraw, x: int, y: int, items: list[tuple[RGB, str]],
              font, right: int) -> None:
    """A row of colour swatches with labels, wrapping to a second row at ``right``."""
    box, left = 14 * _SS, x
    for colour, text in items:
        step = box + 6 * _SS + int(draw.textlength(text, font=font)) + 18 * _SS
        if x + step - 18 * _SS > right and x > left:
            x, y = left, y + 22 * _SS
        draw.rectangle([x, y, x + box, y + box], fill=colour)
        draw.text((x + box + 6 * _SS, y - 1 * _SS), text, fill=_INK, font=font)
        x += step


def _colourbar(draw: ImageDraw.ImageDraw, x: int, y: int, label: str, font) -> int:
    draw.text((x, y - 1 * _SS), label, fill=_INK, font=font)
    x += int(draw.textlength(label, font=font)) + 8 * _SS
    w, h = 220 * _SS, 14 * _SS
    for i in range(w):
        draw.line([(x + i, y), (x + i, y + h)], fill=scale_colour(i / (w - 1)))
    small = _font(11)
    for frac in (0.0, 0.5, 1.0):
        tick = f"{frac:.0%}"
        tx = x + frac * w - draw.textlength(tick, font=small) / 2
        draw.text((tx, y + h + 2 * _SS), tick, fill=_MUTED, font=small)
    return x + w + 24 * _SS


def _cohort_colours(md: MapData) -> tuple[dict[str, RGB], list[tuple[RGB, str]]]:
    regs = md.regions[md.regions["has_boundary"]]
    colours: dict[str, RGB] = {}
    legend = []
    for i, cohort in enumerate(md.cohorts):
        codes = regs.loc[regs["first_cohort"] == cohort, "region_code"]
        colours.update({c: _rgb(cohort_colour(i)) for c in codes})
        legend.append((_rgb(cohort_colour(i)), f"{cohort} ({len(codes)})"))
    others = regs.loc[regs["submitted"] & ~regs["member"], "region_code"]
    if len(others):
        colours.update({c: _rgb(NO_DATA) for c in others})
        legend.append((_rgb(NO_DATA), f"submitted, not a member ({len(others)})"))
    outside = int((~(regs["member"] | regs["submitted"])).sum())
    legend.append((_rgb(NEUTRAL), f"outside the programme ({outside})"))
    return colours, legend


def _alignment_colours(md: MapData) -> tuple[dict[str, RGB], list[tuple[RGB, str]]]:
    regs = md.regions[md.regions["has_boundary"] & (md.regions["member"]
                                                    | md.regions["submitted"])]
    colours = {r.region_code: (scale_colour(r.share_within) if r.share_within == r.share_within
                               else _rgb(NO_DATA)) for r in regs.itertuples()}
    lacking = int(regs["share_within"].isna().sum())
    return colours, [(_rgb(NO_DATA), f"no master plan ({lacking})"),
                     (_rgb(NEUTRAL), "outside the programme")]


def render(md: MapData, width: int = WIDTH, generated: datetime | None = None) -> bytes:
    """The PNG: cohort membership above master-plan alignment, with legends."""
    generated = generated or datetime.now()
    w, pad = width * _SS, _PAD * _SS
    map_w = w - 2 * pad
    _, map_h = _projection(map_w)
    title_h, panel_title_h, legend_h, foot_h = 44 * _SS, 34 * _SS, 58 * _SS, 30 * _SS
    panel_h = panel_title_h + map_h + legend_h
    image = Image.new("RGB", (w, title_h + 2 * panel_h + foot_h), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((pad, 12 * _SS), "Gerakan Menuju Smart City: where the cohorts are",
              fill=_INK, font=_font(20))
    members = int(md.regions["member"].sum())
    panels = [
        (f"Cohort membership: the year each region joined ({show(members, 'int')} regions)",
         _cohort_colours(md), None),
        ("Master-plan alignment: share of programmes within their RPJMD/RPD period",
         _alignment_colours(md), "within plan period"),
    ]
    body, small = _font(13), _font(11)
    y = title_h
    for title, (colours, legend), bar in panels:
        draw.text((pad, y + 6 * _SS), title, fill=_INK, font=_font(15))
        y += panel_title_h
        y += _draw_map(draw, (pad, y), map_w, colours)
        x = pad
        if bar:
            x = _colourbar(draw, x, y + 12 * _SS, bar, body)
        _swatches(draw, x, y + 12 * _SS, legend, body, w - pad)
        y += legend_h
    if not (md.regions["member"] | md.regions["submitted"]).any():
        draw.text((pad, title_h + panel_title_h), "no data in the warehouse yet", fill=_MUTED,
                  font=_font(16))
    draw.text((pad, y + 6 * _SS), f"{ATTRIBUTION} · generated {generated:%Y-%m-%d %H:%M} "
              "from the warehouse", fill=_MUTED, font=small)
    out = image.resize((width, image.height // _SS), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    # 256 colours (octree keeps the flat fills exact): a quarter of the RGB file's size
    out.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(buf, "PNG", optimize=True)
    return buf.getvalue()
