"""RUSLE LS closed forms from a mean slope and a slope length (no DEM).

McCool et al. (1987, 1989) and Wischmeier & Smith (1978) LS, Nearing's (1997) steep-slope S as an option,
and the one formula for MIAF-D contour rows that intercept part of the runoff (:func:`ls_contour_rows`,
the closed form of the DEM barrier model of :mod:`miaf.environment.ls_factor`). Re-exported by
:mod:`miaf.environment.ls_factor`.
"""

from __future__ import annotations

import numpy as np

#: RUSLE unit plot length [m] (72.6 ft).
UNIT_PLOT_LENGTH_M = 22.13
#: RUSLE unit plot slope, 9 % [m m⁻¹].
UNIT_PLOT_SLOPE = 0.09
#: Slope above which the steep-slope S of Nearing (1997) may replace McCool's [%].
STEEP_SLOPE_PCT = 50.0
#: Choices of the S factor above :data:`STEEP_SLOPE_PCT`: McCool everywhere (default) or Nearing there.
STEEP_SLOPE_METHODS = ("mccool", "nearing")

# ----------------------------------------------------------------------------------------------------------
# Closed forms
# ----------------------------------------------------------------------------------------------------------
def mccool_slope_factor(theta: np.ndarray | float) -> np.ndarray | float:
    """RUSLE slope steepness factor S of McCool et al. (1987).

    Parameters
    ----------
    theta : array [rad], slope angle.

    Returns
    -------
    S : array [-]

    Notes
    -----
    S = 10.8 sin θ + 0.03 where tan θ < 0.09; S = 16.8 sin θ − 0.50 where tan θ ≥ 0.09. Minimum 0.03 on a
    flat surface. The short-slope form (λ < 4.5 m) is not applied.

    References
    ----------
    McCool, D.K., Brown, L.C., Foster, G.R., Mutchler, C.K., Meyer, L.D., "Revised slope steepness factor for
    the Universal Soil Loss Equation", Transactions of the ASAE 30(5):1387-1396, 1987,
    doi:10.13031/2013.30576.
    """
    t = np.asarray(theta, dtype=np.float64)
    out = _slope_factor_from_sin(np.sin(t), t)
    return out if out.ndim else float(out)


def _slope_factor_from_sin(s: np.ndarray, theta: np.ndarray, steep: str = "mccool") -> np.ndarray:
    """S from sin θ and θ: McCool, or Nearing above :data:`STEEP_SLOPE_PCT` (see :func:`slope_factor`)."""
    tan = np.tan(theta)
    out = np.where(tan < UNIT_PLOT_SLOPE, 10.8 * s + 0.03, 16.8 * s - 0.50)
    if steep == "nearing":
        out = np.where(tan > STEEP_SLOPE_PCT / 100.0, _nearing_from_sin(s), out)
    return out


def _nearing_from_sin(s: np.ndarray) -> np.ndarray:
    return -1.5 + 17.0 / (1.0 + np.exp(2.3 - 6.1 * s))


def nearing_slope_factor(theta: np.ndarray | float) -> np.ndarray | float:
    """Slope steepness factor S of Nearing (1997), a single continuous function fitted up to steep slopes.

    Parameters
    ----------
    theta : array [rad], slope angle.

    Returns
    -------
    S : array [-]

    Notes
    -----
    S = −1.5 + 17 / (1 + exp(2.3 − 6.1 sin θ)). Fitted to plot data on slopes up to about 100 % (the McCool
    equations were fitted on slopes up to about 55 %); close to McCool's S below 25 %, higher on steeper
    slopes (S = 8.79 at 50 % against McCool's 7.01).

    References
    ----------
    Nearing, M.A., "A single, continuous function for slope steepness influence on soil loss", Soil Science
    Society of America Journal 61(3):917-919, 1997, doi:10.2136/sssaj1997.03615995006100030029x.
    """
    out = _nearing_from_sin(np.sin(np.asarray(theta, dtype=np.float64)))
    return out if out.ndim else float(out)


def _check_steep(steep_slope: str) -> str:
    if steep_slope not in STEEP_SLOPE_METHODS:
        raise ValueError(f"steep_slope must be one of {', '.join(map(repr, STEEP_SLOPE_METHODS))}, got {steep_slope!r}")
    return steep_slope


def slope_factor(theta: np.ndarray | float, steep_slope: str = "mccool") -> np.ndarray | float:
    """S factor: McCool et al. (1987), or Nearing (1997) on slopes steeper than 50 % (an option).

    Parameters
    ----------
    theta : array [rad], slope angle.
    steep_slope : ``"mccool"`` (default: McCool at every slope) or ``"nearing"`` (Nearing above
        :data:`STEEP_SLOPE_PCT` = 50 %, McCool below). The default of the plot evaluation is the erosion
        parameter ``steep_slope_factor``.

    Returns
    -------
    S : array [-]

    Notes
    -----
    See :func:`mccool_slope_factor` and :func:`nearing_slope_factor`. With ``"nearing"`` S jumps at 50 %
    (7.01 → 8.79): the two equations come from different data sets and are not blended.
    """
    t = np.asarray(theta, dtype=np.float64)
    out = _slope_factor_from_sin(np.sin(t), t, _check_steep(steep_slope))
    return out if out.ndim else float(out)


