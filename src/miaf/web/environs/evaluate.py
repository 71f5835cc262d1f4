"""From a plot's records to the inputs of the science layer, and its evidence for one year.

Every number of the environmental panels comes from :mod:`miaf.environment` applied to inputs built here:

* **System and age.** The plot's phase in force at the end of the year (or today, for the current year);
  MIAF and MIAF-D phases count as ``"miaf-d"`` (the erosion model knows two systems), the traditional milpa
  and "other" as ``"traditional"``. Age = year − the year the plot became MIAF-D (``established_on``, else
  the start of its first MIAF phase).
* **Soil loss** (:func:`miaf.environment.evaluate_soil_loss`, closed form, no DEM): R from the stored rainfall
  normal of the plot's municipality (Cortés, default region), else the municipality's CHIRPS normal by INEGI
  code (:func:`~miaf.environment.rusle.r_factor_municipality`); K and the slope length from
  ``params/environs.csv``; slope from ``Plot.mean_slope_pct``; module width from the latest design's row
  spacing (else the CIMMYT rule by slope); soil depth from the plot's depth class.
* **Carbon** (:func:`miaf.environment.evaluate_carbon`): trees = fruit-tree plants planted up to the year
  (species with most plants as the Tier 1 species), else the latest design's trees; the tree-band share
  from the design (band width / row spacing); maize yield = the year's maize harvest per hectare of crop
  strip; measured diameters/heights of the latest year with measurements (visits to this plot, living fruit
  trees) replace the growth model (Tier 2). A traditional plot gets the milpa's stock only. IPCC climate zone
  from the plot's altitude and its municipality's rainfall normal (:func:`plot_climate_zone`); tillage of
  the strips from the latest design's modality (:func:`plot_tillage`: TMV full, BV reduced, none: full).
* **Diversity** (:func:`miaf.environment.evaluate_diversity`): weights = kg harvested in the year; without
  harvests that year, presence (weight 1) of the species planted so far.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections import Counter, defaultdict

import pandas as pd

from miaf import history
from miaf.design import tree_band_share
from miaf.environment import CarbonInputs, ErosionInputs, TreeMeasurement, evaluate_carbon, evaluate_soil_loss
from miaf.environment.carbon import climate_zone, default_tree_band_share, tillage_for_modality, tree_agb_kg
from miaf.environment.erosion import slope_length_from_area
from miaf.environment.rusle import erosion_parameters, municipality_rainfall
from miaf.params import SOIL_DEPTH_CLASSES, load_parameters, soil_depth_class_m, species

from .records import PlotRecords

__all__ = ["environs_parameters", "system_in_year", "miaf_age", "erosion_inputs", "carbon_inputs", "plot_climate_zone",
           "plot_tillage",
           "diversity_rows", "evaluate_plot", "clean_json"]

MIAF_SYSTEMS = ("miaf", "miaf_d")
_START_SOURCE_ES = {"established_on": "fecha de establecimiento", "phase": "historia de la parcela",
                    "planting": "primera plantación de frutales", "ex_ante": "sin fecha (edad 0)"}


@functools.cache
def environs_parameters():
    """``params/environs.csv`` as ``{key: Parameter}``."""
    return load_parameters("environs")


def _p(key: str) -> float:
    return float(environs_parameters()[key])


def clean_json(obj):  # noqa: ANN001, ANN201
    """``obj`` with NaN/inf floats as None and numpy scalars as Python numbers (strict JSON)."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_json(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


def _reference_date(year: int, today: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), today)


def system_in_year(rec: PlotRecords, year: int, today: dt.date) -> tuple[str, str]:
    """(``"traditional"`` | ``"miaf-d"``, the plots.System value) in force at the end of ``year``."""
    on = _reference_date(year, today)
    raw = rec.system
    for system, start, end in rec.phases:
        if start <= on and (end is None or end >= on):
            raw = system
            break
    else:
        if rec.phases and on < rec.phases[0][1]:
            raw = rec.phases[0][0]
    return ("miaf-d" if raw in MIAF_SYSTEMS else "traditional"), raw


def miaf_start(rec: PlotRecords) -> tuple[dt.date | None, str]:
    """Date the plot became MIAF-D and how it is known (the rule: :func:`miaf.history.miaf_start`)."""
    phases = [start for system, start, _ in rec.phases if system in MIAF_SYSTEMS]
    trees = [on for _code, stratum, _n, _q, unit, on in rec.plantings if stratum == "fruit_tree" and unit == "plants"]
    return history.miaf_start(rec.established_on, min(phases, default=None), min(trees, default=None))


