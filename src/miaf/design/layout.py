"""Tree rows on contour lines, tree positions and crop strips.

Rows are contour lines of the (smoothed) terrain, clipped to the plot shrunk by ``edge_margin_m``.
They are chosen in two passes:

1. *Sweep.* Contour levels are visited downhill from the plot top. For every vertex of a candidate
   contour piece the ground distance to the nearest accepted row is ``hypot(horizontal distance,
   elevation difference)``. A piece becomes a row as soon as a run of at least ``min_row_length_m`` of
   it lies a module width W or more from the rows ("first touch"); the whole piece is then planted
   except where it comes closer than ``min_row_distance_modules`` × W to another row (the row ends
   there). A piece that sees no row is spaced from the plot edge above it, or from the first contour
   of its hill (a virtual row), by W/2, so the first row lies half a module below the top. The next
   level is predicted from the vertex closest to being due: the ground distance grows by
   dz / sin(θ) per dz of descent, so levels jump (W − d) sin θ at once (exact on a plane) and fall
   back to fine steps of VI_min / ``contour_candidate_steps`` near a decision.
2. *Coverage.* A distance field (Euclidean distance transform, corrected to the ground with the local
   slope) finds the part of the plot farthest from any row. While some part lies farther than
   ``coverage_max_distance_modules`` × W, a partial row is added on the contour through the point that
   maximises min(d_row, d_edge + W/2) (the middle of an inner gap, or W/2 to 3W/4 from the last row
   near an edge), kept only where it is at least ``min_row_distance_modules`` × W from other rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from contourpy import LineType, contour_generator
from scipy.ndimage import distance_transform_edt
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Polygon

from .terrain import Terrain

__all__ = ["RowLine", "LayoutStats", "trace_rows", "place_trees", "crop_strips"]


@dataclass
class RowLine:
    """One tree row: a contour piece in local metres at elevation ``level`` [m] of the layout surface."""

    line: LineString
    level: float
    partial: bool = False


@dataclass
class LayoutStats:
    """Coverage diagnostics of a row layout (ground distances [m])."""

    max_distance_to_row_m: float
    uncovered_share: float
    n_partial_rows: int
    n_candidate_levels: int


class _Rows:
    """Accepted rows densified into points, indexed by two KD-trees (bulk and recent) for fast queries."""

    _REBUILD = 16  # rows kept in the small tree before the bulk tree is rebuilt

    def __init__(self, spacing: float) -> None:
        self.rows: list[RowLine] = []
        self._h = spacing
        self._pts: list[np.ndarray] = []
        self._lev: list[np.ndarray] = []
        self._bulk: tuple[cKDTree, np.ndarray] | None = None
        self._recent: tuple[cKDTree, np.ndarray] | None = None
        self._n_bulk = 0
        self._dirty = False

    def add(self, row: RowLine) -> None:
        self.rows.append(row)
        pts = np.asarray(shapely.segmentize(row.line, self._h).coords)
        self._pts.append(pts)
        self._lev.append(np.full(len(pts), row.level))
        self._dirty = True

    def _refresh(self) -> None:
        if len(self.rows) - self._n_bulk >= self._REBUILD:
            self._bulk, self._n_bulk, self._recent = self._tree(0, len(self.rows)), len(self.rows), None
        elif len(self.rows) > self._n_bulk:
            self._recent = self._tree(self._n_bulk, len(self.rows))
        self._dirty = False

    def _tree(self, i0: int, i1: int) -> tuple[cKDTree, np.ndarray]:
        return (cKDTree(np.vstack(self._pts[i0:i1]), balanced_tree=False, compact_nodes=False),
                np.concatenate(self._lev[i0:i1]))

    def ground_distance(self, xy: np.ndarray, level: float, upper: float) -> np.ndarray:
        """Ground distance [m] from each point at elevation ``level`` to the horizontally nearest row.

        Distances of ``upper`` or more (horizontally) come back as ``inf``: callers only compare them
        with thresholds up to ``upper``. Rows are densified at spacing h, so the horizontal error is at
        most h²/(8 d) (a few mm at h ≈ 1 m, d ≈ 10 m).
        """
        out = np.full(len(xy), np.inf)
        if len(xy) == 0:
            return out
        if self._dirty:
            self._refresh()
        for part in (self._bulk, self._recent):
            if part is None:
                continue
            tree, levels = part
            d, j = tree.query(xy, distance_upper_bound=upper)
            hit = np.isfinite(d)
            out[hit] = np.minimum(out[hit], np.hypot(d[hit], levels[j[hit]] - level))
        return out


class _TiledContours:
    """contourpy generators on tiles of the grid, so that a level only scans tiles whose range holds it.

    Tiles share their border nodes, so pieces of one contour meet exactly on tile edges and are
    joined with :func:`shapely.line_merge` (after snapping their end points to a 1 µm grid).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray, tile: int = 64) -> None:
        self._gens, lo, hi = [], [], []
        ny, nx = z.shape
        for r0 in range(0, max(ny - 1, 1), tile):
            for c0 in range(0, max(nx - 1, 1), tile):
                r1, c1 = min(r0 + tile + 1, ny), min(c0 + tile + 1, nx)
                zt = z[r0:r1, c0:c1]
                if zt.shape[0] < 2 or zt.shape[1] < 2 or not np.isfinite(zt).any():
                    continue
                self._gens.append(contour_generator(x[c0:c1], y[r0:r1], np.ma.masked_invalid(zt),
                                                    line_type=LineType.Separate))
                lo.append(np.nanmin(zt))
                hi.append(np.nanmax(zt))
        self._lo, self._hi = np.array(lo), np.array(hi)

    def lines(self, level: float) -> list[np.ndarray]:
        idx = np.flatnonzero((self._lo <= level) & (self._hi >= level))
        parts = [a for i in idx for a in self._gens[i].lines(level) if len(a) > 1]
        if len(idx) <= 1 or len(parts) <= 1:
            return parts
        for a in parts:  # tile pieces meet at their end points: snap those to 1 µm so they join
            a[[0, -1]] = np.round(a[[0, -1]], 6)
        idx = np.repeat(np.arange(len(parts)), [len(a) for a in parts])
        lines = shapely.linestrings(np.vstack(parts), indices=idx)
        merged = shapely.line_merge(shapely.multilinestrings(lines))
        return [np.asarray(g.coords) for g in shapely.get_parts(merged) if not g.is_empty]


