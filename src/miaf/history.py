"""When a plot became MIAF-D, and how old its MIAF-D system (its trees) is in a given year.

One rule, called by the economics pages (cash-flow year 0), the environmental evidence (erosion maturity,
tree age for carbon), the programme indicators and the dashboard, so that they always agree:

1. the recorded establishment date (``Plot.established_on``), else
2. the start of the plot's first MIAF or MIAF-D phase, else
3. the first planting of fruit trees (as plants), else
4. unknown (the plot is evaluated ex ante).

The functions take plain dates (``datetime.date`` or ``None``) or pandas Series of dates (``NaT`` = not
given), so a single plot and a table of plots go through the same code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["MIAF_START_SOURCES", "miaf_start", "years_since_start"]

#: How the start is known, in the order the rule tries them ("ex_ante" = not known).
MIAF_START_SOURCES: tuple[str, ...] = ("established_on", "phase", "planting", "ex_ante")


def _missing(value) -> bool:  # noqa: ANN001
    return value is None or (not isinstance(value, dt.date) and pd.isna(value))


def miaf_start(established_on, first_miaf_phase_on=None, first_tree_planting_on=None):  # noqa: ANN001, ANN201
    """Date a plot became MIAF-D and how it is known.

    Parameters
    ----------
    established_on : date, None, or Series of dates [calendar date], the recorded establishment date.
    first_miaf_phase_on : same type, start of the plot's first MIAF or MIAF-D phase.
    first_tree_planting_on : same type, the plot's first fruit-tree planting (unit: plants).

    Returns
    -------
    (start, source) : for scalars a ``date`` or None and one of :data:`MIAF_START_SOURCES`; for Series a
        Series of ``datetime64`` (NaT = unknown) and a Series of source labels, aligned with the input.

    Notes
    -----
    First non-missing of (established_on, first_miaf_phase_on, first_tree_planting_on). The start of the
    first MIAF phase counts before the first planting because a plot may receive trees years after
    converting (and a traditional plot may have had a few fruit trees before).
    """
    candidates = (established_on, first_miaf_phase_on, first_tree_planting_on)
    series = [c for c in candidates if isinstance(c, pd.Series)]
    if not series:
        for value, source in zip(candidates, MIAF_START_SOURCES, strict=False):
            if not _missing(value):
                return (value.date() if isinstance(value, pd.Timestamp) else value), source
        return None, "ex_ante"
    index = series[0].index
    cols = [pd.to_datetime(c if isinstance(c, pd.Series) else pd.Series(c, index=index), errors="coerce")
            for c in candidates]
    start = cols[0].copy()
    source = pd.Series(np.where(start.notna(), MIAF_START_SOURCES[0], "ex_ante"), index=index, dtype=object)
    for col, label in zip(cols[1:], MIAF_START_SOURCES[1:3], strict=True):
        fill = start.isna() & col.notna()
        start = start.where(~fill, col)
        source = source.where(~fill, label)
    return start, source


def years_since_start(start, year):  # noqa: ANN001, ANN201
    """Whole years since the plot became MIAF-D [yr]: ``year − start.year``, at least 0; 0 when unknown.

    Parameters
    ----------
    start : date, None, or Series of dates (as returned by :func:`miaf_start`).
    year : int, or array of int, calendar year of the evaluation.

    Returns
    -------
    age : float, or array of float [yr]. Year of establishment = 0 (the cash-flow year 0 of the economics).
    """
    if isinstance(start, pd.Series):
        y = pd.to_datetime(start, errors="coerce").dt.year.to_numpy(dtype=float)
        return np.where(np.isnan(y), 0.0, np.maximum(np.asarray(year, dtype=float) - np.nan_to_num(y), 0.0))
    if _missing(start):
        return 0.0
    return float(max(int(year) - start.year, 0))