def miaf_age(rec: PlotRecords, year: int) -> float:
    """Years since the plot became MIAF-D [yr] (0 when unknown or in the future)."""
    return history.years_since_start(miaf_start(rec)[0], year)


def _soil_depth_m(depth_class: str) -> float | None:
    return soil_depth_class_m(depth_class) if depth_class in SOIL_DEPTH_CLASSES else None


def erosion_inputs(rec: PlotRecords, year: int, today: dt.date) -> tuple[ErosionInputs, dict]:
    """ErosionInputs of the plot in ``year`` and where each value came from (Spanish)."""
    system, raw = system_in_year(rec, year, today)
    age = miaf_age(rec, year) if system == "miaf-d" else 0.0
    if rec.slope_pct is None:
        raise ValueError("la parcela no tiene pendiente media registrada: no se puede estimar la pérdida de suelo")
    sources = {"system": raw, "age": _START_SOURCE_ES[miaf_start(rec)[1]]}
    rainfall = municipality = None
    if rec.rainfall_mm is not None:
        rainfall = float(rec.rainfall_mm)
        sources["r"] = (f"lluvia normal registrada del municipio {rec.municipality_name or ''} "
                        f"({rec.municipality_code or '—'}): {rainfall:g} mm/año")
    elif rec.municipality_code:
        municipality = rec.municipality_code
        muni = municipality_rainfall(municipality)  # ValueError when not a Chiapas code
        sources["r"] = f"normal CHIRPS 1981–2010 de {muni.name} ({muni.code}): {muni.rainfall_mm:g} mm/año"
    else:
        raise ValueError("el municipio de la parcela no tiene lluvia normal: no se puede calcular R")
    params = environs_parameters()
    width = rec.design_summary.get("row_spacing_ground_m") if system == "miaf-d" else None
    width = float(width) if isinstance(width, (int, float)) and width > 0 else None
    sources["k"] = f"valor por defecto ({params['k_default'].source})"
    sources["slope"] = "pendiente media de la parcela"
    length = float(slope_length_from_area(rec.area_ha))
    cap = float(erosion_parameters()["max_flow_length_m"])
    sources["slope_length"] = f"lado del cuadrado de {rec.area_ha:g} ha, máximo {cap:g} m: {length:.0f} m"
    sources["module_width"] = (f"diseño v{rec.design_version}" if width else
                               "regla CIMMYT por pendiente" if system == "miaf-d" else "—")
    band, band_width = rec.design_summary.get("tree_band_width_m"), rec.design_summary.get("row_spacing_ground_m")
    share = None
    if system == "miaf-d" and isinstance(band, (int, float)) and isinstance(band_width, (int, float)) \
            and band_width > 0 and 0 <= band <= band_width:
        share = float(tree_band_share(band_width_m=band, width_m=band_width))
        sources["tree_band_share"] = f"diseño v{rec.design_version}: franja {band:g} m / módulo {band_width:g} m"
    depth = _soil_depth_m(rec.soil_depth_class)
    sources["soil_depth"] = f"clase «{rec.soil_depth_class}»" if depth is not None else "desconocida (suelo profundo)"
    inputs = ErosionInputs(
        system=system, age_years=age, rainfall_mm=rainfall, municipality=municipality, k_factor=_p("k_default"),
        slope_pct=float(rec.slope_pct), slope_length_m=length, module_width_m=width, tree_band_share=share,
        soil_depth_m=depth,
    )
    return inputs, sources


def _has_allometry(code: str) -> bool:
    try:
        tree_agb_kg(code, 10.0)
    except ValueError:
        return False
    return True


