"""Compiled (numba) kernel of the multiple-flow-direction routing in :mod:`miaf.environment.ls_factor`.

One pass counts each valid cell's donors (strictly higher valid neighbours); a second pass is Kahn's
topological traversal: a row-major scan starts every cell without pending donors, and an explicit stack
follows the flow downslope, each cell passing (inlet area + own area) × its link fractions to its receivers
as soon as its last donor is done. Work and memory are O(N); following flow paths keeps memory access local.
The link weights, fractions, barrier interception, nodata and sink rules are those of the numpy engine
(``flow_accumulation(engine="numpy")``); both are cross-checked in ``tests/environment/test_flow_engines.py``.

The function is compiled on first call (about a second) and cached on disk under ``__pycache__`` when that
is writable, else in numba's user-wide cache; when no cache location is writable it is compiled in memory
at every process start.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["route_mfd"]


def _jit(func):
    """``numba.njit(cache=True)``, or without the disk cache when numba finds no writable cache location."""
    try:
        return numba.njit(cache=True)(func)
    except RuntimeError:  # "cannot cache function ...: no locator available" (read-only install and home)
        return numba.njit(cache=False)(func)


@_jit
def route_mfd(z, zmin, coef, exponent, barrier, keep, cell_area):  # pragma: no cover - compiled
    """Inlet contributing area [m²] of every cell by MFD routing (see ``ls_factor.flow_accumulation``).

    Parameters
    ----------
    z : 2-D float64 array [m], ``NaN`` on nodata.
    zmin : float [m], minimum valid elevation (drops are taken on z − zmin, as in the numpy engine).
    coef : float64[8] [m^-p], per-direction weight factor (1/distance)^p · contour length share.
    exponent : float [-], MFD exponent p.
    barrier : 2-D bool array of z's shape, or shape (0, 0) for none.
    keep : float [-], share of a barrier cell's outflow passed on (1 − efficiency).
    cell_area : float [m²]

    Returns
    -------
    inlet : 2-D float64 array [m²] (``NaN`` on nodata), sinks : int, iterations : int (cells on the
    longest flow path, the number of wavefronts of the numpy engine).
    """
    h, w = z.shape
    n = h * w
    zf = z.ravel()
    has_barrier = barrier.size == n
    bf = barrier.ravel()
    di = np.array([-1, 1, 0, 0, -1, -1, 1, 1])
    dj = np.array([0, 0, -1, 1, -1, 1, -1, 1])
    off = di * w + dj
    indeg = np.zeros(n, dtype=np.int8)
    bits = np.zeros(n, dtype=np.uint8)
    sinks = 0
    # Pass 1: the links of every cell (bit k set: strictly lower valid neighbour in direction k) and the
    # donors of every cell; nodata cells are marked done (-1) so that the traversal skips them.
    for i in range(h):
        inner_row = 0 < i < h - 1
        for j in range(w):
            c = i * w + j
            zc = zf[c]
            if not np.isfinite(zc):
                indeg[c] = -1
                continue
            zc = zc - zmin
            pattern = 0
            if inner_row and 0 < j < w - 1:
                for k in range(8):
                    pattern |= (zc - (zf[c + off[k]] - zmin) > 0.0) << k  # False for a NaN neighbour
            else:
                for k in range(8):
                    ni = i + di[k]
                    nj = j + dj[k]
                    if 0 <= ni < h and 0 <= nj < w and zc - (zf[c + off[k]] - zmin) > 0.0:
                        pattern |= 1 << k
            if pattern == 0:
                sinks += 1
            else:
                bits[c] = pattern
                for k in range(8):
                    if pattern & (1 << k):
                        indeg[c + off[k]] += 1
    # Pass 2: Kahn's traversal. A row-major scan starts every cell whose donors are all done; the stack
    # follows the flow downslope. level = wavefront index (1 + the deepest donor's), for `iterations`.
    acc = np.full(n, cell_area)
    level = np.zeros(n, dtype=np.int32)
    stack = np.empty(n, dtype=np.int64)
    wts = np.empty(8)
    iterations = 0
    for start in range(n):
        if indeg[start] != 0:
            continue
        stack[0] = start
        top = 1
        while top > 0:
            top -= 1
            c = stack[top]
            indeg[c] = -1
            pattern = bits[c]
            if pattern == 0:
                continue
            zc = zf[c] - zmin
            total = 0.0
            for k in range(8):
                if pattern & (1 << k):
                    dz = zc - (zf[c + off[k]] - zmin)
                    wl = (dz if exponent == 1.0 else dz**exponent) * coef[k]
                    total += wl
                    wts[k] = wl
            lc = level[c]
            if lc == 0:  # a source cell that sends flow: first wavefront
                lc = 1
            nxt = lc + 1
            if nxt > iterations:
                iterations = nxt
            scale = 1.0 / total
            if has_barrier and bf[c]:
                scale *= keep
            out = acc[c] * scale
            for k in range(8):
                if pattern & (1 << k):
                    nb = c + off[k]
                    acc[nb] += out * wts[k]
                    level[nb] = max(level[nb], nxt)
                    indeg[nb] -= 1
                    if indeg[nb] == 0:
                        stack[top] = nb
                        top += 1
    for c in range(n):
        if np.isfinite(zf[c]):
            acc[c] -= cell_area
        else:
            acc[c] = np.nan
    return acc.reshape(h, w), sinks, iterations

