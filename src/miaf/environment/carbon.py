"""Carbon stocks and annual change of a plot by pool: trees (above and below ground), crop residues, soil.

Every pool carries its IPCC tier and a 95 % interval (IPCC Approach 1 error propagation; the total's interval
is propagated the same way, not summed from the pools' extremes). Trees grow along a Chapman–Richards curve
to the IPCC Tier 1 stock at maturity; measured tree diameters and heights replace it when they are given.
The climate zone comes from the plot's altitude and rainfall (:func:`climate_zone`), the strips' tillage
from the design modality (:func:`tillage_for_modality`). Results are in t C ha⁻¹ and t CO₂e ha⁻¹ (per hectare of plot),
compared with the traditional milpa and with a forest reference for the same climate zone.
Defaults: ``src/miaf/params/carbon.csv``; wood densities from ``species.csv``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from miaf.params import load_parameters, species

__all__ = [
    "CLIMATE_ZONES",
    "TreeMeasurement",
    "CarbonInputs",
    "CarbonPool",
    "CarbonResult",
    "agb_chave2014",
    "agb_chave2005_moist",
    "agb_mango_saha2021",
    "agb_coffee_libano2018",
    "tree_agb_kg",
    "climate_zone",
    "climate_zones",
    "tillage_for_modality",
    "root_shoot_ratio",
    "approach1_product",
    "approach1_sum",
    "tree_growth_fraction",
    "ipcc_tier1_tree_c",
    "tree_stock_at_maturity",
    "default_tree_band_share",
    "soc_stock",
    "evaluate_carbon",
]

CLIMATE_ZONES: tuple[str, ...] = ("tropical_wet", "tropical_moist", "tropical_dry", "tropical_montane")
SOIL_TYPES: tuple[str, ...] = ("lac", "hac")
TILLAGE: tuple[str, ...] = ("full", "reduced")


def _params():
    return load_parameters("carbon")


def _p(key: str) -> float:
    return float(_params()[key])


def _range(key: str) -> tuple[float, float, float]:
    par = _params()[key]
    v = float(par.value)
    return v, (par.low if par.low is not None else v), (par.high if par.high is not None else v)


def _zone(zone: str) -> str:
    key = str(zone).strip().lower().replace(" ", "_").replace("-", "_")
    if key not in CLIMATE_ZONES:
        raise ValueError(f"climate_zone must be one of {', '.join(CLIMATE_ZONES)}, got {zone!r}")
    return key


def _positive(name: str, value, allow_zero: bool = False) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(~np.isfinite(arr)) or np.any(bad):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else 'positive'}, got {value}")
    return arr


# ----------------------------------------------------------------------------------------------------------
# Allometry
# ----------------------------------------------------------------------------------------------------------
def agb_chave2014(wood_density_g_cm3, diameter_cm, height_m):
    """Above-ground biomass of a tree, pantropical equation of Chave et al. (2014) with height.

    Parameters
    ----------
    wood_density_g_cm3 : array [g cm⁻³]
    diameter_cm : array [cm], stem diameter (fruit trees: at 30 cm or below the first fork).
    height_m : array [m]

    Returns
    -------
    AGB : array [kg dry matter]

    Notes
    -----
    AGB = 0.0673 (ρ D² H)^0.976.

    References
    ----------
    Chave, J. et al., "Improved allometric models to estimate the aboveground biomass of tropical trees",
    Global Change Biology 20:3177-3190, 2014, doi:10.1111/gcb.12629.
    """
    rho, d, h = (_positive(n, v) for n, v in (("wood density", wood_density_g_cm3), ("diameter_cm", diameter_cm),
                                              ("height_m", height_m)))
    out = 0.0673 * (rho * d * d * h) ** 0.976
    return out if out.ndim else float(out)


def agb_chave2005_moist(wood_density_g_cm3, diameter_cm):
    """Above-ground biomass without height, Chave et al. (2005) moist-forest equation.

    Returns
    -------
    AGB : array [kg]

    Notes
    -----
    AGB = ρ exp(−1.499 + 2.148 ln D + 0.207 (ln D)² − 0.0281 (ln D)³).

    References
    ----------
    Chave, J. et al., "Tree allometry and improved estimation of carbon stocks and balance in tropical
    forests", Oecologia 145:87-99, 2005, doi:10.1007/s00442-005-0100-x.
    """
    rho, d = _positive("wood density", wood_density_g_cm3), _positive("diameter_cm", diameter_cm)
    ln = np.log(d)
    out = rho * np.exp(-1.499 + 2.148 * ln + 0.207 * ln**2 - 0.0281 * ln**3)
    return out if out.ndim else float(out)


def agb_mango_saha2021(diameter_cm):
    """Above-ground biomass of mango, Saha et al. (2021): AGB = exp(−0.2272865 + 1.8017 ln D) [kg].

    References
    ----------
    Saha, S. et al., Environmental Challenges 3:100047, 2021 (homestead trees, Bangladesh).
    """
    d = _positive("diameter_cm", diameter_cm)
    out = np.exp(-0.2272865 + 1.8017 * np.log(d))
    return out if out.ndim else float(out)


def agb_coffee_libano2018(d15_cm):
    """Above-ground biomass of a coffee bush, Líbano (Tolima) model: B = 0.36 − 0.18 D15 + 0.08 D15² [kg].

    Parameters
    ----------
    d15_cm : array [cm], stem diameter at 15 cm height (fitted on about 1–8 cm bushes).

    References
    ----------
    "Above-ground biomass models for coffee bushes (Coffea arabica L.) in Líbano, Tolima, Colombia",
    Agroforestry Systems 92(3):775-784, 2018.
    """
    d = _positive("d15_cm", d15_cm)
    out = np.maximum(0.36 - 0.18 * d + 0.08 * d * d, 0.0)
    return out if out.ndim else float(out)


def tree_agb_kg(species_code: str, diameter_cm: float, height_m: float | None = None) -> tuple[float, str]:
    """AGB [kg] of one tree by the best equation available for the species, and the equation's name."""
    if species_code == "mango":
        return float(agb_mango_saha2021(diameter_cm)), "Saha et al. 2021 (mango)"
    if species_code == "cafe":
        return float(agb_coffee_libano2018(diameter_cm)), "Líbano 2018 (coffee, D15)"
    row = _species_row(species_code)
    rho = row.get("wood_density_g_cm3") or ""
    if not rho.strip():
        raise ValueError(f"species {species_code!r} has no wood density in species.csv: cannot apply Chave")
    if height_m is not None and not (isinstance(height_m, float) and math.isnan(height_m)):
        return float(agb_chave2014(float(rho), diameter_cm, height_m)), "Chave et al. 2014 (pantropical, D and H)"
    return float(agb_chave2005_moist(float(rho), diameter_cm)), "Chave et al. 2005 (moist, D only)"


