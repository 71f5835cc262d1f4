"""Use cases of the MIAF-D designer on a registered plot: design it, save a version, rebuild the files.

* :func:`design_for_plot` runs :func:`miaf.design.design_plot` on the plot's stored boundary with the
  user's inputs, filling what the user left blank from the plot record: the mean slope
  (``Plot.mean_slope_pct``, used only without a DEM) and the soil depth (``Plot.soil_depth_class`` mapped to
  metres by :func:`soil_depth_m_for_class`, table ``params/designer.csv``).
* :func:`save_design` stores the result as the next :class:`~miaf.web.plots.models.PlotDesign` version in
  one transaction; older versions are never touched.
* :func:`stored_result` rebuilds a :class:`~miaf.design.DesignResult` from what a version stored (its
  GeoJSON layout, summary, bill of materials, labour and warnings), so the GPX, SVG and PDF downloads of a
  saved version need neither the uploaded DEM (which is not kept) nor today's parameter tables: the files
  always show what was saved.
* :func:`plot_design_inputs` is what the economics reads from the latest version (tree numbers by species,
  crop-strip area, establishment labour, bill of materials).

Stored layout of a version: ``summary`` = ``DesignResult.to_dict()`` without ``parameters`` (keys
``summary``, ``bill_of_materials``, ``labour``, ``labour_by_month``, ``warnings`` (with their ``params``),
``rows``, ``strips``) — the shape ``miaf.web.economy.services`` reads; ``parameters`` = ``{"inputs": what
the user chose (and the DEM's name, size and SHA-256), "design_parameters": every parameter used with its
value, unit, tag and source}``; ``geojson`` = ``DesignResult.to_geojson()``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pyproj import Geod
from shapely.geometry import shape

from miaf.design import (
    BomItem,
    CropStrip,
    DesignError,
    DesignResult,
    DesignSummary,
    DesignWarning,
    LabourItem,
    TreeRow,
    Trees,
    design_plot,
)
from miaf.design.plot import LocalFrame, parse_plot
from miaf.params import SOIL_DEPTH_CLASSES, load_parameters, soil_depth_class_m
from miaf.params import species as species_catalogue
from miaf.web.accounts.scoping import require_in_scope
from miaf.web.plots.models import Plot, PlotDesign

__all__ = [
    "INPUT_KEYS",
    "DesignInputError",
    "design_for_plot",
    "dem_max_bytes",
    "error_field",
    "error_message",
    "fruit_tree_codes",
    "plot_design_inputs",
    "save_design",
    "soil_depth_m_for_class",
    "stored_result",
    "warning_messages",
]

#: Inputs a design is made from (form fields, API payload keys and ``parameters["inputs"]``).
INPUT_KEYS = ("species", "arrangement", "slope_pct", "aspect_deg", "soil_depth_m", "row_spacing_m",
              "tree_spacing_m", "year")

#: DesignError code → the input it is about (``None``: the plot boundary itself).
_FIELD_OF_CODE = {
    "species_missing": "species", "species_unknown": "species", "arrangement_invalid": "arrangement",
    "parameter_unknown": "overrides", "parameter_invalid": "overrides", "terrain_missing": "aspect_deg",
    "slope_invalid": "slope_pct", "aspect_invalid": "aspect_deg", "soil_depth_invalid": "soil_depth_m",
}


class DesignInputError(ValueError):
    """An input refused before the designer runs (a catalogue species that is not a fruit tree, a large DEM)."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def _english() -> bool:
    return (get_language() or "es").lower().startswith("en")


def error_field(exc: DesignError | DesignInputError) -> str | None:
    """Input an error is about: ``species``, ``row_spacing_m``, ``dem``, … or ``None`` for the plot boundary."""
    if isinstance(exc, DesignInputError):
        return exc.field
    if exc.code == "spacing_not_positive":
        return str(exc.params.get("field") or "row_spacing_m")
    if exc.code.startswith("dem_"):
        return "dem"
    if exc.code.startswith("plot_"):
        return None
    return _FIELD_OF_CODE.get(exc.code)


def error_message(exc: DesignError | DesignInputError | DesignWarning) -> str:
    """The message in the active language (English ``message``, otherwise Spanish ``message_es``)."""
    if isinstance(exc, DesignInputError):
        return exc.message
    return exc.message if _english() else exc.message_es


def warning_messages(result: DesignResult) -> list[dict[str, str]]:
    """``[{code, message}]`` of a result's warnings in the active language."""
    return [{"code": w.code, "message": error_message(w)} for w in result.warnings]


