"""Number formats of the economics pages: es-MX (1,234.5), the same in the English pages.

Django's ``es`` formats write 1 234,5; Mexico writes 1,234.5, so the pages format their numbers here
(independent of the active language) and render None/NaN as an em dash.
"""

from __future__ import annotations

import math

from django import template

register = template.Library()
DASH = "—"


def fmt_number(value, digits: int = 0) -> str:  # noqa: ANN001
    """``1234567.891`` → ``1,234,568`` (digits=0) or ``1,234,567.89`` (digits=2); None/NaN → ``—``."""
    if value is None or value == "":
        return DASH
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return DASH
    text = f"{x:,.{int(digits)}f}"
    return "0" if text in ("-0", "-0.0", "-0.00") and digits == 0 else text.replace("-", "−", 1)


@register.filter
def num(value, digits=0):  # noqa: ANN001, ANN201
    return fmt_number(value, int(digits))


@register.filter
def pct(value, digits=0):  # noqa: ANN001, ANN201
    """A fraction as a percentage: 0.3587 → ``35.9 %`` (digits=1)."""
    if value is None:
        return DASH
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return DASH if not math.isfinite(x) else f"{fmt_number(100 * x, int(digits))} %"


@register.filter
def metric(value, kind="money"):  # noqa: ANN001, ANN201
    """Format a key result by its kind: money (0 decimals), pct (1), years (1), ratio (2)."""
    if kind == "pct":
        return pct(value, 1)
    return fmt_number(value, {"money": 0, "years": 1, "ratio": 2, "int": 0, "share": 2}.get(kind, 0))
