"""JSON errors for the API: every refusal says what is wrong and, where it can, which field.

* 422 ``{"detail": [{"field": "boundary", "message": "...", "code": "self_intersects"}, ...]}`` for a
  request body or query that does not validate (pydantic), a model that does not clean (Django
  ``ValidationError``) or a plot boundary that is not a plot (:class:`miaf.geo.GeometryError`);
* 401/403/404/409 ``{"detail": "message"}``.

Nested fields are named with dots and list indices: ``destinations.1.kg``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from miaf.geo import GeometryError

if TYPE_CHECKING:
    from ninja import NinjaAPI

#: Where pydantic puts a parameter; stripped from the error location so that ``field`` is the name a
#: client sent (``name``, ``destinations.0.kg``, ``limit``), not ``body.payload.name``.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_PARAM_NAMES = {"payload", "filters", "ninja_pagination", "params"}


class FieldError(ValueError):
    """A refusal about one field of the request (an unknown or out-of-reach reference, a bad split)."""

    def __init__(self, field: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def field_errors_from_django(exc: ValidationError, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten a Django ``ValidationError`` (dict or list) into ``[{field, message, code}]``."""
    out: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = None if field == NON_FIELD_ERRORS else f"{prefix}{field}"
            for err in errors:
                for message in err.messages:
                    out.append({"field": name, "message": message, "code": err.code or "invalid"})
    else:
        for err in exc.error_list:
            for message in err.messages:
                out.append({"field": prefix.rstrip(".") or None, "message": message, "code": err.code or "invalid"})
    return out


def _loc_to_field(loc: list | tuple) -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


def _pydantic_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors:
        message = str(err.get("msg", "invalid"))
        ctx_error = (err.get("ctx") or {}).get("error")
        if ctx_error is not None and message.startswith("Value error, "):
            message = str(ctx_error)
        out.append({"field": _loc_to_field(err.get("loc", ())), "message": message, "code": str(err.get("type", "invalid"))})
    return out


def install(api: NinjaAPI) -> None:
    """Register the JSON exception handlers on ``api``."""

    def unprocessable(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
        return api.create_response(request, {"detail": errors}, status=422)

    def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return unprocessable(request, _pydantic_errors(exc))

    @api.exception_handler(ValidationError)
    def on_model_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return unprocessable(request, field_errors_from_django(exc))

    @api.exception_handler(GeometryError)
    def on_geometry_error(request: HttpRequest, exc: GeometryError) -> HttpResponse:
        message = exc.message(get_language() or "es")
        return unprocessable(request, [{"field": "boundary", "message": message, "code": exc.code}])

    @api.exception_handler(FieldError)
    def on_field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
        return unprocessable(request, [{"field": exc.field, "message": exc.message, "code": exc.code}])

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return detail(request, str(exc) or _("No encontrado."), 404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return detail(request, str(exc) or _("Su rol no permite esta operación."), 403)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Se necesita un token válido (Authorization: Bearer miaf_…) o una sesión iniciada.")
        response = detail(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="miaf"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return detail(request, str(exc), exc.status_code)

    @api.exception_handler(ProtectedError)
    def on_protected(request: HttpRequest, exc: ProtectedError) -> HttpResponse:
        n = len(exc.protected_objects)
        return detail(request, _("No se puede borrar: %(n)d registro(s) dependen de éste.") % {"n": n}, 409)

    @api.exception_handler(RestrictedError)
    def on_restricted(request: HttpRequest, exc: RestrictedError) -> HttpResponse:
        return detail(request, _("No se puede borrar: otros registros dependen de éste."), 409)

    @api.exception_handler(IntegrityError)
    def on_integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return detail(request, _("El registro choca con otro ya guardado (%(error)s).") % {"error": exc}, 409)
