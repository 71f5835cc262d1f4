"""Side-selling of a set of working groups: shares, the effective value of each channel, the share explained by
cash need and the what-ifs, from :func:`miaf.web.trade.sales.load_sales` and :mod:`miaf.economics.sidesell`
(the one formula: :func:`~miaf.economics.sidesell.effective_value`). No HTTP here.

Aggregates shown to a role without personal-data rights (analysts) and in the evidence report keep only the
groups (and the whole selection) with at least ``k_min_families`` families with sales
(:mod:`miaf.web.core.disclosure`, the same k as the other aggregates and the anonymised exports); smaller ones are listed as suppressed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from miaf.economics.sidesell import analyse_side_selling, what_if
from miaf.params import load_parameters
from miaf.web.core.memo import versioned

from .sales import CHANNELS, SalesTable, load_sales


def min_families() -> int:
    """The smallest number of families an aggregate may describe (:func:`miaf.web.core.disclosure.k_min`)."""
    from miaf.web.core.disclosure import k_min

    return k_min()


@dataclass
class Assumptions:
    """Everything the side-selling page lets the user change, as fractions and months."""

    deficit_rate: float  # [fraction month⁻¹] the family's implicit rate in a deficit month
    normal_rate: float  # [fraction month⁻¹] otherwise
    organisation_rate: float  # [fraction month⁻¹] the organisation's cost of working capital
    advance_share: float  # [fraction of price] paid at delivery in the advance what-if
    delay_months: float  # [month] payment delay in the faster-payment what-if
    price_change: float  # [fraction] change of the organisation's price in the price what-if
    deficit_relief: float  # [fraction] deficit months removed by diversification
    advance_rate: float = 0.0  # [fraction month⁻¹] interest the organisation charges on the advance

    @classmethod
    def defaults(cls) -> Assumptions:
        econ, pages, trade = (load_parameters(n) for n in ("economics", "economy_pages", "trade"))
        return cls(deficit_rate=float(econ["moneylender_rate_month"]), normal_rate=float(econ["no_deficit_rate_month"]),
                   organisation_rate=float(econ["organisation_credit_rate_month"]),
                   advance_share=float(pages["whatif_advance_share"]), delay_months=float(pages["whatif_delay_months"]),
                   price_change=float(trade["whatif_price_change"]),
                   deficit_relief=float(trade["whatif_deficit_relief"]),
                   advance_rate=float(trade["advance_rate_month"]))

    def to_dict(self) -> dict:
        return asdict(self)


SCENARIOS = ("advance", "delay", "price", "diversification")


def _whatifs(table: SalesTable, a: Assumptions) -> dict[str, dict]:
    common = {"deficit_rate": a.deficit_rate, "normal_rate": a.normal_rate, "organisation_rate": a.organisation_rate}
    runs = {
        "advance": what_if(table.sales, advance_share=a.advance_share, advance_rate=a.advance_rate, **common),
        "delay": what_if(table.sales, delay_months=a.delay_months, **common),
        "price": what_if(table.sales, price_change=a.price_change, **common),
        "diversification": what_if(table.sales, deficit_relief=a.deficit_relief, **common),
    }
    return {k: r.to_dict() for k, r in runs.items()}


def _channels(table: SalesTable, v_org: np.ndarray, v_int: np.ndarray) -> list[dict]:
    """Per channel: kg, share of the kg sold, mean price received and mean effective value [MXN/kg]."""
    a = table.sales.arrays()
    received = np.where(a["intermediary"], a["int_price"], a["org_price"])
    value = np.where(a["intermediary"], v_int, v_org)
    frame = pd.DataFrame({"channel": table.channel, "kg": a["kg"], "paid": a["kg"] * received,
                          "value": a["kg"] * value})
    total = float(frame.kg.sum())
    sums = frame.groupby("channel")[["kg", "paid", "value"]].sum()
    out = []
    for ch in CHANNELS:
        if ch not in sums.index:
            continue
        kg = float(sums.loc[ch, "kg"])
        out.append({"channel": ch, "kg": kg, "share": kg / total if total else None,
                    "price_mxn_kg": float(sums.loc[ch, "paid"]) / kg, "effective_value_mxn_kg": float(sums.loc[ch, "value"]) / kg})
    return out


def side_selling(group_ids: Iterable[int], year: int | None = None, assumptions: Assumptions | None = None,
                 personal: bool = False) -> dict:
    """Side-selling of the families now in ``group_ids`` (sales of ``year``, or all years).

    Returns a JSON-ready dict: ``n_sales``, ``n_families``, ``overall`` (the model's summary with
    ``share_outside`` and the channels), ``groups`` (with ``n_families`` and ``suppressed``), ``whatifs``,
    ``assumptions``, ``fills`` (how the organisation's offer was found) and, when ``personal``, ``families``.
    With ``personal`` False every aggregate of fewer than :func:`min_families` families is suppressed.

    The result is kept in process memory per groups, year, assumptions and rights while :func:`data_version`
    holds (:func:`miaf.web.core.memo.versioned`): callers must not change it (copy what they annotate).
    """
    a = assumptions or Assumptions.defaults()
    ids = tuple(sorted({int(g) for g in group_ids}))
    return versioned(cache_key(ids, year, a, personal), data_version(),
                     lambda: _side_selling(ids, year, a, personal), ttl=cache_seconds())


def served_in_background(user, ids, year, assumptions, personal):  # noqa: ANN001, ANN201
    """For a scope of ``background_min_families`` families or more, the analysis built in the background
    (:func:`miaf.web.dashboard.builds.serve`: one build per data version across the server's workers, with
    its progress) instead of in the request: a whole programme of 100,000 families takes 71 s and 5.7 GB
    (docs/benchmarks/load.md), which held a worker until the proxy's timeout. ``None`` for smaller scopes,
    computed in the request as before. Used by the page and the API."""
    from miaf.web.dashboard import builds
    from miaf.web.dashboard import cache as dashboard_cache
    from miaf.web.dashboard.services import family_count

    scope = dashboard_cache.scope_key(user)
    if family_count(user, scope, dashboard_cache.data_version()) < dashboard_cache.param("background_min_families"):
        return None
    key = cache_key(ids, year, assumptions, personal)
    return builds.serve("sidesell", scope, repr(key), data_version(), True,
                        lambda: side_selling(ids, year=year, assumptions=assumptions, personal=personal))


def cache_key(group_ids: Iterable[int], year: int | None, assumptions: Assumptions, personal: bool) -> tuple:
    """What makes one analysis differ from another (with :func:`data_version`, the data it read)."""
    ids = tuple(sorted({int(g) for g in group_ids}))
    return ("sidesell", hashlib.blake2b(repr(ids).encode(), digest_size=12).hexdigest(), year,
            tuple(sorted(assumptions.to_dict().items())), bool(personal), min_families())


def data_version() -> str:
    """What the analysis reads: the record tables of the dashboard's data version (harvests, sales, ledger,
    memberships, plots …) and the organisation's published prices."""
    from miaf.web.core.memo import table_fingerprint
    from miaf.web.dashboard.cache import data_version as records_version

    from .models import OrganisationPrice

    return f"{records_version()}:{table_fingerprint(OrganisationPrice)}"