def soil_depth_m_for_class(depth_class: str | None) -> float | None:
    """Representative soil depth [m] of a plot's soil depth class (``params/designer.csv``); ``None`` if unknown.

    The designer needs a depth only to compare it with the 1 m TMV threshold, so each bounded class is
    represented by its mid-point (shallow 0.25 m, medium 0.75 m) and the open-ended deep class by 1.5 m.
    """
    if not depth_class:
        return None
    if depth_class not in SOIL_DEPTH_CLASSES:
        raise DesignInputError("soil_depth_class", "soil_depth_class_unknown",
                               _("Clase de profundidad de suelo desconocida: %(value)s") % {"value": depth_class})
    return soil_depth_class_m(depth_class)


def dem_max_bytes() -> int:
    """Largest DEM upload accepted [bytes] (``dem_upload_max_mb`` of ``params/designer.csv``)."""
    return int(float(load_parameters("designer")["dem_upload_max_mb"]) * 1024 * 1024)


def fruit_tree_codes() -> list[str]:
    """Catalogue codes of the fruit trees (stratum ``fruit_tree``), the species a design can plant in rows."""
    return [code for code, row in species_catalogue().items() if row.get("stratum") == "fruit_tree"]


def _check_fruit_trees(codes: list[str]) -> None:
    """Catalogue species that are not fruit trees (maize, coffee…) cannot go in the tree rows."""
    catalogue = species_catalogue()
    fruit = set(fruit_tree_codes())
    for code in codes:
        if code in catalogue and code not in fruit:
            raise DesignInputError("species", "species_not_fruit_tree", _(
                "especie: %(code)s está en el catálogo pero no es un árbol frutal; las hileras llevan "
                "frutales: %(known)s") % {"code": code, "known": ", ".join(sorted(fruit))})


def _codes(species: Any) -> list[str]:
    if species is None:
        return []
    items = species.split(",") if isinstance(species, str) else list(species)
    return [str(s).strip() for s in items if str(s).strip()]


