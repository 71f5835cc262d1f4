"""Offer calendar: the expected harvest of many plots by product and month, with a Monte Carlo range.

The seed's step 12 (merchandising) asks that product information flow between producer and buyer: what,
how much and when. This module answers "how much and when" for a whole programme in one vectorised pass.

Input is columnar (:class:`OfferRows`, one row per plot and species): the trees of each fruit species (or
the hectares of the milpa strip for an annual crop), the calendar year the plot became MIAF-D (cash-flow
year 0) and a record calibration factor (:func:`record_calibration`). Everything else is the plot
cash-flow model's own: a :class:`~miaf.economics.cashflow.PlotModel` built once over the species of the
batch gives the yield ramps (``yield_ramp``), the alternate-bearing phase, the harvest-month weights, the
parameters with their distributions (``resolve_parameters``) and the maize gain; the draws come from
:func:`~miaf.economics.uncertainty.sample_parameters` exactly as in :meth:`PlotModel.monte_carlo`. With
central values and no calibration the kilograms and sales of one plot equal :class:`PlotModel`'s
``monthly_harvest_kg`` / ``monthly_sales_mxn`` (tests/market/test_offer_science.py checks it).

Why the range is cheap for 100,000 plots: for a row ``r`` of species ``p`` in calendar year ``y`` the
kilograms of draw ``d`` are linear in two per-row terms,

.. math:: kg_{d,r,y} = s_{d,p} (b_{r,y} + m_{d,p} c_{r,y})

with ``s`` = mature yield × tree-yield factor (trees) or yield per ha (crops), ``b`` = trees × ramp ×
calibration (or strip ha × calibration), ``m`` = the alternate-bearing amplitude (``c = b`` × bearing
phase ±1) or the MIAF maize gain (``c = b`` from the gain year on). So ``b`` and ``c`` are summed over
the rows of each aggregation unit first (``np.bincount``) and the draws touch only units × products ×
months. Parameters are sampled once for the programme: the uncertainty of a mature yield or a price is
shared by every plot (the range of a total is not narrowed by pretending plots are independent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from miaf.params import load_parameters, species

from .cashflow import PlotModel
from .scenario import CropComponent, PlotScenario, TreeComponent
from .uncertainty import sample_parameters

__all__ = [
    "OfferForecast",
    "OfferRows",
    "income_calendar",
    "is_crop",
    "is_tree",
    "month_window",
    "offer_forecast",
    "offer_parameters",
    "record_calibration",
    "species_kinds",
    "track_record",
]

MONTHS = 12
QUANTILES = (10, 50, 90)
#: Largest draws × units × products × months block held in memory at once (float64 elements).
_BLOCK = 8_000_000


def offer_parameters() -> dict:
    """``params/market.csv`` as ``{key: Parameter}``."""
    return load_parameters("market")


def is_tree(code: str) -> bool:
    """A species with a mature yield per tree in ``species.csv``."""
    row = species().get(code) or {}
    return bool((row.get("mature_yield_kg_per_tree") or "").strip())


def is_crop(code: str) -> bool:
    """An annual crop of the milpa strip: a yield per ha and no per-tree yield in ``species.csv``."""
    row = species().get(code) or {}
    return bool((row.get("default_yield_kg_ha") or "").strip()) and not is_tree(code)


def species_kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(tree codes, annual-crop codes) of the catalogue, read once (for loops over many rows)."""
    catalogue = species()
    trees = frozenset(c for c, row in catalogue.items() if (row.get("mature_yield_kg_per_tree") or "").strip())
    crops = frozenset(c for c, row in catalogue.items()
                      if (row.get("default_yield_kg_ha") or "").strip() and c not in trees)
    return trees, crops