def _species_row(code: str) -> dict[str, str]:
    cat = species()
    if code not in cat:
        raise ValueError(f"unknown species {code!r}; known: {', '.join(sorted(cat))}")
    return cat[code]


# ----------------------------------------------------------------------------------------------------------
# Climate zone, tillage, root:shoot
# ----------------------------------------------------------------------------------------------------------
def climate_zone(altitude_m: float | None = None, rainfall_mm: float | None = None,
                 default: str | None = None) -> str:
    """IPCC climate zone of a tropical site from its altitude and annual rainfall.

    Parameters
    ----------
    altitude_m : float [m] or None (unknown: the montane test is skipped).
    rainfall_mm : float [mm yr⁻¹] or None (e.g. the municipality's CHIRPS 1981–2010 normal).
    default : zone returned when neither rule applies (rainfall unknown below the montane limit);
        without it that case raises ``ValueError``.

    Returns
    -------
    zone : one of :data:`CLIMATE_ZONES`.

    Notes
    -----
    Tropical branch of the IPCC default climate classification: altitude > 1,000 m → tropical montane;
    else rainfall > 2,000 mm → tropical wet, > 1,000 mm → tropical moist, otherwise tropical dry. The
    thresholds are ``climate_*`` rows of ``carbon.csv``. The temperature test that separates tropical from
    warm temperate (MAT > 18 °C) is not applied: the highest Chiapas plots count as tropical montane.
    :func:`climate_zones` applies the same rule to arrays.

    References
    ----------
    IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4, Ch. 3, Annex 3A.5
    (Figure 3A.5.1, default climate zones).
    """
    alt = np.nan if altitude_m is None else altitude_m
    rain = np.nan if rainfall_mm is None else rainfall_mm
    return str(climate_zones([alt], [rain], default)[0])