def _read_dem(dem_file: Any) -> tuple[bytes | None, dict[str, Any] | None]:
    if dem_file is None:
        return None, None
    limit = dem_max_bytes()
    size = getattr(dem_file, "size", None)
    if size is not None and size > limit:
        raise DesignInputError("dem", "dem_too_large", _(
            "DEM: el archivo pesa %(size).1f MB; el máximo es %(max).0f MB (recorte el DEM a la parcela)")
            % {"size": size / 1048576, "max": limit / 1048576})
    if hasattr(dem_file, "seek"):
        dem_file.seek(0)
    data = dem_file.read() if hasattr(dem_file, "read") else bytes(dem_file)
    if len(data) > limit:
        raise DesignInputError("dem", "dem_too_large", _(
            "DEM: el archivo pesa %(size).1f MB; el máximo es %(max).0f MB (recorte el DEM a la parcela)")
            % {"size": len(data) / 1048576, "max": limit / 1048576})
    meta = {"name": str(getattr(dem_file, "name", "") or "dem"), "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
    return data, meta


def resolve_inputs(plot: Plot | None, params: Mapping[str, Any], has_dem: bool) -> dict[str, Any]:
    """The inputs of :func:`design_plot`: the user's values, with blanks filled from the plot record.

    ``soil_depth_m`` comes from ``params["soil_depth_m"]`` if given, else from ``params["soil_depth_class"]``
    if that key is present (``""`` = unknown), else from the plot's class. ``slope_pct`` falls back to the
    plot's mean slope only when there is no DEM (a DEM gives slope and aspect).
    """
    codes = _codes(params.get("species"))
    _check_fruit_trees(codes)
    soil = params.get("soil_depth_m")
    if soil is None:
        depth_class = params["soil_depth_class"] if "soil_depth_class" in params else \
            (plot.soil_depth_class if plot is not None else None)
        soil = soil_depth_m_for_class(depth_class)
    slope = params.get("slope_pct")
    if slope is None and not has_dem and plot is not None:
        slope = plot.mean_slope_pct
    year = params.get("year")
    extra = {"soil_depth_class": params["soil_depth_class"]} if "soil_depth_class" in params else {}
    return extra | {
        "species": codes,
        "arrangement": params.get("arrangement") or "alternate",
        "slope_pct": None if has_dem else slope,
        "aspect_deg": None if has_dem else params.get("aspect_deg"),
        "soil_depth_m": soil,
        "row_spacing_m": params.get("row_spacing_m"),
        "tree_spacing_m": params.get("tree_spacing_m"),
        "year": int(year) if year is not None else 0,
    }


def _check_limits(boundary: Any, inputs: Mapping[str, Any]) -> None:
    """Refuse requests outside the web guards of ``params/designer.csv`` (absurd spacings, huge plots).

    Zero, negative and non-numeric spacings are left to the designer, whose message says so.
    """
    table = load_parameters("designer")
    for key in ("tree_spacing_m", "row_spacing_m"):
        value = inputs.get(key)
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            continue
        low, high = float(table[f"{key[:-2]}_min_m"]), float(table[f"{key[:-2]}_max_m"])
        if not low <= value <= high:
            raise DesignInputError(key, "spacing_out_of_range", _(
                "%(field)s: %(value)g m está fuera del intervalo admitido de %(low)g a %(high)g m")
                % {"field": key, "value": value, "low": low, "high": high})
    area_ha = abs(Geod(ellps="WGS84").geometry_area_perimeter(parse_plot(boundary))[0]) / 1e4
    limit = float(table["plot_max_area_ha"])
    if area_ha > limit:
        raise DesignInputError("plot", "plot_too_large", _(
            "parcela: %(area).1f ha es más que el máximo de %(max).0f ha que se diseña en línea; "
            "use la línea de comandos (miaf design)") % {"area": area_ha, "max": limit})


def design_for(boundary: Any, plot: Plot | None, params: Mapping[str, Any],
               dem_file: Any = None) -> tuple[DesignResult, dict[str, Any]]:
    """Design ``boundary`` (GeoJSON) with ``params``; returns the result and the inputs actually used."""
    dem, dem_meta = _read_dem(dem_file)
    inputs = resolve_inputs(plot, params, dem is not None)
    _check_limits(boundary, inputs)
    kwargs = {k: inputs[k] for k in INPUT_KEYS if k != "species"}
    result = design_plot(boundary, inputs["species"], dem=dem, **kwargs)
    return result, inputs | {"dem": dem_meta}


def design_for_plot(plot: Plot, params: Mapping[str, Any], dem_file: Any = None) -> DesignResult:
    """Design a registered plot (its stored boundary) with ``params`` and an optional uploaded DEM.

    Parameters
    ----------
    plot : Plot
    params : mapping
        ``species`` (list or comma-separated codes), ``arrangement``, ``slope_pct`` [%], ``aspect_deg`` [°],
        ``soil_depth_m`` [m] or ``soil_depth_class`` (shallow/medium/deep/""), ``row_spacing_m`` [m],
        ``tree_spacing_m`` [m], ``year``. Missing or ``None`` values use the plot record and the defaults.
    dem_file : file-like or bytes, optional
        An uploaded GeoTIFF (at most ``dem_upload_max_mb``).

    Returns
    -------
    DesignResult, with the inputs used in ``result.inputs`` (a plain attribute set here).

    Raises
    ------
    DesignError or DesignInputError (both ValueError); :func:`error_field` names the input.
    """
    result, inputs = design_for(plot.boundary, plot, params, dem_file)
    result.inputs = inputs  # type: ignore[attr-defined]
    return result


def _stored_summary(result: DesignResult) -> dict[str, Any]:
    data = result.to_dict()
    data.pop("parameters", None)
    data["warnings"] = [w.to_dict() | {"params": _plain(w.params)} for w in result.warnings]
    return data


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def save_design(plot: Plot, result: DesignResult, params: Mapping[str, Any] | None, user: Any) -> PlotDesign:
    """Store ``result`` as the plot's next design version (max + 1) in one transaction; returns it.

    ``params`` are the inputs to record (defaults to ``result.inputs`` set by :func:`design_for_plot`).
    """
    if getattr(user, "is_authenticated", False):
        require_in_scope(user, plot)
    inputs = dict(params if params is not None else getattr(result, "inputs", {}))
    with transaction.atomic():
        locked = Plot.objects.select_for_update().get(pk=plot.pk)  # serialises concurrent saves (PostgreSQL)
        version = (locked.designs.aggregate(v=Max("version"))["v"] or 0) + 1
        return PlotDesign.objects.create(
            plot=locked, version=version,
            parameters={"inputs": _plain(inputs), "design_parameters": _plain(result.parameters)},
            summary=_stored_summary(result), geojson=_plain(result.to_geojson()),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )


def _fields(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def stored_result(design: PlotDesign) -> DesignResult:
    """Rebuild the :class:`DesignResult` of a saved version from its stored GeoJSON and summary.

    Geometry comes back from WGS84 (rounded to 1e-7°, about 1 cm) to the plot's local UTM frame, so the
    exports of a saved version show exactly what was saved, whatever DEM or parameter table made it.
    """
    feats = (design.geojson or {}).get("features") or []
    by_kind: dict[str, list[dict]] = {}
    for f in feats:
        by_kind.setdefault((f.get("properties") or {}).get("kind", ""), []).append(f)
    plot_feats = by_kind.get("plot") or [{"geometry": design.plot.boundary}]
    plot_wgs = shape(plot_feats[0]["geometry"])
    frame = LocalFrame(plot_wgs)
    data = design.summary or {}
    summary = DesignSummary(**_fields(DesignSummary, data.get("summary") or {}))
    rows = []
    for f in sorted(by_kind.get("tree_row", []), key=lambda f: f["properties"]["row_number"]):
        p = f["properties"]
        elev = p.get("elevation_m")
        rows.append(TreeRow(number=int(p["row_number"]), line=frame.to_local(shape(f["geometry"])),
                            level_m=elev if elev is not None else 0.0, elevation_m=elev,
                            length_m=float(p.get("length_m", 0.0)), n_trees=int(p.get("n_trees", 0)),
                            species=[s for s in str(p.get("species", "")).split(",") if s],
                            partial=bool(p.get("partial", False))))
    tf = by_kind.get("tree", [])
    lonlat = np.array([f["geometry"]["coordinates"] for f in tf], dtype=float).reshape(-1, 2)
    local = shapely.get_coordinates(frame.to_local(shapely.points(lonlat))) if len(tf) else np.zeros((0, 2))
    elev = np.array([f["properties"].get("elevation_m", np.nan) for f in tf], dtype=float)
    trees = Trees(x=local[:, 0], y=local[:, 1], lon=lonlat[:, 0], lat=lonlat[:, 1],
                  row_number=np.array([f["properties"]["row_number"] for f in tf], dtype=int),
                  number_in_row=np.array([f["properties"]["number_in_row"] for f in tf], dtype=int),
                  species=np.array([f["properties"]["species"] for f in tf], dtype=str),
                  elevation_m=elev if len(tf) and np.isfinite(elev).any() else None)
    strips = [CropStrip(int(f["properties"]["strip_number"]), frame.to_local(shape(f["geometry"])),
                        f["properties"]["crop_this_year"], f["properties"]["crop_next_year"],
                        float(f["properties"]["area_m2"]))
              for f in sorted(by_kind.get("crop_strip", []), key=lambda f: f["properties"]["strip_number"])]
    return DesignResult(
        summary=summary, plot=frame.to_local(plot_wgs), plot_wgs84=plot_wgs, rows=rows, trees=trees, strips=strips,
        bill_of_materials=[BomItem(**_fields(BomItem, b)) for b in data.get("bill_of_materials") or []],
        labour=[LabourItem(**_fields(LabourItem, lab)) for lab in data.get("labour") or []],
        warnings=[DesignWarning(w["code"], w.get("params") or {}) for w in data.get("warnings") or []
                  if w.get("code")],
        parameters=(design.parameters or {}).get("design_parameters") or {}, frame=frame,
    )


def plot_design_inputs(plot: Plot) -> dict[str, Any] | None:
    """What the economics takes from the plot's latest design, or ``None`` without a design.

    Keys: ``version``, ``n_trees``, ``trees_by_species`` {code: trees}, ``area_ha``, ``crop_strip_area_ha``,
    ``establishment_person_days``, ``labour_by_month`` (12 values [person-days]), ``bill_of_materials``.
    """
    design = plot.designs.order_by("-version").first()
    if design is None:
        return None
    data = design.summary or {}
    s = data.get("summary") or {}
    return {
        "version": design.version,
        "n_trees": s.get("n_trees"),
        "trees_by_species": dict(s.get("trees_by_species") or {}),
        "area_ha": s.get("area_ha"),
        "crop_strip_area_ha": s.get("crop_strip_area_ha"),
        "establishment_person_days": s.get("establishment_person_days"),
        "labour_by_month": list(data.get("labour_by_month") or []),
        "bill_of_materials": list(data.get("bill_of_materials") or []),
    }
