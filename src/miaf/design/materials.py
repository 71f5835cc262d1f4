"""Plant counts, seed, bill of materials and establishment labour of a MIAF plot design.

Every quantity carries the parameters it was computed from (``source``), so a report can show which
values were defaults (with their citation and tag) and which were overridden by the user.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from miaf.params import Parameter

__all__ = ["BomItem", "LabourItem", "seed_mass_kg", "sowing_rate_kg_ha", "bill_of_materials", "establishment_labour",
           "describe", "replanting_share", "seedlings_bought"]


@dataclass(frozen=True)
class BomItem:
    """One line of the bill of materials."""

    item: str
    item_es: str
    quantity: float
    unit: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class LabourItem:
    """Establishment labour of one activity in one month."""

    activity: str
    activity_es: str
    month: int
    person_days: float
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


def describe(params: Mapping[str, Parameter], *keys: str) -> str:
    """Provenance string ``key=value unit [tag]: source`` for the parameters used in a quantity."""
    parts = []
    for k in keys:
        prm = params[k]
        parts.append(f"{k}={prm.value:g} {prm.unit} [{prm.tag}]: {prm.source}")
    return "; ".join(parts)


def replanting_share(params: Mapping[str, Parameter] | None = None) -> Parameter:
    """Replanting share r_p [-]: extra seedlings bought in the planting year to replace the trees that die, as a
    share of the trees planted.

    The one parameter for it (issue 16): the row ``replanting_share`` of ``params/design.csv`` (0.10, range
    0.05-0.10, estimate; miaf-domain 12.4, "943 + 10 % replanting"). The design's bill of materials
    (:func:`bill_of_materials`), the economics establishment cost
    (:func:`miaf.economics.cashflow.establishment_cost_mxn`, through
    :func:`miaf.economics.scenario.resolve_parameters`, where a scenario's ``replanting_share`` overrides it),
    the records' NPV and payback, and the demo's purchases read it here.

    Parameters
    ----------
    params : design parameters (None: ``params/design.csv``), e.g. :func:`miaf.design.design_parameters`
        with a user override.

    Returns
    -------
    Parameter : value [fraction of the trees planted], low/high, tag and source.
    """
    if params is None:
        from miaf.params import load_parameters

        params = load_parameters("design")
    return params["replanting_share"]


def seedlings_bought(n_trees: float, share: float | None = None) -> int:
    """Seedlings to buy for ``n_trees`` trees [plants]: ceil(N (1 + r_p)), r_p = :func:`replanting_share`
    unless ``share`` is given (rounded to 1e-9 first, so that 100 trees at 10 % are 110, not 111)."""
    r = float(replanting_share()) if share is None else float(share)
    return math.ceil(round(n_trees * (1.0 + r), 9))


def seed_mass_kg(plants: float, seed_mass_g: float, seeds_per_plant: float) -> float:
    """Seed needed [kg] for a number of established plants.

    Parameters
    ----------
    plants : float [plants]
    seed_mass_g : float [g seed⁻¹]
    seeds_per_plant : float [seeds plant⁻¹]
        Seeds sown per established plant (1 / field emergence).

    Returns
    -------
    float [kg]

    Notes
    -----
    kg = plants × seeds_per_plant × seed_mass_g / 1000.
    """
    return plants * seeds_per_plant * seed_mass_g / 1000.0


SOWN_CROPS = {"maiz": "maize", "frijol": "bean"}


def sowing_rate_kg_ha(crop: str, params: Mapping[str, Parameter] | None = None) -> float:
    """Seed sown per hectare of crop strip [kg ha⁻¹] of maize (``"maiz"``) or bean (``"frijol"``).

    The one rule for a sowing rate: the design's bill of materials and the demo's sowing records both use
    it, so a plot's recorded seed matches its design.

    Parameters
    ----------
    crop : ``"maiz"`` or ``"frijol"`` (species codes).
    params : design parameters (None: ``params/design.csv``): ``<crop>_density_plants_per_ha``,
        ``<crop>_seed_mass_g``, ``seeds_per_plant``.

    Returns
    -------
    float [kg ha⁻¹] = density × seeds_per_plant × seed mass / 1000 (:func:`seed_mass_kg` on one hectare).
    """
    if crop not in SOWN_CROPS:
        raise ValueError(f"crop must be one of {', '.join(SOWN_CROPS)}, got {crop!r}")
    if params is None:
        from miaf.params import load_parameters

        params = load_parameters("design")
    name = SOWN_CROPS[crop]
    return seed_mass_kg(float(params[f"{name}_density_plants_per_ha"]), float(params[f"{name}_seed_mass_g"]),
                        float(params["seeds_per_plant"]))


def bill_of_materials(trees_by_species: Mapping[str, int], maize_plants: float, bean_plants: float,
                      row_length_m: float, params: Mapping[str, Parameter],
                      names_es: Mapping[str, str]) -> list[BomItem]:
    """Bill of materials for establishing the design.

    Parameters
    ----------
    trees_by_species : mapping of str to int [trees]
    maize_plants, bean_plants : float [plants]
    row_length_m : float [m]
        Total tree-row length, which is also the runoff filter to build.
    params : mapping of str to Parameter
        Design parameters (``replanting_share``, ``stakes_per_tree``,
        ``organic_fertiliser_kg_per_tree``, ``maize_seed_mass_g``, ``bean_seed_mass_g``, ``seeds_per_plant``).
    names_es : mapping of str to str
        Spanish species names for the item labels.

    Returns
    -------
    list of BomItem

    Notes
    -----
    seedlings = :func:`seedlings_bought`, ceil(trees × (1 + :func:`replanting_share`));
    stakes = trees × stakes_per_tree;
    fertiliser = trees × kg per tree; seed as in :func:`seed_mass_kg`.
    """
    v = {k: float(prm) for k, prm in params.items() if isinstance(prm.value, float)}
    items = []
    for code, n in trees_by_species.items():
        items.append(BomItem(f"{code} seedlings", f"Plantas de {names_es.get(code, code)}",
                             float(seedlings_bought(n, float(replanting_share(params)))), "plants",
                             f"{n} trees counted on the layout; " + describe(params, "replanting_share")))
    n_trees = sum(trees_by_species.values())
    items.append(BomItem("maize seed", "Semilla de maíz",
                         round(seed_mass_kg(maize_plants, v["maize_seed_mass_g"], v["seeds_per_plant"]), 2), "kg",
                         describe(params, "maize_density_plants_per_ha", "maize_seed_mass_g", "seeds_per_plant")))
    items.append(BomItem("bean seed", "Semilla de frijol",
                         round(seed_mass_kg(bean_plants, v["bean_seed_mass_g"], v["seeds_per_plant"]), 2), "kg",
                         describe(params, "bean_density_plants_per_ha", "bean_seed_mass_g", "seeds_per_plant")))
    items.append(BomItem("stakes", "Estacas", float(math.ceil(n_trees * v["stakes_per_tree"])), "stakes",
                         describe(params, "stakes_per_tree")))
    items.append(BomItem("organic fertiliser", "Abono orgánico",
                         round(n_trees * v["organic_fertiliser_kg_per_tree"], 1), "kg",
                         describe(params, "organic_fertiliser_kg_per_tree")))
    items.append(BomItem("runoff filter (crop and pruning residues)", "Filtro de escurrimientos (residuos)",
                         round(row_length_m, 1), "m",
                         "Total tree-row length: the filter runs on the upslope side of every row (miaf-domain 2.5)"))
    return items


_ACTIVITIES = (
    ("contour tracing", "Trazo de curvas a nivel", "labour_tracing_m_per_day", "month_tracing", "length"),
    ("digging planting holes", "Apertura de cepas", "labour_digging_holes_per_day", "month_digging", "trees"),
    ("planting", "Plantación", "labour_planting_trees_per_day", "month_planting", "trees"),
    ("runoff filter", "Filtro de escurrimientos", "labour_runoff_filter_m_per_day", "month_runoff_filter", "length"),
)


def establishment_labour(n_trees: int, row_length_m: float,
                         params: Mapping[str, Parameter]) -> list[LabourItem]:
    """Establishment labour [person-days] by activity and month.

    Parameters
    ----------
    n_trees : int [trees]
    row_length_m : float [m]
    params : mapping of str to Parameter
        Work rates (``labour_*``) and months (``month_*``).

    Returns
    -------
    list of LabourItem

    Notes
    -----
    person-days = quantity / rate, with quantity the row length [m] (tracing, runoff filter) or the number
    of trees (holes, planting). With the default rates and 943 trees and 943 m of row per ha this gives
    943/400 + 943/60 + 943/120 + 943/300 ≈ 28.9 person-days/ha, inside the 20–30 d/ha of miaf-domain 12.3.
    """
    out = []
    for name, name_es, rate_key, month_key, basis in _ACTIVITIES:
        qty = row_length_m if basis == "length" else float(n_trees)
        rate = float(params[rate_key])
        out.append(LabourItem(name, name_es, int(float(params[month_key])), round(qty / rate, 2),
                              describe(params, rate_key, month_key)))
    return out