def _length_exponent_from_sin(s: np.ndarray, rill_ratio: float) -> np.ndarray:
    """McCool m from sin θ (see :func:`mccool_length_exponent`)."""
    beta = rill_ratio * (s / 0.0896) / (3.0 * np.power(s, 0.8) + 0.56)
    return beta / (1.0 + beta)


def mccool_length_exponent(theta: np.ndarray | float, rill_ratio: float = 1.0) -> np.ndarray | float:
    """RUSLE slope-length exponent m of McCool et al. (1989).

    Parameters
    ----------
    theta : array [rad], slope angle.
    rill_ratio : float [-], multiplier of β for soils with low (0.5), moderate (1) or high (2) rill to
        interrill erosion ratio.

    Returns
    -------
    m : array [-], in [0, 1).

    Notes
    -----
    β = rill_ratio · (sin θ / 0.0896) / (3 sin^0.8 θ + 0.56); m = β / (1 + β).

    References
    ----------
    McCool, D.K., Foster, G.R., Mutchler, C.K., Meyer, L.D., "Revised slope length factor for the Universal
    Soil Loss Equation", Transactions of the ASAE 32(5):1571-1576, 1989, doi:10.13031/2013.31192.
    """
    out = _length_exponent_from_sin(np.sin(np.asarray(theta, dtype=np.float64)), rill_ratio)
    return out if out.ndim else float(out)


def wischmeier_smith_exponent(slope_pct: np.ndarray | float) -> np.ndarray | float:
    """USLE slope-length exponent m of Wischmeier & Smith (1978): 0.5 (> 5 %), 0.4 (3–5 %), 0.3 (1–3 %), 0.2."""
    p = np.asarray(slope_pct, dtype=np.float64)
    out = np.select([p > 5.0, p >= 3.0, p >= 1.0], [0.5, 0.4, 0.3], 0.2)
    return out if out.ndim else float(out)


def _check_slope(slope_pct, slope_length_m) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(slope_pct, dtype=np.float64)
    lam = np.asarray(slope_length_m, dtype=np.float64)
    if np.any(~np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"slope_pct must be a finite percentage >= 0, got {slope_pct}")
    if np.any(~np.isfinite(lam)) or np.any(lam <= 0):
        raise ValueError(f"slope_length_m must be a positive length in metres, got {slope_length_m}")
    return p, lam


def ls_wischmeier_smith(slope_pct: np.ndarray | float, slope_length_m: np.ndarray | float) -> np.ndarray | float:
    """USLE topographic factor LS of Wischmeier & Smith (1978) from a uniform slope.

    Parameters
    ----------
    slope_pct : array [%]
    slope_length_m : array [m], horizontal slope length λ.

    Returns
    -------
    LS : array [-]

    Notes
    -----
    LS = (λ / 22.13)^m · (65.41 sin²θ + 4.56 sin θ + 0.065), with m from
    :func:`wischmeier_smith_exponent`.

    References
    ----------
    Wischmeier, W.H., Smith, D.D., "Predicting rainfall erosion losses: a guide to conservation planning",
    USDA Agriculture Handbook 537, 1978.
    """
    p, lam = _check_slope(slope_pct, slope_length_m)
    s = np.sin(np.arctan(p / 100.0))
    out = (lam / UNIT_PLOT_LENGTH_M) ** wischmeier_smith_exponent(p) * (65.41 * s * s + 4.56 * s + 0.065)
    return out if out.ndim else float(out)


def ls_mccool(
    slope_pct: np.ndarray | float, slope_length_m: np.ndarray | float, steep_slope: str = "mccool"
) -> np.ndarray | float:
    """RUSLE topographic factor LS of McCool et al. (1987, 1989) from a uniform slope.

    Parameters
    ----------
    slope_pct : array [%]
    slope_length_m : array [m], horizontal slope length λ.
    steep_slope : ``"mccool"`` or ``"nearing"``, the S factor above 50 % (see :func:`slope_factor`).

    Returns
    -------
    LS : array [-]

    Notes
    -----
    L = (λ / 22.13)^m with m from :func:`mccool_length_exponent`; S from :func:`mccool_slope_factor`.
    This is the closed form the DEM method reduces to on a uniform plane.

    References
    ----------
    Renard, K.G. et al., "Predicting soil erosion by water: a guide to conservation planning with the
    Revised Universal Soil Loss Equation (RUSLE)", USDA Agriculture Handbook 703, 1997.
    """
    p, lam = _check_slope(slope_pct, slope_length_m)
    theta = np.arctan(p / 100.0)
    out = (lam / UNIT_PLOT_LENGTH_M) ** mccool_length_exponent(theta) * slope_factor(theta, steep_slope)
    return out if np.ndim(out) else float(out)