def cache_seconds() -> float:
    """How long a computed analysis is reused at most (``offer_cache_s`` of ``params/market.csv``)."""
    return float(load_parameters("market")["offer_cache_s"])


def _side_selling(group_ids: tuple[int, ...], year: int | None, a: Assumptions, personal: bool) -> dict:
    k = min_families()
    table = load_sales(group_ids, year)
    out: dict = {"n_sales": len(table), "assumptions": a.to_dict(), "k_min_families": k, "excluded": table.excluded,
                 "year": year}
    if not len(table):
        return out | {"n_families": 0, "overall": None, "groups": [], "whatifs": {}, "families": [], "fills": {}}
    result = analyse_side_selling(table.sales, deficit_rate=a.deficit_rate, normal_rate=a.normal_rate)
    fam = np.asarray(table.sales.family_id)
    grp = np.asarray(table.sales.group_id)
    n_fam = int(np.unique(fam).size)
    fams_per_group = pd.Series(fam).groupby(grp).nunique().to_dict()
    hidden = not personal and n_fam < k
    overall = None if hidden else {
        **result.overall, "share_outside": result.overall["share_intermediary"],
        "channels": _channels(table, result.value_organisation, result.value_intermediary),
        "value_organisation_offer_mxn_kg": float(np.average(result.value_organisation, weights=table.sales.kg)),
        "value_outside_offer_mxn_kg": float(np.average(result.value_intermediary, weights=table.sales.kg)),
        "deficit_unknown_sales": int(sum(1 for x in table.in_deficit_known if not x)),
    }
    whatifs = {} if hidden else _whatifs(table, a)
    groups = []
    for row in result.by_group:
        g = int(row["group_id"])
        n = int(fams_per_group.get(g, 0))
        small = not personal and n < k
        groups.append({"group_id": g, "n_families": n, "suppressed": small,
                       **({} if small else {**row, "share_outside": row["share_intermediary"]})})
    for key, run in whatifs.items():
        run["by_group"] = [r for r in run["by_group"]
                           if personal or fams_per_group.get(int(r["group_id"]), 0) >= k]
        whatifs[key] = run
    fills = pd.Series(table.org_price_source).value_counts().to_dict()
    return out | {"n_families": n_fam, "overall": overall, "groups": groups, "whatifs": whatifs,
                  "families": [r | {"share_outside": r["share_intermediary"]} for r in result.by_family] if personal else [],
                  "fills": {str(key): int(v) for key, v in fills.items()}, "suppressed_all": hidden}
