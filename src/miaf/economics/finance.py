"""Discounted cash-flow kernels, vectorised over many series at once.

Every function takes cash flows shaped ``(..., years)``: the last axis is time, any leading axes are
independent series (plots, Monte Carlo draws, scenarios). They return arrays shaped ``(...)``.

Timing convention (the same as numpy-financial's ``npv`` and ``irr``): element ``t`` of a series is the
net flow of year ``t``; year 0 (the planting or investment year) is **not discounted**, year ``t`` is
discounted by ``(1 + rate) ** t``. Rates are fractions per year (0.10 = 10 %/yr), not percentages.

The internal rate of return does not always exist or is not always unique. :func:`irr` returns NaN for
such series together with a reason code (:data:`IRR_REASONS`); :func:`irr_to_json` turns the pair into
``{"irr": None, "irr_reason": "..."}`` so that no made-up number reaches a report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "IRR_REASONS",
    "IrrResult",
    "annuity",
    "benefit_cost_ratio",
    "irr",
    "irr_to_json",
    "npv",
    "payback_years",
]

#: Reason codes returned by :func:`irr` (index = code).
IRR_REASONS: tuple[str, ...] = (
    "ok",
    "all_zero",  # every flow is zero: any rate gives NPV 0
    "no_negative_flow",  # nothing is ever invested: NPV > 0 at every rate, IRR is infinite
    "no_positive_flow",  # all flows <= 0 (nothing is ever earned back): NPV < 0 at every rate
    "multiple",  # NPV crosses zero more than once in the search range: IRR is not unique
    "no_root_in_range",  # flows change sign but NPV never crosses zero within [rate_min, rate_max]
    "non_finite",  # the series holds NaN or inf
)
_OK, _ALL_ZERO, _NO_NEG, _NO_POS, _MULTIPLE, _NO_ROOT, _NON_FINITE = range(7)


def _as_flows(cashflows) -> np.ndarray:
    flows = np.asarray(cashflows, dtype=float)
    if flows.ndim == 0 or flows.shape[-1] < 1:
        raise ValueError("cashflows: need at least one year on the last axis (shape (..., years))")
    return flows


def _discount_factors(rate, n_years: int) -> np.ndarray:
    """``(1 + rate) ** -t`` for t = 0..n_years-1, shaped ``rate.shape + (n_years,)``."""
    rate = np.asarray(rate, dtype=float)
    if np.any(rate <= -1.0):
        raise ValueError("rate: a discount rate must be greater than -1 (it is a fraction per year, 0.10 = 10 %)")
    t = np.arange(n_years, dtype=float)
    return (1.0 + rate[..., None]) ** -t


def npv(rate, cashflows) -> np.ndarray:
    """Net present value of cash-flow series (year 0 undiscounted).

    Parameters
    ----------
    rate : float or array [fraction yr⁻¹]
        Discount rate; scalar, or an array broadcastable to ``cashflows.shape[:-1]``.
    cashflows : array, shape (..., years) [MXN]
        Net flow of each year; element 0 is year 0 (the investment year).

    Returns
    -------
    npv : float or array, shape (...) [MXN]

    Notes
    -----
    :math:`NPV = \\sum_{t=0}^{T-1} c_t (1 + r)^{-t}`. Year 0 is not discounted, the same convention
    as ``numpy_financial.npv``. A scalar rate is applied as one matrix-vector product.

    References
    ----------
    Gitman, L. J. Principles of Managerial Finance, Brief, 3rd ed. Addison-Wesley, 2003, p. 346.
    """
    flows = _as_flows(cashflows)
    rate = np.asarray(rate, dtype=float)
    if rate.ndim == 0:
        return flows @ _discount_factors(rate, flows.shape[-1])
    return np.einsum("...t,...t->...", flows, _discount_factors(rate, flows.shape[-1]))


def _horner(coef_t: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of ``sum_t c_t v**t`` (coefficients on axis 0, rows on axis 1)."""
    p = coef_t[-1].copy()
    dp = np.zeros_like(p)
    for c in coef_t[-2::-1]:
        dp *= v
        dp += p
        p *= v
        p += c
    return p, dp


