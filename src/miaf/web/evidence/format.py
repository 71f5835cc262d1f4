"""Number formatting of the report (es-MX: decimal point, comma thousands) by unit."""

from __future__ import annotations

import math

__all__ = ["TAG_ES", "fmt_breakdown", "fmt_num", "fmt_value", "pct"]

TAG_ES = {"seen": "visto", "derived": "derivado", "estimate": "estimación"}
MAX_BREAKDOWN = 16


def _finite(x) -> bool:  # noqa: ANN001
    return x is not None and isinstance(x, int | float) and math.isfinite(float(x))


def fmt_num(x, decimals: int = 1) -> str:  # noqa: ANN001
    """``1,234.5``; ``—`` for a missing or non-finite value."""
    if not _finite(x):
        return "—"
    return f"{float(x):,.{decimals}f}"


def pct(x, signed: bool = False, decimals: int = 1) -> str:  # noqa: ANN001
    """A fraction as a percentage: ``0.667`` → ``66.7 %`` (``+66.7 %`` when signed)."""
    if not _finite(x):
        return "—"
    return f"{100 * float(x):{'+' if signed else ''},.{decimals}f} %"


def fmt_value(x, unit: str) -> str:  # noqa: ANN001
    """A value in its unit: fractions as %, ratios as ×1.50, money without decimals, small numbers with 2."""
    if not _finite(x):
        return "—"
    x = float(x)
    if unit == "fraction":
        return pct(x)
    if unit == "ratio":
        return f"×{x:.2f}"
    if unit.startswith("MXN"):
        return fmt_num(x, 0)
    if unit == "ha":
        return fmt_num(x, 1)
    if x == int(x) and abs(x) >= 1:
        return fmt_num(x, 0)
    return fmt_num(x, 2) if abs(x) < 100 else fmt_num(x, 0)


def fmt_breakdown(breakdown: dict | None, unit: str) -> list[tuple[str, str]]:
    """(key, text) pairs of an indicator breakdown, in its order, at most :data:`MAX_BREAKDOWN`."""
    if not breakdown:
        return []
    items = list(breakdown.items())[:MAX_BREAKDOWN]
    if unit in ("fraction", "ratio") and any(_finite(v) and abs(float(v)) > 1 for _, v in items):
        unit = "count"  # the breakdown holds counts or days, not shares
    return [(str(k), fmt_value(v, unit)) for k, v in items]
