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
    """IRR per series (NaN where none is reported) and the reason code of each (see IRR_REASONS)."""

    rate: np.ndarray
    reason: np.ndarray

    def reasons(self) -> np.ndarray:
        """Reason codes as strings, same shape as ``rate``."""
        return np.asarray(IRR_REASONS, dtype=object)[self.reason]

    def to_dict(self) -> dict:
        if np.ndim(self.rate) == 0:
            return irr_to_json(float(self.rate), int(self.reason))
        return {
            "irr": [None if not np.isfinite(r) else float(r) for r in np.ravel(self.rate)],
            "irr_reason": [IRR_REASONS[int(c)] if c else None for c in np.ravel(self.reason)],
        }


def irr_to_json(rate: float, reason: int) -> dict:
    """``{"irr": rate or None, "irr_reason": None or text}`` for one series (JSON-ready)."""
    if int(reason) != _OK or not np.isfinite(rate):
        return {"irr": None, "irr_reason": IRR_REASONS[int(reason)] if int(reason) else "non_finite"}
    return {"irr": float(rate), "irr_reason": None}


def irr(
    cashflows,
    rate_min: float = -0.99,
    rate_max: float = 10.0,
    grid_points: int = 64,
    tol: float = 1e-13,
    chunk_rows: int = 32768,
) -> IrrResult:
    """Internal rate of return of many cash-flow series at once, with a reason where it is undefined.

    Parameters
    ----------
    cashflows : array, shape (..., years) [MXN]
        Net flow of each year; year 0 is undiscounted (numpy-financial convention).
    rate_min, rate_max : float [fraction yr⁻¹]
        Search range for the IRR (default −99 % to +1,000 % per year).
    grid_points : int
        Rates on a grid uniform in ``log(1 + r)`` used to bracket the roots.
    tol : float
        Convergence tolerance on ``v = 1/(1 + r)``.
    chunk_rows : int
        Rows processed per block (keeps the working set in cache).

    Returns
    -------
    IrrResult
        ``rate`` [fraction yr⁻¹], shape (...), NaN where no unique IRR exists, and ``reason`` (int8
        codes, see :data:`IRR_REASONS`).

    Notes
    -----
    The IRR is the rate ``r`` with :math:`\\sum_t c_t (1+r)^{-t} = 0`, a polynomial in
    :math:`v = 1/(1+r)`. Per series:

    * non-finite flows → ``non_finite``; all zero → ``all_zero``; no negative flow → ``no_negative_flow``
      (IRR infinite); no positive flow (all-negative series included) → ``no_positive_flow``;
    * otherwise NPV is evaluated on a grid of ``grid_points`` rates (one matrix product per block) and
      its sign changes counted. One crossing → the root is polished in its bracket by Newton's method
      on the polynomial in ``v``, falling back to bisection whenever a step leaves the bracket
      (all rows at once). Two or more crossings → ``multiple`` (NaN: the IRR is not unique). No
      crossing → ``no_root_in_range``.

    By Descartes' rule of signs a series whose flows change sign once (a "conventional" investment)
    has exactly one IRR in (−1, ∞); it is reported unless it lies outside [rate_min, rate_max]. A pair of
    roots closer together than one grid cell (or a tangency) is not detected and counts as no crossing.
    For a unique root this agrees with ``numpy_financial.irr`` (which returns the root closest to 0
    even when several exist) to about 1e-12.

    References
    ----------
    Gitman, L. J. Principles of Managerial Finance, Brief, 3rd ed. Addison-Wesley, 2003, p. 348.
    Hazen, G. B. A new perspective on multiple internal rates of return. The Engineering Economist
    48(1):31–51, 2003. doi:10.1080/00137910308965050
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

    grid = np.expm1(np.linspace(np.log1p(rate_min), np.log1p(rate_max), grid_points))
    v_grid = 1.0 / (1.0 + grid)
    powers = v_grid[None, :] ** np.arange(n_years, dtype=float)[:, None]  # (years, grid)

    for start in range(0, n, chunk_rows):
        block = rows[start : start + chunk_rows]
        out_rate = rate[start : start + chunk_rows]
        out_reason = reason[start : start + chunk_rows]
        finite = np.isfinite(block).all(axis=1)
        has_pos = (block > 0).any(axis=1)
        has_neg = (block < 0).any(axis=1)
        out_reason[~finite] = _NON_FINITE
        out_reason[finite & ~has_pos & ~has_neg] = _ALL_ZERO
        out_reason[finite & has_pos & ~has_neg] = _NO_NEG
        out_reason[finite & ~has_pos & has_neg] = _NO_POS
        candidates = np.flatnonzero(finite & has_pos & has_neg)
        if candidates.size == 0:
            continue
        sub = block[candidates]
        values = sub @ powers  # NPV on the grid, (rows, grid)
        sign = values >= 0.0  # an exact zero counts as positive: the root is found at the bracket edge
        change = sign[:, 1:] != sign[:, :-1]
        n_cross = change.sum(axis=1)
        out_reason[candidates[n_cross == 0]] = _NO_ROOT
        out_reason[candidates[n_cross >= 2]] = _MULTIPLE
        single = np.flatnonzero(n_cross == 1)
        if single.size == 0:
            continue
        idx = np.argmax(change[single], axis=1)
        # v = 1/(1+r) decreases with r: bracket [v(r_{i+1}), v(r_i)]
        lo = v_grid[idx + 1]
        hi = v_grid[idx]
        f_lo = values[single, idx + 1]
        f_hi = values[single, idx]
        coef = np.ascontiguousarray(sub[single].T)  # (years, rows) so each Horner step reads a row
        # start from the secant (regula falsi) point of the bracket, then Newton
        with np.errstate(divide="ignore", invalid="ignore"):
            v = lo - f_lo * (hi - lo) / (f_hi - f_lo)
        v = np.where(~np.isfinite(v) | (v >= hi) | (v <= lo), 0.5 * (lo + hi), v)
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
            v = new_v
            if np.all(step <= tol * np.maximum(1.0, v)):
                break
        out_rate[single] = 1.0 / v - 1.0
        out_reason[single] = _OK
    return IrrResult(rate=rate.reshape(shape), reason=reason.reshape(shape))


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


def annuity(present_value, rate, years) -> np.ndarray:
    """Equivalent annual annuity of a present value (payments at the end of years 1..n).

    Parameters
    ----------
    present_value : float or array [MXN]
    rate : float or array [fraction yr⁻¹]
    years : int or array [yr], ≥ 1

    Returns
    -------
    annuity : float or array [MXN yr⁻¹]

    Notes
    -----
    :math:`A = PV \\cdot r / (1 - (1 + r)^{-n})`, and :math:`A = PV / n` when ``r = 0``. It is the
    level yearly amount over ``n`` years with the same present value (e.g. an NPV over a 20-year
    horizon expressed per year).
    """
    pv = np.asarray(present_value, dtype=float)
    r = np.asarray(rate, dtype=float)
    n = np.asarray(years, dtype=float)
    if np.any(n < 1):
        raise ValueError("years: an annuity needs at least 1 year")
    if np.any(r <= -1):
        raise ValueError("rate: must be greater than -1 (fraction per year)")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(r == 0, 1.0 / n, r / -np.expm1(-n * np.log1p(r)))
    return pv * factor
