"""Carbon stocks and annual change of a plot by pool: trees (above and below ground), crop residues, soil.

Every pool carries its IPCC tier and a low–high range. Measured tree diameters and heights replace the
Tier 1 growth model when they are given. Results are in t C ha⁻¹ and t CO₂e ha⁻¹ (per hectare of plot),
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
    "soc_stock",
    "evaluate_carbon",
]

CLIMATE_ZONES: tuple[str, ...] = ("tropical_wet", "tropical_moist", "tropical_dry", "tropical_montane")
SOIL_TYPES: tuple[str, ...] = ("lac", "hac")


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
# Soil organic carbon
# ----------------------------------------------------------------------------------------------------------
def soc_stock(system: str, climate_zone: str = "tropical_moist", soil_type: str = "lac",
              tree_band_share: float | None = None, bound: str = "value") -> float:
    """Equilibrium soil organic carbon, 0–30 cm, by the IPCC Tier 1 stock-change factors.

    Parameters
    ----------
    system : ``"traditional"``, ``"miaf-d"`` or ``"forest"``.
    climate_zone : one of :data:`CLIMATE_ZONES`.
    soil_type : ``"lac"`` (low-activity clay: Acrisols, …) or ``"hac"`` (high-activity clay: Luvisols, …).
    tree_band_share : float [-], share of a MIAF-D plot under the tree band.
    bound : ``"value"``, ``"low"`` or ``"high"`` (all parameters at that end of their range).

    Returns
    -------
    SOC : float [t C ha⁻¹]

    Notes
    -----
    SOC = SOC_ref · F_LU · F_MG · F_I. Traditional milpa: long-term cultivated, full tillage (F_MG 1), low
    input (residues burned). MIAF-D: area-weighted tree band (perennial, F = 1) and crop strips (cultivated,
    reduced tillage, medium input F_I 1). Forest: SOC_ref.

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
        return ref * f_lu * 1.0 * g(f"f_i_low_{zone}")
    if system == "miaf-d":
        s = g("tree_band_share") if tree_band_share is None else float(tree_band_share)
        strip = ref * f_lu * g(f"f_mg_reduced_{zone}") * 1.0
        band = ref * g("f_lu_perennial")
        return (1.0 - s) * strip + s * band
    raise ValueError(f"system must be 'traditional', 'miaf-d' or 'forest', got {system!r}")


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
    planting. area_ha [ha] of the plot. measurements : measured trees of this plot and year (a sample or all).
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


@dataclass
class CarbonPool:
    """One carbon pool: stock and annual change [t C ha⁻¹, t C ha⁻¹ yr⁻¹] with range, tier and method."""

    name: str
    stock_t_c_ha: float
    low_t_c_ha: float
    high_t_c_ha: float
    annual_change_t_c_ha_yr: float
    tier: int
    method: str

    def to_dict(self) -> dict:
        k = _p("co2_per_c")
        d = asdict(self)
        d.update(stock_t_co2e_ha=self.stock_t_c_ha * k, low_t_co2e_ha=self.low_t_c_ha * k,
                 high_t_co2e_ha=self.high_t_c_ha * k, annual_change_t_co2e_ha_yr=self.annual_change_t_c_ha_yr * k)
        return d


@dataclass
class CarbonResult:
    """Carbon of one plot and year by pool, with totals and comparisons (per ha of plot)."""

    species: str
    age_years: float
    climate_zone: str
    area_ha: float
    pools: list[CarbonPool]
    traditional_t_c_ha: float
    forest_reference_t_c_ha: float
    measured_trees: int = 0

    @property
    def total_t_c_ha(self) -> float:
        return float(sum(p.stock_t_c_ha for p in self.pools))

    @property
    def total_annual_change_t_c_ha_yr(self) -> float:
        return float(sum(p.annual_change_t_c_ha_yr for p in self.pools))

    def to_dict(self) -> dict:
        k = _p("co2_per_c")
        return {
            "species": self.species, "age_years": self.age_years, "climate_zone": self.climate_zone,
            "area_ha": self.area_ha, "measured_trees": self.measured_trees,
            "pools": [p.to_dict() for p in self.pools],
            "total_t_c_ha": self.total_t_c_ha, "total_t_co2e_ha": self.total_t_c_ha * k,
            "total_low_t_c_ha": float(sum(p.low_t_c_ha for p in self.pools)),
            "total_high_t_c_ha": float(sum(p.high_t_c_ha for p in self.pools)),
            "annual_change_t_c_ha_yr": self.total_annual_change_t_c_ha_yr,
            "annual_change_t_co2e_ha_yr": self.total_annual_change_t_c_ha_yr * k,
            "traditional_t_c_ha": self.traditional_t_c_ha,
            "difference_vs_traditional_t_c_ha": self.total_t_c_ha - self.traditional_t_c_ha,
            "difference_vs_traditional_t_co2e_ha": (self.total_t_c_ha - self.traditional_t_c_ha) * k,
            "forest_reference_t_c_ha": self.forest_reference_t_c_ha,
            "share_of_forest_reference": self.total_t_c_ha / self.forest_reference_t_c_ha,
        }


def _tier1_tree_c(code: str, zone: str, age: float, share: float, idx: int) -> float:
    """Tier 1 tree carbon (above + below) [t C per ha of plot] at ``age``, capped by GCAM's max veg C."""
    rate = _range(f"ipcc_perennial_rate_{zone}")[idx]
    rs = _p(f"root_shoot_{zone}")
    cap_key = f"gcam_max_veg_c_{code}"
    cap = _p(cap_key) if cap_key in _params() else math.inf
    return min(rate * max(age, 0.0) * (1.0 + rs), cap) * share