def plot_climate_zone(rec: PlotRecords) -> tuple[str, str]:
    """IPCC climate zone of the plot (:func:`miaf.environment.carbon.climate_zone`) and where it came from.

    Altitude = ``Plot.altitude_m``; rainfall = the municipality's stored normal, else its CHIRPS 1981–2010
    normal by INEGI code. Without rainfall below 1,000 m: ``environs.csv`` ``climate_zone_default``.
    """
    rain, rain_src = rec.rainfall_mm, "lluvia normal registrada del municipio"
    if rain is None and rec.municipality_code:
        try:
            rain, rain_src = municipality_rainfall(rec.municipality_code).rainfall_mm, "normal CHIRPS 1981–2010"
        except ValueError:
            rain = None
    default = str(environs_parameters()["climate_zone_default"].value)
    zone = climate_zone(rec.altitude_m, rain, default=default)
    alt = f"altitud {rec.altitude_m:g} m" if rec.altitude_m is not None else "altitud no registrada"
    lluvia = f"{rain_src} {float(rain):g} mm/año" if rain is not None else "sin lluvia normal"
    if rain is None and zone != "tropical_montane":
        return zone, f"valor por defecto ({alt}, {lluvia})"
    return zone, f"IPCC por altitud y lluvia: {alt}, {lluvia}"


def plot_tillage(rec: PlotRecords) -> tuple[str, str]:
    """Tillage of the crop strips from the latest design's modality (TMV full, BV reduced, none: full)."""
    modality = rec.design_summary.get("modality")
    tillage = tillage_for_modality(modality if isinstance(modality, str) else None)
    if isinstance(modality, str) and modality:
        return tillage, f"diseño v{rec.design_version}: modalidad {modality}"
    return tillage, "sin registro de labranza: labranza convencional"


def carbon_inputs(rec: PlotRecords, year: int, today: dt.date) -> tuple[CarbonInputs, dict]:
    """CarbonInputs of the plot in ``year`` and where each value came from (Spanish)."""
    system, _raw = system_in_year(rec, year, today)
    zone, zone_source = plot_climate_zone(rec)
    trees: Counter[str] = Counter()
    first: dt.date | None = None
    for code, stratum, _native, qty, unit, on in rec.plantings:
        if stratum == "fruit_tree" and unit == "plants" and on.year <= year:
            trees[code] += qty
            first = on if first is None or on < first else first
    sources: dict = {"system": system, "climate_zone": zone_source}
    if trees:
        sources["trees"] = "plantaciones de frutales registradas"
    elif system == "miaf-d" and rec.design_summary.get("trees_by_species"):
        trees.update({k: float(v) for k, v in rec.design_summary["trees_by_species"].items() if k in species()})
        sources["trees"] = f"diseño v{rec.design_version}"
    if system != "miaf-d" or not trees:
        sources["trees"] = "sin árboles (milpa tradicional)" if system != "miaf-d" else "sin árboles registrados"
        age = miaf_age(rec, year) if system == "miaf-d" else 0.0
        tillage, sources["tillage"] = plot_tillage(rec) if system == "miaf-d" else ("full", "milpa tradicional")
        return CarbonInputs(species="maiz", n_trees=0, age_years=age, area_ha=rec.area_ha, climate_zone=zone,
                            tillage=tillage, slope_pct=rec.slope_pct), sources
    main = max(sorted(trees), key=lambda c: trees[c])
    age = float(max(year - first.year, 0)) if first else miaf_age(rec, year)
    share = None
    band, width = rec.design_summary.get("tree_band_width_m"), rec.design_summary.get("row_spacing_ground_m")
    if isinstance(band, (int, float)) and isinstance(width, (int, float)) and width > 0 and 0 <= band <= width:
        share = float(tree_band_share(band_width_m=band, width_m=width))
        sources["tree_band_share"] = f"diseño v{rec.design_version}: franja {band:g} m / módulo {width:g} m"
    else:
        sources["tree_band_share"] = "regla CIMMYT por pendiente (sin diseño propio)"
    maize_kg = sum(kg for code, _n, kg, on in rec.harvests if code == "maiz" and on.year == year)
    maize = None
    if maize_kg > 0:
        strip = 1.0 - (share if share is not None else default_tree_band_share(rec.slope_pct))
        maize = maize_kg / (rec.area_ha * strip)
        sources["maize"] = f"cosecha de maíz {year}: {maize_kg:g} kg en {rec.area_ha * strip:.2f} ha de franja"
    measured = [m for m in rec.measurements if m[0].year <= year and _has_allometry(m[1])]
    if measured:
        last = max(m[0].year for m in measured)
        measured = [m for m in measured if m[0].year == last]
        sources["measurements"] = f"{len(measured)} árboles medidos en {last}"
    tillage, sources["tillage"] = plot_tillage(rec)
    inputs = CarbonInputs(
        species=main, n_trees=int(round(sum(trees.values()))), age_years=age, area_ha=rec.area_ha, climate_zone=zone,
        measurements=[TreeMeasurement(code, d, h) for _on, code, d, h in measured], tree_band_share=share,
        maize_yield_kg_ha=maize, tillage=tillage, slope_pct=rec.slope_pct,
    )
    sources["species"] = dict(trees)
    return inputs, sources


