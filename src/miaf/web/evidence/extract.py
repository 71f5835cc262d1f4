"""Domain extraction: the database records a user may aggregate, as the indicator table bundle.

``load_tables(user)`` reads every table with ``.values()`` querysets into DataFrames (no model instances,
no per-row Python), scoped by :func:`miaf.web.accounts.scoping.groups_for`: aggregates are allowed to
analysts, so the scope is the user's groups, not ``families_for`` (which is empty for analysts). No name of
a person or a family leaves this module: the tables hold ids, codes and numbers only.

The plot × reference-layer overlap is computed here with :func:`miaf.environment.layers.layer_overlap`
(geodesic areas) for the MIAF and MIAF-D plots.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from miaf.indicators import IndicatorFilters, IndicatorTables
from miaf.indicators.tables import COLUMNS

__all__ = ["load_tables", "scoped_groups"]


def scoped_groups(user) -> QuerySet:  # noqa: ANN001
    """Groups whose families ``user`` may aggregate; ``None`` (the command line operator) means all."""
    from miaf.web.accounts.scoping import groups_for
    from miaf.web.registry.models import Group

    return Group.objects.all() if user is None else groups_for(user)


#: Rows fetched at a time by :func:`_frame` (bounds the memory of Python row tuples during extraction).
_CHUNK_ROWS = 200_000


def _frame(qs: QuerySet, fields: dict[str, str], dates: tuple[str, ...] = (), numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """DataFrame of ``qs.values_list(*fields)`` with columns renamed ``{orm_path: column}``.

    The query's SQL is run on a plain DB-API cursor: at programme scale (millions of record rows) Django's
    per-row value conversion was most of the extraction time. What the converters did is done here per
    column instead: ``dates`` are parsed (ISO text on SQLite, ``date`` on PostgreSQL), ``numbers`` become
    floats (``Decimal`` on PostgreSQL) with NULL as NaN.
    """
    from django.db import connections

    sql, params = qs.values_list(*fields).query.sql_with_params()
    columns = list(fields.values())
    chunks = []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_CHUNK_ROWS):  # chunks: the row tuples of a whole table never coexist
            chunks.append(pd.DataFrame.from_records(rows, columns=columns, coerce_float=True))
    df = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else (
        chunks[0] if chunks else pd.DataFrame.from_records([], columns=columns))
    for c in dates:
        df[c] = pd.to_datetime(df[c], format="ISO8601") if len(df) else pd.to_datetime(df[c])
    for c in numbers:
        df[c] = pd.to_numeric(df[c].astype(float), errors="coerce")
    return df


def _json_list(value) -> list:  # noqa: ANN001
    """A JSON list column read raw: text on SQLite (and psycopg's text loader), a list otherwise."""
    if value is None:
        return []
    if isinstance(value, str):
        return json.loads(value) or []
    return list(value)


def _current_memberships(ms: pd.DataFrame) -> pd.DataFrame:
    """One membership per family: the open one, else the latest."""
    order = ms.assign(_open=ms["left_on"].isna()).sort_values(["_open", "joined_on"], ascending=False)
    return order.drop_duplicates("family_id")


def _layer_geometry(geojson: dict):  # noqa: ANN202
    import shapely
    from shapely.geometry import shape

    kind = geojson.get("type")
    if kind == "FeatureCollection":
        return shapely.union_all([shape(f["geometry"]) for f in geojson.get("features", []) if f.get("geometry")])
    if kind == "Feature":
        return shape(geojson["geometry"])
    return shape(geojson)


def _plot_climate_inputs(plot_qs: QuerySet) -> pd.DataFrame:
    """Optional plot columns of the carbon indicators (:data:`miaf.indicators.tables.OPTIONAL_COLUMNS`):
    ``altitude_m`` (IPCC climate zone) and ``modality`` of the latest design (tillage of the strips)."""
    from miaf.web.plots.models import PlotDesign

    alt = _frame(plot_qs, {"id": "plot_id", "altitude_m": "altitude_m"}, numbers=("altitude_m",))
    designs = _frame(PlotDesign.objects.filter(plot__in=plot_qs),
                     {"plot_id": "plot_id", "version": "version", "summary__modality": "flat",
                      "summary__summary__modality": "nested"})  # fmt: skip
    if designs.empty:
        return alt.assign(modality=None)
    designs = designs.sort_values("version").drop_duplicates("plot_id", keep="last")
    modality = designs["nested"].where(designs["nested"].notna(), designs["flat"])
    # JSON key lookups come back JSON-encoded on some backends ('"BV"')
    modality = modality.map(lambda v: json.loads(v) if isinstance(v, str) and v.startswith('"') else v)
    return alt.merge(pd.DataFrame({"plot_id": designs["plot_id"], "modality": modality}), on="plot_id", how="left")


def _layer_overlap(plots: pd.DataFrame, plot_qs: QuerySet) -> pd.DataFrame:
    """Plot × reference-layer overlap of the MIAF and MIAF-D plots (boundaries parsed in one vectorised call;
    the plots' stored geodesic areas are reused)."""
    import shapely

    from miaf.environment.layers import Layer, layer_overlap
    from miaf.web.registry.models import ReferenceLayer

    layers = list(ReferenceLayer.objects.values_list("name", "kind", "geometry", "source"))
    empty = pd.DataFrame({c: [] for c in COLUMNS["layer_overlap"]})
    if not layers:
        return empty
    established = plots.loc[plots["system"].isin(["miaf", "miaf_d"]), ["plot_id", "area_ha"]]
    raw = _frame(plot_qs.filter(system__in=["miaf", "miaf_d"]), {"id": "plot_id", "boundary": "boundary"})
    raw = raw.merge(established, on="plot_id", how="inner")
    raw = raw[raw["boundary"].notna() & (raw["area_ha"].astype(float) > 0)]
    if raw.empty:
        return empty
    text = [b if isinstance(b, str) else json.dumps(b) for b in raw["boundary"]]
    geoms = shapely.from_geojson(text, on_invalid="ignore")
    ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    items = list(zip(raw["plot_id"].to_numpy()[ok].tolist(), geoms[ok], strict=True))
    if not items:
        return empty
    objs = [Layer(name, _layer_geometry(geom), 1, source) for name, _, geom, source in layers]
    res = layer_overlap(items, objs, areas_ha=raw["area_ha"].to_numpy(float)[ok])
    kinds = {name: kind for name, kind, _, _ in layers}
    rows = [(int(p.plot_id), name, kinds[name], p.inside_ha[name], p.share[name])
            for p in res.plots for name in p.inside_ha]  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS["layer_overlap"]))


