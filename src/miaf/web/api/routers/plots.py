"""Plots (GeoJSON boundaries), their production-system history and their saved MIAF-D designs
(personal data: analysts get 403).

``GET /plots?format=geojson`` answers a GeoJSON FeatureCollection of the same page of plots.
``GET /plots/{id}/designs`` lists the saved design versions (read-only: designs are saved by the
designer page); ``GET /plots/{id}/designs/{version}`` answers one with its layout as GeoJSON.
"""

# No ``from __future__ import annotations``: django-ninja must see the query schema classes themselves.

from typing import Any, Literal

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Path, Query, Router
from ninja.responses import Status

from miaf.geo import GeometryError, right_hand_geometry, validate_boundary
from miaf.web.accounts.scoping import families_for, plots_for, require_personal_data
from miaf.web.api.crud import Ref, Resource, apply_filters, get_scoped, guard_create, ordered, register
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import (
    DEFAULT_LIMIT,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    FeatureCollection,
    PhaseIn,
    PhaseOut,
    PlotDesignOut,
    PlotDesignSummaryOut,
    PlotIn,
    PlotOut,
    PlotPage,
    PlotUpdate,
    filters,
    responses,
)
from miaf.web.core.paging import cached_count
from miaf.web.plots.models import Plot, PlotDesign
from miaf.web.plots.services import convert_plot, register_plot

router = Router(tags=["plots"])


def checked_boundary(value: Any):  # noqa: ANN201
    """``validate_boundary`` with any malformed input reported as a GeometryError (422 on ``boundary``)."""
    try:
        return validate_boundary(value)
    except GeometryError:
        raise
    except (TypeError, KeyError, ValueError, OverflowError, AttributeError, RecursionError) as exc:
        raise GeometryError("bad_coordinates", detail=str(exc) or type(exc).__name__) from exc


def save_plot(request: HttpRequest, plot: Plot, data: dict, created: bool) -> Plot:
    since = data.pop("since", None)
    if "boundary" in data:
        data["boundary"] = checked_boundary(data["boundary"]).geojson
    for key, value in data.items():
        setattr(plot, key, value)
    if created:
        start = since or plot.established_on or timezone.localdate()
        if start > timezone.localdate():
            raise FieldError("since", _("La fecha no puede estar en el futuro."), "future_date")
        return register_plot(plot, start, actor=request.auth)
    plot.full_clean()
    plot.save()
    return plot


FILTERS = {
    "organisation": lambda v: Q(family__memberships__group__producer_organisation=v)
    | Q(family__memberships__group__producer_organisation__accompanied_by=v),
    "group": "family__memberships__group",
    "municipality": "family__locality__municipality",
    "system": "system",
    "year": "established_on__year",
    "family": "family",
}

plots = Resource(
    name="plots", model=Plot, out=PlotOut, label=_l("La parcela"), create=PlotIn, update=PlotUpdate,
    queryset=lambda user: plots_for(user), filters=FILTERS, search=("name", "family__code", "family__name"),
    refs={"family": Ref(lambda user: families_for(user), label=_l("La familia"))},
    nested=("since",), save=save_plot, list_endpoint=False,
    description="A plot's `boundary` is a GeoJSON Polygon (WGS84). Its system changes through /plots/{id}/phases.",
)
PlotFilters = filters("PlotFilters", *FILTERS, "q")


def feature(plot: Plot) -> dict:
    props = PlotOut.model_validate(plot).model_dump(mode="json", exclude={"boundary", "id"})
    return {"type": "Feature", "id": plot.pk, "geometry": right_hand_geometry(plot.boundary), "properties": props}


@router.get("", response=responses(200, PlotPage | FeatureCollection, 401, 403, 422), operation_id="plots_list",
            summary="List plots (JSON page or GeoJSON FeatureCollection)")
