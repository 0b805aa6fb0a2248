"""The kabupaten/kota boundaries the maps draw, read from the GeoJSON shipped with the package.

``reference_data/geo/kabkota.geojson`` (514 regions, MIT licence in ``kabkota.LICENSE.txt``
beside it) is keyed by the Kemendagri code (``NN.NN``), the warehouse's ``region_code``. For
the report it is simplified further (Douglas-Peucker, :data:`TOLERANCE` degrees, about 1 km,
which is finer than a pixel of a national map; 83,000 points become 36,000) and rounded to
:data:`DECIMALS` decimals; :func:`packed` delta-encodes them, so the page embeds 0.26 MB
instead of the source's 1.7 MB. Each region keeps at least its largest part, so every region
stays drawable. Pure: numpy only; read and simplified once per process (about 0.1 s, most
of it ``json.loads``; all rings simplified together, :func:`simplify_rings`), and again only
when the file's modification time changes. No cache on disk.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

SOURCE = "reference_data/geo/kabkota.geojson"
LICENSE = "reference_data/geo/kabkota.LICENSE.txt"
TOLERANCE = 0.01  # degrees
DECIMALS = 3
#: The whole country, padded: lon_min, lon_max, lat_min, lat_max.
INDONESIA = (94.5, 141.5, -11.5, 6.5)

Ring = np.ndarray  # (n, 2) lon, lat; closed (first == last)
Polygon = list[Ring]  # outer ring first, then holes


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    province_code: str
    province_name: str
    polygons: tuple[Polygon, ...]

    def bounds(self) -> tuple[float, float, float, float]:
        pts = np.vstack([p[0] for p in self.polygons])
        return (float(pts[:, 0].min()), float(pts[:, 0].max()),
                float(pts[:, 1].min()), float(pts[:, 1].max()))


def _keep(ring: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker: the mask of the points of ``ring`` to keep."""
    keep = np.zeros(len(ring), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        seg = ring[b] - ring[a]
        pts = ring[a + 1:b] - ring[a]
        norm = float(np.hypot(*seg))
        if norm == 0.0:
            dist = np.hypot(pts[:, 0], pts[:, 1])
        else:
            dist = np.abs(seg[0] * pts[:, 1] - seg[1] * pts[:, 0]) / norm
        i = int(dist.argmax())
        if dist[i] > tol:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return keep


def simplify_ring(ring: np.ndarray, tol: float = TOLERANCE,
                  decimals: int = DECIMALS) -> np.ndarray | None:
    """The ring simplified and rounded, or None when it collapses (under 4 points)."""
    if len(ring) < 4:
        return None
    # A closed ring splits at its farthest point from the start, so the line is never 0-long.
    far = int(np.hypot(*(ring - ring[0]).T).argmax())
    keep = np.concatenate([_keep(ring[:far + 1], tol)[:-1], _keep(ring[far:], tol)])
    out = np.round(ring[keep], decimals)
    out = out[np.r_[True, np.any(np.diff(out, axis=0) != 0, axis=1)]]
    return out if len(out) >= 4 else None


def signed_area(ring: np.ndarray) -> float:
    """Planar, lon/lat: positive when counter-clockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2


def _area(ring: np.ndarray) -> float:
    return abs(signed_area(ring))


def _first_max(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Per run of ``values`` (``starts``/``sizes``, covering them all, none empty): the offset
    of its maximum within the run, the first of equals (``argmax`` of each run)."""
    top = np.repeat(np.maximum.reduceat(values, starts), sizes)
    offset = np.arange(len(values)) - np.repeat(starts, sizes)
    return np.minimum.reduceat(np.where(values == top, offset, len(values)), starts)


def simplify_rings(rings: list[np.ndarray], tol: float = TOLERANCE,
                   decimals: int = DECIMALS) -> list[np.ndarray | None]:
    """:func:`simplify_ring` of each ring, all rings at once: Douglas-Peucker taken level by
    level, every open segment of every ring split in one numpy pass, with the same arithmetic
    as :func:`_keep`, so the same points are kept (milliseconds for the 4,800 rings)."""
    out: list[np.ndarray | None] = [None] * len(rings)
    todo = [i for i, ring in enumerate(rings) if len(ring) >= 4]
    if not todo:
        return out
    lens = np.array([len(rings[i]) for i in todo])
    pts = np.concatenate([rings[i] for i in todo])
    start = np.cumsum(lens) - lens
    # A closed ring splits at its farthest point from the start, so a line is never 0-long.
    far = start + _first_max(np.hypot(*(pts - np.repeat(pts[start], lens, axis=0)).T),
                             start, lens)
    end = start + lens - 1
    keep = np.zeros(len(pts), dtype=bool)
    keep[start] = keep[far] = keep[end] = True
    a, b = np.concatenate([start, far]), np.concatenate([far, end])
    while True:
        live = b - a >= 2
        a, b = a[live], b[live]
        if not len(a):
            break
        n = b - a - 1  # inner points of each segment
        first = np.cumsum(n) - n
        inner = np.arange(n.sum()) + np.repeat(a + 1 - first, n)
        seg = pts[b] - pts[a]
        rel = pts[inner] - np.repeat(pts[a], n, axis=0)
        norm = np.repeat(np.hypot(seg[:, 0], seg[:, 1]), n)
        seg = np.repeat(seg, n, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.where(norm == 0.0, np.hypot(rel[:, 0], rel[:, 1]),
                            np.abs(seg[:, 0] * rel[:, 1] - seg[:, 1] * rel[:, 0]) / norm)
        at = _first_max(dist, first, n)
        split = dist[first + at] > tol
        mid = (a + 1 + at)[split]
        keep[mid] = True
        a, b = np.concatenate([a[split], mid]), np.concatenate([mid, b[split]])
    ring_of = np.repeat(np.arange(len(todo)), lens)[keep]
    kept = np.round(pts[keep], decimals)
    new = np.r_[True, np.any(np.diff(kept, axis=0) != 0, axis=1)]
    new[np.searchsorted(ring_of, np.arange(len(todo)))] = True  # each ring's first point
    kept, ring_of = kept[new], ring_of[new]
    cuts = np.searchsorted(ring_of, np.arange(len(todo) + 1)).tolist()
    for i, lo, hi in zip(todo, cuts[:-1], cuts[1:], strict=True):
        if hi - lo >= 4:
            out[i] = kept[lo:hi]
    return out


def _polygons(parts: list[list[np.ndarray]], simplified: list[np.ndarray | None]
              ) -> tuple[Polygon, ...]:
    """A region's polygons from its ``parts`` (rings, outer first) and the same rings
    simplified (None: collapsed), in order."""
    out: list[Polygon] = []
    rings = iter(simplified)
    for part in parts:
        outer, *holes = (next(rings) for _ in part)
        if outer is None:
            continue
        out.append([outer, *(h for h in holes if h is not None)])
    if not out and parts:  # every part collapsed: keep the largest one, unsimplified (rounded)
        largest = max(parts, key=lambda part: _area(part[0]))
        out.append([np.round(largest[0], DECIMALS)])
    return tuple(out)


def source_stamp() -> tuple[str, int | None]:
    """The shipped boundaries' path and modification time (ns): what the caches of the
    simplified boundaries (and of their drawings) are keyed on."""
    source = resources.files("pipelines").joinpath(SOURCE)
    try:
        return str(source), os.stat(str(source)).st_mtime_ns
    except OSError:  # not a file on disk (a zipped package): read once
        return str(source), None


def boundaries(tol: float = TOLERANCE) -> dict[str, Region]:
    """Region code -> its boundary, simplified; read once per process, and again only when
    the file changes (the cache is keyed on its path and modification time). The dict is
    shared: do not change it."""
    return _boundaries(*source_stamp(), tol)


@lru_cache(maxsize=4)
def _boundaries(path: str, mtime: int | None, tol: float) -> dict[str, Region]:
    text = resources.files("pipelines").joinpath(SOURCE).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    shapes = []  # per feature, its parts: each a list of rings, outer first
    for feat in features:
        parts = feat["geometry"]["coordinates"]
        shapes.append([parts] if feat["geometry"]["type"] == "Polygon" else parts)
    rings = [ring for parts in shapes for part in parts for ring in part]
    lens = [len(ring) for ring in rings]
    points = np.array([pt for ring in rings for pt in ring], dtype=float) if any(lens) \
        else np.empty((0, 2))
    offsets = np.cumsum([0, *lens]).tolist()
    arrays = iter([points[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)])
    raw = [[[next(arrays) for _ in part] for part in parts] for parts in shapes]
    simplified = iter(simplify_rings([r for parts in raw for part in parts for r in part], tol))
    out: dict[str, Region] = {}
    for feat, parts in zip(features, raw, strict=True):
        p = feat["properties"]
        mine = [next(simplified) for part in parts for _ in part]
        out[p["kemendagri_code"]] = Region(
            p["kemendagri_code"], p["name"], p["province_code"], p["province_name"],
            _polygons(parts, mine))
    return out


def licence() -> str:
    return resources.files("pipelines").joinpath(LICENSE).read_text(encoding="utf-8")


def province_bounds(regions: dict[str, Region]) -> dict[str, tuple[float, float, float, float]]:
    """Province code -> its padded bounding box (lon_min, lon_max, lat_min, lat_max)."""
    boxes: dict[str, list[tuple[float, float, float, float]]] = {}
    for r in regions.values():
        boxes.setdefault(r.province_code, []).append(r.bounds())
    out = {}
    for code, bs in boxes.items():
        arr = np.array(bs)
        x0, x1, y0, y1 = arr[:, 0].min(), arr[:, 1].max(), arr[:, 2].min(), arr[:, 3].max()
        pad = max(0.15, 0.08 * max(x1 - x0, y1 - y0))
        out[code] = (round(float(x0 - pad), 2), round(float(x1 + pad), 2),
                     round(float(y0 - pad), 2), round(float(y1 + pad), 2))
    return out


def _wound(ring: np.ndarray, clockwise: bool) -> list:
    """The ring as d3-geo (plotly.js) reads it, the reverse of RFC 7946: outer rings
    clockwise, holes counter-clockwise; the other way round d3 fills the whole globe outside
    the region."""
    return (ring[::-1] if (signed_area(ring) < 0) != clockwise else ring).tolist()


def packed(regions: dict[str, Region]) -> str:
    """The regions as compact JSON for the page: ``[[code, polygons], ...]``, each ring a
    flat list of integers in thousandths of a degree, the first point absolute and each
    later one the change from the one before (``[x0, y0, dx1, dy1, ...]``), wound for d3
    (:func:`_wound`). Under half the size of the same GeoJSON; the page's script unpacks it
    into GeoJSON (MultiPolygon features whose ``id`` is the code, plotly's default
    ``featureidkey``) before plotting.
    """
    scale = 10 ** DECIMALS
    out = []
    for code, r in regions.items():
        polys = []
        for poly in r.polygons:
            rings = []
            for i, ring in enumerate(poly):
                ints = np.rint(np.asarray(_wound(ring, i == 0)) * scale).astype(np.int64)
                deltas = np.vstack([ints[:1], np.diff(ints, axis=0)])
                rings.append(deltas.ravel().tolist())
            polys.append(rings)
        out.append([code, polys])
    return json.dumps(out, separators=(",", ":"))


def unpack(text: str) -> dict:
    """:func:`packed` back to a GeoJSON FeatureCollection (what the page's script does)."""
    scale = 10 ** DECIMALS
    feats = []
    for code, polys in json.loads(text):
        coords = [[(np.cumsum(np.asarray(ring).reshape(-1, 2), axis=0) / scale).tolist()
                   for ring in poly] for poly in polys]
        feats.append({"type": "Feature", "id": code,
                      "geometry": {"type": "MultiPolygon", "coordinates": coords}})
    return {"type": "FeatureCollection", "features": feats}
