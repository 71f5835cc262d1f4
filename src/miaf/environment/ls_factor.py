"""RUSLE slope length and steepness factor (LS).

Two families are offered:

* **with a DEM** — the unit-contributing-area method of Desmet & Govers (1996): flow is routed over the
  grid with a multiple-flow-direction (MFD) rule, the contributing area at each cell's inlet (m²) enters
  the L equation, and McCool's slope factor gives S. Tree rows and runoff filters are *barrier cells*
  that intercept the flow (a fraction ``barrier_efficiency`` of what leaves them), so on a MIAF-D plot the
  effective slope length is bounded by the module width. The InVEST/SAGA "square root of catchment area"
  variant is available for comparison (``area_method="sqrt_area"``).
* **without a DEM** — McCool et al. (1987, 1989) and Wischmeier & Smith (1978) closed forms from a mean
  slope and a slope length, Nearing's (1997) steep-slope S, and the MIAF-D contour-rows formula
  (:mod:`.ls_closed_form`, re-exported here).

Flow accumulation has two engines with the same results: ``engine="numba"`` (default), an O(N) compiled
topological traversal (:mod:`._flow_numba`), and ``engine="numpy"``, topological *wavefronts*: a cell is
ready when all its upslope donors are done; each wave is a vectorised gather/scatter over the ready cells,
so the Python loop runs once per cell of the longest flow path, not once per cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .ls_closed_form import (  # noqa: F401  (re-exported: the closed forms belong to the LS API)
    STEEP_SLOPE_METHODS,
    STEEP_SLOPE_PCT,
    UNIT_PLOT_LENGTH_M,
    UNIT_PLOT_SLOPE,
    _check_steep,
    _length_exponent_from_sin,
    _slope_factor_from_sin,
    ls_contour_rows,
    ls_mccool,
    ls_wischmeier_smith,
    mccool_length_exponent,
    mccool_slope_factor,
    nearing_slope_factor,
    slope_factor,
    wischmeier_smith_exponent,
)
from .terrain import Dem, slope_radians

__all__ = [
    "FlowAccumulation",
    "LsGrid",
    "STEEP_SLOPE_PCT",
    "STEEP_SLOPE_METHODS",
    "mccool_slope_factor",
    "nearing_slope_factor",
    "slope_factor",
    "mccool_length_exponent",
    "wischmeier_smith_exponent",
    "ls_mccool",
    "ls_wischmeier_smith",
    "ls_contour_rows",
    "flow_accumulation",
    "ls_desmet_govers",
    "contour_barriers",
    "rasterize_lines",
]

# Eight neighbours: (row offset, col offset); the first four are cardinal.
_DIRS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


# ----------------------------------------------------------------------------------------------------------
# Flow routing
# ----------------------------------------------------------------------------------------------------------
@dataclass
class FlowAccumulation:
    """Result of MFD flow routing on a grid.

    Attributes
    ----------
    inlet_area_m2 : array [m²], contributing area at each cell's inlet (``NaN`` on nodata).
    cell_area_m2 : float [m²]
    sink_cells : int, valid cells with no lower valid neighbour (pits, flats, grid outlets).
    iterations : int, number of wavefronts (cells on the longest flow path).
    area_m2 (property) : array [m²], contributing area at the cell outlet (inlet area + the cell's own area).
    """

    inlet_area_m2: np.ndarray
    cell_area_m2: float
    sink_cells: int
    iterations: int

    @property
    def area_m2(self) -> np.ndarray:
        return self.inlet_area_m2 + self.cell_area_m2


def _padded(dem: Dem) -> tuple[np.ndarray, int, int]:
    h, w = dem.shape
    zp = np.full((h + 2, w + 2), np.nan)
    zp[1:-1, 1:-1] = dem.elevation
    return zp, h, w


def flow_accumulation(
    dem: Dem,
    exponent: float = 1.0,
    weighting: str = "quinn",
    barriers: np.ndarray | None = None,
    barrier_efficiency: float = 1.0,
    engine: str = "numba",
) -> FlowAccumulation:
    """Contributing area by multiple-flow-direction routing (Freeman 1991 or Quinn et al. 1991).

    Parameters
    ----------
    dem : Dem, metric grid; ``NaN`` cells receive and pass nothing.
    exponent : float [-], MFD exponent p on the downslope gradient (Quinn: 1, the default; Freeman: 1.1).
    weighting : ``"freeman"`` (weights tan β^p) or ``"quinn"`` (tan β^p times contour length 0.5 D
        cardinal, 0.354 D diagonal).
    barriers : bool array of the grid shape, cells that intercept flow (tree rows, runoff filters).
    barrier_efficiency : float [-] in [0, 1], share of a barrier cell's outflow that is intercepted; 1 resets
        the contributing area downstream of the barrier to zero.
    engine : ``"numba"`` (default: compiled O(N) topological traversal, :mod:`._flow_numba`) or ``"numpy"``
        (vectorised wavefronts, one Python step per cell of the longest flow path). Both give the same
        areas to rounding (tested to 1e-9 relative).

    Returns
    -------
    FlowAccumulation

    Notes
    -----
    Each valid cell sends its outlet area to its strictly lower valid neighbours i in proportion to
    w_i = tan β_i^p (· contour length for Quinn), tan β_i = Δz_i / distance_i. Cells without a lower
    neighbour are sinks (no depression filling: a pit or flat stops the flow, as in SAGA's Get_Flow).

    References
    ----------
    Freeman, T.G., "Calculating catchment area with divergent flow based on a regular grid", Computers &
    Geosciences 17(3):413-422, 1991, doi:10.1016/0098-3004(91)90048-I.
    Quinn, P., Beven, K., Chevallier, P., Planchon, O., "The prediction of hillslope flow paths for
    distributed hydrological modelling using digital terrain models", Hydrological Processes 5:59-79, 1991,
    doi:10.1002/hyp.3360050106.
    """
    if weighting not in ("freeman", "quinn"):
        raise ValueError(f"weighting must be 'freeman' or 'quinn', got {weighting!r}")
    if not (0.0 <= barrier_efficiency <= 1.0):
        raise ValueError(f"barrier_efficiency must be in [0, 1], got {barrier_efficiency}")
    if not exponent > 0:
        raise ValueError(f"exponent must be positive, got {exponent}")
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, _ENGINES))}, got {engine!r}")
    h, w = dem.shape
    if barriers is not None:
        barriers = np.asarray(barriers, dtype=bool)
        if barriers.shape != (h, w):
            raise ValueError(f"barriers must have the DEM shape {(h, w)}, got {barriers.shape}")
    coef = _direction_coefficients(dem.cell_size_m, exponent, weighting)
    if engine == "numba":
        from ._flow_numba import route_mfd

        z = np.ascontiguousarray(dem.elevation, dtype=np.float64)
        b = np.zeros((0, 0), dtype=bool) if barriers is None else np.ascontiguousarray(barriers)
        inlet, sinks, iterations = route_mfd(
            z, float(np.nanmin(z)), coef, float(exponent), b, 1.0 - barrier_efficiency, dem.cell_size_m**2
        )
        return FlowAccumulation(inlet_area_m2=inlet, cell_area_m2=dem.cell_size_m**2, sink_cells=int(sinks),
                                iterations=int(iterations))
    return _flow_accumulation_numpy(dem, exponent, coef, barriers, barrier_efficiency)


_ENGINES = ("numba", "numpy")


def _direction_coefficients(d: float, exponent: float, weighting: str) -> np.ndarray:
    """Per-direction factor of the MFD weight: (1 / distance)^p, times the Quinn contour length share."""
    coef = np.empty(8)
    for k, (di, dj) in enumerate(_DIRS):
        diag = di != 0 and dj != 0
        dist = d * math.sqrt(2.0) if diag else d
        coef[k] = (1.0 / dist) ** exponent * ((0.354 if diag else 0.5) if weighting == "quinn" else 1.0)
    return coef


def _flow_accumulation_numpy(
    dem: Dem, exponent: float, coef: np.ndarray, barriers: np.ndarray | None, barrier_efficiency: float
) -> FlowAccumulation:
    """Numpy engine of :func:`flow_accumulation`: vectorised topological wavefronts."""
    h, w = dem.shape
    wp = w + 2
    n_p = (h + 2) * wp
    d = dem.cell_size_m
    # Fresh large arrays are expensive (page faults), so a few full-size buffers are reused with out=.
    # Elevations stay float64: on a 1 m DEM the drop towards a cross-slope neighbour can be millimetres.
    zp = np.full((h + 2, wp), np.nan)
    centre = zp[1:-1, 1:-1]
    np.subtract(dem.elevation, np.nanmin(dem.elevation), out=centre)
    valid = np.isfinite(centre)
    bits = np.zeros((h + 2, wp), dtype=np.uint8)
    indeg = np.zeros((h + 2, wp), dtype=np.int8)
    total = np.zeros((h + 2, wp))
    tmp = np.empty((h, w))
    link = np.empty((h, w), dtype=bool)
    shifted = np.empty((h, w), dtype=np.uint8)
    for k, (di, dj) in enumerate(_DIRS):
        with np.errstate(invalid="ignore"):
            np.subtract(centre, zp[1 + di : 1 + di + h, 1 + dj : 1 + dj + w], out=tmp)
        np.fmax(tmp, 0.0, out=tmp)  # NaN (nodata neighbour) becomes 0: no link
        np.greater(tmp, 0.0, out=link)
        np.left_shift(link.view(np.uint8), 7 - k, out=shifted)
        np.bitwise_or(bits[1:-1, 1:-1], shifted, out=bits[1:-1, 1:-1])
        receiver = indeg[1 + di : 1 + di + h, 1 + dj : 1 + dj + w]
        np.add(receiver, link.view(np.int8), out=receiver)
        if exponent != 1.0:  # x^p as exp(p ln x): numpy's power has a slow path for zeros
            with np.errstate(divide="ignore"):
                np.log(tmp, out=tmp)
            np.multiply(tmp, exponent, out=tmp)
            np.exp(tmp, out=tmp)
        np.multiply(tmp, coef[k], out=tmp)
        np.add(total[1:-1, 1:-1], tmp, out=total[1:-1, 1:-1])
    inner = total[1:-1, 1:-1]
    sink = valid & (inner <= 0)
    # Store 1 / Σw (times the share a barrier lets through) so a link's fraction is w_link · total[src].
    with np.errstate(divide="ignore"):
        np.divide(1.0, inner, out=inner, where=inner > 0)
    if barriers is not None:
        inner[barriers] *= 1.0 - barrier_efficiency
    del tmp, link, shifted
    bits_flat, indeg_flat, zflat, scale_flat = bits.ravel(), indeg.ravel(), zp.ravel(), total.ravel()

    acc = np.zeros(n_p)
    acc_2d = acc.reshape(h + 2, wp)
    acc_2d[1:-1, 1:-1][valid] = d * d
    offsets = np.array([di * wp + dj for di, dj in _DIRS], dtype=np.int64)
    stamp = np.zeros(n_p, dtype=np.int64)
    valid_p = np.zeros((h + 2, wp), dtype=bool)
    valid_p[1:-1, 1:-1] = valid
    # Start from the cells without donors that send flow somewhere (isolated cells keep their own area).
    front = np.flatnonzero(valid_p.ravel() & (indeg_flat == 0) & (bits_flat != 0))
    del valid_p
    iterations = 0
    # Lookup tables over the 256 link patterns: number of links, and the direction of the i-th link.
    patterns = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1)
    n_links = patterns.sum(axis=1).astype(np.int64)
    link_dir = np.zeros((256, 8), dtype=np.int64)
    for pat in range(256):
        dirs = np.flatnonzero(patterns[pat])
        link_dir[pat, : dirs.size] = dirs
    link_dir_flat = link_dir.ravel()
    while front.size:
        iterations += 1
        pat = bits_flat[front].astype(np.int64)
        cnt = n_links[pat]
        j = np.repeat(np.arange(front.size), cnt)
        if j.size == 0:
            break
        starts = np.cumsum(cnt) - cnt
        k = link_dir_flat[pat[j] * 8 + (np.arange(j.size) - starts[j])]
        src = front[j]
        dst = src + offsets[k]
        wl = zflat[src] - zflat[dst]
        if exponent != 1.0:
            wl **= exponent
        wl *= coef[k]
        vals = (acc[front] * scale_flat[front])[j] * wl
        # Sum the inflows per receiving cell without ufunc.at or sorting: every occurrence of a cell
        # points at its last occurrence (its representative), then bincount over representatives.
        order = np.arange(dst.size)
        stamp[dst] = order
        rep = stamp[dst]
        first = rep == order
        cells = dst[first]
        acc[cells] += np.bincount(rep, weights=vals, minlength=dst.size)[first]
        indeg_flat[cells] -= np.bincount(rep, minlength=dst.size)[first]
        front = cells[indeg_flat[cells] == 0]
    inlet = acc_2d[1:-1, 1:-1]  # a view: no new full-size array
    inlet -= d * d
    inlet[~valid] = np.nan
    return FlowAccumulation(inlet_area_m2=inlet, cell_area_m2=d * d, sink_cells=int(sink.sum()), iterations=iterations)


# ----------------------------------------------------------------------------------------------------------
# LS from a DEM
# ----------------------------------------------------------------------------------------------------------
@dataclass
class LsGrid:
    """Per-cell topographic factor from a DEM.

    Attributes
    ----------
    ls, l_factor, s_factor : arrays [-] (``NaN`` on nodata).
    slope_rad : array [rad]
    inlet_area_m2 : array [m²], contributing area at the cell inlet after barriers (before the cap).
    nodata_cells, sink_cells, iterations : int
    area_method : str
    """

    ls: np.ndarray
    l_factor: np.ndarray
    s_factor: np.ndarray
    slope_rad: np.ndarray
    inlet_area_m2: np.ndarray
    nodata_cells: int
    sink_cells: int
    iterations: int
    area_method: str


def ls_desmet_govers(
    dem: Dem,
    max_flow_length_m: float | None = None,
    area_method: str = "desmet_govers",
    barriers: np.ndarray | None = None,
    barrier_efficiency: float = 1.0,
    mfd_exponent: float = 1.0,
    weighting: str = "quinn",
    rill_ratio: float = 1.0,
    engine: str = "numba",
    steep_slope: str = "mccool",
) -> LsGrid:
    """RUSLE LS per cell by the unit-contributing-area method of Desmet & Govers (1996).

    Parameters
    ----------
    dem : Dem, square metric cells.
    max_flow_length_m : float [m] or None, upper bound on the unit contributing area A_in / (D x), i.e. on
        the slope length entering L (None: no bound).
    area_method : ``"desmet_govers"`` (A_in in m², the published method) or ``"sqrt_area"`` (InVEST ≥ 3.14 /
        SAGA "square root of catchment area": A_in replaced by √A_in).
    barriers : bool array, cells of tree rows / runoff filters that intercept flow.
    barrier_efficiency : float [-], share of a barrier cell's outflow intercepted (1: reset to zero).
    mfd_exponent, weighting : MFD routing options, see :func:`flow_accumulation`.
    rill_ratio : float [-], β multiplier for the length exponent (:func:`mccool_length_exponent`).
    engine : ``"numba"`` (default: compiled routing and a one-pass per-cell L/S kernel) or ``"numpy"``
        (wavefront routing and row-block array expressions); same results to rounding.
    steep_slope : ``"mccool"`` (default) or ``"nearing"``, the S factor above 50 % (see :func:`slope_factor`).

    Returns
    -------
    LsGrid

    Notes
    -----
    L_i = [(A_in + D²)^(m+1) − A_in^(m+1)] / [D^(m+2) · x^m · 22.13^m], with D the cell size [m],
    x = |sin α| + |cos α| (α aspect), m from McCool et al. (1989); S from McCool et al. (1987).
    On a uniform plane of N cells along the fall line, A_in = k D² for the k-th cell and the mean of L over
    the N cells telescopes to (N D / 22.13)^m, the RUSLE closed form.

    References
    ----------
    Desmet, P.J.J., Govers, G., "A GIS procedure for automatically calculating the USLE LS factor on
    topographically complex landscape units", Journal of Soil and Water Conservation 51(5):427-433, 1996.
    """
    if area_method not in ("desmet_govers", "sqrt_area"):
        raise ValueError(f"area_method must be 'desmet_govers' or 'sqrt_area', got {area_method!r}")
    if max_flow_length_m is not None and not max_flow_length_m > 0:
        raise ValueError(f"max_flow_length_m must be positive or None, got {max_flow_length_m}")
    _check_steep(steep_slope)
    flow = flow_accumulation(
        dem, exponent=mfd_exponent, weighting=weighting, barriers=barriers, barrier_efficiency=barrier_efficiency,
        engine=engine,
    )
    d = dem.cell_size_m
    h, w = dem.shape
    z = _filled(dem)
    shape = (h, w)
    ls, l_factor = np.empty(shape), np.empty(shape, dtype=np.float32)
    s_factor, slope = np.empty(shape, dtype=np.float32), np.empty(shape, dtype=np.float32)
    # Row blocks keep temporaries small (no page faults on fresh full-size arrays) and in cache. sin θ is
    # taken once for m and S, and the denominator D^(m+2) x^m 22.13^m as D² (D x 22.13)^m: four powers per
    # cell instead of six (the same values to a few ulps).
    d2 = d * d
    for r0 in range(0, h, _CHUNK_ROWS):
        r1 = min(r0 + _CHUNK_ROWS, h)
        gx, gy = _horn_block(z, r0, r1, d)
        grad = np.hypot(gx, gy)
        theta = np.arctan(grad)
        sin_t = np.sin(theta)
        flat = grad <= 0
        np.abs(gx, out=gx)
        np.abs(gy, out=gy)
        x = np.add(gx, gy, out=gx)
        np.divide(x, grad, out=x, where=~flat)
        x[flat] = 1.0
        m = _length_exponent_from_sin(sin_t, rill_ratio)
        a_in = np.fmax(flow.inlet_area_m2[r0:r1], 0.0)  # NaN (nodata) → 0; those cells are blanked below
        if area_method == "sqrt_area":
            np.sqrt(a_in, out=a_in)
        if max_flow_length_m is not None:
            np.minimum(a_in, max_flow_length_m * d * x, out=a_in)
        mp1 = m + 1.0
        el = np.power(a_in + d2, mp1)
        el -= np.power(a_in, mp1, out=a_in)
        np.multiply(x, d * UNIT_PLOT_LENGTH_M, out=x)
        el /= np.multiply(np.power(x, m, out=x), d2, out=x)
        es = _slope_factor_from_sin(sin_t, theta, steep_slope)
        np.multiply(el, es, out=ls[r0:r1])
        l_factor[r0:r1], s_factor[r0:r1], slope[r0:r1] = el, es, theta
    invalid = ~dem.valid
    if invalid.any():
        for arr in (ls, l_factor, s_factor, slope):
            arr[invalid] = np.nan
    return LsGrid(
        ls=ls, l_factor=l_factor, s_factor=s_factor, slope_rad=slope, inlet_area_m2=flow.inlet_area_m2,
        nodata_cells=dem.nodata_cells, sink_cells=flow.sink_cells, iterations=flow.iterations,
        area_method=area_method,
    )


_CHUNK_ROWS = 64


def _filled(dem: Dem) -> np.ndarray:
    """Elevation with nodata replaced by the nearest valid value (for gradients next to nodata)."""
    z = dem.elevation
    valid = dem.valid
    if valid.all():
        return z
    from scipy.ndimage import distance_transform_edt

    idx = distance_transform_edt(~valid, return_distances=False, return_indices=True)
    return z[tuple(idx)]


def _horn_block(z: np.ndarray, r0: int, r1: int, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Horn gradient of rows r0:r1, edges extended by odd reflection (exact on planes); as terrain.horn_gradient."""
    h = z.shape[0]
    top = z[r0 - 1] if r0 > 0 else 2 * z[0] - z[1]
    bottom = z[r1] if r1 < h else 2 * z[h - 1] - z[h - 2]
    block = np.vstack([top[None, :], z[r0:r1], bottom[None, :]])
    p = np.empty((block.shape[0], block.shape[1] + 2))
    p[:, 1:-1] = block
    p[:, 0] = 2 * block[:, 0] - block[:, 1]
    p[:, -1] = 2 * block[:, -1] - block[:, -2]
    a, b, c = p[:-2, :-2], p[:-2, 1:-1], p[:-2, 2:]
    dd, f = p[1:-1, :-2], p[1:-1, 2:]
    g, hh, i = p[2:, :-2], p[2:, 1:-1], p[2:, 2:]
    gx = ((c + 2 * f + i) - (a + 2 * dd + g)) / (8 * d)
    gy = ((a + 2 * b + c) - (g + 2 * hh + i)) / (8 * d)
    return gx, gy


def contour_barriers(dem: Dem, module_width_m: float, mask: np.ndarray | None = None) -> np.ndarray:
    """Barrier cells of tree rows on contours spaced ``module_width_m`` apart along the fall line.

    Parameters
    ----------
    dem : Dem
    module_width_m : float [m], distance between tree rows (MIAF "módulo").
    mask : bool array or None, cells of the plot (the median slope is taken over them).

    Returns
    -------
    bool array, True on the cells just above each contour (one-cell-thick rows).

    Notes
    -----
    Contours are drawn every Δz = W · tan(θ̃), θ̃ the median slope of the plot, so on a uniform slope the
    rows are W apart horizontally; on uneven slopes the spacing varies as the contour interval is fixed
    (the way rows are traced in the field with an A-frame). Pass explicit tree-row lines with
    :func:`rasterize_lines` when the design is known.
    """
    if not module_width_m > 0:
        raise ValueError(f"module_width_m must be positive, got {module_width_m}")
    theta = slope_radians(dem)
    sel = dem.valid if mask is None else (dem.valid & mask)
    tan_med = float(np.tan(np.nanmedian(theta[sel]))) if sel.any() else 0.0
    if tan_med <= 1e-9:
        return np.zeros(dem.shape, dtype=bool)
    dz = module_width_m * tan_med
    z = dem.elevation
    band = np.floor((z - np.nanmin(z)) / dz)
    bp = np.pad(band, 1, mode="edge")
    rows = np.zeros(dem.shape, dtype=bool)
    h, w = dem.shape
    for di, dj in _DIRS[:4]:
        nb = bp[1 + di : 1 + di + h, 1 + dj : 1 + dj + w]
        with np.errstate(invalid="ignore"):
            rows |= band > nb
    return rows & dem.valid


def rasterize_lines(lines, dem: Dem) -> np.ndarray:
    """Barrier cells touched by tree-row lines (shapely geometries in the DEM's CRS)."""
    from rasterio.features import rasterize

    geoms = [g for g in (lines if isinstance(lines, list | tuple) else [lines]) if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(dem.shape, dtype=bool)
    out = rasterize(geoms, out_shape=dem.shape, transform=dem.transform, fill=0, default_value=1, all_touched=True)
    return out.astype(bool) & dem.valid