def list_plots(  # noqa: ANN201
    request: HttpRequest,
    filters: PlotFilters = Query(...),  # noqa: B008
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    format: Literal["json", "geojson"] = Query("json", description="`geojson` for a FeatureCollection"),  # noqa: A002
):
    require_personal_data(request.auth)
    qs = ordered(apply_filters(plots, plots.queryset(request.auth), filters))
    count = cached_count(qs)
    page = list(qs[offset : offset + limit])
    if format == "geojson":
        return {"type": "FeatureCollection", "count": count, "features": [feature(p) for p in page]}
    return {"items": page, "count": count}


register(router, plots)


@router.get("/{id}/phases", response=responses(200, list[PhaseOut], 401, 403, 404), operation_id="plots_phases_list",
            summary="History of a plot's production systems")
def list_phases(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    require_personal_data(request.auth)
    plot = get_scoped(plots, request.auth, id)
    return list(plot.phases.order_by("started_on", "pk"))


@router.post("/{id}/phases", response=responses(201, PhaseOut), operation_id="plots_phases_create",
             summary="Convert a plot to another system from a date (closes the open phase)")
def create_phase(request: HttpRequest, payload: PhaseIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    guard_create(plots, request.auth)
    plot = get_scoped(plots, request.auth, id)
    if payload.on > timezone.localdate():
        raise FieldError("on", _("La fecha no puede estar en el futuro."), "future_date")
    phase = convert_plot(plot, payload.system, payload.on, payload.notes, actor=request.auth)
    return Status(201, phase)


# --- saved MIAF-D designs (read-only) ------------------------------------------------------------------

#: The largest design version a client may ask for (the column is a 32-bit positive integer).
MAX_VERSION = 2**31 - 1


def _stored(design: PlotDesign, key: str, kind: type) -> Any:
    """A part of the stored summary (``DesignResult.to_dict()``), empty when the version lacks it."""
    value = (design.summary or {}).get(key)
    return value if isinstance(value, kind) else kind()


def design_summary(design: PlotDesign) -> dict[str, Any]:
    return {
        "version": design.version,
        "created_at": design.created_at,
        "created_by": design.created_by.username if design.created_by_id else None,
        "summary": _stored(design, "summary", dict),
    }


def design_detail(design: PlotDesign) -> dict[str, Any]:
    english = (get_language() or "es").startswith("en")
    warnings = [
        {"code": str(w.get("code", "")), "message": str(w.get("message" if english else "message_es") or w.get("message") or "")}
        for w in _stored(design, "warnings", list) if isinstance(w, dict)
    ]
    geojson = design.geojson if isinstance(design.geojson, dict) and design.geojson else {"type": "FeatureCollection", "features": []}
    return {
        **design_summary(design),
        "parameters": design.parameters if isinstance(design.parameters, dict) else {},
        "bill_of_materials": [row for row in _stored(design, "bill_of_materials", list) if isinstance(row, dict)],
        "labour_by_month": _stored(design, "labour_by_month", list),
        "warnings": warnings,
        "geojson": geojson,
    }


@router.get("/{id}/designs", response=responses(200, list[PlotDesignSummaryOut], 401, 403, 404),
            operation_id="plots_designs_list", summary="Saved MIAF-D design versions of a plot (newest first)")
def list_designs(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    require_personal_data(request.auth)
    plot = get_scoped(plots, request.auth, id)
    return [design_summary(d) for d in plot.designs.select_related("created_by").order_by("-version")]


@router.get("/{id}/designs/{version}", response=responses(200, PlotDesignOut, 401, 403, 404),
            operation_id="plots_designs_get",
            summary="One saved MIAF-D design of a plot, with its layout as a GeoJSON FeatureCollection")
def get_design(  # noqa: ANN201
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID),  # noqa: A002
    version: int = Path(..., ge=1, le=MAX_VERSION),
):
    require_personal_data(request.auth)
    plot = get_scoped(plots, request.auth, id)
    design = plot.designs.select_related("created_by").filter(version=version).first()
    if design is None:
        raise Http404(_("La parcela %(id)s no tiene la versión %(v)s del diseño.") % {"id": id, "v": version})
    return design_detail(design)
