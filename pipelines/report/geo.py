"""The kabupaten/kota boundaries the maps draw, read from the GeoJSON shipped with the package.

``reference_data/geo/kabkota.geojson`` (514 regions, MIT licence in ``kabkota.LICENSE.txt``
beside it) is keyed by the Kemendagri code (``NN.NN``), the warehouse's ``region_code``. For
the report it is simplified further (Douglas-Peucker, :data:`TOLERANCE` degrees, about 1 km,
which is finer than a pixel of a national map; 83,000 points become 36,000) and rounded to
:data:`DECIMALS` decimals; :func:`packed` delta-encodes them, so the page embeds 0.26 MB
instead of the source's 1.7 MB. Each region keeps at least its largest part, so every region
stays drawable. Pure: numpy only; read once per process.
"""

from __future__ import annotations

import json
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


def _polygons(geometry: dict, tol: float) -> tuple[Polygon, ...]:
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    raw = [[np.asarray(r, dtype=float) for r in part] for part in parts]
    out: list[Polygon] = []
    for part in raw:
        outer = simplify_ring(part[0], tol)
        if outer is None:
            continue
        holes = [h for h in (simplify_ring(r, tol) for r in part[1:]) if h is not None]
        out.append([outer, *holes])
    if not out and raw:  # every part collapsed: keep the largest one, unsimplified (rounded)
        largest = max(raw, key=lambda part: _area(part[0]))
        out.append([np.round(largest[0], DECIMALS)])
    return tuple(out)


@lru_cache(maxsize=4)
def boundaries(tol: float = TOLERANCE) -> dict[str, Region]:
    """Region code -> its boundary, simplified; read once per process."""
    text = resources.files("pipelines").joinpath(SOURCE).read_text(encoding="utf-8")
    out: dict[str, Region] = {}
    for feat in json.loads(text)["features"]:
        p = feat["properties"]
        out[p["kemendagri_code"]] = Region(
            p["kemendagri_code"], p["name"], p["province_code"], p["province_name"],
            _polygons(feat["geometry"], tol))
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