def diversity_rows(rec: PlotRecords, year: int) -> tuple[list[dict], str]:
    """Rows ``plot_id, family_id, species, weight, native`` for the diversity table, and the weight's meaning.

    ``native`` comes from the database catalogue, so species added there (not in species.csv) work too.
    """
    kg: dict[str, float] = defaultdict(float)
    native = {p[0]: p[2] for p in rec.plantings} | {h[0]: h[1] for h in rec.harvests}
    for code, _native, q, on in rec.harvests:
        if on.year == year:
            kg[code] += q
    base = {"plot_id": str(rec.plot_id), "family_id": str(rec.family_id)}
    if kg:
        return [base | {"species": c, "weight": w, "native": native[c]} for c, w in sorted(kg.items()) if w > 0], \
            "harvest_kg"
    present = sorted({p[0] for p in rec.plantings if p[5].year <= year})
    return [base | {"species": c, "weight": 1.0, "native": native[c]} for c in present], "presence"


def evaluate_plot(rec: PlotRecords, year: int, today: dt.date, diversity: bool = True) -> dict:
    """The environmental evidence of one plot in one year (JSON-ready, no names, no coordinates)."""
    system, raw = system_in_year(rec, year, today)
    out: dict = {"plot_id": rec.plot_id, "year": year, "system": system, "system_recorded": raw,
                 "area_ha": rec.area_ha, "age_years": miaf_age(rec, year) if system == "miaf-d" else 0.0}
    try:
        e_inputs, e_sources = erosion_inputs(rec, year, today)
        res = evaluate_soil_loss(e_inputs)
        out["erosion"] = res.to_dict() | {"sources": e_sources, "inputs": {
            "rainfall_mm": e_inputs.rainfall_mm, "municipality": e_inputs.municipality,
            "k_factor": e_inputs.k_factor, "slope_pct": e_inputs.slope_pct,
            "slope_length_m": e_inputs.slope_length_m, "module_width_m": e_inputs.module_width_m,
            "soil_depth_m": e_inputs.soil_depth_m}}
        out["erosion"]["soil_kept_t_plot_yr"] = res.soil_kept_t_ha_yr * rec.area_ha
        out["erosion"]["soil_loss_t_plot_yr"] = res.soil_loss_t_ha_yr * rec.area_ha
        out["erosion_error"] = None
    except ValueError as exc:
        out["erosion"], out["erosion_error"] = None, str(exc)
    try:
        c_inputs, c_sources = carbon_inputs(rec, year, today)
        carbon = evaluate_carbon(c_inputs)
        if c_inputs.n_trees == 0 and system != "miaf-d":
            out["carbon"] = {"system": "traditional", "total_t_c_ha": carbon.traditional_t_c_ha,
                             "traditional_t_c_ha": carbon.traditional_t_c_ha, "pools": [],
                             "sources": c_sources, "miaf": False}
        else:
            out["carbon"] = carbon.to_dict() | {"sources": c_sources, "miaf": True, "n_trees": c_inputs.n_trees,
                                                "tree_band_share": c_inputs.tree_band_share,
                                                "maize_yield_kg_ha": c_inputs.maize_yield_kg_ha}
        out["carbon"]["co2_per_c"] = float(load_parameters("carbon")["co2_per_c"])
        out["carbon"]["total_t_c_plot"] = out["carbon"]["total_t_c_ha"] * rec.area_ha
        out["carbon_error"] = None
    except ValueError as exc:
        out["carbon"], out["carbon_error"] = None, str(exc)
    if diversity:
        rows, weight = diversity_rows(rec, year)
        try:
            out["diversity"] = _plot_diversity(rows, weight)
        except ValueError:  # a table the diversity model refuses: show the plot without it
            out["diversity"] = None
    return out


def _plot_diversity(rows: list[dict], weight: str) -> dict | None:
    from miaf.environment import evaluate_diversity

    if not rows:
        return None
    res = evaluate_diversity(pd.DataFrame(rows))
    return res.plots[0].to_dict() | {"weight": weight, "species": sorted({r["species"] for r in rows})}
