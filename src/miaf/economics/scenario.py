"""Typed inputs of the plot cash-flow model, their validation, and parameter resolution with provenance.

A :class:`PlotScenario` describes one plot: its area, the trees of the design, the crops of the milpa
strip, the traditional-milpa baseline on the same land, an optional bill of materials, overrides of any
parameter (a number or a :class:`~miaf.economics.uncertainty.Distribution`) and, for an existing plot,
its records (:class:`YearRecord`, ex post). :func:`resolve_parameters` merges the overrides with the
defaults of ``economics.csv`` and ``species.csv`` and records where each number came from.

Parameter names (the same in scenario JSON, provenance maps and sensitivity rankings):

* the keys of ``src/miaf/params/economics.csv`` (``wage_mxn_day``, ``discount_rate`` …) and
  ``replanting_share``, whose one row is in ``design.csv`` (:func:`miaf.design.replanting_share`);
* per species code ``s``: ``price.s`` [MXN kg⁻¹], ``yield.s`` (trees: mature kg tree⁻¹ yr⁻¹; annual
  crops: kg ha⁻¹ yr⁻¹ of cropped land), ``self_consumption_share.s`` [fraction] and, where the table has
  one, ``alternate_bearing.s`` [fraction].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from miaf.params import load_parameters, species

from .uncertainty import Distribution

__all__ = [
    "BomItem",
    "CropComponent",
    "ParameterValue",
    "PlotScenario",
    "TreeComponent",
    "YearRecord",
    "resolve_parameters",
]

#: Structural parameters: read from the table but never sampled.
STRUCTURAL = frozenset({"horizon_years", "maize_gain_start_year", "ler_reference_trees_ha", "discount_rate"})
_GLOBAL_KEYS = (
    "discount_rate",
    "wage_mxn_day",
    "milpa_labour_days_ha",
    "miaf_labour_factor",
    "milpa_running_cost_mxn_ha",
    "tree_running_cost_mxn_tree_yr",
    "tree_yield_factor",
    "ler_reference_trees_ha",
    "maize_yield_gain_miaf",
    "maize_gain_start_year",
    "replacement_price_factor",
    "family_labour_capacity_days_month",
)
_NO_BOM_KEYS = ("plant_price_mxn", "replanting_share", "hole_compost_cost_mxn_tree", "tools_cost_mxn_ha")
_SHARES = ("tree_band_share", "crop_share", "replanting_share")
#: Parameters the economics reads from the design's table (one row, issue 16); scenario key = row key.
_DESIGN_KEYS = frozenset({"replanting_share"})


@dataclass(frozen=True)
class BomItem:
    """One line of the design's bill of materials (planting-year purchase)."""

    item: str
    quantity: float
    unit: str
    unit_cost_mxn: float
    source: str = "design"

    @property
    def total_mxn(self) -> float:
        return self.quantity * self.unit_cost_mxn


@dataclass(frozen=True)
class TreeComponent:
    """Trees of one species planted on the plot."""

    species: str
    n_trees: float


@dataclass(frozen=True)
class CropComponent:
    """An annual (or short-cycle) crop of the milpa strip or of the baseline milpa."""

    species: str


@dataclass(frozen=True)
class YearRecord:
    """What the plot's records say about one cash-flow year (ex post). ``None`` / missing = not recorded.

    ``year`` is the cash-flow year, 0 = planting year. Harvest, self-consumption [kg] and prices
    [MXN kg⁻¹] are per species code; labour in person-days; costs in MXN for the whole plot.
    """

    year: int
    harvest_kg: Mapping[str, float] = field(default_factory=dict)
    price_mxn_kg: Mapping[str, float] = field(default_factory=dict)
    self_consumed_kg: Mapping[str, float] = field(default_factory=dict)
    family_days: float | None = None
    hired_days: float | None = None
    input_cost_mxn: float | None = None
    establishment_cost_mxn: float | None = None


_DEFAULT_CROPS = (CropComponent("maiz"), CropComponent("frijol"))