def _residue_c(maize_kg_ha: float, crop_share: float, retained_key: str, idx: int) -> float:
    return (maize_kg_ha / 1000.0 * _p("grain_dry_matter") * _range("residue_to_grain")[idx] * crop_share
            * _range(retained_key)[idx] * _range("residue_carbon_fraction")[idx])


def evaluate_carbon(inputs: CarbonInputs) -> CarbonResult:
    """Carbon stock and annual change of a MIAF-D plot by pool, with tiers and ranges.

    Parameters
    ----------
    inputs : CarbonInputs

    Returns
    -------
    CarbonResult (pools: tree above-ground, tree below-ground, crop residues, soil organic carbon)

    Notes
    -----
    * Trees, Tier 1 (no measurements): C(age) = min(r_zone · age · (1 + R:S), C_max,species) · s · stocking,
      r_zone the IPCC Table 5.1 accumulation rate, C_max the GCAM maximum vegetation carbon, s the tree-band
      share, stocking = min(1, n_trees / (area · 943 trees ha⁻¹)). Range from the ±75 % rate range.
    * Trees, Tier 2 (measurements): mean AGB of the measured trees (species allometry, else Chave) times
      n_trees / area, × carbon fraction 0.47; roots by the zone's root:shoot ratio; annual change as the
      mean annual increment since planting. Range ±``allometry_relative_error``.
    * Crop residues (Tier 1): stover C left after harvest; no net annual change (IPCC Tier 1 for annual crops).
    * Soil (Tier 1): from the traditional-milpa equilibrium towards the MIAF-D equilibrium
      (:func:`soc_stock`) linearly over 20 years.
    """
    zone = _zone(inputs.climate_zone)
    code = inputs.species
    _species_row(code)
    area = float(_positive("area_ha", inputs.area_ha))
    n_trees = int(_positive("n_trees", inputs.n_trees, allow_zero=True))
    age = float(_positive("age_years", inputs.age_years, allow_zero=True))
    share = _p("tree_band_share") if inputs.tree_band_share is None else float(inputs.tree_band_share)
    if not 0 <= share <= 1:
        raise ValueError(f"tree_band_share must lie in [0, 1], got {share}")
    stocking = min(1.0, n_trees / (area * _p("reference_trees_per_ha")))
    rs = _p(f"root_shoot_{zone}")
    cf = _p("carbon_fraction")
    pools: list[CarbonPool] = []

    if inputs.measurements:
        agb = [tree_agb_kg(m.species, m.diameter_cm, m.height_m) for m in inputs.measurements]
        mean_kg = float(np.mean([a for a, _ in agb]))
        scale = max(n_trees, len(agb)) / area / 1000.0
        above = mean_kg * scale * cf
        err = _p("allometry_relative_error")
        methods = sorted({name for _, name in agb})
        for name, stock in (("tree_above_ground", above), ("tree_below_ground", above * rs)):
            pools.append(CarbonPool(name, stock, stock * (1 - err), stock * (1 + err),
                                    stock / age if age > 0 else 0.0, 2,
                                    f"measured trees ({len(agb)}): {'; '.join(methods)}"
                                    + ("" if name == "tree_above_ground" else f"; root:shoot {rs}")))
    else:
        vals = [_tier1_tree_c(code, zone, age, share * stocking, i) for i in range(3)]
        prev = _tier1_tree_c(code, zone, age - 1.0, share * stocking, 0) if age >= 1 else 0.0
        for name, frac in (("tree_above_ground", 1.0 / (1.0 + rs)), ("tree_below_ground", rs / (1.0 + rs))):
            pools.append(CarbonPool(
                name, vals[0] * frac, vals[1] * frac, vals[2] * frac, (vals[0] - prev) * frac, 1,
                f"IPCC 2006 Table 5.1 rate ({zone}), capped by GCAM max vegetation C, tree-band share {share:.3f}",
            ))

    maize = inputs.maize_yield_kg_ha
    if maize is None:
        maize = float(_species_row("maiz")["default_yield_kg_ha"])
    res = [_residue_c(maize, 1.0 - share, "residue_retained_miaf", i) for i in range(3)]
    pools.append(CarbonPool("crop_residues", res[0], res[1], res[2], 0.0, 1,
                            "maize stover left on the crop strips; no net change (IPCC Tier 1, annual crops)"))

    years = _p("soc_transition_years")
    frac = min(age, years) / years
    soc = []
    for bound in ("value", "low", "high"):
        trad = soc_stock("traditional", zone, inputs.soil_type, bound=bound)
        miaf = soc_stock("miaf-d", zone, inputs.soil_type, share, bound=bound)
        soc.append((trad + (miaf - trad) * frac, (miaf - trad) / years if age < years else 0.0))
    pools.append(CarbonPool("soil_organic_carbon", soc[0][0], min(s for s, _ in soc), max(s for s, _ in soc),
                            soc[0][1], 1, "IPCC Tier 1 stock-change factors, 0-30 cm, 20-year transition"))

    trad_total = soc_stock("traditional", zone, inputs.soil_type) + _residue_c(maize, 1.0, "residue_retained_traditional", 0)
    forest = (_p(f"forest_agb_{zone}") * cf * (1.0 + rs) + _p("forest_dead_organic_matter")
              + soc_stock("forest", zone, inputs.soil_type))
    return CarbonResult(code, age, zone, area, pools, float(trad_total), float(forest), len(inputs.measurements))
