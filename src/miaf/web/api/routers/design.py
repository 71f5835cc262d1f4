"""``POST /design``: the MIAF-D designer over HTTP (same inputs as the "Diseñar MIAF-D" page).

The request is ``multipart/form-data`` with a ``payload`` part holding JSON and an optional ``dem`` part
holding a GeoTIFF::

    curl -H "Authorization: Bearer miaf_…" -F 'payload={"plot_id": 12, "species": ["aguacate"],
         "aspect_deg": 180}' -F dem=@terreno.tif https://…/api/v1/design

``payload`` names the plot either by ``plot_id`` (a plot within the caller's reach; analysts 403, others'
plots 404; blank inputs are then taken from the plot record: boundary, mean slope without a DEM, soil depth
class) or by ``plot`` (a GeoJSON Polygon in WGS84, for any authenticated user). The answer is the summary,
the layout as a GeoJSON FeatureCollection, the warnings in the request's language (``Accept-Language``),
the bill of materials and the establishment labour by month. Nothing is saved.

Bad input answers 422 ``{"detail": [{"field": "row_spacing_m", "message": "…", "code": "spacing_not_positive"}]}``
with the designer's own codes (``species_unknown``, ``dem_no_overlap``, ``plot_self_intersects``…).
"""

# No ``from __future__ import annotations``: django-ninja must see the schema classes themselves.

import json
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from miaf.design import DesignError
from miaf.web.accounts.scoping import plots_for, require_personal_data
from miaf.web.api.errors import FieldError
from miaf.web.designer.services import (
    DesignInputError,
    design_for,
    error_field,
    error_message,
    warning_messages,
)

router = Router(tags=["design"])


class DesignIn(Schema):
    """The JSON of the ``payload`` part. Units: %, degrees, metres."""

    model_config = ConfigDict(extra="forbid")

    plot: dict[str, Any] | None = Field(None, description="Plot boundary: GeoJSON Polygon in WGS84 (or give plot_id)")
    plot_id: int | None = Field(None, ge=1, description="A registered plot within the caller's reach")
    species: list[str] | str = Field(..., description="Fruit-tree codes of the catalogue, list or 'a,b'")
    slope_pct: float | None = Field(None, description="Mean slope [%] when there is no DEM")
    aspect_deg: float | None = Field(None, description="Downhill azimuth [°] clockwise from north, without a DEM")
    soil_depth_m: float | None = Field(None, description="Soil depth [m]; decides TMV/BV at 30-40 % slope")
    row_spacing_m: float | None = Field(None, description="Module width along the ground [m]")
    tree_spacing_m: float | None = Field(None, description="In-row tree spacing [m]")
    arrangement: str = Field("alternate", description="'alternate' (tree by tree) or 'blocks' (of rows)")
    year: int = Field(0, ge=0, description="Years since establishment (maize/bean strips swap every year)")


class DesignOut(Schema):
    summary: dict[str, Any]
    geojson: dict[str, Any]
    warnings: list[dict[str, str]]
    bill_of_materials: list[dict[str, Any]]
    labour_by_month: list[float]


class FieldErrorOut(Schema):
    field: str | None
    message: str
    code: str


class ErrorsOut(Schema):
    detail: list[FieldErrorOut]


class DetailOut(Schema):
    detail: str


def _payload(text: str) -> DesignIn:
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise FieldError("payload", _("payload: no es JSON válido (%(error)s)") % {"error": exc}, "invalid_json") from exc
    if not isinstance(data, dict):
        raise FieldError("payload", _("payload: se esperaba un objeto JSON"), "invalid_json")
    try:
        return DesignIn.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from exc


@router.post("/design", response={200: DesignOut, 401: DetailOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut},
             summary="Design a MIAF-D plot layout (not saved)")
def design(request: HttpRequest, payload: Form[str], dem: File[UploadedFile | None] = None) -> dict[str, Any]:
    """Contour tree rows, trees, crop strips and quantities for a plot (multipart: ``payload`` JSON + ``dem``)."""
    data = _payload(payload)
    plot = None
    if data.plot_id is not None:
        require_personal_data(request.user)
        plot = get_object_or_404(plots_for(request.user), pk=data.plot_id)
    boundary = data.plot if data.plot is not None else (plot.boundary if plot is not None else None)
    if boundary is None:
        raise FieldError("plot", _("parcela: indique el contorno (plot, GeoJSON) o una parcela registrada (plot_id)"),
                         "plot_missing")
    params = data.model_dump(exclude={"plot", "plot_id"}, exclude_none=True)
    try:
        result, _inputs = design_for(boundary, plot, params, dem)
    except (DesignError, DesignInputError) as exc:
        raise FieldError(error_field(exc) or "plot", error_message(exc), exc.code) from exc
    full = result.to_dict()
    return {"summary": full["summary"], "geojson": result.to_geojson(), "warnings": warning_messages(result),
            "bill_of_materials": full["bill_of_materials"], "labour_by_month": full["labour_by_month"]}