@dataclass(frozen=True)
class IrrResult:
    """IRR per series (NaN where none is reported), the reason code of each (see IRR_REASONS), every root
    found in the search range and the number of sign changes of the flows.

    ``roots`` has shape ``rate.shape + (k,)``: the roots found in the search range per series, ascending,
    NaN-padded (``k`` ≥ 1 is the largest number found). ``sign_changes`` counts the sign changes of the
    flows (zeros skipped); a series with more than one (``non_conventional``) may have several IRRs.
    """

    rate: np.ndarray
    reason: np.ndarray
    roots: np.ndarray | None = None
    sign_changes: np.ndarray | None = None

    @property
    def non_conventional(self) -> np.ndarray:
        """True where the flows change sign more than once (several IRRs are possible)."""
        return np.asarray(self.sign_changes) > 1

    def reasons(self) -> np.ndarray:
        """Reason codes as strings, same shape as ``rate``."""
        return np.asarray(IRR_REASONS, dtype=object)[self.reason]

    def to_dict(self) -> dict:
        if np.ndim(self.rate) == 0:
            return irr_to_json(float(self.rate), int(self.reason), self.roots, self.sign_changes)
        rows = [irr_to_json(float(r), int(c), None if self.roots is None else self.roots.reshape(-1, self.roots.shape[-1])[i],
                            None if self.sign_changes is None else np.ravel(self.sign_changes)[i])
                for i, (r, c) in enumerate(zip(np.ravel(self.rate), np.ravel(self.reason), strict=True))]
        return {k: [row.get(k) for row in rows] for k in rows[0]} if rows else {"irr": [], "irr_reason": []}


def irr_to_json(rate: float, reason: int, roots=None, sign_changes=None) -> dict:
    """``{"irr": rate or None, "irr_reason": None or text}`` for one series (JSON-ready).

    With ``roots`` and ``sign_changes`` (from :class:`IrrResult`) it adds ``irr_roots`` (every root found in
    the search range, ascending), ``irr_sign_changes`` and ``irr_non_conventional`` (flows change sign more
    than once).
    """
    if int(reason) != _OK or not np.isfinite(rate):
        out = {"irr": None, "irr_reason": IRR_REASONS[int(reason)] if int(reason) else "non_finite"}
    else:
        out = {"irr": float(rate), "irr_reason": None}
    if roots is not None:
        out["irr_roots"] = [float(x) for x in np.ravel(roots) if np.isfinite(x)]
    if sign_changes is not None:
        out["irr_sign_changes"] = int(sign_changes)
        out["irr_non_conventional"] = bool(int(sign_changes) > 1)
    return out


def _count_true(b: np.ndarray) -> np.ndarray:
    """Number of True per row of a 2-D boolean array (faster than ``count_nonzero(axis=1)``)."""
    return (b.view(np.uint8) @ np.ones(b.shape[1], dtype=np.uint16)).astype(np.int64)


def _sign_changes(a: np.ndarray) -> np.ndarray:
    """Sign changes along axis 1 of ``a`` (rows, n), zeros skipped (the count of Descartes' rule)."""
    pos = a > 0
    neg = a < 0
    if (pos | neg).all():
        return _count_true(pos[:, 1:] != pos[:, :-1])
    sign = pos.astype(np.int8) - neg.astype(np.int8)
    last = np.where(sign != 0, np.arange(a.shape[1]), 0)
    np.maximum.accumulate(last, axis=1, out=last)  # carry the last non-zero sign over zeros
    sign = np.take_along_axis(sign, last, axis=1)
    return np.count_nonzero(sign[:, 1:] * sign[:, :-1] < 0, axis=1)


