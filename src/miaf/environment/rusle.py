"""RUSLE factors: rainfall erosivity R, soil erodibility K, cover C, support practice P, tolerable loss.

A = R · K · LS · C · P  [t ha⁻¹ yr⁻¹]. LS lives in :mod:`miaf.environment.ls_factor`; the plot-level chain
in :mod:`miaf.environment.erosion`. All defaults come from ``src/miaf/params/erosion.csv``.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import asdict, dataclass
from importlib import resources

import numpy as np

from miaf.params import load_parameters

__all__ = [
    "CORTES_REGIONS",
    "CoverPractice",
    "Municipality",
    "erosion_parameters",
    "r_factor_cortes",
    "municipality_rainfall",
    "r_factor_municipality",
    "k_factor_epic",
    "k_factor_from_texture",
    "cover_practice",
    "cover_factors",
    "p_contouring",
    "tolerable_loss",
    "rusle",
    "check_unit_interval",
]

CORTES_REGIONS: tuple[str, ...] = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
)
SYSTEMS: tuple[str, ...] = ("traditional", "miaf-d")
RAINFALL_CSV = "data/chiapas/chiapas_lluvia_normal_1981_2010_chirps_municipios.csv"


def erosion_parameters():
    """The erosion parameter table ``{key: Parameter}`` (``src/miaf/params/erosion.csv``)."""
    return load_parameters("erosion")


def _p(key: str) -> float:
    return float(erosion_parameters()[key])


def check_unit_interval(name: str, value) -> np.ndarray:
    """Raise ``ValueError`` unless every value of ``value`` lies in [0, 1]."""
    arr = np.asarray(value, dtype=np.float64)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"{name} must lie in [0, 1], got {value}")
    return arr


# ----------------------------------------------------------------------------------------------------------
# R
# ----------------------------------------------------------------------------------------------------------
def _region(region: str | int) -> str:
    roman = dict(enumerate(CORTES_REGIONS, start=1))
    key = roman.get(region) if isinstance(region, int) else str(region).strip().upper()
    if key not in CORTES_REGIONS:
        raise ValueError(
            f"Cortés region {region!r} does not exist; choose one of {', '.join(CORTES_REGIONS)} (or 1-14)"
        )
    return key


def r_factor_cortes(rainfall_mm, region: str | int | None = None):
    """Rainfall erosivity R from annual rainfall, Cortés (1991) regional equations for Mexico.

    Parameters
    ----------
    rainfall_mm : array [mm yr⁻¹], mean annual precipitation P.
    region : str or int, Cortés region I–XIV (default: the documented Chiapas default, region X).

    Returns
    -------
    R : array [MJ mm ha⁻¹ h⁻¹ yr⁻¹]

    Notes
    -----
    R = a P + b P², coefficients per region in ``erosion.csv`` (regions I–XI seen in Martínez Ménez 2005;
    XII–XIV from memory, tagged ``estimate``). Valid for ``rainfall_min_mm`` ≤ P ≤ ``rainfall_max_mm``.
    Which region covers Chiapas is not established (default X, tagged ``estimate``).

    References
    ----------
    Cortés T., H.G., "Caracterización de la erosividad de la lluvia en México utilizando métodos
    multivariados", MSc thesis, Colegio de Postgraduados, 1991; as given in Martínez Ménez, M.,
    "Estimación de la erosión del suelo", COLPOS, 2005.
    """
    key = _region(region if region is not None else erosion_parameters()["cortes_default_region_chiapas"].value)
    p = np.asarray(rainfall_mm, dtype=np.float64)
    lo, hi = _p("rainfall_min_mm"), _p("rainfall_max_mm")
    if np.any(~np.isfinite(p)) or np.any(p < lo) or np.any(p > hi):
        raise ValueError(
            f"rainfall_mm {rainfall_mm} is outside the range of the Cortés equations ({lo:g}-{hi:g} mm/yr); "
            "give the R factor directly"
        )
    r = _p(f"cortes_{key}_a") * p + _p(f"cortes_{key}_b") * p * p
    return r if r.ndim else float(r)


@dataclass(frozen=True)
class Municipality:
    """A Chiapas municipality with its CHIRPS 1981–2010 rainfall normal."""

    code: str
    name: str
    rainfall_mm: float


@functools.cache
def _municipalities() -> dict[str, Municipality]:
    path = resources.files("miaf").joinpath(RAINFALL_CSV)
    out: dict[str, Municipality] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["cvegeo"]] = Municipality(row["cvegeo"], row["nomgeo"], float(row["pr_anual_normal_mm"]))
    return out


def municipality_rainfall(code: str | int) -> Municipality:
    """Annual rainfall normal (CHIRPS 1981–2010) of a Chiapas municipality by INEGI code ('07052' or 52)."""
    text = str(code).strip()
    key = text if len(text) == 5 else f"07{int(text):03d}" if text.isdigit() else text
    try:
        return _municipalities()[key]
    except KeyError:
        raise ValueError(
            f"municipality {code!r} is not a Chiapas INEGI code with a rainfall normal (e.g. 07052)"
        ) from None


def r_factor_municipality(code: str | int, region: str | int | None = None) -> tuple[float, Municipality]:
    """R from the rainfall normal of a Chiapas municipality (see :func:`r_factor_cortes`)."""
    muni = municipality_rainfall(code)
    return float(r_factor_cortes(muni.rainfall_mm, region)), muni


# ----------------------------------------------------------------------------------------------------------
# K
# ----------------------------------------------------------------------------------------------------------
def _check_texture(sand_pct, silt_pct, clay_pct) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    san, sil, cla = (np.asarray(v, dtype=np.float64) for v in (sand_pct, silt_pct, clay_pct))
    for name, v in (("sand_pct", san), ("silt_pct", sil), ("clay_pct", cla)):
        if np.any(~np.isfinite(v)) or np.any(v < 0) or np.any(v > 100):
            raise ValueError(f"{name} must be a percentage in [0, 100], got {v}")
    if np.any(np.abs(san + sil + cla - 100) > 2):
        raise ValueError(f"sand + silt + clay must add up to 100 %, got {san + sil + cla}")
    if np.any(sil + cla <= 0):
        raise ValueError("silt_pct + clay_pct must be positive")
    return san, sil, cla


def k_factor_epic(sand_pct, silt_pct, clay_pct, organic_carbon_pct):
    """Soil erodibility K from texture and organic carbon, EPIC equation of Williams (1995).

    Parameters
    ----------
    sand_pct, silt_pct, clay_pct : array [%], adding up to 100.
    organic_carbon_pct : array [%]

    Returns
    -------
    K : array [t h MJ⁻¹ mm⁻¹]

    Notes
    -----
    K = 0.1317 · f_csand · f_cl-si · f_orgc · f_hisand, with
    f_csand = 0.2 + 0.3 exp(−0.0256 SAN (1 − SIL/100)), f_cl-si = (SIL / (CLA + SIL))^0.3,
    f_orgc = 1 − 0.25 C / (C + exp(3.72 − 2.95 C)), f_hisand = 1 − 0.7 SN1 / (SN1 + exp(−5.51 + 22.9 SN1)),
    SN1 = 1 − SAN/100; 0.1317 converts US customary units to SI.

    References
    ----------
    Williams, J.R., "The EPIC model", in Singh, V.P. (ed.), Computer Models of Watershed Hydrology, Water
    Resources Publications, pp. 909-1000, 1995. Sharpley, A.N., Williams, J.R., "EPIC — Erosion/Productivity
    Impact Calculator: 1. Model documentation", USDA Technical Bulletin 1768, 1990.
    """
    san, sil, cla = _check_texture(sand_pct, silt_pct, clay_pct)
    c = np.asarray(organic_carbon_pct, dtype=np.float64)
    if np.any(~np.isfinite(c)) or np.any(c < 0) or np.any(c > 60):
        raise ValueError(f"organic carbon must be a percentage in [0, 60], got {organic_carbon_pct}")
    sn1 = 1.0 - san / 100.0
    f_csand = 0.2 + 0.3 * np.exp(-0.0256 * san * (1.0 - sil / 100.0))
    f_clsi = (sil / (cla + sil)) ** 0.3
    f_orgc = 1.0 - 0.25 * c / (c + np.exp(3.72 - 2.95 * c))
    f_hisand = 1.0 - 0.7 * sn1 / (sn1 + np.exp(-5.51 + 22.9 * sn1))
    k = _p("k_us_to_si") * f_csand * f_clsi * f_orgc * f_hisand
    return k if k.ndim else float(k)


def k_factor_from_texture(sand_pct, silt_pct, clay_pct, om_pct):
    """K from texture and soil organic matter [%] (OC = 0.58 · OM), see :func:`k_factor_epic`."""
    om = np.asarray(om_pct, dtype=np.float64)
    if np.any(~np.isfinite(om)) or np.any(om < 0) or np.any(om > 100):
        raise ValueError(f"om_pct must be a percentage in [0, 100], got {om_pct}")
    return k_factor_epic(sand_pct, silt_pct, clay_pct, om * _p("k_om_to_oc"))


# ----------------------------------------------------------------------------------------------------------
# C, P
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoverPractice:
    """Cover-management C, support-practice P and row interception for a system and age.

    Attributes
    ----------
    system : 'traditional' or 'miaf-d'
    age_years : float [yr], years since MIAF-D establishment (ignored for the traditional milpa).
    c_factor, p_factor : float [-]
    barrier_efficiency : float [-], share of runoff intercepted at the tree rows (0 for traditional).
    maturity : float [-], 0 at establishment to 1 at ``miaf_maturity_years``.
    tree_band_share : float [-], share of the plot under the tree band (0 for traditional).
    p_contouring_defined : bool, False when the MIAF-D contour-sowing P was asked beyond the slopes where it
        is defined (> 25 %): P is then 1 and the rows act only through the barrier model (LS).
    """

    system: str
    age_years: float
    c_factor: float
    p_factor: float
    barrier_efficiency: float
    maturity: float
    tree_band_share: float = 0.0
    p_contouring_defined: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def normalise_system(system: str) -> str:
    key = str(system).strip().lower().replace("_", "-")
    key = {"miaf": "miaf-d", "miafd": "miaf-d", "milpa": "traditional"}.get(key, key)
    if key not in SYSTEMS:
        raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, got {system!r}")
    return key


def p_contouring(slope_pct):
    """Support-practice factor P of contour sowing by slope, Wischmeier & Smith (1978), and where it is defined.

    Parameters
    ----------
    slope_pct : array [%]

    Returns
    -------
    (P, defined) : arrays of float [-] and bool. P = 0.6 (≤ 2 %), 0.5 (3–8 %), 0.6 (9–12 %), 0.7 (13–16 %),
        0.8 (17–20 %), 0.9 (21–25 %); above 25 % the table gives no value: P = 1 and ``defined`` is False.

    Notes
    -----
    The table stops at 25 % because contouring loses its effect on steeper slopes (the ridges overtop).
    Beyond it the model does not extrapolate or calibrate a P: MIAF-D rows and filters act only through
    the barrier model in LS (:func:`miaf.environment.ls_factor.ls_contour_rows`, or the DEM barriers).
    The class limits are ``p_contour_max_slope_*`` in ``erosion.csv``.

    References
    ----------
    Wischmeier, W.H., Smith, D.D., "Predicting rainfall erosion losses: a guide to conservation planning",
    USDA Agriculture Handbook 537, 1978, Table 14 (P values and slope-length limits for contouring).
    """
    s = np.asarray(slope_pct, dtype=np.float64)
    if np.any(~np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"slope_pct must be a finite percentage >= 0, got {slope_pct}")
    params = erosion_parameters()
    limits = sorted((float(prm.value), float(params[k.replace("_max_slope_", "_p_")]))
                    for k, prm in params.items() if k.startswith("p_contour_max_slope_"))
    out = np.ones(s.shape)
    for upper, value in reversed(limits):
        out = np.where(s <= upper, value, out)
    defined = s <= limits[-1][0]
    return (out, defined) if out.ndim else (float(out), bool(defined))


_COVER_KEYS = ("c_traditional", "p_traditional", "c_miaf_crop_strip", "c_miaf_tree_band", "miaf_maturity_years",
               "barrier_efficiency_initial", "barrier_efficiency_mature")


def cover_factors(miaf, age_years, slope_pct=None, tree_band_share=None, params=None) -> dict:
    """C, P, row interception and tree-band share of plots, vectorised (the formula of :func:`cover_practice`).

    Parameters
    ----------
    miaf : bool array, True for MIAF-D, False for the traditional milpa.
    age_years : array [yr], years since MIAF-D establishment.
    slope_pct : array [%] or None (see :func:`cover_practice`).
    tree_band_share : array [-] or None; NaN entries take the design rule.
    params : mapping or None, overrides of ``c_traditional``, ``p_traditional``, ``c_miaf_crop_strip``,
        ``c_miaf_tree_band``, ``miaf_maturity_years``, ``barrier_efficiency_initial`` and
        ``barrier_efficiency_mature`` (floats or arrays that broadcast, e.g. Monte Carlo draws × plots).

    Returns
    -------
    dict of arrays: ``c_factor``, ``p_factor``, ``barrier_efficiency``, ``maturity``, ``tree_band_share``,
    ``p_contouring_defined`` (True for the traditional milpa, which is not credited a practice).
    """
    from miaf.design import tree_band_share as band_rule

    q = {k: _p(k) for k in _COVER_KEYS} | dict(params or {})
    m = np.asarray(miaf, dtype=bool)
    age = np.asarray(age_years, dtype=np.float64)
    if np.any(~np.isfinite(age)) or np.any(age < 0):
        raise ValueError(f"age_years must be >= 0, got {age_years}")
    rule = band_rule(slope_pct)  # None: the steep module
    if tree_band_share is None:
        share = np.asarray(rule, dtype=np.float64)
    else:
        given = np.asarray(tree_band_share, dtype=np.float64)
        share = np.where(np.isnan(given), rule, given)
    check_unit_interval("tree_band_share", share)
    f = np.minimum(age / np.asarray(q["miaf_maturity_years"], dtype=np.float64), 1.0)
    c0 = np.asarray(q["c_miaf_crop_strip"], dtype=np.float64)
    c1 = (1.0 - share) * c0 + share * np.asarray(q["c_miaf_tree_band"], dtype=np.float64)
    if slope_pct is None:
        p_miaf, defined = np.float64(1.0), np.bool_(False)
    else:
        p_miaf, defined = p_contouring(slope_pct)
    e0 = np.asarray(q["barrier_efficiency_initial"], dtype=np.float64)
    e1 = np.asarray(q["barrier_efficiency_mature"], dtype=np.float64)
    return {
        "c_factor": np.where(m, c0 + f * (c1 - c0), q["c_traditional"]),
        "p_factor": np.where(m, p_miaf, q["p_traditional"]),
        "barrier_efficiency": np.where(m, e0 + f * (e1 - e0), 0.0),
        "maturity": np.where(m, f, 0.0),
        "tree_band_share": np.where(m, share, 0.0),
        "p_contouring_defined": np.where(m, defined, True),
    }


def cover_practice(system: str, age_years: float = 0.0, slope_pct: float | None = None,
                   tree_band_share: float | None = None) -> CoverPractice:
    """C and P factors of a production system by age.

    Parameters
    ----------
    system : ``"traditional"`` (hillside milpa) or ``"miaf-d"``.
    age_years : float [yr], years since MIAF-D establishment (0 = establishment year).
    slope_pct : float [%] or None, mean slope of the plot: sets the MIAF-D contour-sowing P
        (:func:`p_contouring`) and the tree-band share; None: P = 1 (not credited) and the steep module.
    tree_band_share : float [-] or None, share under the tree band (a design's own); None: the design rule
        :func:`miaf.design.tree_band_share` at ``slope_pct``.

    Returns
    -------
    CoverPractice

    Notes
    -----
    Traditional milpa: C = ``c_traditional`` (an annual C over the milpa-fallow cycle), P = ``p_traditional``
    (1), no interception.
    MIAF-D: the crop strips are cropped every year, so they take the *cropped* C ``c_miaf_crop_strip``, not
    the cycle average. Maturity f = min(age / ``miaf_maturity_years``, 1); C goes linearly from the strip C
    (establishment year) to the area-weighted C_mature = (1 − s) C_strip + s C_band (s the tree-band share);
    P = contour-sowing P by slope (Wischmeier & Smith 1978) up to 25 %, 1 beyond (flagged); the row
    interception goes linearly from ``barrier_efficiency_initial`` to ``barrier_efficiency_mature``. No P is
    calibrated to a claimed reduction: the rows act through LS (see docs/methods/environment.md).
    The vectorised form is :func:`cover_factors`.
    """
    key = normalise_system(system)
    age = float(age_years)
    if not np.isfinite(age) or age < 0:
        raise ValueError(f"age_years must be >= 0, got {age_years}")
    f = cover_factors(key == "miaf-d", age, slope_pct, tree_band_share)
    return CoverPractice(key, age, float(f["c_factor"]), float(f["p_factor"]), float(f["barrier_efficiency"]),
                         float(f["maturity"]), float(f["tree_band_share"]), bool(f["p_contouring_defined"]))


def tolerable_loss(soil_depth_m: float | None = None) -> float:
    """Tolerable soil loss T [t ha⁻¹ yr⁻¹]: deep-soil value, or the shallow-soil value below the threshold.

    Notes
    -----
    T = ``tolerable_deep_t_ha_yr`` (10) when the depth is unknown or ≥ ``shallow_soil_depth_m`` (1 m, the
    TMV/BV limit), else ``tolerable_shallow_t_ha_yr`` (5). Both are parameters.
    """
    if soil_depth_m is None:
        return _p("tolerable_deep_t_ha_yr")
    if not (np.isfinite(soil_depth_m) and soil_depth_m > 0):
        raise ValueError(f"soil_depth_m must be a positive depth in metres, got {soil_depth_m}")
    if soil_depth_m < _p("shallow_soil_depth_m"):
        return _p("tolerable_shallow_t_ha_yr")
    return _p("tolerable_deep_t_ha_yr")


def rusle(r_factor, k_factor, ls_factor, c_factor, p_factor):
    """Annual soil loss by the Revised Universal Soil Loss Equation.

    Parameters
    ----------
    r_factor : array [MJ mm ha⁻¹ h⁻¹ yr⁻¹], ≥ 0.
    k_factor : array [t h MJ⁻¹ mm⁻¹], in [0, 1].
    ls_factor : array [-], ≥ 0 (``NaN`` allowed for nodata cells).
    c_factor, p_factor : array [-], in [0, 1].

    Returns
    -------
    A : array [t ha⁻¹ yr⁻¹]

    Notes
    -----
    A = R · K · LS · C · P.

    References
    ----------
    Renard, K.G., Foster, G.R., Weesies, G.A., McCool, D.K., Yoder, D.C., "Predicting soil erosion by water:
    a guide to conservation planning with the Revised Universal Soil Loss Equation (RUSLE)", USDA
    Agriculture Handbook 703, 1997.
    """
    r = np.asarray(r_factor, dtype=np.float64)
    if np.any(~np.isfinite(r)) or np.any(r < 0):
        raise ValueError(f"r_factor must be >= 0, got {r_factor}")
    k = check_unit_interval("k_factor", k_factor)
    c = check_unit_interval("c_factor", c_factor)
    p = check_unit_interval("p_factor", p_factor)
    ls = np.asarray(ls_factor, dtype=np.float64)
    if np.any(ls < 0):
        raise ValueError("ls_factor must be >= 0")
    a = r * k * ls * c * p
    return a if a.ndim else float(a)
