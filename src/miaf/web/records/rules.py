"""The rules of production and household records as plain functions (no ORM), one place each.

The models' ``clean`` methods, the records services (HTML forms and API) and the import's checks
(``intake/services/specs.py``) all call these, so the forms, the API and the import refuse the same things.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

SELF_CONSUMPTION = "self"
INCOME = "income"
INCOME_CATEGORIES = ("crop_sale", "wages", "remittances", "transfers", "other_income")


def is_sale(destination: str | None) -> bool:
    """Every destination of a harvest but self-consumption is a sale, and a sale needs its price."""
    return bool(destination) and destination != SELF_CONSUMPTION


def sale_price_problem(destination: str | None, price: Decimal | None) -> str | None:
    """``"missing"`` when a sale has no price, ``"zero"`` when its price is 0 (a sale is paid), else ``None``."""
    if not is_sale(destination):
        return None
    if price is None:
        return "missing"
    return "zero" if Decimal(price) <= 0 else None


def split_total(kgs: Iterable[Decimal | None]) -> Decimal:
    """Total of the destination splits [kg]; blanks count as 0."""
    return sum((Decimal(k) for k in kgs if k is not None), Decimal("0"))


def splits_exceed(quantity_kg: Decimal | None, kgs: Iterable[Decimal | None]) -> Decimal | None:
    """The total of the destination splits [kg] when it exceeds the harvest, else ``None``."""
    total = split_total(kgs)
    if quantity_kg is not None and total > Decimal(quantity_kg):
        return total
    return None


def category_matches_kind(kind: str | None, category: str | None) -> bool:
    """An income category on an income line, an expense category on an expense line (blanks pass)."""
    if not kind or not category:
        return True
    return (category in INCOME_CATEGORIES) == (kind == INCOME)


def month_in_future(year: int | None, month: int | None, today_year: int, today_month: int) -> bool:
    return bool(year and month) and (year, month) > (today_year, today_month)