def _root_bound(block: np.ndarray, sign_changes: np.ndarray) -> np.ndarray:
    """Upper bound on the number of IRRs in (−1, 0) or in (0, ∞) of each row (with multiplicity); 1 also
    where there is at most one on each side of r = 0.

    Descartes' rule on the flows (``sign_changes``), and the sharper cumulative-flow test of Norstrøm
    (1972): with :math:`S_t = \\sum_{s \\le t} c_s`, :math:`f(v)/(1 - v) = \\sum_k S_{\\min(k, n)} v^k` on
    0 < v < 1, so the roots with r > 0 are at most the sign changes of S_0..S_n; the same on the reversed
    polynomial bounds the roots with r < 0 by the sign changes of the tail sums T_t = S_n − S_{t−1}; r = 0
    is a root when S_n = 0. Where either count exceeds one, a second division by (1 − v) (sums of the sums)
    may lower it: dividing a power series by (1 − v) never adds sign changes.
    """
    n = block.shape[1]
    cum = block @ np.triu(np.ones((n, n)))  # running sums S_t: one matrix product beats cumsum on rows
    total = cum[:, -1:]
    def tails(c, t):  # T_n, ..., T_0 with T_0 = S_n and T_t = S_n - S_{t-1}: coefficients in powers of 1/v
        return np.concatenate([t, t - c[:, :-1]], axis=1)[:, ::-1]

    if (cum != 0).all() and (cum[:, :-1] != total).all():  # no zero S_t or T_t: compare signs directly
        s_pos = cum > 0
        above = _count_true(s_pos[:, 1:] != s_pos[:, :-1])
        t_pos = cum[:, :-1] < total  # T_t > 0 for t = 1..n
        below = _count_true(t_pos[:, 1:] != t_pos[:, :-1]) + (t_pos[:, 0] != s_pos[:, -1])
    else:
        above, below = _sign_changes(cum), _sign_changes(tails(cum, total))
    # one more division by (1 - v): coefficients are the sums of S, then grow linearly with slope S_n,
    # so the infinite tail adds one sign change exactly when their last value and S_n differ in sign
    again = np.flatnonzero((above > 1) | (below > 1))
    if again.size:
        c, t_n = cum[again], total[again]
        above[again] = np.minimum(above[again], _sign_changes(np.hstack([np.cumsum(c, axis=1), t_n])))
        below[again] = np.minimum(below[again], _sign_changes(np.hstack([np.cumsum(tails(c, t_n), axis=1), t_n])))
    bound = np.minimum(sign_changes, above + below + (total[:, 0] == 0))
    # at most one root on each side of r = 0 (and none at it): a grid with r = 0 as a point sees them all
    return np.where((above <= 1) & (below <= 1) & (total[:, 0] != 0), np.minimum(bound, 1), bound)