def climate_zones(altitude_m, rainfall_mm, default: str | None = None) -> np.ndarray:
    """:func:`climate_zone` of many sites: arrays of altitude [m] and rainfall [mm yr⁻¹], NaN = unknown."""
    alt = np.asarray(altitude_m, dtype=np.float64)
    rain = np.asarray(rainfall_mm, dtype=np.float64)
    if alt.shape != rain.shape:
        raise ValueError("altitude_m and rainfall_mm must have the same length")
    if np.any(rain < 0):
        raise ValueError(f"rainfall_mm must be >= 0, got {rain[rain < 0][:3]}")
    montane = alt > _p("climate_montane_min_altitude_m")  # NaN compares False: unknown altitude is not montane
    unknown = ~montane & np.isnan(rain)
    if unknown.any() and default is None:
        raise ValueError("climate zone: the annual rainfall is needed below the montane altitude")
    fallback = _zone(default) if default is not None else "tropical_moist"
    with np.errstate(invalid="ignore"):
        out = np.select(
            [montane, unknown, rain > _p("climate_wet_min_rainfall_mm"), rain > _p("climate_moist_min_rainfall_mm")],
            ["tropical_montane", fallback, "tropical_wet", "tropical_moist"], "tropical_dry")
    return out.astype(object)


def tillage_for_modality(modality: str | None) -> str:
    """Tillage of the crop strips implied by a design modality: ``"full"`` or ``"reduced"``.

    TMV (live-wall terrace) strips are tilled conventionally; BV (live barrier) is defined with conservation
    tillage; without a recorded modality conventional tillage is assumed (``carbon.csv`` ``tillage_*``).
    """
    key = {"TMV": "tillage_modality_tmv", "BV": "tillage_modality_bv"}.get(str(modality or "").strip().upper(),
                                                                            "tillage_default")
    return str(_params()[key].value)


def root_shoot_ratio(climate_zone: str, agb_t_dm_ha: float, bound: str = "value") -> float:
    """Ratio of below- to above-ground biomass R [-] of the zone's ecological zone and biomass class.

    Parameters
    ----------
    climate_zone : one of :data:`CLIMATE_ZONES` (wet → tropical rain forest, moist → tropical moist
        deciduous forest, dry → tropical dry forest, montane → tropical mountain systems).
    agb_t_dm_ha : float [t dm ha⁻¹], above-ground biomass of the stand (selects the class where the table
        has two).
    bound : ``"value"``, ``"low"`` or ``"high"``.

    References
    ----------
    IPCC 2006, Vol. 4, Ch. 4, Table 4.4.
    """
    zone = _zone(climate_zone)
    key = f"root_shoot_{zone}"
    brk = f"root_shoot_break_{zone}"
    if brk in _params() and float(agb_t_dm_ha) > _p(brk):
        key += "_above_break"
    return _range(key)[{"value": 0, "low": 1, "high": 2}[bound]]


def default_tree_band_share(slope_pct=None):
    """Tree-band share [-] of plots without a design of their own: the design rule
    (:func:`miaf.design.tree_band_share`, one rule for erosion, economics and carbon) at ``slope_pct`` [%]
    (float or array); None or NaN: the steep module (4.2 m of 10.6 m)."""
    from miaf.design import tree_band_share  # imported here: miaf.design loads shapely and pyproj

    if slope_pct is None:
        return float(tree_band_share())
    out = tree_band_share(np.asarray(slope_pct, dtype=np.float64))  # NaN is not <= the threshold: steep
    return out if np.ndim(out) else float(out)


def _rel_u(key: str) -> float:
    """Relative half-width of a parameter's range (95 % interval, IPCC convention); 0 without a range."""
    v, lo, hi = _range(key)
    return (hi - lo) / (2.0 * v) if v else 0.0


def _root_shoot_u(zone: str, agb_t_dm_ha: float) -> float:
    v = root_shoot_ratio(zone, agb_t_dm_ha)
    lo, hi = root_shoot_ratio(zone, agb_t_dm_ha, "low"), root_shoot_ratio(zone, agb_t_dm_ha, "high")
    return (hi - lo) / (2.0 * v) if v else 0.0