@dataclass(frozen=True)
class PlotScenario:
    """A MIAF-D plot and its traditional-milpa baseline on the same land."""

    area_ha: float
    trees: tuple[TreeComponent, ...] = ()
    crops: tuple[CropComponent, ...] = _DEFAULT_CROPS
    baseline_crops: tuple[CropComponent, ...] = _DEFAULT_CROPS
    horizon_years: int | None = None
    bom: tuple[BomItem, ...] | None = None
    establishment_labour_days: float | None = None
    parameters: Mapping[str, float | Distribution] = field(default_factory=dict)
    # mean slope [%]: picks the design's module and tree band (miaf.design.tree_band_share) when neither the
    # design nor the parameters give the shares; None = the steep module (MIAF-D is a hillside system)
    slope_pct: float | None = None
    records: tuple[YearRecord, ...] = ()
    # family days are costed at the wage (their opportunity cost) unless set false; issue 16
    value_family_labour: bool = True
    name: str = ""

    @property
    def n_trees(self) -> float:
        return float(sum(t.n_trees for t in self.trees))

    def horizon(self) -> int:
        h = self.horizon_years
        if h is None:
            h = float(load_parameters("economics")["horizon_years"])
        if int(h) != h or h < 1:
            raise ValueError(f"horizon_years: must be a whole number of years >= 1, got {h}")
        return int(h)

    def species_codes(self) -> list[str]:
        codes = [t.species for t in self.trees] + [c.species for c in self.crops]
        codes += [c.species for c in self.baseline_crops]
        return list(dict.fromkeys(codes))

    def validate(self) -> None:
        """Raise ValueError naming the first bad field."""
        if not (self.area_ha > 0):
            raise ValueError(f"area_ha: must be > 0, got {self.area_ha}")
        horizon = self.horizon()
        catalogue = species()
        for code in self.species_codes():
            if code not in catalogue:
                raise ValueError(f"species: unknown code {code!r}; known: {', '.join(sorted(catalogue))}")
        for t in self.trees:
            if not (t.n_trees >= 0):
                raise ValueError(f"trees[{t.species}].n_trees: must be >= 0, got {t.n_trees}")
        for b in self.bom or ():
            if b.quantity < 0 or b.unit_cost_mxn < 0:
                raise ValueError(f"bom[{b.item}]: quantity and unit_cost_mxn must be >= 0")
        if self.establishment_labour_days is not None and self.establishment_labour_days < 0:
            raise ValueError("establishment_labour_days: must be >= 0")
        codes = set(self.species_codes())
        for r in self.records:
            if not (0 <= r.year < horizon):
                raise ValueError(f"records: year {r.year} is outside the horizon 0..{horizon - 1}")
            for what, values in (("harvest_kg", r.harvest_kg), ("price_mxn_kg", r.price_mxn_kg),
                                 ("self_consumed_kg", r.self_consumed_kg)):
                for code, v in values.items():
                    if code not in codes:
                        raise ValueError(f"records year {r.year}: {what} for {code!r}, which is not on the plot")
                    if not (v >= 0):
                        raise ValueError(f"records year {r.year}: {what}[{code}] must be >= 0, got {v}")
            for what in ("family_days", "hired_days", "input_cost_mxn", "establishment_cost_mxn"):
                v = getattr(r, what)
                if v is not None and not (v >= 0):
                    raise ValueError(f"records year {r.year}: {what} must be >= 0, got {v}")
        years = [r.year for r in self.records]
        if len(years) != len(set(years)):
            raise ValueError("records: one record per year please (a year appears twice)")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["parameters"] = {
            k: v.to_dict() if isinstance(v, Distribution) else v for k, v in self.parameters.items()
        }
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> PlotScenario:
        """Build from scenario JSON (see docs/methods/economics.md for the schema)."""
        if not isinstance(data, Mapping):
            raise ValueError("scenario: expected a JSON object")
        known = {"name", "area_ha", "horizon_years", "trees", "crops", "baseline_crops", "design",
                 "parameters", "records", "value_family_labour", "slope_pct", "$schema", "notes"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"scenario: unknown field(s) {sorted(unknown)}")
        if "area_ha" not in data:
            raise ValueError("scenario: 'area_ha' is required")
        design = data.get("design") or {}
        params = dict(data.get("parameters") or {})
        trees = []
        for i, t in enumerate(data.get("trees") or ()):
            if "species" not in t or "n_trees" not in t:
                raise ValueError(f"trees[{i}]: needs 'species' and 'n_trees'")
            trees.append(TreeComponent(str(t["species"]), float(t["n_trees"])))
            for key, name in (("price_mxn_kg", "price"), ("mature_yield_kg_per_tree", "yield"),
                              ("self_consumption_share", "self_consumption_share")):
                if key in t:
                    params.setdefault(f"{name}.{t['species']}", t[key])

        def crops(key):
            if key not in data:
                return _DEFAULT_CROPS
            out = []
            for c in data[key] or ():
                code = c if isinstance(c, str) else c.get("species")
                out.append(CropComponent(str(code)))
                if isinstance(c, Mapping):
                    for k2, name in (("price_mxn_kg", "price"), ("yield_kg_ha", "yield"),
                                     ("self_consumption_share", "self_consumption_share")):
                        if k2 in c:
                            params.setdefault(f"{name}.{code}", c[k2])
            return tuple(out)

        bom = None
        if design.get("bom") is not None:
            bom = tuple(
                BomItem(str(b["item"]), float(b["quantity"]), str(b.get("unit", "")), float(b["unit_cost_mxn"]),
                        str(b.get("source", "design")))
                for b in design["bom"]
            )
        for key in ("tree_band_share", "crop_share"):
            if key in design:
                params.setdefault(key, design[key])
        if ("band_width_m" in design) != ("module_width_m" in design):
            raise ValueError("design: give both 'band_width_m' and 'module_width_m' (the tree band and the module)")
        if "band_width_m" in design and "tree_band_share" not in params:
            from miaf.design import tree_band_share  # the design rule (imported here: shapely, pyproj)

            params["tree_band_share"] = tree_band_share(band_width_m=float(design["band_width_m"]),
                                                        width_m=float(design["module_width_m"]))
        if design.get("n_trees") is not None and not trees:
            raise ValueError("design.n_trees given without 'trees': list the species and their n_trees")
        records = tuple(
            YearRecord(
                year=int(r["year"]),
                harvest_kg={k: float(v) for k, v in (r.get("harvest_kg") or {}).items()},
                price_mxn_kg={k: float(v) for k, v in (r.get("price_mxn_kg") or {}).items()},
                self_consumed_kg={k: float(v) for k, v in (r.get("self_consumed_kg") or {}).items()},
                family_days=r.get("family_days"),
                hired_days=r.get("hired_days"),
                input_cost_mxn=r.get("input_cost_mxn"),
                establishment_cost_mxn=r.get("establishment_cost_mxn"),
            )
            for r in data.get("records") or ()
        )
        scenario = cls(
            area_ha=float(data["area_ha"]),
            trees=tuple(trees),
            crops=crops("crops"),
            baseline_crops=crops("baseline_crops"),
            horizon_years=data.get("horizon_years"),
            bom=bom,
            establishment_labour_days=design.get("establishment_labour_days"),
            parameters={k: Distribution.from_spec(v, k) for k, v in params.items()},
            records=records,
            value_family_labour=bool(data.get("value_family_labour", True)),
            name=str(data.get("name", "")),
            slope_pct=None if data.get("slope_pct", design.get("slope_pct")) is None
            else float(data.get("slope_pct", design.get("slope_pct"))),
        )
        scenario.validate()
        return scenario


