"""Programme indicators over record tables, vectorised (no Django): reach, productivity and income,
adaptation and resilience, mitigation, social. See :mod:`miaf.indicators.registry` for the definitions."""

from __future__ import annotations

from .compute import IndicatorResults, compute_indicators, over_time
from .context import IndicatorFilters, IndicatorValue
from .registry import PILLARS, REGISTRY, Indicator
from .tables import COLUMNS, IndicatorTables

__all__ = [
    "COLUMNS",
    "PILLARS",
    "REGISTRY",
    "Indicator",
    "IndicatorFilters",
    "IndicatorResults",
    "IndicatorTables",
    "IndicatorValue",
    "compute_indicators",
    "over_time",
]
