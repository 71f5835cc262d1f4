"""Side-selling: why members sell to intermediaries, and what an organisation could do about it.

For every sale the organisation's offer and the intermediary's are compared as the family experiences
them: the value today of the payment (price less the quality discount, discounted over the months until
it is paid), minus the transport the family pays at delivery. Waiting is dear when the family is short of cash: its implicit interest rate is then a
moneylender's (10 %/month by default, miaf-domain §17.4), otherwise its ordinary time preference.
The seed article found this "unequal relationship of exchange" behind members' "disloyalty".

:func:`analyse_side_selling` reports per family and per group the share of the harvest sold to
intermediaries, the nominal and effective price gaps, and the share of side-selling explained by cash
need; :func:`what_if` re-evaluates the choices with an advance payment, a faster payment, or fewer
deficit months, and costs the organisation's financing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from miaf.params import load_parameters

__all__ = ["Sales", "SideSellingResult", "WhatIfResult", "analyse_side_selling", "effective_value", "what_if"]

CHANNELS = ("organisation", "intermediary")


def effective_value(price, transport_mxn_kg, quality_discount, delay_months, monthly_rate):
    """Effective value of an offer to the family [MXN kg⁻¹].

    Parameters
    ----------
    price : array [MXN kg⁻¹]
    transport_mxn_kg : array [MXN kg⁻¹]
        Cost the family bears to deliver.
    quality_discount : array [fraction of price]
        Share of the price lost to grading, rejects or weighing.
    delay_months : array [month]
        Time between delivery and payment.
    monthly_rate : array [fraction month⁻¹]
        The family's implicit interest rate in that month, a monthly fraction (0.10 = 10 % per month).

    Returns
    -------
    value : array [MXN kg⁻¹]
        Value at the moment of delivery.

    Notes
    -----
    :math:`V = p (1 - q) (1 + r)^{-d} - c_t`: the payment :math:`p(1 - q)` arrives in ``d`` months and
    is worth :math:`(1 + r)^{-d}` of itself today (its present value); transport is paid at delivery.
    The waiting cost is :math:`p (1 - q) [1 - (1 + r)^{-d}]`. Until issue 16 the code charged
    :math:`p [(1 + r)^{d} - 1]`, a future value, which overstated waiting (10 MXN in 2 months at
    10 %/month: 7.90 instead of 8.26 MXN today).

    References
    ----------
    Gitman, L. J. Principles of Managerial Finance, Brief, 3rd ed. Addison-Wesley, 2003, ch. 4 (present
    value of a single amount).
    """
    p = np.asarray(price, dtype=float)
    return p * (1.0 - quality_discount) * _present_factor(delay_months, monthly_rate) - transport_mxn_kg


def _present_factor(delay_months, monthly_rate):
    """``(1 + r) ** -d``: value today of one peso paid in ``d`` months at monthly rate ``r``."""
    return np.exp(-np.asarray(delay_months, dtype=float) * np.log1p(monthly_rate))


@dataclass(frozen=True)
class Sales:
    """Columnar sales records, one row per sale (lot). Offer columns may hold NaN where not recorded.

    ``channel`` is ``organisation`` or ``intermediary`` (strings, or codes 0/1). ``in_deficit`` says
    whether the family's net cash was negative in the month of the sale (e.g. from
    :func:`miaf.household.calendar.household_calendar`). Unrecorded offers are filled: intermediary
    price = organisation price × ``intermediary_price_factor``; organisation delay =
    ``organisation_payment_delay_months``; intermediary delay, transport and quality discounts = 0.
    """

    family_id: np.ndarray
    group_id: np.ndarray
    month: np.ndarray
    kg: np.ndarray
    channel: np.ndarray
    in_deficit: np.ndarray
    org_price: np.ndarray
    int_price: np.ndarray | None = None
    org_delay_months: np.ndarray | None = None
    int_delay_months: np.ndarray | None = None
    org_transport_mxn_kg: np.ndarray | None = None
    int_transport_mxn_kg: np.ndarray | None = None
    org_quality_discount: np.ndarray | None = None
    int_quality_discount: np.ndarray | None = None

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Sales:
        need = ["family_id", "group_id", "month", "kg", "channel", "in_deficit", "org_price"]
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ValueError(f"sales: missing column(s) {missing}")
        opt = ["int_price", "org_delay_months", "int_delay_months", "org_transport_mxn_kg",
               "int_transport_mxn_kg", "org_quality_discount", "int_quality_discount"]
        return cls(**{c: frame[c].to_numpy() for c in need + [c for c in opt if c in frame.columns]})

    def arrays(self) -> dict[str, np.ndarray]:
        """Validated, filled numeric columns."""
        p = load_parameters("economics")
        n = np.asarray(self.kg).shape[0]
        month = np.asarray(self.month, dtype=np.int64)
        if ((month < 1) | (month > 12)).any():
            raise ValueError("sales: month must be 1..12")
        kg = np.asarray(self.kg, dtype=float)
        ch = np.asarray(self.channel)
        if ch.dtype.kind in "iu":
            chan = ch.astype(np.int8)
        else:
            labels = pd.Series(ch, dtype="string").str.strip().str.lower()
            bad = ~labels.isin(CHANNELS)
            if bad.any():
                raise ValueError(f"sales: channel must be one of {CHANNELS}, got {labels[bad].iloc[0]!r}")
            chan = (labels == "intermediary").to_numpy().astype(np.int8)
        if ((chan < 0) | (chan > 1)).any():
            raise ValueError("sales: channel codes must be 0 (organisation) or 1 (intermediary)")

        def col(x, default):
            if x is None:
                return np.full(n, float(default)) if np.ndim(default) == 0 else np.asarray(default, float)
            a = np.asarray(x, dtype=float)
            return np.where(np.isnan(a), default, a)

        org_price = col(self.org_price, np.nan)
        if np.isnan(org_price).any():
            raise ValueError("sales: org_price is required for every sale (the organisation's price that month)")
        out = {
            "month": month, "kg": kg, "intermediary": chan.astype(bool),
            "in_deficit": np.asarray(self.in_deficit).astype(bool),
            "org_price": org_price,
            "int_price": col(self.int_price, org_price * float(p["intermediary_price_factor"])),
            "org_delay": col(self.org_delay_months, float(p["organisation_payment_delay_months"])),
            "int_delay": col(self.int_delay_months, 0.0),
            "org_transport": col(self.org_transport_mxn_kg, 0.0),
            "int_transport": col(self.int_transport_mxn_kg, 0.0),
            "org_quality": col(self.org_quality_discount, 0.0),
            "int_quality": col(self.int_quality_discount, 0.0),
        }
        for k, v in out.items():
            if v.shape != (n,):
                raise ValueError(f"sales: column {k} has {v.shape[0]} rows, expected {n}")
        for k in ("kg", "org_price", "int_price", "org_delay", "int_delay", "org_transport", "int_transport"):
            if (out[k] < 0).any():
                raise ValueError(f"sales: {k} cannot be negative")
        for k in ("org_quality", "int_quality"):
            if ((out[k] < 0) | (out[k] > 1)).any():
                raise ValueError(f"sales: {k} is a fraction of the price, 0..1")
        return out


def _rates(a, r_deficit, r_normal):
    return np.where(a["in_deficit"], r_deficit, r_normal)


def _values(a, r, org_delay=None, advance_share=0.0, price_factor=1.0, advance_rate=0.0):
    d = a["org_delay"] if org_delay is None else org_delay
    price = a["org_price"] * price_factor
    # an advance pays `advance_share` of the payment at delivery; only the rest waits d months
    v_org = effective_value(price, a["org_transport"], a["org_quality"], d, r)
    paid = price * (1.0 - a["org_quality"])
    v_org = v_org + advance_share * paid * (1.0 - _present_factor(d, r))
    if advance_rate:
        # interest on the advance, charged at the final payment in d months: a p (1 - q) [(1 + r_a)^d - 1],
        # worth (1 + r)^-d of itself today
        interest = advance_share * paid * np.expm1(np.asarray(d, dtype=float) * np.log1p(advance_rate))
        v_org = v_org - interest * _present_factor(d, r)
    v_int = effective_value(a["int_price"], a["int_transport"], a["int_quality"], a["int_delay"], r)
    return v_org, v_int


def _summary(frame: pd.DataFrame, by: str | None) -> list[dict]:
    frame = frame.assign(
        kg_int=frame.kg * frame.intermediary,
        kg_explained=frame.kg * frame.intermediary * frame.explained,
        gap_nominal=frame.kg * (frame.org_price - frame.int_price),
        gap_effective=frame.kg * (frame.v_org - frame.v_int),
        agree=frame.kg * (frame.predicted_intermediary == frame.intermediary),
    )
    cols = ["kg", "kg_int", "kg_explained", "gap_nominal", "gap_effective", "agree"]
    g = frame[cols].sum().to_frame().T if by is None else frame.groupby(by, sort=True)[cols].sum()
    out = []
    for key, row in g.iterrows():
        kg, kg_int = float(row.kg), float(row.kg_int)
        rec = {} if by is None else {by: key.item() if hasattr(key, "item") else key}
        rec.update({
            "kg": kg,
            "kg_intermediary": kg_int,
            "share_intermediary": kg_int / kg if kg else None,
            "price_gap_mxn_kg": float(row.gap_nominal) / kg if kg else None,
            "effective_gap_mxn_kg": float(row.gap_effective) / kg if kg else None,
            "share_explained_by_cash_need": float(row.kg_explained) / kg_int if kg_int else None,
            "model_agreement": float(row.agree) / kg if kg else None,
        })
        out.append(rec)
    return out


@dataclass
class SideSellingResult:
    """Per-sale effective values and the per-family, per-group and overall summaries."""

    value_organisation: np.ndarray  # [MXN kg⁻¹] per sale
    value_intermediary: np.ndarray
    predicted_intermediary: np.ndarray  # bool per sale
    explained_by_cash_need: np.ndarray  # bool per sale (only intermediary sales can be True)
    overall: dict
    by_family: list[dict]
    by_group: list[dict]
    rates: dict

    def to_dict(self) -> dict:
        return {"overall": self.overall, "by_group": self.by_group, "by_family": self.by_family,
                "rates_per_month": self.rates}


def analyse_side_selling(sales: Sales, deficit_rate: float | None = None,
                         normal_rate: float | None = None) -> SideSellingResult:
    """Compare the two offers of every sale as the family experiences them.

    Parameters
    ----------
    sales : Sales
    deficit_rate : float [fraction month⁻¹], optional
        Implicit rate in a deficit month (default ``moneylender_rate_month``, 10 %/month).
    normal_rate : float [fraction month⁻¹], optional
        Implicit rate otherwise (default ``no_deficit_rate_month``, the 10 %/yr discount rate per month).

    Returns
    -------
    SideSellingResult

    Notes
    -----
    A family is predicted to sell to the intermediary when :math:`V_{int} > V_{org}`
    (:func:`effective_value`, at the family's rate of that month). An intermediary sale is *explained by
    cash need* when it was made in a deficit month, the intermediary's offer wins at the deficit rate and
    the organisation's offer would win at ``normal_rate``: the cash shortage alone turns the choice. A
    sale to the intermediary in a month without deficit, or one the intermediary wins even at the
    moneylender's rate (say its price is higher), is not explained by cash need. Shares are weighted by
    kg. The price gaps are ``org − intermediary`` (positive: the organisation pays more).
    """
    p = load_parameters("economics")
    r_def = float(p["moneylender_rate_month"]) if deficit_rate is None else float(deficit_rate)
    r_norm = float(p["no_deficit_rate_month"]) if normal_rate is None else float(normal_rate)
    if r_def < 0 or r_norm < 0:
        raise ValueError("rates: monthly rates cannot be negative")
    a = sales.arrays()
    r = _rates(a, r_def, r_norm)
    v_org, v_int = _values(a, r)
    v_org_n, v_int_n = _values(a, np.full_like(r, r_norm))
    predicted = v_int > v_org
    explained = a["intermediary"] & a["in_deficit"] & predicted & (v_org_n >= v_int_n)
    frame = pd.DataFrame({
        "family_id": np.asarray(sales.family_id), "group_id": np.asarray(sales.group_id), "kg": a["kg"],
        "intermediary": a["intermediary"], "explained": explained, "org_price": a["org_price"],
        "int_price": a["int_price"], "v_org": v_org, "v_int": v_int, "predicted_intermediary": predicted,
    })
    return SideSellingResult(
        value_organisation=v_org, value_intermediary=v_int, predicted_intermediary=predicted,
        explained_by_cash_need=explained, overall=_summary(frame, None)[0],
        by_family=_summary(frame, "family_id"), by_group=_summary(frame, "group_id"),
        rates={"deficit": r_def, "no_deficit": r_norm},
    )


@dataclass
class WhatIfResult:
    """Side-selling prevented by an organisational change and what it costs the organisation."""

    description: str
    kg_intermediary: float
    kg_prevented: float
    share_prevented: float | None
    organisation_cost_mxn: float | None
    cost_per_kg_prevented_mxn: float | None
    by_group: list[dict]

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def what_if(sales: Sales, advance_share: float = 0.0, delay_months: float | None = None,
            deficit_relief: float = 0.0, deficit_rate: float | None = None, normal_rate: float | None = None,
            organisation_rate: float | None = None, price_change: float = 0.0,
            advance_rate: float = 0.0) -> WhatIfResult:
    """Re-evaluate every intermediary sale under a changed organisation offer or calendar.

    Parameters
    ----------
    sales : Sales
    advance_share : float [fraction]
        Share of the organisation's price paid at delivery; the rest waits the usual delay.
    delay_months : float [month], optional
        New (shorter) payment delay of the organisation for every sale.
    deficit_relief : float [fraction]
        Share of deficit months removed by a more diversified income calendar.
    deficit_rate, normal_rate : float [fraction month⁻¹], optional
        As in :func:`analyse_side_selling`.
    organisation_rate : float [fraction month⁻¹], optional
        The organisation's cost of working capital (default ``organisation_credit_rate_month``).
    price_change : float [fraction]
        Relative change of the organisation's price (0.05 = 5 % more), > −1.
    advance_rate : float [fraction month⁻¹]
        Interest the organisation charges on the advance until the final payment (default 0: none),
        ``advance_rate_month`` of ``params/trade.csv`` on the pages.

    Returns
    -------
    WhatIfResult

    Notes
    -----
    A sale is *prevented* when it went to the intermediary, the model predicted it (``V_int > V_org``
    now) and the organisation's offer wins after the change. With a relief share ``ρ`` of deficit months,
    a prevented deficit-month sale counts ``ρ`` of its kg (expected value; which months are relieved is
    not modelled). The organisation pays interest to finance the change, on every kg it would buy
    afterwards (loyal and won back): advance :math:`a p \\,[(1+r_o)^{d} - (1+r_a)^{d}]` (an advance charged
    at :math:`r_a` per month costs the family :math:`a p (1-q)[(1+r_a)^{d} - 1]` at the final payment, valued
    today at :math:`(1+r)^{-d}` in the effective value, and pays the organisation back that interest); faster payment
    :math:`p\\,[(1 + r_o)^{d - d'} - 1]`; a price change :math:`\\Delta` costs :math:`\\Delta\\,p` per kg
    (the financing terms then apply to the new price :math:`p(1 + \\Delta)`). A diversified calendar costs the
    organisation nothing here
    (its cost lies in the farm plan; see the plot cash-flow model), so the cost is reported as None.
    """
    p = load_parameters("economics")
    r_def = float(p["moneylender_rate_month"]) if deficit_rate is None else float(deficit_rate)
    r_norm = float(p["no_deficit_rate_month"]) if normal_rate is None else float(normal_rate)
    r_org = float(p["organisation_credit_rate_month"]) if organisation_rate is None else float(organisation_rate)
    if not 0 <= advance_share <= 1:
        raise ValueError("advance_share: must lie in [0, 1]")
    if not 0 <= deficit_relief <= 1:
        raise ValueError("deficit_relief: must lie in [0, 1]")
    if not 0 <= advance_rate <= 1:
        raise ValueError("advance_rate: must lie in [0, 1] (a monthly fraction)")
    if delay_months is not None and delay_months < 0:
        raise ValueError("delay_months: cannot be negative")
    if not price_change > -1:
        raise ValueError("price_change: must be more than -1 (a fraction of the price)")
    a = sales.arrays()
    r = _rates(a, r_def, r_norm)
    v_org, v_int = _values(a, r)
    new_delay = a["org_delay"] if delay_months is None else np.minimum(a["org_delay"], delay_months)
    factor = 1.0 + price_change
    w_org, w_int = _values(a, r, new_delay, advance_share, factor, advance_rate)
    switched = a["intermediary"] & (v_int > v_org) & (w_org >= w_int)
    weight = switched.astype(float)
    if deficit_relief > 0:
        n_org, n_int = _values(a, np.full_like(r, r_norm), new_delay, advance_share, factor, advance_rate)
        relieved = a["intermediary"] & (v_int > v_org) & a["in_deficit"] & ~switched & (n_org >= n_int)
        weight = weight + deficit_relief * relieved
    kg_prev = a["kg"] * weight
    kg_int = float((a["kg"] * a["intermediary"]).sum())
    cost = None
    if advance_share > 0 or delay_months is not None or price_change:
        kg_org_after = a["kg"] * (~a["intermediary"]) + kg_prev
        # the organisation is paid by its buyer after the original delay d: an advance is financed for d
        # months, an earlier payment of the rest for d - d' months; a price change is paid on every kg
        price = a["org_price"] * factor
        per_kg = (advance_share * price * (np.expm1(a["org_delay"] * np.log1p(r_org))
                                           - np.expm1(a["org_delay"] * np.log1p(advance_rate)))
                  + (1 - advance_share) * price * np.expm1((a["org_delay"] - new_delay) * np.log1p(r_org))
                  + price_change * a["org_price"])
        cost = float((kg_org_after * per_kg).sum())
    parts = []
    if advance_share:
        parts.append(f"advance of {advance_share:.0%} of the price at delivery"
                     + (f" at {advance_rate:.1%}/month" if advance_rate else ""))
    if delay_months is not None:
        parts.append(f"payment within {delay_months:g} months")
    if deficit_relief:
        parts.append(f"{deficit_relief:.0%} of deficit months removed")
    if price_change:
        parts.append(f"organisation price {price_change:+.0%}")
    frame = pd.DataFrame({"group_id": np.asarray(sales.group_id), "kg_int": a["kg"] * a["intermediary"],
                          "kg_prevented": kg_prev})
    groups = frame.groupby("group_id", sort=True).sum()
    prevented = float(kg_prev.sum())
    return WhatIfResult(
        description="; ".join(parts) or "no change",
        kg_intermediary=kg_int,
        kg_prevented=prevented,
        share_prevented=prevented / kg_int if kg_int else None,
        organisation_cost_mxn=cost,
        cost_per_kg_prevented_mxn=(cost / prevented) if cost is not None and prevented > 0 else None,
        by_group=[{"group_id": k.item() if hasattr(k, "item") else k, "kg_intermediary": float(row.kg_int),
                   "kg_prevented": float(row.kg_prevented),
                   "share_prevented": float(row.kg_prevented / row.kg_int) if row.kg_int else None}
                  for k, row in groups.iterrows()],
    )