@dataclass(frozen=True)
class ParameterValue:
    """A resolved parameter: central value, optional distribution, unit and provenance."""

    key: str
    value: float
    unit: str
    provenance: str  # "scenario", "design", "default:economics.csv", "default:design.csv", "default:species.csv"
    source: str
    tag: str
    distribution: Distribution

    def to_dict(self) -> dict:
        return {
            "value": self.value,
            "unit": self.unit,
            "provenance": self.provenance,
            "tag": self.tag,
            "source": self.source,
            "distribution": None if self.distribution.is_constant else self.distribution.to_dict(),
        }


def _species_param(code: str, what: str, row: Mapping[str, str], is_tree: bool) -> tuple[float, float | None,
                                                                                     float | None, str]:
    def f(name):
        text = (row.get(name) or "").strip()
        return float(text) if text else None

    if what == "price":
        return f("default_price_mxn_kg") or 0.0, f("price_low_mxn_kg"), f("price_high_mxn_kg"), "MXN/kg"
    if is_tree:
        return f("mature_yield_kg_per_tree") or 0.0, None, None, "kg/tree/yr"
    return f("default_yield_kg_ha") or 0.0, f("yield_low_kg_ha"), f("yield_high_kg_ha"), "kg/ha/yr"


def resolve_parameters(scenario: PlotScenario, sample_defaults: bool = True) -> dict[str, ParameterValue]:
    """Every parameter the model needs, with its value, distribution and provenance.

    Parameters
    ----------
    scenario : PlotScenario
    sample_defaults : bool
        When True, table rows with a ``low``/``high`` interval become PERT(low, value, high)
        distributions for Monte Carlo; when False only the scenario's own distributions vary.
    """
    table = load_parameters("economics")
    catalogue = species()
    out: dict[str, ParameterValue] = {}
    overrides = dict(scenario.parameters)

    def add(key, value, low, high, unit, source, tag, provenance):
        if key in overrides:
            dist = Distribution.from_spec(overrides.pop(key), key)
            out[key] = ParameterValue(key, dist.central(), unit, "scenario", "scenario", "scenario", dist)
            return
        if sample_defaults and key not in STRUCTURAL:
            dist = Distribution.from_table(value, low, high)
        else:
            dist = Distribution("const", value=float(value))
        out[key] = ParameterValue(key, float(value), unit, provenance, source, tag, dist)

    keys = list(_GLOBAL_KEYS) + ([] if scenario.bom is not None else list(_NO_BOM_KEYS))
    if scenario.establishment_labour_days is None:
        keys.append("establishment_days_ha")
    for key in keys:
        p, where = _default_row(table, key)
        add(key, float(p), p.low, p.high, p.unit, p.source, p.tag, where)
    _add_shares(scenario, overrides, out, add)

    tree_codes = {t.species for t in scenario.trees}
    for code in scenario.species_codes():
        row = catalogue[code]
        is_tree = code in tree_codes
        for what in ("price", "yield"):
            value, low, high, unit = _species_param(code, what, row, is_tree)
            add(f"{what}.{code}", value, low, high, unit, row["source"], row["tag"], "default:species.csv")
        p = table.get(f"self_consumption_share.{code}", table["self_consumption_share.default"])
        add(f"self_consumption_share.{code}", float(p), p.low, p.high, p.unit, p.source, p.tag,
            "default:economics.csv")
        p = table.get(f"alternate_bearing.{code}")
        if is_tree and p is not None:
            add(f"alternate_bearing.{code}", float(p), p.low, p.high, p.unit, p.source, p.tag,
                "default:economics.csv")
    for key in [k for k in overrides if k in table or k in _DESIGN_KEYS]:
        overrides.pop(key)  # a known parameter this plot does not use (e.g. plant price with a BOM)
    if overrides:
        raise ValueError(
            f"parameters: unknown or unused name(s) {sorted(overrides)}; "
            "see docs/methods/economics.md for the parameter names"
        )
    _check_values(out)
    return out