class _UphillEdge:
    """Plot boundary points with their elevations, to measure the distance to the edge above a contour."""

    def __init__(self, plot: Polygon, terrain: Terrain, width_m: float) -> None:
        pts = np.asarray(shapely.segmentize(plot.exterior, terrain.res / 2.0).coords)
        zb = terrain.sample(pts[:, 0], pts[:, 1])
        ok = np.isfinite(zb)
        order = np.argsort(zb[ok])
        self._pts, self._z = pts[ok][order], zb[ok][order]
        self._reach = width_m

    def ground_distance(self, xy: np.ndarray, level: float) -> np.ndarray:
        """Ground distance [m] to the nearest boundary point higher than ``level`` (inf beyond reach)."""
        i0 = np.searchsorted(self._z, level, side="right")
        i1 = np.searchsorted(self._z, level + self._reach, side="right")
        if i1 <= i0:
            return np.full(len(xy), np.inf)
        tree = cKDTree(self._pts[i0:i1])
        d, j = tree.query(xy, distance_upper_bound=self._reach)
        out = np.full(len(xy), np.inf)
        hit = np.isfinite(d)
        out[hit] = np.hypot(d[hit], self._z[i0:i1][j[hit]] - level)
        return out


def _is_closed(c: np.ndarray) -> bool:
    return bool(c[0, 0] == c[-1, 0] and c[0, 1] == c[-1, 1])


def _runs(mask: np.ndarray, closed: bool) -> list[tuple[int, int]]:
    """Half-open index ranges of consecutive True values (a closed ring may wrap around)."""
    if not mask.any():
        return []
    if mask.all():
        return [(0, len(mask))]
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    if closed and mask[0] and mask[-1] and len(runs) > 1:
        first = runs.pop(0)
        last = runs.pop()
        runs.append((last[0], len(mask) + first[1]))
    return runs


def _take(coords: np.ndarray, a: int, b: int, closed: bool) -> np.ndarray:
    if b <= len(coords):
        return coords[a:b]
    # wrap-around run on a closed ring whose last vertex repeats the first
    return np.vstack([coords[a:], coords[1:b - len(coords) + 1]])


def _weighted_median(values: np.ndarray, coords: np.ndarray) -> float:
    """Median of per-vertex values weighted by the line length each vertex stands for."""
    seg = np.hypot(*np.diff(coords, axis=0).T)
    w = np.r_[seg, 0.0] + np.r_[0.0, seg]
    if w.sum() <= 0:
        return float(np.median(values))
    order = np.argsort(values)
    cum = np.cumsum(w[order])
    return float(values[order][np.searchsorted(cum, cum[-1] / 2.0)])