# ----------------------------------------------------------------------------------------------------------
# Uncertainty: IPCC Approach 1
# ----------------------------------------------------------------------------------------------------------
def approach1_product(relative_uncertainties) -> float:
    """Relative uncertainty of a product of independent factors, IPCC Approach 1 (Vol. 1 Eq. 3.1).

    Parameters
    ----------
    relative_uncertainties : array [-], half-width of each factor's 95 % interval over its value.

    Returns
    -------
    U_total : float [-], U = √(U₁² + U₂² + … + Uₙ²).

    Notes
    -----
    Valid for independent factors with relative uncertainties below about 100 % (IPCC's condition for
    Approach 1); larger ones call for Monte Carlo (Approach 2).

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, Equation 3.1.
    """
    u = [float(v) for v in relative_uncertainties]
    if not all(math.isfinite(v) and v >= 0 for v in u):
        raise ValueError(f"relative uncertainties must be finite and >= 0, got {relative_uncertainties}")
    return math.hypot(*u)


def approach1_sum(values, half_widths) -> tuple[float, float]:
    """Total and the half-width of its 95 % interval for a sum of independent terms, IPCC Approach 1.

    Parameters
    ----------
    values : array, the terms x₁ … xₙ (same unit).
    half_widths : array, half-widths of their 95 % intervals (U_i · x_i, same unit).

    Returns
    -------
    (total, half_width) : Σx and √(Σ (U_i x_i)²); the relative uncertainty is half_width / |total|.

    References
    ----------
    IPCC 2006, Vol. 1, Ch. 3, Equation 3.2.
    """
    x, h = [float(v) for v in values], [float(v) for v in half_widths]
    if len(x) != len(h):
        raise ValueError("values and half_widths must have the same length")
    if not all(math.isfinite(v) and v >= 0 for v in h):
        raise ValueError(f"half-widths must be finite and >= 0, got {half_widths}")
    return math.fsum(x), math.hypot(*h)


# ----------------------------------------------------------------------------------------------------------
# Tree growth
# ----------------------------------------------------------------------------------------------------------
def tree_growth_fraction(age_years, k_per_yr: float | None = None, shape: float | None = None,
                         calibration_age_years: float | None = None):
    """Share of the stock at maturity reached at ``age_years``: Chapman–Richards, normalised and capped.

    Parameters
    ----------
    age_years : array [yr] since planting.
    k_per_yr : float [yr⁻¹], rate constant (default ``tree_growth_k``).
    shape : float [-], shape exponent p (default ``tree_growth_shape``, 3).
    calibration_age_years : float [yr], age T at which the curve reaches the stock (default 20).

    Returns
    -------
    g : array [-] in [0, 1].

    Notes
    -----
    g(t) = min(1, [(1 − e^(−k t)) / (1 − e^(−k T))]^p). With the IPCC Tier 1 stock at maturity C_max,
    C(t) = C_max · g(t): C(T) equals the Tier 1 figure at T (its maturity cycle is over) and the stock
    never exceeds C_max.

    References
    ----------
    Richards, F. J., "A flexible growth function for empirical use", J. Exp. Bot. 10:290-300, 1959;
    Pienaar, L. V. & Turnbull, K. J., Forest Science 19:2-22, 1973 (Chapman–Richards for stand growth).
    """
    k = _p("tree_growth_k") if k_per_yr is None else float(k_per_yr)
    p = _p("tree_growth_shape") if shape is None else float(shape)
    t_cal = _p("tree_calibration_age") if calibration_age_years is None else float(calibration_age_years)
    if k <= 0 or p <= 0 or t_cal <= 0:
        raise ValueError("tree growth: k, shape and calibration age must be positive")
    if isinstance(age_years, (int, float)) and math.isfinite(age_years) and age_years >= 0:  # scalar fast path
        return min(((1.0 - math.exp(-k * age_years)) / (1.0 - math.exp(-k * t_cal))) ** p, 1.0)
    t = np.maximum(_positive("age_years", age_years, allow_zero=True), 0.0)
    g = np.minimum(((1.0 - np.exp(-k * t)) / (1.0 - math.exp(-k * t_cal))) ** p, 1.0)
    return g if g.ndim else float(g)


def ipcc_tier1_tree_c(climate_zone: str, age_years: float) -> float:
    """IPCC Tier 1 above-ground tree carbon [t C ha⁻¹, orchard basis]: min(rate · age, stock at maturity).

    The Table 5.1 accumulation rate from year 1 until the stock at harvest/maturity. Kept as the reference
    figure the growth curve is checked against (``docs/methods/validation.md``), not used for the pools.
    """
    zone = _zone(climate_zone)
    age = float(_positive("age_years", age_years, allow_zero=True))
    return min(_p(f"ipcc_perennial_rate_{zone}") * age, _p(f"ipcc_perennial_stock_{zone}"))