def load_tables(user, filters: IndicatorFilters | None = None, with_layers: bool = True) -> IndicatorTables:  # noqa: ANN001
    """The indicator tables of every family in the user's groups.

    Parameters
    ----------
    user : a Django user (any role; analysts included, they only ever get aggregates), or None for the
        command-line operator (all groups).
    filters : accepted for symmetry with :func:`miaf.indicators.compute_indicators`, which applies them;
        the extraction loads the whole scope so that baselines and comparison sets stay available.
    with_layers : compute the plot × reference-layer overlap (geodesic; the slowest step).
    """
    from miaf.web.fieldwork.models import Attendance
    from miaf.web.plots.models import Plot, PlotPhase
    from miaf.web.records.models import (
        Harvest,
        HarvestDestination,
        InputPurchase,
        LabourLog,
        LedgerEntry,
        Planting,
    )
    from miaf.web.registry.models import Family, Member, Membership

    groups = scoped_groups(user)
    fam_qs = Family.objects.filter(memberships__group__in=groups).values("pk").distinct()
    ms = _frame(Membership.objects.filter(family__in=fam_qs, group__in=groups),
                {"family_id": "family_id", "group_id": "group_id", "joined_on": "joined_on", "left_on": "left_on",
                 "group__name": "group", "group__producer_organisation_id": "organisation_id",
                 "group__producer_organisation__short_name": "short", "group__producer_organisation__name": "org_name"},
                dates=("joined_on", "left_on"))  # fmt: skip
    # a family counts where its current membership is; one that moved out of the user's groups does not
    all_current = _current_memberships(_frame(Membership.objects.filter(family__in=fam_qs),
                                              {"family_id": "family_id", "group_id": "group_id", "joined_on": "joined_on",
                                               "left_on": "left_on"}, dates=("joined_on", "left_on")))  # fmt: skip
    current = _current_memberships(ms)
    overall = all_current.set_index("family_id")["group_id"]
    current = current[current["group_id"].to_numpy() == overall.reindex(current["family_id"]).to_numpy()]
    fam = _frame(Family.objects.filter(pk__in=fam_qs),
                 {"id": "family_id", "locality__municipality__state_code": "state", "locality__municipality__code": "mun",
                  "anyone_migrated": "anyone_migrated", "locality__municipality__rainfall_normal_mm": "rainfall_mm"},
                 numbers=("rainfall_mm",))  # fmt: skip
    fam = fam.merge(current, on="family_id", how="inner")
    ids = set(fam["family_id"])
    heads = _frame(Member.objects.filter(family__in=fam_qs, role="head"), {"family_id": "family_id", "sex": "head_sex"})
    fam = fam.merge(heads.drop_duplicates("family_id"), on="family_id", how="left")
    families = pd.DataFrame({
        "family_id": fam["family_id"], "group_id": fam["group_id"], "group": fam["group"],
        "organisation_id": fam["organisation_id"],
        "organisation": fam["short"].where(fam["short"].astype(bool), fam["org_name"]),
        "municipality": fam["state"].astype(str) + fam["mun"].astype(str),
        "head_sex": fam["head_sex"].fillna(""), "anyone_migrated": fam["anyone_migrated"].astype(bool),
    })  # fmt: skip

    def mine(df: pd.DataFrame, col: str = "family_id") -> pd.DataFrame:
        return df[df[col].isin(ids)].reset_index(drop=True)

    members = mine(_frame(Member.objects.filter(family__in=fam_qs),
                          {"id": "member_id", "family_id": "family_id", "sex": "sex", "languages": "languages",
                           "migrated": "migrated"}))  # fmt: skip
    members["languages"] = members["languages"].map(lambda v: ";".join(_json_list(v)))
    members["migrated"] = members["migrated"].astype(bool)
    memberships = mine(ms[["family_id", "group_id", "joined_on", "left_on"]])

    plot_qs = Plot.objects.filter(family__in=fam_qs)
    plots = mine(_frame(plot_qs, {"id": "plot_id", "family_id": "family_id", "area_ha": "area_ha", "system": "system",
                                  "established_on": "established_on", "mean_slope_pct": "mean_slope_pct",
                                  "soil_depth_class": "soil_depth_class"},
                        dates=("established_on",), numbers=("mean_slope_pct",)))  # fmt: skip
    plots["rainfall_mm"] = fam.set_index("family_id")["rainfall_mm"].reindex(plots["family_id"]).to_numpy(float)
    plots = plots.merge(_plot_climate_inputs(plot_qs), on="plot_id", how="left")
    pids = set(plots["plot_id"])

    def of_plots(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["plot_id"].isin(pids)].reset_index(drop=True)

    phases = of_plots(_frame(PlotPhase.objects.filter(plot__in=plot_qs), {"plot_id": "plot_id", "system": "system",
                             "started_on": "started_on", "ended_on": "ended_on"}, dates=("started_on", "ended_on")))  # fmt: skip
    plantings = of_plots(_frame(Planting.objects.filter(plot__in=plot_qs),
                                {"plot_id": "plot_id", "species__code": "species", "planted_on": "planted_on",
                                 "quantity": "quantity", "unit": "unit"}, dates=("planted_on",), numbers=("quantity",)))  # fmt: skip
    harvests = of_plots(_frame(Harvest.objects.filter(plot__in=plot_qs),
                               {"id": "harvest_id", "plot_id": "plot_id", "species__code": "species",
                                "harvested_on": "harvested_on", "quantity_kg": "quantity_kg"},
                               dates=("harvested_on",), numbers=("quantity_kg",)))  # fmt: skip
    destinations = _frame(HarvestDestination.objects.filter(harvest__plot__in=plot_qs),
                          {"harvest_id": "harvest_id", "destination": "destination", "kg": "kg",
                           "price_mxn_per_kg": "price_mxn_per_kg"}, numbers=("kg", "price_mxn_per_kg"))  # fmt: skip
    destinations = destinations[destinations["harvest_id"].isin(set(harvests["harvest_id"]))].reset_index(drop=True)
    inputs = mine(_frame(InputPurchase.objects.filter(family__in=fam_qs),
                         {"family_id": "family_id", "plot_id": "plot_id", "purchased_on": "purchased_on",
                          "cost_mxn": "cost_mxn"}, dates=("purchased_on",), numbers=("plot_id", "cost_mxn")))  # fmt: skip
    labour = mine(_frame(LabourLog.objects.filter(family__in=fam_qs),
                         {"family_id": "family_id", "plot_id": "plot_id", "year": "year", "month": "month", "kind": "kind",
                          "person_days": "person_days", "worker_sex": "worker_sex", "wage_mxn_per_day": "wage_mxn_per_day"},
                         numbers=("plot_id", "person_days", "wage_mxn_per_day")))  # fmt: skip
    ledger = mine(_frame(LedgerEntry.objects.filter(family__in=fam_qs),
                         {"family_id": "family_id", "year": "year", "month": "month", "kind": "kind", "category": "category",
                          "species__code": "species", "amount_mxn": "amount_mxn"}, numbers=("amount_mxn",)))  # fmt: skip
    attendance = mine(_frame(Attendance.objects.filter(family__in=fam_qs),
                             {"event_id": "event_id", "family_id": "family_id", "member__sex": "member_sex",
                              "event__held_on": "held_on"}, dates=("held_on",)))  # fmt: skip
    overlap = None
    if with_layers:
        overlap = _layer_overlap(plots, plot_qs)
    for df, cols in ((labour, ("year", "month")), (ledger, ("year", "month"))):
        for c in cols:
            df[c] = df[c].astype(np.int64)
    return IndicatorTables(families=families, members=members, memberships=memberships, plots=plots, phases=phases,
                           plantings=plantings, harvests=harvests, destinations=destinations, inputs=inputs,
                           labour=labour, ledger=ledger, attendance=attendance, layer_overlap=overlap)