def ls_contour_rows(
    slope_pct: np.ndarray | float,
    slope_length_m: np.ndarray | float,
    row_spacing_m: np.ndarray | float,
    barrier_efficiency: np.ndarray | float,
    steep_slope: str = "mccool",
) -> np.ndarray | float:
    """Mean LS of a uniform slope cut by contour rows that each intercept a share of the runoff.

    The closed form of the DEM barrier model (:func:`ls_desmet_govers` with ``barriers`` from
    :func:`contour_barriers`): the one formula for MIAF-D tree rows and runoff filters without a DEM.

    Parameters
    ----------
    slope_pct : array [%]
    slope_length_m : array [m], horizontal slope length λ of the plot.
    row_spacing_m : array [m], *horizontal* distance between rows (a module width measured along the
        ground is converted by :func:`miaf.design.module_width_horizontal`).
    barrier_efficiency : array [-] in [0, 1], share e of the runoff arriving at a row that the row stops
        (0: no rows, LS of the open slope; 1: each strip drains on its own).
    steep_slope : ``"mccool"`` or ``"nearing"``, the S factor above 50 % (see :func:`slope_factor`).

    Returns
    -------
    LS : array [-], the mean over the slope.

    Notes
    -----
    Rows lie every W from the foot of the slope, so the top strip has length r = λ − (n − 1) W, with
    n = ⌈λ / W⌉ strips. Strip j (from the top) receives an upslope length a_j carried over the rows above:
    a_0 = 0, a_(j+1) = (1 − e)(a_j + w_j). The mean L of a strip of length w_j that starts with a_j is the
    RUSLE segment form [(a_j + w_j)^(m+1) − a_j^(m+1)] / (w_j · 22.13^m) (Foster & Wischmeier 1974; the
    integral of the Desmet & Govers cell form), and the slope mean is

        L̄ = Σ_j [(a_j + w_j)^(m+1) − a_j^(m+1)] / (λ · 22.13^m),   LS = L̄ · S,

    with m of McCool et al. (1989) and S of :func:`slope_factor`. e = 0 gives (λ / 22.13)^m (the open
    slope), e = 1 the length-weighted mean of (w_j / 22.13)^m. Partial interception is *not* the linear mix
    e · L(W) + (1 − e) · L(λ): the carried-over length converges to W (1 − e) / e and L is concave in the
    length, so the mix overstates LS (by 29 % at e = 0.5, 30 %, λ = 100 m, W = 10.6 m).

    References
    ----------
    Foster, G.R., Wischmeier, W.H., "Evaluating irregular slopes for soil loss prediction", Transactions of
    the ASAE 17(2):305-309, 1974, doi:10.13031/2013.36846. Desmet, P.J.J., Govers, G., Journal of Soil and
    Water Conservation 51(5):427-433, 1996. Renard, K.G. et al., USDA Agriculture Handbook 703, 1997.
    """
    p, lam = _check_slope(slope_pct, slope_length_m)
    w = np.asarray(row_spacing_m, dtype=np.float64)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(f"row_spacing_m must be a positive length in metres, got {row_spacing_m}")
    e = np.asarray(barrier_efficiency, dtype=np.float64)
    if np.any(~np.isfinite(e)) or np.any(e < 0) or np.any(e > 1):
        raise ValueError(f"barrier_efficiency must lie in [0, 1], got {barrier_efficiency}")
    p, lam, w, e = np.broadcast_arrays(p, lam, w, e)
    theta = np.arctan(p / 100.0)
    m = mccool_length_exponent(theta)
    n = np.maximum(np.ceil(lam / w - 1e-9), 1.0)
    mp1 = m + 1.0
    keep = 1.0 - e
    q = np.power(keep, mp1)  # carry^(m+1) = ((1 − e) end)^(m+1) = q · end^(m+1): one power per strip
    end = lam - (n - 1.0) * w  # the top strip
    p_end = np.power(end, mp1)
    total = p_end.copy()
    carry, p_carry = keep * end, q * p_end
    for j in range(1, int(n.max(initial=1.0))):
        live = j < n
        end = carry + w
        p_end = np.power(end, mp1)
        total += np.where(live, p_end - p_carry, 0.0)
        carry = np.where(live, keep * end, carry)
        p_carry = np.where(live, q * p_end, p_carry)
    out = total / (lam * UNIT_PLOT_LENGTH_M**m) * slope_factor(theta, steep_slope)
    return out if out.ndim else float(out)