def tree_stock_at_maturity(climate_zone: str) -> float:
    """IPCC Table 5.1 above-ground carbon stock of perennial cropland at maturity [t C ha⁻¹, orchard basis]."""
    return _p(f"ipcc_perennial_stock_{_zone(climate_zone)}")


# ----------------------------------------------------------------------------------------------------------
# Soil organic carbon
# ----------------------------------------------------------------------------------------------------------
def _f_mg(zone: str, tillage: str, idx: int = 0) -> float:
    if tillage == "full":
        return _range("f_mg_full")[idx]
    if tillage == "reduced":
        return _range(f"f_mg_reduced_{zone}")[idx]
    raise ValueError(f"tillage must be one of {', '.join(TILLAGE)}, got {tillage!r}")


def soc_stock(system: str, climate_zone: str = "tropical_moist", soil_type: str = "lac",
              tree_band_share: float | None = None, bound: str = "value", tillage: str = "full") -> float:
    """Equilibrium soil organic carbon, 0–30 cm, by the IPCC Tier 1 stock-change factors.

    Parameters
    ----------
    system : ``"traditional"``, ``"miaf-d"`` or ``"forest"``.
    climate_zone : one of :data:`CLIMATE_ZONES`.
    soil_type : ``"lac"`` (low-activity clay: Acrisols, …) or ``"hac"`` (high-activity clay: Luvisols, …).
    tree_band_share : float [-], share of a MIAF-D plot under the tree band.
    bound : ``"value"``, ``"low"`` or ``"high"`` (all parameters at that end of their range).
    tillage : ``"full"`` (F_MG = 1) or ``"reduced"`` tillage of the MIAF-D crop strips
        (:func:`tillage_for_modality`).

    Returns
    -------
    SOC : float [t C ha⁻¹]

    Notes
    -----
    SOC = SOC_ref · F_LU · F_MG · F_I. Traditional milpa: long-term cultivated, full tillage (F_MG 1), low
    input (residues burned). MIAF-D: area-weighted tree band (perennial, F = 1) and crop strips (cultivated,
    F_MG of their tillage, medium input F_I 1, residues kept). Forest: SOC_ref.

    References
    ----------
    IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4, Ch. 2 (Table 2.3) and Ch. 5
    (Table 5.5).
    """
    zone = _zone(climate_zone)
    if soil_type not in SOIL_TYPES:
        raise ValueError(f"soil_type must be one of {', '.join(SOIL_TYPES)}, got {soil_type!r}")
    idx = {"value": 0, "low": 1, "high": 2}[bound]

    def g(key: str) -> float:
        return _range(key)[idx]

    ref = g(f"soc_ref_{zone}_{soil_type}")
    if system == "forest":
        return ref
    f_lu = g(f"f_lu_cultivated_{zone}")
    if system == "traditional":
        return ref * f_lu * _f_mg(zone, "full", idx) * g(f"f_i_low_{zone}")
    if system == "miaf-d":
        s = default_tree_band_share() if tree_band_share is None else float(tree_band_share)
        strip = ref * f_lu * _f_mg(zone, tillage, idx) * 1.0
        band = ref * g("f_lu_perennial")
        return (1.0 - s) * strip + s * band
    raise ValueError(f"system must be 'traditional', 'miaf-d' or 'forest', got {system!r}")


def _soc_at_age(zone: str, soil: str, share: float, tillage: str, frac: float) -> tuple[float, float]:
    """SOC [t C ha⁻¹] a share ``frac`` of the way from the milpa to the MIAF-D equilibrium, and its 95 %
    half-width by Approach 1 (SOC_ref a common factor; the two equilibria fully correlated)."""
    ref, u_ref = _p(f"soc_ref_{zone}_{soil}"), _rel_u(f"soc_ref_{zone}_{soil}")
    f_lu, u_lu = _p(f"f_lu_cultivated_{zone}"), _rel_u(f"f_lu_cultivated_{zone}")
    f_i, u_i = _p(f"f_i_low_{zone}"), _rel_u(f"f_i_low_{zone}")
    f_mg = _f_mg(zone, tillage)
    u_mg = 0.0 if tillage == "full" else _rel_u(f"f_mg_reduced_{zone}")
    f_per, u_per = _p("f_lu_perennial"), _rel_u("f_lu_perennial")
    g_trad = f_lu * f_i
    h_trad = g_trad * approach1_product([u_lu, u_i])
    strip = (1.0 - share) * f_lu * f_mg
    band = share * f_per
    g_miaf, h_miaf = approach1_sum([strip, band], [strip * approach1_product([u_lu, u_mg]), band * u_per])
    g_t = (1.0 - frac) * g_trad + frac * g_miaf
    h_g = (1.0 - frac) * h_trad + frac * h_miaf
    stock = ref * g_t
    return stock, stock * approach1_product([u_ref, h_g / g_t if g_t else 0.0])


