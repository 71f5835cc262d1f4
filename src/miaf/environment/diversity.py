"""Agrobiodiversity of plots: richness, Shannon and Simpson indices, native species, food calendar.

Vectorised over a long table with one row per plot and species (columns ``plot_id``, ``species``,
``weight``; optional ``family_id`` and ``native``). The weight is planted area or harvest, as long as it
is the same quantity within a table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from miaf.params import species as species_catalogue

__all__ = ["PlotDiversity", "DiversityResult", "shannon_index", "simpson_index", "evaluate_diversity", "read_table"]

REQUIRED = ("plot_id", "species", "weight")


def shannon_index(weights) -> float:
    """Shannon diversity H' = −Σ p_i ln p_i [nats] of the weights of the species present.

    References
    ----------
    Shannon, C.E., "A mathematical theory of communication", Bell System Technical Journal 27:379-423, 1948.
    """
    w = np.asarray(weights, dtype=np.float64)
    w = w[w > 0]
    if w.size == 0:
        return 0.0
    p = w / w.sum()
    return float(-(p * np.log(p)).sum())


def simpson_index(weights) -> float:
    """Gini–Simpson diversity 1 − Σ p_i² [-] (probability that two random units differ in species).

    References
    ----------
    Simpson, E.H., "Measurement of diversity", Nature 163:688, 1949, doi:10.1038/163688a0.
    """
    w = np.asarray(weights, dtype=np.float64)
    w = w[w > 0]
    if w.size == 0:
        return 0.0
    p = w / w.sum()
    return float(1.0 - (p * p).sum())


@dataclass
class PlotDiversity:
    """Diversity of one plot (or of the whole programme for ``plot_id == "programme"``)."""

    plot_id: str
    family_id: str | None
    richness: int
    shannon: float
    simpson: float
    native_species: int
    native_share: float
    food_products: int
    months_with_harvest: int
    products_by_month: list[int]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DiversityResult:
    """Per-plot and per-family diversity, programme totals (pooled table) and plot means.

    ``families`` holds one entry per ``family_id`` (its ``plot_id`` is ``"all"``) when the table has that column.
    """

    plots: list[PlotDiversity]
    programme: PlotDiversity
    mean_richness: float
    mean_shannon: float
    mean_simpson: float
    families: list[PlotDiversity] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"plots": [p.to_dict() for p in self.plots], "programme": self.programme.to_dict(),
                "families": [f.to_dict() for f in self.families],
                "mean_richness": self.mean_richness, "mean_shannon": self.mean_shannon,
                "mean_simpson": self.mean_simpson}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV with columns ``plot_id,species,weight`` (optional ``family_id``, ``native``)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"table not found: {path}")
    return pd.read_csv(path, dtype={"plot_id": str, "family_id": str, "species": str})


def _catalogue_columns(codes: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    cat = species_catalogue()
    unknown = sorted(set(codes) - set(cat))
    out = pd.DataFrame(index=codes.index)
    out["native_cat"] = codes.map(lambda c: cat[c]["native"].strip().lower() == "true" if c in cat else np.nan)
    months = codes.map(lambda c: cat[c]["harvest_months"] if c in cat else "")
    out["months"] = months.fillna("")
    return out, unknown


def evaluate_diversity(table: pd.DataFrame) -> DiversityResult:
    """Diversity indices per plot and for the programme.

    Parameters
    ----------
    table : DataFrame with ``plot_id``, ``species`` (species.csv code or any name), ``weight`` [area or
        harvest, ≥ 0]; optional ``family_id`` and ``native`` (true/false, needed for species outside the
        catalogue).

    Returns
    -------
    DiversityResult

    Notes
    -----
    Richness S = number of species with weight > 0; Shannon H' = −Σ p ln p; Gini–Simpson 1 − Σ p². Native
    share = native species / S. Food products: species with harvest months in the catalogue;
    ``products_by_month`` counts them by calendar month. Programme totals pool the weights of all plots.
    """
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"diversity table lacks column(s) {missing}; expected plot_id, species, weight")
    df = table.copy()
    df["plot_id"] = df["plot_id"].astype(str)
    df["species"] = df["species"].astype(str).str.strip().str.lower()
    df["weight"] = pd.to_numeric(df["weight"], errors="coerce")
    if df["weight"].isna().any() or (df["weight"] < 0).any():
        raise ValueError("weight must be a number >= 0 on every row")
    df = df[df["weight"] > 0]
    if df.empty:
        raise ValueError("the diversity table has no row with a positive weight")
    cat_cols, unknown = _catalogue_columns(df["species"])
    df = df.join(cat_cols)
    if "native" in df.columns:
        given = df["native"].astype(str).str.strip().str.lower().map({"true": True, "false": False, "1": True,
                                                                      "0": False, "yes": True, "no": False})
        df["is_native"] = given.where(given.notna(), df["native_cat"])
    else:
        df["is_native"] = df["native_cat"]
    lacking = sorted(set(df.loc[df["is_native"].isna(), "species"]))
    if lacking:
        raise ValueError(f"species {lacking} are not in species.csv: add a 'native' column (true/false)")
    df["is_native"] = df["is_native"].astype(bool)
    plots = _group_indices(df, "plot_id")
    families = _group_indices(df, "family_id") if "family_id" in df.columns else []
    if "family_id" in df.columns:
        fam_of_plot = df.groupby("plot_id")["family_id"].first()
        for pd_ in plots:
            pd_.family_id = _str_or_none(fam_of_plot.loc[pd_.plot_id])
        for fd in families:
            fd.family_id, fd.plot_id = fd.plot_id, "all"
    pooled = df.assign(_all="programme")
    programme = _group_indices(pooled, "_all")[0]
    return DiversityResult(
        plots, programme, float(np.mean([p.richness for p in plots])), float(np.mean([p.shannon for p in plots])),
        float(np.mean([p.simpson for p in plots])), families,
    )


def _group_indices(df: pd.DataFrame, key: str) -> list[PlotDiversity]:
    """Indices for every group of ``key`` (vectorised with groupby over group × species totals)."""
    g = df.groupby([key, "species"], sort=True).agg(
        weight=("weight", "sum"), is_native=("is_native", "first"), months=("months", "first"))
    g["p"] = g["weight"] / g.groupby(level=0)["weight"].transform("sum")
    g["plnp"] = -g["p"] * np.log(g["p"])
    g["p2"] = g["p"] ** 2
    by = g.groupby(level=0).agg(richness=("p", "size"), shannon=("plnp", "sum"), p2=("p2", "sum"),
                                native=("is_native", "sum"))
    month_matrix = _month_matrix(g["months"])
    month_counts = pd.DataFrame(month_matrix, index=g.index).groupby(level=0).sum()
    food = pd.Series(month_matrix.any(axis=1), index=g.index).groupby(level=0).sum()
    out = []
    for gid, row in by.iterrows():
        mc = month_counts.loc[gid].to_numpy()
        out.append(PlotDiversity(
            plot_id=str(gid), family_id=None, richness=int(row["richness"]), shannon=abs(float(row["shannon"])),
            simpson=float(1.0 - row["p2"]), native_species=int(row["native"]),
            native_share=float(row["native"] / row["richness"]), food_products=int(food.loc[gid]),
            months_with_harvest=int((mc > 0).sum()), products_by_month=[int(v) for v in mc],
        ))
    return out


def _str_or_none(v) -> str | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _month_matrix(months: pd.Series) -> np.ndarray:
    """Boolean (n, 12) matrix of harvest months from strings like ``"10;11"``."""
    out = np.zeros((len(months), 12), dtype=bool)
    for i, text in enumerate(months.fillna("")):
        for tok in str(text).split(";"):
            tok = tok.strip()
            if tok.isdigit() and 1 <= int(tok) <= 12:
                out[i, int(tok) - 1] = True
    return out