def _length(c: np.ndarray) -> float:
    return float(np.hypot(*np.diff(c, axis=0).T).sum()) if len(c) > 1 else 0.0


def _contour_pieces(gen, level: float, inner: Polygon) -> list[np.ndarray]:
    lines = [a for a in gen.lines(level) if len(a) > 1]
    if not lines:
        return []
    idx = np.repeat(np.arange(len(lines)), [len(a) for a in lines])
    geoms = shapely.intersection(shapely.linestrings(np.vstack(lines), indices=idx), inner)
    out = []
    for part in shapely.get_parts(shapely.line_merge(geoms)):
        if isinstance(part, LineString) and not part.is_empty:
            out.append(np.asarray(part.coords))
    return out


def trace_rows(terrain: Terrain, plot: Polygon, inner: Polygon, width_m: float,
               p: dict[str, float]) -> tuple[list[RowLine], LayoutStats]:
    """Tree rows on contours with the module width and the coverage and crowding rules.

    Parameters
    ----------
    terrain : Terrain
        Layout surface on the local metric grid.
    plot : shapely.Polygon [m]
        Plot boundary in local coordinates.
    inner : shapely.Polygon [m]
        Plot shrunk by ``edge_margin_m``; rows are clipped to it.
    width_m : float [m]
        Module width W along the ground.
    p : dict
        Design parameters (``contour_candidate_steps``, ``min_row_length_m``, ``min_row_distance_modules``,
        ``coverage_max_distance_modules``, ``max_candidate_levels``, ``max_fill_iterations``).

    Returns
    -------
    rows : list of RowLine
    stats : LayoutStats

    Notes
    -----
    The vertical interval between rows on a slope s is VI = W · sin(atan s) (W along the ground). The
    finest level step is VI_min / k with VI_min from the 10th percentile of the local slope; a piece is
    due at W − W/(2k), so on curved terrain the spacing error is at most half a fine step along the
    ground, and on a plane the predicted jumps land on W exactly.
    """
    shapely.prepare(inner)
    x, y, z = terrain.x, terrain.y, terrain.z
    xx, yy = np.meshgrid(x, y)
    inside = shapely.contains_xy(inner, xx, yy) & np.isfinite(z)
    if not inside.any():
        return [], LayoutStats(0.0, 1.0, 0, 0)
    gx, gy = terrain.gradient()
    s = np.hypot(gx, gy)
    s_in = s[inside]
    s_in = s_in[np.isfinite(s_in)]
    stretch = np.sqrt(1.0 + np.where(np.isfinite(s), s, 0.0) ** 2)  # horizontal -> ground
    gen = _TiledContours(x, y, z)
    min_len = p["min_row_length_m"]
    k = max(int(p["contour_candidate_steps"]), 1)

    zin = z[inside]
    ztop, zbot = float(zin.max()), float(zin.min())
    s_ref = float(np.percentile(s_in, 10)) if len(s_in) else 0.0
    vi_min = width_m * math.sin(math.atan(max(s_ref, 1e-9)))
    relief = ztop - zbot
    step = max(vi_min / k, relief / p["max_candidate_levels"], 1e-9)
    sin_t = Terrain(x=x, y=y, z=np.sin(np.arctan(np.where(np.isfinite(s), s, 0.0))), res=terrain.res,
                    source="derived")
    # rows densified at W/8: the distance error h^2 / (8 d) stays below 2 cm at d = W
    rows = _Rows(width_m / 8.0)
    tops = _Rows(width_m / 8.0)  # first contour of each region with no row or edge above it
    edge = _UphillEdge(plot, terrain, width_m)
    crowd = p["min_row_distance_modules"] * width_m
    half = width_m / 2.0
    tol = width_m * 0.5 / k
    due_at = width_m - tol
    lev = ztop - step / 2.0
    n_levels = 0
    while relief > 0 and lev > zbot and n_levels < p["max_candidate_levels"]:
        n_levels += 1
        pieces = _contour_pieces(gen, float(lev), inner)
        skip = vi_min / 2.0
        new_here: list[LineString] = []
        if pieces:
            xy = np.vstack(pieces)
            d_row = rows.ground_distance(xy, float(lev), width_m)
            d_top = tops.ground_distance(xy, float(lev), width_m)
            far = ~np.isfinite(d_row)
            d_up = np.full(len(xy), np.inf)
            if far.any():
                d_up[far] = edge.ground_distance(xy[far], float(lev))
            sin_v = sin_t.sample(xy[:, 0], xy[:, 1])
        offset = 0
        for c in pieces:
            sl = slice(offset, offset + len(c))
            offset += len(c)
            # A piece that sees a row is spaced from the rows; its parts out of their reach wait until
            # they are a full module from the edge above (a slanted top edge is not a contour). A piece
            # that sees no row starts half a module below the edge or top above it.
            dr = d_row[sl]
            if np.isfinite(dr).any():
                d_eff = np.minimum(np.where(np.isfinite(dr), dr, d_up[sl]), d_top[sl] + half)
            else:
                d_eff = np.minimum(d_top[sl], d_up[sl]) + half
            if not np.isfinite(d_eff).any():
                tops.add(RowLine(LineString(c), float(lev)))
                continue
            closed = _is_closed(c)
            is_due = d_eff >= due_at
            due = _runs(is_due, closed)
            accepted = False
            if _length(c) >= min_len and any(_length(_take(c, a, b, closed)) >= min_len for a, b in due):
                d = dr
                if new_here:
                    d = np.minimum(d, shapely.distance(shapely.points(c), shapely.union_all(new_here)))
                for a, b in _runs(d >= crowd, closed):
                    sub = _take(c, a, b, closed)
                    if len(sub) > 1 and _length(sub) >= min_len:
                        ln = LineString(sub)
                        rows.add(RowLine(ln, float(lev)))
                        new_here.append(ln)
                        accepted = True
            if is_due.any() and not accepted:
                skip = 0.0  # due but too short: look again at the next fine step
            elif not accepted:
                # ground distance grows by dz / sin(theta) per dz of descent along the fall line, so
                # the next level where a vertex can reach W is (W - d) sin(theta) lower (exact on a plane)
                need = (width_m - d_eff) * np.nan_to_num(sin_v[sl], nan=0.0)
                skip = min(skip, float(need.min()))
        lev -= max(step, skip) if pieces else step

    # --- coverage pass ---------------------------------------------------------------------------
    res = terrain.res
    d_edge = distance_transform_edt(shapely.contains_xy(plot, xx, yy)) * res * stretch
    d_rows = _distance_to_rows(rows.rows, x, y, res, inside.shape)
    cover = p["coverage_max_distance_modules"] * width_m
    failed = np.zeros_like(inside)
    n_partial = 0
    for _ in range(int(p["max_fill_iterations"])):
        dg = d_rows * stretch
        far = inside & (dg > cover) & ~failed
        if not far.any():
            break
        score = np.where(far, np.minimum(dg, d_edge + width_m / 2.0), -np.inf)
        iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)
        px, py, lev = x[ix], y[iy], float(z[iy, ix])
        row = _partial_row(gen, lev, inner, px, py, rows, crowd, min_len)
        if row is None:
            r_px = crowd / res
            failed |= (xx - px) ** 2 + (yy - py) ** 2 <= (r_px * res) ** 2
            continue
        rows.add(row)
        n_partial += 1
        d_rows = np.minimum(d_rows, _distance_to_rows([row], x, y, res, inside.shape,
                                                      reach=float(np.max(d_rows[inside]))))
    dg = d_rows * stretch
    uncovered = float((inside & (dg > cover)).sum()) / float(inside.sum())
    stats = LayoutStats(max_distance_to_row_m=float(dg[inside].max()) if rows.rows else math.inf,
                        uncovered_share=uncovered, n_partial_rows=n_partial, n_candidate_levels=n_levels)
    return rows.rows, stats