# ----------------------------------------------------------------------------------------------------------
# Plot evaluation
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TreeMeasurement:
    """One measured tree: species code, stem diameter [cm] and height [m] (None if not measured)."""

    species: str
    diameter_cm: float
    height_m: float | None = None


@dataclass
class CarbonInputs:
    """Inputs of a plot carbon evaluation.

    species : species code of the tree row (species.csv). n_trees : trees on the plot. age_years [yr] since
    planting. area_ha [ha] of the plot. climate_zone : :func:`climate_zone` of the plot (altitude and
    rainfall). measurements : measured trees of this plot and year (a sample or all). tree_band_share [-]: a
    design's own band / module; None: the design rule :func:`miaf.design.tree_band_share` at ``slope_pct``
    [%] (None: the steep module). tillage : ``"full"`` or ``"reduced"`` tillage of the crop strips
    (:func:`tillage_for_modality`).
    """

    species: str
    n_trees: int
    age_years: float
    area_ha: float
    climate_zone: str = "tropical_moist"
    soil_type: str = "lac"
    measurements: list[TreeMeasurement] = field(default_factory=list)
    tree_band_share: float | None = None
    maize_yield_kg_ha: float | None = None
    tillage: str = "full"
    slope_pct: float | None = None


@dataclass
class CarbonPool:
    """One carbon pool: stock and annual change [t C ha⁻¹, t C ha⁻¹ yr⁻¹], its 95 % interval, tier, method.

    ``low``/``high`` = stock ∓ ``half_width`` (IPCC Approach 1 inside the pool), the low end floored at 0.
    """

    name: str
    stock_t_c_ha: float
    low_t_c_ha: float
    high_t_c_ha: float
    annual_change_t_c_ha_yr: float
    tier: int
    method: str
    half_width_t_c_ha: float = 0.0

    def to_dict(self) -> dict:
        k = _p("co2_per_c")
        d = asdict(self)
        d.update(stock_t_co2e_ha=self.stock_t_c_ha * k, low_t_co2e_ha=self.low_t_c_ha * k,
                 high_t_co2e_ha=self.high_t_c_ha * k, annual_change_t_co2e_ha_yr=self.annual_change_t_c_ha_yr * k,
                 uncertainty_pct=100.0 * self.half_width_t_c_ha / self.stock_t_c_ha if self.stock_t_c_ha else 0.0)
        return d


def _pool(name: str, stock: float, half: float, change: float, tier: int, method: str) -> CarbonPool:
    return CarbonPool(name, stock, max(stock - half, 0.0), stock + half, change, tier, method, half)