def month_window(first_year: int, first_month: int, months: int = MONTHS) -> list[tuple[int, int]]:
    """``months`` consecutive (year, month) pairs starting at ``first_year``-``first_month``."""
    if not 1 <= int(first_month) <= MONTHS:
        raise ValueError(f"month must be 1..12, got {first_month}")
    if not 1 <= int(months) <= 240:
        raise ValueError(f"months must be 1..240, got {months}")
    start = int(first_year) * MONTHS + int(first_month) - 1
    return [((start + k) // MONTHS, (start + k) % MONTHS + 1) for k in range(int(months))]


@dataclass(frozen=True)
class OfferRows:
    """Columnar plot × species table; every array has one element per row.

    Parameters
    ----------
    species : array of str
        Species code (``species.csv``): a fruit tree or an annual crop of the strip.
    quantity : array of float
        Trees [plants] for a tree species; the crop's own area [ha] for an annual crop
        (:func:`miaf.design.crop_area_ha`: maize and bean alternate strips, half the strip area each, as in
        the cash-flow model).
    start_year : array of int
        Calendar year of cash-flow year 0 (the year the plot became MIAF-D).
    calibration : array of float, optional
        Multiplies the modelled harvest (:func:`record_calibration`); 1 when absent.
    plot : array of int, optional
        Plot identifier of each row (used by :func:`record_calibration`; any integers).
    """

    species: np.ndarray
    quantity: np.ndarray
    start_year: np.ndarray
    calibration: np.ndarray | None = None
    plot: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self)
        for name in ("species", "quantity", "start_year", "calibration", "plot"):
            arr = getattr(self, name)
            if arr is not None and np.shape(arr) != (n,):
                raise ValueError(f"offer rows: '{name}' must have one value per row ({n})")
        q = np.asarray(self.quantity, dtype=float)
        if n and (not np.isfinite(q).all() or (q < 0).any()):
            raise ValueError("offer rows: quantity must be a finite number >= 0")
        if self.calibration is not None:
            c = np.asarray(self.calibration, dtype=float)
            if n and (not np.isfinite(c).all() or (c < 0).any()):
                raise ValueError("offer rows: calibration must be a finite number >= 0")

    def __len__(self) -> int:
        return int(np.shape(self.species)[0])

    def codes(self) -> list[str]:
        return sorted(set(np.asarray(self.species).tolist()))


@dataclass
class OfferForecast:
    """Expected harvest per aggregation unit, product and month, and its Monte Carlo range.

    Arrays are (units, products, months) unless stated. ``kg`` are harvested kilograms; ``sale_kg`` the
    part not eaten at home (harvest × (1 − self-consumption share)); ``value_mxn`` the sale kilograms at the
    central price. ``kg_q``/``sale_kg_q`` map ``"p10"``, ``"p50"``, ``"p90"`` to arrays of the same shape.
    """

    products: tuple[str, ...]
    months: list[tuple[int, int]]
    kg: np.ndarray
    sale_kg: np.ndarray
    value_mxn: np.ndarray
    kg_q: dict[str, np.ndarray]
    sale_kg_q: dict[str, np.ndarray]
    draws: int
    seed: int
    # components kept to answer ranges of any month subset (demands)
    _b: np.ndarray = field(repr=False, default=None)
    _c: np.ndarray = field(repr=False, default=None)
    _scale: np.ndarray = field(repr=False, default=None)  # (draws, products)
    _mod: np.ndarray = field(repr=False, default=None)
    _keep: np.ndarray = field(repr=False, default=None)  # (draws, products) 1 − self-consumption share

    @property
    def n_units(self) -> int:
        return int(self.kg.shape[0])

    def window_range(self, month_mask: Sequence[bool] | np.ndarray, sale: bool = True,
                     q: Sequence[int] = QUANTILES) -> dict[str, np.ndarray]:
        """Percentiles of the total over the selected months, per unit and product: ``{"p10": (U, P), …}``.

        The percentile of a sum is taken over the draws of the sum (not the sum of monthly percentiles).
        """
        mask = np.asarray(month_mask, dtype=bool)
        if mask.shape != (len(self.months),):
            raise ValueError("month mask: one boolean per forecast month")
        b = self._b[..., mask].sum(axis=-1)  # (U, P)
        c = self._c[..., mask].sum(axis=-1)
        keep = self._keep if sale else np.ones_like(self._keep)
        out = {f"p{p}": np.zeros(b.shape) for p in q}
        for lo, hi in _blocks(b.shape[0], self.draws * b.shape[1]):
            draws = self._scale[:, None, :] * keep[:, None, :] * (b[None, lo:hi] + self._mod[:, None, :] * c[None, lo:hi])
            for p, v in zip(q, np.percentile(draws, q, axis=0), strict=True):
                out[f"p{p}"][lo:hi] = v
        return out

    def unit_sum(self, q: Sequence[int] = QUANTILES) -> OfferForecast:
        """The forecast of all units together, as one unit: central values summed, and the percentiles of the
        sum taken over the draws of the sum (a product's draws are shared by every unit), so it equals the
        forecast aggregated ``by`` total of the same rows. Cheap: no rows are read again."""
        B, C = self._b.sum(axis=0, keepdims=True), self._c.sum(axis=0, keepdims=True)
        kg_q = {f"p{p}": np.zeros(B.shape) for p in q}
        sale_q = {f"p{p}": np.zeros(B.shape) for p in q}
        _percentiles_of_cells(B, C, self._scale, self._mod, self._keep, q, kg_q, sale_q)
        return OfferForecast(self.products, list(self.months), self.kg.sum(axis=0, keepdims=True),
                             self.sale_kg.sum(axis=0, keepdims=True), self.value_mxn.sum(axis=0, keepdims=True),
                             kg_q, sale_q, self.draws, self.seed, B, C, self._scale, self._mod, self._keep)

    def records(self, unit_labels: Sequence | None = None, skip_zero: bool = True) -> list[dict]:
        """One JSON-ready dict per unit, product and month: kg (central and percentiles), sale kg, value."""
        out = []
        labels = list(range(self.n_units)) if unit_labels is None else list(unit_labels)
        for u in range(self.n_units):
            for p, product in enumerate(self.products):
                for k, (year, month) in enumerate(self.months):
                    if skip_zero and self.kg_q["p90"][u, p, k] <= 0 and self.kg[u, p, k] <= 0:
                        continue
                    out.append({
                        "unit": labels[u], "product": product, "month": f"{year:04d}-{month:02d}",
                        "kg_central": round(float(self.kg[u, p, k]), 1),
                        "kg_p10": round(float(self.kg_q["p10"][u, p, k]), 1),
                        "kg_p50": round(float(self.kg_q["p50"][u, p, k]), 1),
                        "kg_p90": round(float(self.kg_q["p90"][u, p, k]), 1),
                        "sale_kg_p10": round(float(self.sale_kg_q["p10"][u, p, k]), 1),
                        "sale_kg_p50": round(float(self.sale_kg_q["p50"][u, p, k]), 1),
                        "sale_kg_p90": round(float(self.sale_kg_q["p90"][u, p, k]), 1),
                        "value_mxn": round(float(self.value_mxn[u, p, k]), 0),
                    })
        return out


def _blocks(n_units: int, per_unit: int):
    step = max(1, _BLOCK // max(per_unit * 1, 1))
    for lo in range(0, n_units, step):
        yield lo, min(lo + step, n_units)


def _catalogue_model(codes: Sequence[str], horizon: int) -> PlotModel:
    """A :class:`PlotModel` over the batch's species (one tree of each, 1 ha): its ramps, bearing phases,
    month weights, maize flags and parameters are the ones every plot of the batch uses."""
    unknown = [c for c in codes if not (is_tree(c) or is_crop(c))]
    if unknown:
        raise ValueError(f"offer: species without a yield in species.csv: {', '.join(unknown)}")
    trees = tuple(TreeComponent(c, 1.0) for c in codes if is_tree(c))
    crops = tuple(CropComponent(c) for c in codes if is_crop(c))
    return PlotModel(PlotScenario(area_ha=1.0, trees=trees, crops=crops, horizon_years=max(int(horizon), 1)))


def _components(rows: OfferRows, model: PlotModel, codes: list[str], years: np.ndarray):
    """Per-row linear terms ``b`` and ``c`` for each calendar year in ``years``: arrays (rows, years)."""
    sp = np.asarray(rows.species)
    q = np.asarray(rows.quantity, dtype=float)
    cal = np.ones(len(rows)) if rows.calibration is None else np.asarray(rows.calibration, dtype=float)
    t = years[None, :] - np.asarray(rows.start_year, dtype=np.int64)[:, None]  # cash-flow year
    alive = t >= 0
    tc = np.clip(t, 0, model.horizon - 1)
    b = np.zeros(t.shape)
    c = np.zeros(t.shape)
    gain_from = float(model.central_values()["maize_gain_start_year"])
    for code in codes:
        sel = sp == code
        if not sel.any():
            continue
        base = (q[sel] * cal[sel])[:, None] * alive[sel]
        if code in model.n_trees:
            base = base * model.ramps[code][tc[sel]]
            b[sel] = base
            c[sel] = base * model.bearing[code][tc[sel]]
        else:
            b[sel] = base
            if model.is_maize[code]:
                c[sel] = base * ((t[sel] + 1) >= gain_from)
    return b, c


def _product_draws(model: PlotModel, codes: list[str], draws: int, seed: int):
    """Central and sampled per-product scale ``s``, modifier ``m``, kept share and price: (n, products)."""
    central = model.central_values()
    sampled = sample_parameters(model.distributions(), draws, seed) if draws > 0 else {}

    def table(n: int, use_draws: bool):
        def get(key: str, n: int) -> np.ndarray:
            if use_draws and key in sampled:
                x = np.asarray(sampled[key], dtype=float)
            else:
                x = np.full(n, float(central.get(key, 0.0)))
            return np.maximum(x, 0.0)  # as PlotModel.simulate: sampled quantities that cannot be negative

        scale = np.zeros((n, len(codes)))
        mod = np.zeros((n, len(codes)))
        keep = np.zeros((n, len(codes)))
        price = np.zeros((n, len(codes)))
        for j, code in enumerate(codes):
            y = get(f"yield.{code}", n)
            if code in model.n_trees:
                scale[:, j] = y * get("tree_yield_factor", n)
                if f"alternate_bearing.{code}" in central:
                    mod[:, j] = get(f"alternate_bearing.{code}", n)
            else:
                scale[:, j] = y
                if model.is_maize[code]:
                    mod[:, j] = get("maize_yield_gain_miaf", n)
            keep[:, j] = 1.0 - np.minimum(get(f"self_consumption_share.{code}", n), 1.0)
            price[:, j] = get(f"price.{code}", n)
        return scale, mod, keep, price

    return table(1, False), (table(draws, True) if draws > 0 else None)


def _aggregate(rows: OfferRows, unit: np.ndarray, n_units: int, codes: list[str], b: np.ndarray, c: np.ndarray):
    """Sum the per-row terms per (unit, product): arrays (units, products, years)."""
    prod = np.searchsorted(np.asarray(codes), np.asarray(rows.species))
    key = unit.astype(np.int64) * len(codes) + prod
    size = n_units * len(codes)
    B = np.stack([np.bincount(key, weights=b[:, j], minlength=size) for j in range(b.shape[1])], axis=-1)
    C = np.stack([np.bincount(key, weights=c[:, j], minlength=size) for j in range(c.shape[1])], axis=-1)
    return B.reshape(n_units, len(codes), -1), C.reshape(n_units, len(codes), -1)


def _prepare(rows: OfferRows, months: list[tuple[int, int]], unit, n_units):
    codes = rows.codes()
    unit = np.zeros(len(rows), dtype=np.int64) if unit is None else np.asarray(unit, dtype=np.int64)
    if unit.shape != (len(rows),):
        raise ValueError("offer: 'unit' must give one aggregation unit per row")
    if n_units is None:
        n_units = int(unit.max()) + 1 if unit.size else 1
    if unit.size and (unit.min() < 0 or unit.max() >= n_units):
        raise ValueError(f"offer: unit outside 0..{n_units - 1}")
    years = np.array(sorted({y for y, _m in months}), dtype=np.int64)
    starts = np.asarray(rows.start_year, dtype=np.int64)
    horizon = int(max(years.max() - starts.min() + 1, 1)) if len(rows) else 1
    model = _catalogue_model(codes, horizon) if codes else None
    return codes, unit, n_units, years, model


def _percentiles_of_cells(B, C, scale, mod, keep, q, kg_q, sale_q) -> None:  # noqa: ANN001
    """Fill the percentile arrays (units, products, months) from the draws, only where a cell can be > 0.

    Draws of cell ``i`` (product ``p``): ``scale[:, p] * (B_i + mod[:, p] * C_i)``; the draws axis is made the
    last (contiguous) one so that the partition behind ``np.percentile`` runs on contiguous memory.
    """
    cells = np.flatnonzero((B != 0) | (C != 0))
    if not cells.size:
        return
    P, M = B.shape[1], B.shape[2]
    prod = (cells // M) % P
    draws = scale.shape[0]
    step = max(1, _BLOCK // draws)
    bf, cf = B.reshape(-1), C.reshape(-1)
    flat_kg = {k: v.reshape(-1) for k, v in kg_q.items()}
    flat_sale = {k: v.reshape(-1) for k, v in sale_q.items()}
    sT, mT, kT = scale.T.copy(), mod.T.copy(), keep.T.copy()  # (products, draws)
    for lo in range(0, cells.size, step):
        c, p = cells[lo:lo + step], prod[lo:lo + step]
        d = sT[p] * (bf[c][:, None] + mT[p] * cf[c][:, None])  # (cells, draws)
        for pct, v in zip(q, np.percentile(d, q, axis=-1), strict=True):
            flat_kg[f"p{pct}"][c] = v
        d *= kT[p]
        for pct, v in zip(q, np.percentile(d, q, axis=-1), strict=True):
            flat_sale[f"p{pct}"][c] = v


def offer_forecast(rows: OfferRows, months: list[tuple[int, int]], unit=None, n_units: int | None = None,
                   draws: int | None = None, seed: int = 1, q: Sequence[int] = QUANTILES) -> OfferForecast:
    """Expected harvest and its range per aggregation unit, product and month.

    Parameters
    ----------
    rows : OfferRows
        Plot × species rows.
    months : list of (year, month)
        The forecast months (:func:`month_window`).
    unit : array of int, optional
        Aggregation unit of each row (plot, group, municipality …, 0..n_units−1); default one total.
    n_units : int, optional
        Number of units (default ``max(unit) + 1``).
    draws : int, optional
        Monte Carlo draws (default ``offer_draws`` of ``params/market.csv``); 0 gives central values only.
    seed : int
        Master seed of :func:`~miaf.economics.uncertainty.sample_parameters`.

    Returns
    -------
    OfferForecast

    Notes
    -----
    For row ``r`` (species ``p``, ``N`` trees or strip ``A`` ha, calibration ``κ``) in month ``m`` of calendar
    year ``y``, with ``t = y − y_0`` the cash-flow year and ``w_{p,m}`` the harvest-month weight (equal shares
    over the species' ``harvest_months``):

    * tree: :math:`kg = N κ Y_p f_Y ramp_p(t) (1 + a_p φ_p(t)) w_{p,m}` (``φ`` = ±1 alternate-bearing phase);
    * crop: :math:`kg = A κ Y_p (1 + g [p = maize, t + 1 ≥ k_g]) w_{p,m}`;
    * nothing before the plot's year 0 (``t < 0``); beyond the model horizon the last ramp value holds.

    Sale kg = kg × (1 − self-consumption share); value = sale kg × price (central values).
    """
    draws = int(float(offer_parameters()["offer_draws"])) if draws is None else int(draws)
    codes, unit, n_units, years, model = _prepare(rows, months, unit, n_units)
    M = len(months)
    if not codes:
        z = np.zeros((n_units, 0, M))
        qs = {f"p{p}": z.copy() for p in q}
        return OfferForecast((), months, z, z.copy(), z.copy(), qs, dict(qs), draws, seed,
                             z, z.copy(), np.zeros((max(draws, 1), 0)), np.zeros((max(draws, 1), 0)),
                             np.zeros((max(draws, 1), 0)))
    b, c = _components(rows, model, codes, years)
    B, C = _aggregate(rows, unit, n_units, codes, b, c)  # (U, P, years)
    weights = np.stack([model.weights[code] for code in codes])  # (P, 12)
    yidx = np.searchsorted(years, [y for y, _m in months])
    midx = np.array([m - 1 for _y, m in months])
    Bm = B[:, :, yidx] * weights[None, :, midx]  # (U, P, M)
    Cm = C[:, :, yidx] * weights[None, :, midx]
    (s0, m0, k0, p0), sampled = _product_draws(model, codes, draws, seed)
    kg = s0[0][None, :, None] * (Bm + m0[0][None, :, None] * Cm)
    sale = kg * k0[0][None, :, None]
    value = sale * p0[0][None, :, None]
    kg_q = {f"p{p}": np.zeros(kg.shape) for p in q}
    sale_q = {f"p{p}": np.zeros(kg.shape) for p in q}
    if sampled is None:
        scale, mod, keep = s0, m0, k0
        for p in q:
            kg_q[f"p{p}"], sale_q[f"p{p}"] = kg.copy(), sale.copy()
    else:
        scale, mod, keep, _price = sampled
        _percentiles_of_cells(Bm, Cm, scale, mod, keep, q, kg_q, sale_q)
    return OfferForecast(tuple(codes), list(months), kg, sale, value, kg_q, sale_q, draws, seed,
                         Bm, Cm, scale, mod, keep)


def income_calendar(rows: OfferRows, years: Sequence[int], unit=None, n_units: int | None = None) -> dict:
    """Expected sales by month for whole calendar years (central values): how the income spreads over the
    year as the trees age.

    Returns ``{"years": [...], "products": (...), "sales_mxn": (units, years, 12), "kg": (units, products,
    years, 12), "sale_by_product_mxn": (units, products, years, 12)}``. Sales are the sale kilograms at the
    central price, as :class:`~miaf.economics.cashflow.PlotModel`'s ``monthly_sales_mxn`` (self-consumption is
    not income here).
    """
    years = [int(y) for y in years]
    months = [(y, m) for y in years for m in range(1, MONTHS + 1)]
    f = offer_forecast(rows, months, unit=unit, n_units=n_units, draws=0)
    U, P = f.kg.shape[0], len(f.products)
    kg = f.kg.reshape(U, P, len(years), MONTHS)
    by_product = f.value_mxn.reshape(U, P, len(years), MONTHS)
    return {"years": years, "products": f.products, "kg": kg, "sale_by_product_mxn": by_product,
            "sales_mxn": by_product.sum(axis=1)}


def record_calibration(rows: OfferRows, harvest_row: np.ndarray, harvest_year: np.ndarray,
                       harvest_kg: np.ndarray, before_year: int) -> np.ndarray:
    """Factor per row bringing the model toward what the plot's records say.

    Parameters
    ----------
    rows : OfferRows
        The rows to calibrate (their ``calibration`` is ignored).
    harvest_row, harvest_year, harvest_kg : arrays, one element per recorded harvest
        The row (index into ``rows``) each harvest belongs to, its calendar year and kilograms.
    before_year : int
        Only complete calendar years before this one count (a year under way would bias the factor low).

    Notes
    -----
    For a row with recorded years :math:`Y` (years with at least one harvest of that species on that plot,
    with a modelled harvest above 0), :math:`ρ = \\sum_Y rec / \\sum_Y model` (central values), clipped to
    ``[0, offer_record_ratio_max]``, shrunk toward 1 with a prior worth ``k`` = ``offer_record_prior_years``
    years: :math:`κ = (n ρ + k) / (n + k)`, ``n = |Y|``. Rows without records keep κ = 1. A year not
    recorded is missing, not zero (as in the economics' records).
    """
    p = offer_parameters()
    k = float(p["offer_record_prior_years"])
    ratio_max = float(p["offer_record_ratio_max"])
    n = len(rows)
    hr = np.asarray(harvest_row, dtype=np.int64)
    hy = np.asarray(harvest_year, dtype=np.int64)
    hk = np.asarray(harvest_kg, dtype=float)
    keep = hy < int(before_year)
    hr, hy, hk = hr[keep], hy[keep], hk[keep]
    out = np.ones(n)
    if not n or not hr.size:
        return out
    plain = OfferRows(rows.species, rows.quantity, rows.start_year)
    years = np.unique(hy)
    codes, _unit, _n, _years, model = _prepare(plain, [(int(y), 1) for y in years], None, 1)
    b, c = _components(plain, model, codes, years)  # (rows, years)
    (s0, m0, _k0, _p0), _ = _product_draws(model, codes, 0, 1)
    prod = np.searchsorted(np.asarray(codes), np.asarray(rows.species))
    modelled = s0[0][prod][:, None] * (b + m0[0][prod][:, None] * c)  # annual kg (weights sum to 1)
    # recorded kg per (row, year)
    yi = np.searchsorted(years, hy)
    rec = np.bincount(hr * years.size + yi, weights=hk, minlength=n * years.size).reshape(n, years.size)
    has = np.bincount(hr * years.size + yi, minlength=n * years.size).reshape(n, years.size) > 0
    use = has & (modelled > 0)
    n_years = use.sum(axis=1)
    num = np.where(use, rec, 0.0).sum(axis=1)
    den = np.where(use, modelled, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.clip(np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0), 0.0, ratio_max)
    return np.where(n_years > 0, (n_years * ratio + k) / (n_years + k), 1.0)


def track_record(forecast_q: dict[str, np.ndarray], forecast_central: np.ndarray, recorded: np.ndarray) -> dict:
    """Compare a past forecast with what was recorded (arrays of the same shape, e.g. per product).

    Returns ``recorded``, ``p10``/``p50``/``p90``, ``central``, ``error_kg`` (recorded − P50), ``ratio``
    (recorded / P50, None where P50 = 0) and ``inside`` (recorded within [P10, P90]), each as a list.
    """
    rec = np.asarray(recorded, dtype=float)
    p50 = np.asarray(forecast_q["p50"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p50 > 0, rec / np.where(p50 > 0, p50, 1.0), np.nan)
    inside = (rec >= np.asarray(forecast_q["p10"]) - 1e-9) & (rec <= np.asarray(forecast_q["p90"]) + 1e-9)
    return {
        "recorded": rec.tolist(), "p10": np.asarray(forecast_q["p10"]).tolist(), "p50": p50.tolist(),
        "p90": np.asarray(forecast_q["p90"]).tolist(), "central": np.asarray(forecast_central).tolist(),
        "error_kg": (rec - p50).tolist(),
        "ratio": [None if not np.isfinite(x) else float(x) for x in np.ravel(ratio)],
        "inside": np.ravel(inside).tolist(),
    }