def _partial_row(gen, lev: float, inner: Polygon, px: float, py: float, rows: _Rows, crowd: float,
                 min_len: float) -> RowLine | None:
    pieces = _contour_pieces(gen, lev, inner)
    if not pieces:
        return None
    pt = shapely.Point(px, py)
    dists = [shapely.distance(pt, LineString(c)) if len(c) > 1 else np.inf for c in pieces]
    c = pieces[int(np.argmin(dists))]
    if len(c) < 2 or min(dists) > crowd:
        return None
    d = rows.ground_distance(c, lev, crowd)
    closed = _is_closed(c)
    j = int(np.argmin(np.hypot(c[:, 0] - px, c[:, 1] - py)))
    for a, b in _runs(d >= crowd, closed):
        if a <= j < b or (b > len(c) and j < b - len(c) + 1):
            sub = _take(c, a, b, closed)
            if len(sub) > 1 and _length(sub) >= min_len:
                return RowLine(LineString(sub), lev, partial=True)
    return None


def _distance_to_rows(rows: list[RowLine], x: np.ndarray, y: np.ndarray, res: float,
                      shape: tuple[int, int], reach: float | None = None) -> np.ndarray:
    """Horizontal distance [m] from every grid node to the nearest row (rasterised at res/2)."""
    out = np.full(shape, np.inf)
    if not rows:
        return out
    pts = np.vstack([np.asarray(shapely.segmentize(r.line, res / 2.0).coords) for r in rows])
    ix = np.clip(np.rint((pts[:, 0] - x[0]) / res).astype(int), 0, shape[1] - 1)
    iy = np.clip(np.rint((pts[:, 1] - y[0]) / res).astype(int), 0, shape[0] - 1)
    if reach is None or not math.isfinite(reach):
        r0, r1, c0, c1 = 0, shape[0], 0, shape[1]
    else:
        pad = int(math.ceil(reach / res)) + 2
        r0, r1 = max(iy.min() - pad, 0), min(iy.max() + pad + 1, shape[0])
        c0, c1 = max(ix.min() - pad, 0), min(ix.max() + pad + 1, shape[1])
    free = np.ones((r1 - r0, c1 - c0), bool)
    free[iy - r0, ix - c0] = False
    out[r0:r1, c0:c1] = distance_transform_edt(free) * res
    return out