@dataclass
class CarbonResult:
    """Carbon of one plot and year by pool, with totals and comparisons (per ha of plot).

    ``total_half_width_t_c_ha``: half-width of the total's 95 % interval by IPCC Approach 1 (tree above- and
    below-ground pools fully correlated, the other pools independent), not the sum of the pools' extremes.
    """

    species: str
    age_years: float
    climate_zone: str
    area_ha: float
    pools: list[CarbonPool]
    traditional_t_c_ha: float
    forest_reference_t_c_ha: float
    measured_trees: int = 0
    tillage: str = "full"

    @property
    def total_t_c_ha(self) -> float:
        return float(sum(p.stock_t_c_ha for p in self.pools))

    @property
    def total_annual_change_t_c_ha_yr(self) -> float:
        return float(sum(p.annual_change_t_c_ha_yr for p in self.pools))

    @property
    def total_half_width_t_c_ha(self) -> float:
        trees = sum(p.half_width_t_c_ha for p in self.pools if p.name.startswith("tree_"))
        others = [p.half_width_t_c_ha for p in self.pools if not p.name.startswith("tree_")]
        return approach1_sum([0.0] * (len(others) + 1), [trees, *others])[1]

    def to_dict(self) -> dict:
        k = _p("co2_per_c")
        total, half = self.total_t_c_ha, self.total_half_width_t_c_ha
        return {
            "species": self.species, "age_years": self.age_years, "climate_zone": self.climate_zone,
            "tillage": self.tillage, "area_ha": self.area_ha, "measured_trees": self.measured_trees,
            "pools": [p.to_dict() for p in self.pools],
            "total_t_c_ha": total, "total_t_co2e_ha": total * k,
            "total_low_t_c_ha": max(total - half, 0.0), "total_high_t_c_ha": total + half,
            "total_uncertainty_pct": 100.0 * half / total if total else 0.0,
            "uncertainty_method": "IPCC Approach 1 (95 % interval)",
            "annual_change_t_c_ha_yr": self.total_annual_change_t_c_ha_yr,
            "annual_change_t_co2e_ha_yr": self.total_annual_change_t_c_ha_yr * k,
            "traditional_t_c_ha": self.traditional_t_c_ha,
            "difference_vs_traditional_t_c_ha": total - self.traditional_t_c_ha,
            "difference_vs_traditional_t_co2e_ha": (total - self.traditional_t_c_ha) * k,
            "forest_reference_t_c_ha": self.forest_reference_t_c_ha,
            "share_of_forest_reference": total / self.forest_reference_t_c_ha,
        }


def _residue_c(maize_kg_ha: float, crop_share: float, retained_key: str) -> tuple[float, float]:
    """Stover carbon left on the field [t C ha⁻¹] and its 95 % half-width (Approach 1, product)."""
    stock = (maize_kg_ha / 1000.0 * _p("grain_dry_matter") * _p("residue_to_grain") * crop_share
             * _p(retained_key) * _p("residue_carbon_fraction"))
    u = approach1_product([_rel_u("residue_to_grain"), _rel_u(retained_key), _rel_u("residue_carbon_fraction")])
    return stock, stock * u


