"""The demo families' household economy calendar: income by source and expense by destination, by month.

No Django here. Crop-sale income comes from the generated harvest destinations (by the month the payment
arrived), hired-labour spending from the generated labour logs, and the maize bought in the lean months
from the self-consumed maize of the previous harvest; the other lines are drawn from ``params/demo.csv``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from miaf.web.demo import places as pl

MONTHS = np.arange(1, 13)
LOAN_NOTE = "Préstamo informal"


def _month_matrix(n: int, family: np.ndarray, month: np.ndarray, value: np.ndarray) -> np.ndarray:
    m = np.zeros((n, 12))
    np.add.at(m, (family, month - 1), value)
    return m


def _spread(n: int, who: np.ndarray, amount: np.ndarray, months: list[int]) -> np.ndarray:
    m = np.zeros((n, 12))
    for month in months:
        m[who, month - 1] += amount / len(months)
    return m


def ledger_rows(rng: np.random.Generator, p: dict, cat: dict, chunk: Any, n: int, fam_index: np.ndarray,  # noqa: PLR0913
                area_ha: np.ndarray, size: np.ndarray, migrated: np.ndarray, org: np.ndarray,
                n_children_school: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Ledger columns for the baseline and the comparison year."""
    h, d, lab = chunk.harvests, chunk.destinations, chunk.labour
    base_y, comp_y = int(pl.pfloat(p, "baseline_year")), int(pl.pfloat(p, "comparison_year"))
    wage = pl.pfloat(p, "wage_mxn_day")
    maize_price = float(cat["maiz"]["default_price_mxn_kg"])
    lean = [int(m) for m in pl.plist(p, "lean_months")]
    sale = d["destination"] != "self"
    d_fam = h["family_local"][d["harvest"]]
    d_sp = h["species"][d["harvest"]]
    paid = d["paid_on"].astype("datetime64[M]").astype(int)  # months since 1970-01
    h_year = h["harvested_on"].astype("datetime64[Y]").astype(int) + 1970
    coffee = (org == "cafe") & (rng.random(n) < pl.pfloat(p, "coffee_family_share"))
    ck = p["coffee_kg_family"]
    coffee_kg = np.clip(float(ck.value) * rng.lognormal(0, 0.3, n), ck.low, ck.high)
    offfarm = rng.random(n) < pl.pfloat(p, "offfarm_share")
    od = p["offfarm_days_year"]
    transfer = rng.random(n) < pl.pfloat(p, "transfer_share")
    cols: dict[str, list] = {k: [] for k in ("family", "year", "month", "kind", "category", "species", "amount_mxn", "notes")}
    for k, y in enumerate((base_y, comp_y)):
        lines: list[tuple[str, str, str, str, np.ndarray]] = []  # kind, category, species, notes, (n, 12)
        in_year = sale & (paid // 12 + 1970 == y)
        for sp in np.unique(d_sp[in_year]):
            s = in_year & (d_sp == sp)
            value = d["kg"][s] * d["price_mxn_per_kg"][s]
            lines.append(("income", "crop_sale", str(sp), "", _month_matrix(n, d_fam[s], paid[s] % 12 + 1, value)))
        who = np.flatnonzero(coffee)
        amount = coffee_kg[who] * float(cat["cafe"]["default_price_mxn_kg"]) * rng.lognormal(0, 0.05, len(who))
        lines.append(("income", "crop_sale", "cafe", "Café pergamino", _spread(n, who, amount, [1, 2, 3, 12])))
        who = np.flatnonzero(offfarm)
        amount = rng.uniform(od.low, od.high, len(who)) * wage
        lines.append(("income", "wages", "", "Jornales fuera de la parcela", _spread(n, who, amount, [int(m) for m in pl.plist(p, "offfarm_months")])))
        who = np.flatnonzero(transfer)
        lines.append(("income", "transfers", "", "Transferencia bimestral",
                      _spread(n, who, np.full(len(who), 6 * pl.pfloat(p, "transfer_mxn_bimonthly")), [2, 4, 6, 8, 10, 12])))
        lines.append(("income", "transfers", "", "Apoyo por hectárea",
                      _spread(n, np.arange(n), area_ha * pl.pfloat(p, "area_payment_mxn_ha"), [5])))
        who = np.flatnonzero(migrated)
        amount = 4 * pl.pfloat(p, "remittance_mxn") * rng.lognormal(0, 0.2, len(who))
        lines.append(("income", "remittances", "", "", _spread(n, who, amount, [3, 6, 9, 12])))
        # Food: a base basket every month plus the maize bought once the family's own maize has run out.
        food = np.repeat((pl.pfloat(p, "food_expense_mxn_month") * size / pl.pfloat(p, "household_size_mean"))[:, None], 12, 1)
        stock_year = y - 1 if (h_year == y - 1).any() else y
        own = (d["destination"] == "self") & (d_sp == "maiz") & (h_year[d["harvest"]] == stock_year)
        stock = np.bincount(d_fam[own], weights=d["kg"][own], minlength=n)
        need = size * pl.pfloat(p, "maize_consumption_kg_person_day") * 365.25 / 12
        covered = stock / need
        order = np.array([9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8])
        bought = 1 - np.clip(covered[:, None] - np.arange(12)[None, :], 0, 1)
        food[:, order - 1] += bought * (need * maize_price * pl.pfloat(p, "maize_replacement_price_factor"))[:, None]
        lines.append(("expense", "food", "", "", food))
        hired = (lab["kind"] == "hired") & (lab["year"] == y)
        prod = _month_matrix(n, lab["family_local"][hired], lab["month"][hired], lab["person_days"][hired] * wage)
        cost = area_ha * pl.pfloat(p, "production_cost_mxn_ha")
        prod[:, 4] += 0.6 * cost
        prod[:, 5] += 0.4 * cost
        lines.append(("expense", "production", "", "Insumos y jornales contratados", prod))
        who = np.flatnonzero(rng.random(n) < pl.pfloat(p, "health_event_share"))
        he = p["health_expense_mxn"]
        lines.append(("expense", "health", "", "", _month_matrix(n, who, rng.integers(1, 13, len(who)),
                                                                 rng.uniform(he.low, he.high, len(who)))))
        lines.append(("expense", "education", "", "Útiles y cuotas escolares",
                      _spread(n, np.arange(n), n_children_school[:, k] * pl.pfloat(p, "education_mxn_child"), [8])))
        income = sum(m for kind, *_, m in lines if kind == "income")
        expense = sum(m for kind, *_, m in lines if kind == "expense")
        loan = np.zeros((n, 12))
        for m in lean:
            loan[:, m - 1] = np.maximum(expense[:, m - 1] - income[:, m - 1], 0)
        lines.append(("income", "other_income", "", LOAN_NOTE, loan))
        rate = pl.pfloat(p, "informal_rate_month")
        pay_months = [int(m) for m in pl.plist(p, "loan_repayment_months")]
        repay = sum(loan[:, m - 1] * (1 + rate * (np.mean(pay_months) - m)) for m in lean)
        lines.append(("expense", "debt", "", "Pago del préstamo con intereses", _spread(n, np.arange(n), repay, pay_months)))
        for kind, category, sp, note, m in lines:
            m = np.round(m, 2)
            fi, mi = np.nonzero(m > 0)
            cols["family"].append(fi), cols["year"].append(np.full(len(fi), y)), cols["month"].append(mi + 1)
            cols["kind"].append(np.full(len(fi), kind)), cols["category"].append(np.full(len(fi), category))
            cols["species"].append(np.full(len(fi), sp)), cols["amount_mxn"].append(m[fi, mi])
            cols["notes"].append(np.full(len(fi), note))
    res = {k: np.concatenate(v) for k, v in cols.items()}
    res["family_local"] = res["family"]
    res["family"] = fam_index[res["family"]]
    return res