def _polish(coef: np.ndarray, lo, hi, f_lo, tol: float, f_hi=None, start=None) -> np.ndarray:
    """Root in each bracket [lo, hi] of v (one column of ``coef`` per bracket): Newton on the polynomial
    in v from the secant point, bisection whenever a step leaves the bracket (all brackets at once; the
    converged ones leave the working set).

    A Newton step of size δ leaves an error of about K δ² (K = |f''/2f'|), so a bracket is done once its
    Newton step is below √tol (the step is still applied) or any step is below tol.
    """
    if f_hi is None:
        f_hi, _ = _horner(coef, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = lo - f_lo * (hi - lo) / (f_hi - f_lo)
    if start is not None:  # a better first guess where it lies inside the bracket
        v = np.where(np.isfinite(start) & (start > lo) & (start < hi), start, v)
    v = np.where(~np.isfinite(v) | (v >= hi) | (v <= lo), 0.5 * (lo + hi), v)
    out = v.copy()
    active = np.arange(v.size)
    quad = 1e-9  # then K δ² ≈ 1e-18 K
    for _ in range(100):
        f, df = _horner(coef, v)
        # keep the bracket: the root lies between lo and v where f changes sign
        same = (f >= 0.0) == (f_lo >= 0.0)
        lo = np.where(same, v, lo)
        f_lo = np.where(same, f, f_lo)
        hi = np.where(same, hi, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = v - f / df
        bad = ~np.isfinite(newton) | (newton < np.minimum(lo, hi)) | (newton > np.maximum(lo, hi))
        new_v = np.where(f == 0.0, v, np.where(bad, 0.5 * (lo + hi), newton))
        step = np.abs(new_v - v)
        scale = np.maximum(1.0, new_v)
        going = (step > tol * scale) & (bad | (step > quad * scale))
        out[active] = new_v
        if not going.any():
            break
        if going.mean() < 0.5:  # compact the working set
            active, lo, hi, f_lo, new_v = active[going], lo[going], hi[going], f_lo[going], new_v[going]
            coef = np.ascontiguousarray(coef[:, going])
        v = new_v
    return out


def _all_roots(sub: np.ndarray, v_grid: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Every root in the grid's range of the rows ``sub`` (m, years): (row index, v) per root found.

    A root shows as a sign change of NPV between grid points; two roots inside one cell show as a turn
    of the derivative there, so each such cell is split at its extremum (found by bisection on f') and
    kept when NPV changes sign at it.
    """
    n_years = sub.shape[1]
    t = np.arange(n_years, dtype=float)
    powers = v_grid[None, :] ** t[:, None]
    f = sub @ powers
    dcoef = sub[:, 1:] * t[1:]
    df = dcoef @ powers[:-1]
    f_pos = f >= 0.0
    cross = f_pos[:, 1:] != f_pos[:, :-1]
    r_idx, c_idx = np.nonzero(cross)
    rows = [r_idx]
    lo = [v_grid[c_idx + 1]]  # v = 1/(1+r) decreases along the grid
    hi = [v_grid[c_idx]]
    f_lo = [f[r_idx, c_idx + 1]]
    turn = ~cross & ((df[:, 1:] >= 0.0) != (df[:, :-1] >= 0.0))
    tr, tc = np.nonzero(turn)
    if tr.size:
        a, b = v_grid[tc + 1], v_grid[tc]
        d_a, d_b = df[tr, tc + 1], df[tr, tc]
        dc = np.ascontiguousarray(dcoef[tr].T)
        # f' is close to linear inside a cell of the fine grid: a few Illinois (regula falsi) steps place
        # the extremum; the end kept twice in a row has its f' halved so that both ends move
        for _ in range(8):
            with np.errstate(divide="ignore", invalid="ignore"):
                vx = a - d_a * (b - a) / (d_b - d_a)
            vx = np.where(np.isfinite(vx) & (vx > a) & (vx < b), vx, 0.5 * (a + b))
            d_x, _ = _horner(dc, vx)
            same = (d_x >= 0.0) == (d_a >= 0.0)
            a, d_a = np.where(same, vx, a), np.where(same, d_x, 0.5 * d_a)
            b, d_b = np.where(same, b, vx), np.where(same, 0.5 * d_b, d_x)
        fx, _ = _horner(np.ascontiguousarray(sub[tr].T), vx)
        f_a = f[tr, tc + 1]
        two = (fx >= 0.0) != (f_a >= 0.0)
        tr, tc, vx, fx, f_a = tr[two], tc[two], vx[two], fx[two], f_a[two]
        rows += [tr, tr]
        lo += [v_grid[tc + 1], vx]
        hi += [vx, v_grid[tc]]
        f_lo += [f_a, fx]
    rows_all = np.concatenate(rows)
    if rows_all.size == 0:
        return rows_all, np.empty(0)
    v = _polish(np.ascontiguousarray(sub[rows_all].T), np.concatenate(lo), np.concatenate(hi),
                np.concatenate(f_lo), tol)
    order = np.lexsort((v, rows_all))
    rows_all, v = rows_all[order], v[order]
    # a root on a grid point (or a tangency) is found from both sides: keep it once
    dup = np.zeros(v.size, dtype=bool)
    dup[1:] = (rows_all[1:] == rows_all[:-1]) & (np.abs(v[1:] - v[:-1]) <= 1e-9 * np.maximum(1.0, v[1:]))
    return rows_all[~dup], v[~dup]


def irr(
    cashflows,
    rate_min: float = -0.99,
    rate_max: float = 10.0,
    grid_points: int = 32,
    tol: float = 1e-13,
    chunk_rows: int = 32768,
    fine_grid_points: int = 512,
) -> IrrResult:
    """Internal rate of return of many cash-flow series at once, with a reason where it is undefined.

    Parameters
    ----------
    cashflows : array, shape (..., years) [MXN]
        Net flow of each year; year 0 is undiscounted (numpy-financial convention).
    rate_min, rate_max : float [fraction yr⁻¹]
        Search range for the IRR (default −99 % to +1,000 % per year).
    grid_points : int
        Rates on a grid uniform in ``log(1 + r)`` used to bracket the root of series with at most one.
    tol : float
        Convergence tolerance on ``v = 1/(1 + r)``.
    chunk_rows : int
        Rows processed per block (keeps the working set in cache).
    fine_grid_points : int
        Grid used to find every root of the series that may have several.

    Returns
    -------
    IrrResult
        ``rate`` [fraction yr⁻¹], shape (...), NaN where no unique IRR exists; ``reason`` (int8 codes, see
        :data:`IRR_REASONS`); ``roots`` [fraction yr⁻¹], shape (..., k), every root found in the range;
        ``sign_changes`` of the flows.

    Notes
    -----
    The IRR is the rate ``r`` with :math:`\\sum_t c_t (1+r)^{-t} = 0`, a polynomial in
    :math:`v = 1/(1+r)`. Per series:

    * non-finite flows → ``non_finite``; all zero → ``all_zero``; no negative flow → ``no_negative_flow``
      (IRR infinite); no positive flow (all-negative series included) → ``no_positive_flow``;
    * otherwise an upper bound on the number of roots is taken from Descartes' rule of signs on the flows
      and Norstrøm's cumulative-flow test (:func:`_root_bound`). Where it is at most one, NPV is evaluated
      on a grid of ``grid_points`` rates (one matrix product per block): one crossing → the root is
      polished in its bracket by Newton's method on the polynomial in ``v``, falling back to bisection
      whenever a step leaves the bracket (all rows at once); none → ``no_root_in_range``.
    * Where several roots are possible (the flows change sign more than once and the cumulative test does
      not exclude it) every root in the range is searched on a grid of ``fine_grid_points`` rates, with
      each cell where the derivative turns split at its extremum, so two roots closer than a cell are
      still found. One root → reported; several → ``multiple`` (NaN, all of them in ``roots``); none →
      ``no_root_in_range``.

    A conventional series (flows change sign once) has exactly one IRR in (−1, ∞); it is reported unless it
    lies outside [rate_min, rate_max]. Where roots are unique this agrees with ``numpy_financial.irr``
    (which returns the root closest to 0 even when several exist) to about 1e-12. Not detected: more
    than two roots inside one cell of the fine grid (1/511 of the log range, 1.4 % in 1 + r).

    References
    ----------
    Gitman, L. J. Principles of Managerial Finance, Brief, 3rd ed. Addison-Wesley, 2003, p. 348.
    Hazen, G. B. A new perspective on multiple internal rates of return. The Engineering Economist
    48(1):31–51, 2003. doi:10.1080/00137910308965050
    Norstrøm, C. J. A sufficient condition for a unique nonnegative internal rate of return. Journal of
    Financial and Quantitative Analysis 7(3):1835–1839, 1972. doi:10.2307/2329806
    """
    flows = _as_flows(cashflows)
    if not (-1.0 < rate_min < rate_max):
        raise ValueError("irr: need -1 < rate_min < rate_max")
    shape = flows.shape[:-1]
    n_years = flows.shape[-1]
    rows = flows.reshape(-1, n_years)
    n = rows.shape[0]
    rate = np.full(n, np.nan)
    reason = np.zeros(n, dtype=np.int8)
    changes = np.zeros(n, dtype=np.int64)
    many: list[tuple[np.ndarray, np.ndarray]] = []  # (global row, root rate) of the several-root search

    log_range = (np.log1p(rate_min), np.log1p(rate_max))
    # r = 0 is a grid point, so that no cell straddles it (see _root_bound)
    v_grid = 1.0 / (1.0 + np.sort(np.append(np.expm1(np.linspace(*log_range, grid_points)), 0.0)))
    v_fine = 1.0 / (1.0 + np.expm1(np.linspace(*log_range, fine_grid_points)))
    powers = v_grid[None, :] ** np.arange(n_years, dtype=float)[:, None]  # (years, grid)

    for start in range(0, n, chunk_rows):
        block = rows[start : start + chunk_rows]
        out_rate = rate[start : start + chunk_rows]
        out_reason = reason[start : start + chunk_rows]
        finite = _count_true(np.isfinite(block)) == n_years
        pos = block > 0
        neg = block < 0
        has_pos = _count_true(pos) > 0
        has_neg = _count_true(neg) > 0
        out_reason[~finite] = _NON_FINITE
        out_reason[finite & ~has_pos & ~has_neg] = _ALL_ZERO
        out_reason[finite & has_pos & ~has_neg] = _NO_NEG
        out_reason[finite & ~has_pos & has_neg] = _NO_POS
        is_candidate = finite & has_pos & has_neg
        candidates = np.flatnonzero(is_candidate)
        if candidates.size == 0:
            continue
        if candidates.size == block.shape[0]:  # the usual case: no copy
            sub = block
            sc = (_count_true(pos[:, 1:] != pos[:, :-1]) if (pos | neg).all()
                  else _sign_changes(block))
        else:
            sub = block[candidates]
            sc = _sign_changes(sub)
        changes[start + candidates] = sc
        several = sc > 1
        if several.mean() > 0.5:
            several = _root_bound(sub, sc) > 1
        elif several.any():
            several[several] = _root_bound(sub[several], sc[several]) > 1
        # the coarse grid on every candidate (cheaper than setting aside the few with several roots, which
        # are searched again below and overwritten)
        values = sub @ powers  # NPV on the grid, (rows, grid)
        sign = values >= 0.0  # an exact zero counts as positive: the root is found at the bracket edge
        change = sign[:, 1:] != sign[:, :-1]
        n_cross = _count_true(change)  # 0, 1, or 2 (one on each side of r = 0)
        out_reason[candidates] = np.where(n_cross == 0, _NO_ROOT, np.where(n_cross == 1, _OK, _MULTIPLE))
        r_of = np.flatnonzero((n_cross == 1) & ~several)
        idx = np.argmax(change[r_of], axis=1)
        two = np.flatnonzero((n_cross == 2) & ~several)
        if two.size:
            r2, i2 = np.nonzero(change[two])
            r_of, idx = np.concatenate([r_of, two[r2]]), np.concatenate([idx, i2])
        if r_of.size:
            # v = 1/(1+r) decreases with r: bracket [v(r_{i+1}), v(r_i)]
            coef = np.take(np.ascontiguousarray(sub.T), r_of, axis=1)  # (years, brackets): Horner reads rows
            # first guess: inverse quadratic interpolation through the bracket and the next grid point
            k = np.where(idx + 2 < v_grid.size, idx + 2, idx - 1)
            x0, x1, x2 = v_grid[idx], v_grid[idx + 1], v_grid[k]
            y0, y1, y2 = values[r_of, idx], values[r_of, idx + 1], values[r_of, k]
            with np.errstate(divide="ignore", invalid="ignore"):
                guess = (x0 * y1 * y2 / ((y0 - y1) * (y0 - y2)) + x1 * y0 * y2 / ((y1 - y0) * (y1 - y2))
                         + x2 * y0 * y1 / ((y2 - y0) * (y2 - y1)))
            v = _polish(coef, x1, x0, y1, tol, y0, guess)
            one = n_cross[r_of] == 1
            out_rate[candidates[r_of[one]]] = 1.0 / v[one] - 1.0
            if not one.all():
                many.append((start + candidates[r_of[~one]], 1.0 / v[~one] - 1.0))
        if several.any():
            idx_many = candidates[several]
            r_of, v = _all_roots(sub[several], v_fine, tol)
            count = np.bincount(r_of, minlength=idx_many.size)
            out_reason[idx_many] = np.where(count == 0, _NO_ROOT, np.where(count == 1, _OK, _MULTIPLE))
            out_rate[idx_many] = np.nan
            one = np.flatnonzero(count[r_of] == 1)
            out_rate[idx_many[r_of[one]]] = 1.0 / v[one] - 1.0
            many.append((start + idx_many[r_of], 1.0 / v - 1.0))

    roots = _roots_table(n, rate, reason, many)
    return IrrResult(rate=rate.reshape(shape), reason=reason.reshape(shape),
                     roots=roots.reshape(shape + (roots.shape[-1],)), sign_changes=changes.reshape(shape))


def _roots_table(n: int, rate: np.ndarray, reason: np.ndarray, many) -> np.ndarray:
    """(n, k) table of the roots found per row, ascending, NaN-padded: the unique IRR where one was
    reported, every root of the several-root search otherwise."""
    width = 1
    if many:
        row = np.concatenate([m[0] for m in many])
        val = np.concatenate([m[1] for m in many])
        if row.size:
            width = max(1, int(np.bincount(row).max()))
    table = np.full((n, width), np.nan)
    ok = reason == _OK
    table[ok, 0] = rate[ok]
    if many and row.size:
        order = np.lexsort((val, row))
        row, val = row[order], val[order]
        first = np.searchsorted(row, row, side="left")
        table[row, np.arange(row.size) - first] = val
    return table


def payback_years(cashflows, rate=None) -> np.ndarray:
    """Payback period, simple (``rate=None``) or discounted, with a fractional year.

    Parameters
    ----------
    cashflows : array, shape (..., years) [MXN]
        Net flow of each year; year 0 is the investment year (undiscounted).
    rate : float or array [fraction yr⁻¹], optional
        Discount rate for the discounted payback; ``None`` or 0 gives the simple payback.

    Returns
    -------
    payback : float or array, shape (...) [yr]
        NaN where the cumulative flow never reaches zero within the series (no payback in the horizon).

    Notes
    -----
    With cumulative (discounted) flow :math:`S_k = \\sum_{t \\le k} c_t`, let ``k`` be the first year
    with :math:`S_k \\ge 0`. Payback is 0 when ``k = 0``; otherwise
    :math:`(k - 1) + (-S_{k-1}) / c_k`, i.e. linear interpolation inside year ``k`` (the flow of year
    ``k`` is assumed to accrue evenly between the cumulative points of years ``k - 1`` and ``k``). The
    result therefore lies in ``(k - 1, k]``: never before the year in which the cumulative flow first
    turns non-negative. The first crossing is reported; a later relapse below zero (e.g. a replanting)
    is not.
    """
    flows = _as_flows(cashflows)
    if rate is not None and np.any(np.asarray(rate) != 0):
        flows = flows * _discount_factors(rate, flows.shape[-1])
    cum = np.cumsum(flows, axis=-1)
    reached = cum >= 0.0
    any_reached = reached.any(axis=-1)
    k = np.argmax(reached, axis=-1)
    prev = np.take_along_axis(cum, np.maximum(k - 1, 0)[..., None], axis=-1)[..., 0]
    flow_k = np.take_along_axis(flows, k[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(k > 0, (k - 1) + (-prev) / flow_k, 0.0)
    return np.where(any_reached, frac, np.nan)


def benefit_cost_ratio(benefits, costs, rate) -> np.ndarray:
    """Benefit/cost ratio: present value of benefits over present value of costs.

    Parameters
    ----------
    benefits : array, shape (..., years) [MXN]
        Gross benefits per year (sales plus the value of self-consumption), ≥ 0.
    costs : array, shape (..., years) [MXN]
        Costs per year as positive magnitudes, ≥ 0.
    rate : float or array [fraction yr⁻¹]
        Discount rate (year 0 undiscounted).

    Returns
    -------
    bcr : float or array, shape (...) [-]
        NaN where the present value of costs is zero.

    Notes
    -----
    :math:`B/C = \\sum_t B_t (1+r)^{-t} / \\sum_t C_t (1+r)^{-t}`.
    """
    benefits = _as_flows(benefits)
    costs = _as_flows(costs)
    if np.any(costs < 0):
        raise ValueError("costs: give costs as positive magnitudes (a negative cost is a benefit)")
    pv_b = npv(rate, benefits)
    pv_c = npv(rate, costs)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pv_c > 0, pv_b / np.where(pv_c > 0, pv_c, 1.0), np.nan)


def annuity(present_value, rate, years, when: str = "begin") -> np.ndarray:
    """Equivalent annual value of a present value: the level yearly amount with the same present value.

    Parameters
    ----------
    present_value : float or array [MXN]
    rate : float or array [fraction yr⁻¹]
    years : int or array [yr], ≥ 1
    when : {"begin", "end"}
        ``"begin"`` (default): payments in years 0..n−1, an annuity-due, the timing of every cash-flow
        series in this package (year 0 undiscounted); ``"end"``: an ordinary annuity, years 1..n.

    Returns
    -------
    annuity : float or array [MXN yr⁻¹]

    Notes
    -----
    Ordinary annuity: :math:`A = PV \\cdot r / (1 - (1 + r)^{-n})`. Annuity-due (payments at the start
    of each year, the first undiscounted): :math:`A = PV \\cdot r / [(1 + r)(1 - (1 + r)^{-n})]`, the
    ordinary one divided by :math:`(1 + r)`. Both give :math:`PV / n` when ``r = 0``. With the default,
    the NPV of a constant 100 a year in years 0..n−1 comes back as 100 a year. The same as
    ``numpy_financial.pmt(rate, n, -pv, when=...)``.

    Changed in issue 16: the ordinary annuity used to be applied to NPVs of flows starting in year 0,
    which overstated the equivalent annual value by the factor (1 + r) (10 % at the default rate).

    References
    ----------
    Gitman, L. J. Principles of Managerial Finance, Brief, 3rd ed. Addison-Wesley, 2003, ch. 4 (annuity
    due).
    """
    if when not in ("begin", "end"):
        raise ValueError("when: 'begin' (payments in years 0..n-1) or 'end' (years 1..n)")
    pv = np.asarray(present_value, dtype=float)
    r = np.asarray(rate, dtype=float)
    n = np.asarray(years, dtype=float)
    if np.any(n < 1):
        raise ValueError("years: an annuity needs at least 1 year")
    if np.any(r <= -1):
        raise ValueError("rate: must be greater than -1 (fraction per year)")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(r == 0, 1.0 / n, r / -np.expm1(-n * np.log1p(r)))
    if when == "begin":
        factor = factor / (1.0 + r)
    return pv * factor