def evaluate_carbon(inputs: CarbonInputs) -> CarbonResult:
    """Carbon stock and annual change of a MIAF-D plot by pool, with tiers and 95 % intervals.

    Parameters
    ----------
    inputs : CarbonInputs

    Returns
    -------
    CarbonResult (pools: tree above-ground, tree below-ground, crop residues, soil organic carbon)

    Notes
    -----
    * Trees, Tier 1 (no measurements): AGC(t) = C_max,zone · g(t) · s · stocking, with C_max the IPCC
      Table 5.1 stock at maturity, g the Chapman–Richards fraction (:func:`tree_growth_fraction`: C(20 yr)
      = the Tier 1 figure, never above it), s the tree-band share and stocking = min(1, n_trees /
      (area · 943 trees ha⁻¹)). Roots: BGC = AGC · R, R from IPCC Table 4.4 for the zone's ecological zone
      at the mature orchard biomass C_max / CF. Annual change = C(t) − C(t − 1). Uncertainty: ±75 % of
      C_max, the range of k and of R, combined by Approach 1.
    * Trees, Tier 2 (measurements): mean AGB of the measured trees (species allometry, else Chave) times
      n_trees / area, × carbon fraction 0.47; roots by R; annual change as the mean annual increment since
      planting. Uncertainty ±``allometry_relative_error`` (and R's).
    * Crop residues (Tier 1): stover C left after harvest; no net annual change (IPCC Tier 1, annual crops).
    * Soil (Tier 1): from the traditional-milpa equilibrium towards the MIAF-D equilibrium
      (:func:`soc_stock`, with the strips' tillage) linearly over 20 years.
    * Total interval: Approach 1 over the pools (:attr:`CarbonResult.total_half_width_t_c_ha`).

    References
    ----------
    IPCC 2006, Vol. 4, Tables 4.4, 5.1, 5.5 and 2.3; Vol. 1, Ch. 3 (Approach 1).
    """
    zone = _zone(inputs.climate_zone)
    code = inputs.species
    _species_row(code)
    tillage = str(inputs.tillage)
    if tillage not in TILLAGE:
        raise ValueError(f"tillage must be one of {', '.join(TILLAGE)}, got {tillage!r}")
    area = float(_positive("area_ha", inputs.area_ha))
    n_trees = int(_positive("n_trees", inputs.n_trees, allow_zero=True))
    age = float(_positive("age_years", inputs.age_years, allow_zero=True))
    share = default_tree_band_share(inputs.slope_pct) if inputs.tree_band_share is None else float(inputs.tree_band_share)
    if not 0 <= share <= 1:
        raise ValueError(f"tree_band_share must lie in [0, 1], got {share}")
    stocking = min(1.0, n_trees / (area * _p("reference_trees_per_ha")))
    cf = _p("carbon_fraction")
    c_max = tree_stock_at_maturity(zone)
    mature_agb = c_max / cf  # t dm/ha of a mature orchard: selects the Table 4.4 class
    rs, u_rs = root_shoot_ratio(zone, mature_agb), _root_shoot_u(zone, mature_agb)
    pools: list[CarbonPool] = []

    if inputs.measurements:
        agb = [tree_agb_kg(m.species, m.diameter_cm, m.height_m) for m in inputs.measurements]
        mean_kg = float(np.mean([a for a, _ in agb]))
        scale = max(n_trees, len(agb)) / area / 1000.0
        above = mean_kg * scale * cf
        err = _p("allometry_relative_error")
        method = f"measured trees ({len(agb)}): {'; '.join(sorted({name for _, name in agb}))}"
        pools.append(_pool("tree_above_ground", above, above * err, above / age if age > 0 else 0.0, 2, method))
        below = above * rs
        pools.append(_pool("tree_below_ground", below, below * approach1_product([err, u_rs]),
                           below / age if age > 0 else 0.0, 2, f"{method}; root:shoot {rs} (IPCC Table 4.4)"))
    else:
        scale = c_max * share * stocking
        g_now = tree_growth_fraction(age)
        g_prev = tree_growth_fraction(max(age - 1.0, 0.0))
        k_lo, k_hi = _range("tree_growth_k")[1:]
        u_k = abs(tree_growth_fraction(age, k_hi) - tree_growth_fraction(age, k_lo)) / (2.0 * g_now) if g_now else 0.0
        u_above = approach1_product([_rel_u(f"ipcc_perennial_stock_{zone}"), u_k])
        above, change = scale * g_now, scale * (g_now - g_prev)
        method = (f"Chapman-Richards growth to the IPCC 2006 Table 5.1 stock at maturity ({c_max:g} t C/ha, "
                  f"{zone}) at {_p('tree_calibration_age'):g} yr; tree-band share {share:.3f}, stocking {stocking:.2f}")
        pools.append(_pool("tree_above_ground", above, above * u_above, change, 1, method))
        pools.append(_pool("tree_below_ground", above * rs, above * rs * approach1_product([u_above, u_rs]),
                           change * rs, 1, f"{method}; root:shoot {rs} (IPCC Table 4.4)"))

    maize = inputs.maize_yield_kg_ha
    if maize is None:
        maize = float(_species_row("maiz")["default_yield_kg_ha"])
    res, res_h = _residue_c(maize, 1.0 - share, "residue_retained_miaf")
    pools.append(_pool("crop_residues", res, res_h, 0.0, 1,
                       "maize stover left on the crop strips; no net change (IPCC Tier 1, annual crops)"))

    years = _p("soc_transition_years")
    frac = min(age, years) / years
    soc, soc_h = _soc_at_age(zone, inputs.soil_type, share, tillage, frac)
    trad = soc_stock("traditional", zone, inputs.soil_type)
    miaf = soc_stock("miaf-d", zone, inputs.soil_type, share, tillage=tillage)
    pools.append(_pool("soil_organic_carbon", soc, soc_h, (miaf - trad) / years if age < years else 0.0, 1,
                       f"IPCC Tier 1 stock-change factors, 0-30 cm, 20-year transition; strips: {tillage} tillage"))

    trad_total = trad + _residue_c(maize, 1.0, "residue_retained_traditional")[0]
    forest_agb = _p(f"forest_agb_{zone}")
    forest = (forest_agb * cf * (1.0 + root_shoot_ratio(zone, forest_agb)) + _p("forest_dead_organic_matter")
              + soc_stock("forest", zone, inputs.soil_type))
    return CarbonResult(code, age, zone, area, pools, float(trad_total), float(forest), len(inputs.measurements),
                        tillage)
