"""Payback and NPV of MIAF-D plots from their records, on incremental flows against the milpa.

Science layer (numpy only). The programme indicators (:mod:`miaf.indicators.production`) and the plot's
economics page both call :func:`record_economics`, so a plot's payback on its page is the one the dashboard's
median is taken over.

Per plot (rows) and cash-flow year since the plot became MIAF-D (columns, year 0 = that calendar year):

* **counted years**: year 0 and every later year with a harvest record, up to the reference year. A year
  without any harvest record is left out (its flows are unknown, not zero: neither the MIAF-D benefits nor the
  milpa's are counted), and the number of such plot-years is reported.
* **MIAF-D side** (recorded where recorded, else the plot model's defaults, never zero):
  benefits = recorded sales + self-consumption valued at the replacement price; cash costs = input purchases
  + hired labour. Year 0 carries the establishment cost: the bill of materials priced by
  :func:`miaf.economics.cashflow.establishment_cost_mxn` for the trees planted, plus the year's milpa inputs,
  or the recorded year-0 purchases when they are larger (the recorded purchases are the bill of materials
  bought, so the two are not added: ``max``, not ``+``). In a counted year without purchase records the inputs
  are modelled (:func:`~miaf.economics.cashflow.running_input_cost_mxn`); in a counted year without labour
  records the days are modelled (:func:`~miaf.economics.cashflow.miaf_labour_days`) and, in the cash view,
  counted as family days (unpaid).
* **counterfactual**: the traditional milpa on the same area, the same function the plot model uses for
  its baseline (:func:`~miaf.economics.cashflow.milpa_counterfactual`), in the same counted years.
* incremental flow = MIAF-D − milpa, with family days valued at the wage (the headline, issue 16) and the
  family's cash view beside it (family days unpaid on both sides).

NPV: :func:`miaf.economics.finance.npv` (year 0 undiscounted); payback: :func:`miaf.economics.finance.payback_years`
(simple, fractional; NaN = not paid back within the recorded years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from miaf.params import load_parameters

from . import finance
from .cashflow import establishment_cost_mxn, miaf_labour_days, milpa_counterfactual, running_input_cost_mxn

__all__ = ["RecordFlows", "record_economics"]


@dataclass
class RecordFlows:
    """Recorded flows of ``n`` MIAF-D plots over ``H`` cash-flow years (arrays (n, H) unless stated).

    area_ha, n_trees, span : (n,) [ha], [trees], [yr] (years from establishment to the reference year,
    inclusive). harvested : a harvest was recorded that year. benefits [MXN]: sales + self-consumption valued.
    purchases [MXN] with has_purchases. hired_cost [MXN], family_days [person-days] with has_labour.
    """

    area_ha: np.ndarray
    n_trees: np.ndarray
    span: np.ndarray
    harvested: np.ndarray
    benefits: np.ndarray
    purchases: np.ndarray
    has_purchases: np.ndarray
    hired_cost: np.ndarray
    family_days: np.ndarray
    has_labour: np.ndarray
    #: (n,) [%] mean slope of each plot (NaN = unknown): the design rule's crop-strip share
    #: (:func:`miaf.design.crop_share`) for the modelled strip inputs; None = all unknown (steep module)
    slope_pct: np.ndarray | None = None


def _central() -> dict[str, float]:
    table = load_parameters("economics")
    keys = ("discount_rate", "wage_mxn_day", "milpa_running_cost_mxn_ha", "tree_running_cost_mxn_tree_yr",
            "plant_price_mxn", "replanting_share", "hole_compost_cost_mxn_tree", "tools_cost_mxn_ha",
            "milpa_labour_days_ha", "miaf_labour_factor", "establishment_days_ha")  # fmt: skip
    from miaf.design import replanting_share  # the design's row (imported here: miaf.design loads shapely)

    return {k: float(replanting_share() if k == "replanting_share" else table[k]) for k in keys}


def record_economics(rf: RecordFlows, rate: float | None = None) -> dict[str, np.ndarray]:
    """Incremental NPV and payback of each plot from its records (see the module notes for the rules).

    Returns arrays of shape (n,): ``npv_mxn`` (family days valued at the wage), ``npv_cash_mxn`` (family
    days unpaid), ``payback_years`` and ``payback_cash_years`` [yr] (NaN = not paid back yet),
    ``establishment_mxn`` (year-0 cost used), ``bom_mxn`` (priced bill of materials),
    ``cost_records`` (bool: the plot has at least one input purchase record), ``counted_years``,
    ``skipped_years`` (years within the span without a harvest record) and ``modelled_labour_years``;
    and ``flows`` / ``flows_cash`` (n, H), the incremental series.
    """
    v = _central()
    r = v["discount_rate"] if rate is None else float(rate)
    n, H = rf.benefits.shape
    t = np.arange(H)[None, :]
    A = np.asarray(rf.area_ha, float)[:, None]
    N = np.asarray(rf.n_trees, float)[:, None]
    within = t < np.asarray(rf.span)[:, None]
    counted = within & (rf.harvested | (t == 0))

    from miaf.design import crop_share  # the design rule (imported here: miaf.design loads shapely)

    slope = np.full(n, np.nan) if rf.slope_pct is None else np.asarray(rf.slope_pct, float)
    strip = np.asarray(crop_share(slope), float).reshape(-1, 1)  # NaN slope: the steep module
    bom = establishment_cost_mxn(N, A, v)[:, 0]
    modelled_inputs = running_input_cost_mxn(A, strip, N, t, v) * np.ones((1, H))
    inputs = np.where(rf.has_purchases, rf.purchases, modelled_inputs)
    inputs[:, 0] = np.where(rf.has_purchases[:, 0], np.maximum(rf.purchases[:, 0], bom + modelled_inputs[:, 0]),
                            bom + modelled_inputs[:, 0])
    wage = v["wage_mxn_day"]
    modelled_days = miaf_labour_days(A, t, v) * np.ones((1, H))
    fam_days = np.where(rf.has_labour, rf.family_days, modelled_days)
    hired = np.where(rf.has_labour, rf.hired_cost, 0.0)
    cash = rf.benefits - inputs - hired
    valued = cash - fam_days * wage

    cf = milpa_counterfactual(np.asarray(rf.area_ha, float))
    cf_cash = (cf["benefits"] - cf["cash_costs"])[:, None]
    cf_valued = cf_cash - cf["family_value"][:, None]
    d_valued = np.where(counted, valued - cf_valued, 0.0)
    d_cash = np.where(counted, cash - cf_cash, 0.0)
    return {
        "npv_mxn": finance.npv(r, d_valued),
        "npv_cash_mxn": finance.npv(r, d_cash),
        "payback_years": finance.payback_years(d_valued),
        "payback_cash_years": finance.payback_years(d_cash),
        "establishment_mxn": inputs[:, 0],
        "bom_mxn": bom,
        "cost_records": rf.has_purchases.any(axis=1),
        "counted_years": counted.sum(axis=1),
        "skipped_years": (within & ~counted).sum(axis=1),
        "modelled_labour_years": (counted & ~rf.has_labour).sum(axis=1),
        "flows": d_valued,
        "flows_cash": d_cash,
        "discount_rate": np.full(n, r),
    }
