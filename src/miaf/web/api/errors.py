"""JSON errors for the API: every refusal says what is wrong and, where it can, which field.

* 422 ``{"detail": [{"field": "boundary", "message": "...", "code": "self_intersects"}, ...]}`` for a
  request body or query that does not validate (pydantic), a model that does not clean (Django
  ``ValidationError``) or a plot boundary that is not a plot (:class:`miaf.geo.GeometryError`);
* 401/403/404/409 ``{"detail": "message"}``.

Nested fields are named with dots and list indices: ``destinations.1.kg``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
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


#: pydantic's error types (the stable ``code``) → the message in the request's language; ``%(…)s`` are read
#: from the error's context (``ge``, ``max_length`` …). Types not listed get :data:`_INVALID`.
_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("es obligatorio."),
    "extra_forbidden": gettext_lazy("no es un campo admitido."),
    "string_type": gettext_lazy("debe ser un texto."),
    "string_pattern_mismatch": gettext_lazy("no tiene el formato esperado (%(pattern)s)."),
    "string_not_ascii": gettext_lazy("debe tener sólo caracteres ASCII."),
    "int_type": gettext_lazy("debe ser un número entero."),
    "int_parsing": gettext_lazy("debe ser un número entero."),
    "int_from_float": gettext_lazy("debe ser un número entero."),
    "float_type": gettext_lazy("debe ser un número."),
    "float_parsing": gettext_lazy("debe ser un número."),
    "decimal_type": gettext_lazy("debe ser un número."),
    "decimal_parsing": gettext_lazy("debe ser un número."),
    "finite_number": gettext_lazy("debe ser un número finito."),
    "decimal_max_digits": gettext_lazy("tiene más de %(max_digits)s cifras."),
    "decimal_max_places": gettext_lazy("tiene más de %(decimal_places)s decimales."),
    "decimal_whole_digits": gettext_lazy("tiene más de %(whole_digits)s cifras enteras."),
    "greater_than": gettext_lazy("debe ser mayor que %(gt)s."),
    "greater_than_equal": gettext_lazy("debe ser mayor o igual que %(ge)s."),
    "less_than": gettext_lazy("debe ser menor que %(lt)s."),
    "less_than_equal": gettext_lazy("debe ser menor o igual que %(le)s."),
    "multiple_of": gettext_lazy("debe ser múltiplo de %(multiple_of)s."),
    "bool_type": gettext_lazy("debe ser verdadero o falso (true/false)."),
    "bool_parsing": gettext_lazy("debe ser verdadero o falso (true/false)."),
    "date_type": gettext_lazy("debe ser una fecha AAAA-MM-DD."),
    "date_parsing": gettext_lazy("debe ser una fecha AAAA-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("debe ser una fecha AAAA-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("debe ser una fecha AAAA-MM-DD."),
    "datetime_type": gettext_lazy("debe ser una fecha y hora ISO 8601 (AAAA-MM-DDThh:mm:ss)."),
    "datetime_parsing": gettext_lazy("debe ser una fecha y hora ISO 8601 (AAAA-MM-DDThh:mm:ss)."),
    "datetime_from_date_parsing": gettext_lazy("debe ser una fecha y hora ISO 8601 (AAAA-MM-DDThh:mm:ss)."),
    "time_type": gettext_lazy("debe ser una hora hh:mm."),
    "time_parsing": gettext_lazy("debe ser una hora hh:mm."),
    "literal_error": gettext_lazy("debe ser uno de: %(expected)s."),
    "enum": gettext_lazy("debe ser uno de: %(expected)s."),
    "uuid_type": gettext_lazy("debe ser un UUID."),
    "uuid_parsing": gettext_lazy("debe ser un UUID."),
    "dict_type": gettext_lazy("debe ser un objeto JSON."),
    "model_type": gettext_lazy("debe ser un objeto JSON."),
    "model_attributes_type": gettext_lazy("debe ser un objeto JSON."),
    "list_type": gettext_lazy("debe ser una lista."),
    "tuple_type": gettext_lazy("debe ser una lista."),
    "set_type": gettext_lazy("debe ser una lista."),
    "json_invalid": gettext_lazy("no es JSON válido."),
    "json_type": gettext_lazy("debe ser JSON."),
    "url_type": gettext_lazy("debe ser una dirección web (URL)."),
    "url_parsing": gettext_lazy("debe ser una dirección web (URL)."),
    "url_scheme": gettext_lazy("debe ser una dirección web (URL)."),
    "none_required": gettext_lazy("debe ser nulo."),
}
_INVALID = gettext_lazy("no es válido.")
#: Counted limits, with their plural forms: context key → message (``n`` chooses the plural).
_COUNTED: dict[str, tuple[str, Any]] = {
    "string_too_short": ("min_length", ngettext_lazy("debe tener al menos %(n)d carácter.",
                                                     "debe tener al menos %(n)d caracteres.", "n")),
    "string_too_long": ("max_length", ngettext_lazy("debe tener como máximo %(n)d carácter.",
                                                    "debe tener como máximo %(n)d caracteres.", "n")),
    "too_short": ("min_length", ngettext_lazy("debe tener al menos %(n)d elemento.",
                                              "debe tener al menos %(n)d elementos.", "n")),
    "too_long": ("max_length", ngettext_lazy("debe tener como máximo %(n)d elemento.",
                                             "debe tener como máximo %(n)d elementos.", "n")),
}


def pydantic_message(kind: str, ctx: dict[str, Any], field: str | None) -> str:
    """The message of one pydantic error in the active language: ``"limit: debe ser menor o igual que 500."``.

    The field's location (as in ``field``) leads the message; without one (the whole body), the message stands
    alone. A validator's own ``ValueError`` (type ``value_error``) keeps its message as it is: it is ours,
    translated where it is raised, and names what it is about.
    """
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return str(ctx["error"])  # written to stand alone, like the models' own messages
    if kind in _COUNTED:
        key, counted = _COUNTED[kind]
        text = counted % {"n": int(ctx.get(key, 0))}
    else:
        template = _MESSAGES.get(kind, _INVALID)
        values = {k: _context_value(v) for k, v in ctx.items()}
        try:
            text = str(template) % values
        except (KeyError, TypeError, ValueError):  # a context without the expected key: the plain message
            text = str(_INVALID)
    if field:
        return f"{field}: {text}"
    return text[:1].upper() + text[1:]


def _context_value(value: Any) -> str:
    """A context value for a message: pydantic's ``"'a', 'b' or 'c'"`` becomes ``a, b, c`` in any language."""
    text = str(value)
    quoted = re.findall(r"'([^']*)'", text)
    return ", ".join(quoted) if quoted else text


def _pydantic_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors:
        field = _loc_to_field(err.get("loc", ()))
        kind = str(err.get("type", "invalid"))
        message = pydantic_message(kind, err.get("ctx") or {}, field)
        out.append({"field": field, "message": message, "code": kind})
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