def place_trees(lines: list[LineString], row_species: list[list[str]], spacing: dict[str, float],
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tree positions along rows, centred so both row ends get the same free length.

    Parameters
    ----------
    lines : list of LineString [m]
    row_species : list of list of str
        For each row, the species cycle planted along it (one code for a block, several alternating).
    spacing : dict
        In-row spacing of each species [m]; the gap between neighbours is the mean of their spacings.

    Returns
    -------
    x, y : array [m]
    row_index : array of int (0-based)
    species : array of str
    """
    geoms, dists, rid, sp = [], [], [], []
    for i, (line, cycle) in enumerate(zip(lines, row_species, strict=True)):
        length = line.length
        gaps = np.array([(spacing[cycle[j]] + spacing[cycle[(j + 1) % len(cycle)]]) / 2.0
                         for j in range(len(cycle))])
        n_max = int(length / gaps.min()) + 2
        steps = np.resize(gaps, n_max - 1)
        pos = np.r_[0.0, np.cumsum(steps)]
        pos = pos[pos <= length + 1e-9]
        pos = np.clip(pos + (length - pos[-1]) / 2.0, 0.0, length)  # negative would count from the end
        geoms.append(np.full(len(pos), line, dtype=object))
        dists.append(pos)
        rid.append(np.full(len(pos), i))
        sp.append(np.resize(np.array(cycle, dtype=object), len(pos)))
    if not geoms:
        e = np.empty(0)
        return e, e, np.empty(0, int), np.empty(0, dtype=object)
    pts = shapely.line_interpolate_point(np.concatenate(geoms), np.concatenate(dists))
    xy = shapely.get_coordinates(pts)
    return xy[:, 0], xy[:, 1], np.concatenate(rid), np.concatenate(sp)


def _extend_line(line: LineString, distance_m: float) -> LineString:
    """``line`` prolonged by ``distance_m`` [m] at both ends along its end segments."""
    xy = np.asarray(line.coords, dtype=float)
    if distance_m <= 0 or len(xy) < 2:
        return line
    out = xy.copy()
    for end, nxt in ((0, 1), (-1, -2)):
        d = xy[end] - xy[nxt]
        norm = float(np.hypot(*d))
        if norm > 0:
            out[end] = xy[end] + d / norm * distance_m
    return LineString(out)


def crop_strips(plot: Polygon, lines: list[LineString], band_width_m: float, extend_m: float = 0.0) -> list[Polygon]:
    """Crop strips: the plot minus a band of ``band_width_m`` [m] (horizontal) centred on each row.

    Rows stop ``edge_margin_m`` inside the boundary (trees are not planted on the edge); their bands are
    prolonged by ``extend_m`` [m] at both ends so that they still cut the plot from edge to edge, otherwise
    the strips above and below a row would join along the boundary into one strip.
    """
    if not lines:
        return [plot]
    lines = [_extend_line(ln, extend_m) for ln in lines]
    bands = shapely.union_all(shapely.buffer(np.array(lines, dtype=object), band_width_m / 2.0,
                                             cap_style="flat"))
    rest = shapely.difference(plot, bands)
    return [g for g in shapely.get_parts(rest) if isinstance(g, Polygon) and g.area > 0]