def _default_row(table: Mapping, key: str):  # noqa: ANN202
    """The default row of ``key`` and where it lives: ``economics.csv``, or for the replanting share the one
    row of ``design.csv`` (:func:`miaf.design.replanting_share`, issue 16)."""
    if key in _DESIGN_KEYS:  # miaf.design is imported here: it loads shapely
        from miaf.design import replanting_share

        return replanting_share(), "default:design.csv"
    return table[key], "default:economics.csv"


def _add_shares(scenario: PlotScenario, overrides: dict, out: dict, add) -> None:  # noqa: ANN001
    """``tree_band_share`` and ``crop_share`` [-]: a scenario's (or its design's) value, else the design rule
    :func:`miaf.design.tree_band_share` at the scenario's slope; one given, the other is its complement.
    There is no economics.csv row for them (one rule, issue 16)."""
    from miaf.design import tree_band_share  # the design rule (imported here: miaf.design loads shapely)

    given = {k for k in ("tree_band_share", "crop_share") if k in overrides}
    slope = scenario.slope_pct
    rule = float(tree_band_share(slope))
    band_src = ("design rule miaf.design.tree_band_share: tree band / module of params/design.csv at "
                + (f"{slope:g} % slope" if slope is not None else "an unknown slope (steep module)"))
    for key in given:
        add(key, 0.0, None, None, "fraction", "scenario", "scenario", "scenario")
    if not given:
        add("tree_band_share", rule, None, None, "fraction", band_src, "derived", "design rule")
        add("crop_share", 1.0 - rule, None, None, "fraction", band_src + "; crop strips = 1 − tree band",
            "derived", "design rule")
    elif given == {"crop_share"}:
        band = min(rule, 1.0 - out["crop_share"].value)
        add("tree_band_share", band, None, None, "fraction", band_src + " (at most 1 − crop_share)", "derived",
            "design rule")
    elif given == {"tree_band_share"}:
        add("crop_share", 1.0 - out["tree_band_share"].value, None, None, "fraction", "1 − tree_band_share",
            "derived", "design rule")


def _check_values(params: Mapping[str, ParameterValue]) -> None:
    for key, p in params.items():
        d = p.distribution
        lowest = d.value if d.kind == "const" else d.low
        if key.startswith(("price.", "yield.")) and lowest is not None and lowest < 0:
            kind = "price" if key.startswith("price.") else "yield"
            raise ValueError(f"{key}: a {kind} cannot be negative (got {lowest})")
        if (key.startswith(("self_consumption_share.", "alternate_bearing.")) or key in _SHARES) and (
            not 0 <= p.value <= 1 or (d.kind != "const" and (d.low < 0 or d.high > 1))
        ):
            raise ValueError(f"{key}: a share must lie in [0, 1] (got {p.value})")
        if not key.startswith(("price.", "yield.")) and p.value < 0 and key != "discount_rate":
            raise ValueError(f"{key}: must be >= 0 (got {p.value})")
    if params["discount_rate"].value <= -1:
        raise ValueError("discount_rate: must be > -1 (a fraction per year, 0.10 = 10 %)")
    if params["crop_share"].value + params["tree_band_share"].value > 1 + 1e-9:
        raise ValueError("crop_share + tree_band_share: must not exceed 1 (they share the plot)")
