"""Reading one value of a submission: types, ranges, dates, choices and geoshapes, with bilingual reasons.

A bad value raises :class:`Invalid` carrying a message code; :func:`reason` turns it into the
``{field, message_es, message_en}`` dict stored on a quarantined row. No Django here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from miaf.geo import GeometryError, PlotGeometry, validate_boundary

MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Falta este dato obligatorio.", "This required value is missing."),
    "not_integer": ("«{value}» no es un número entero.", "“{value}” is not a whole number."),
    "not_number": ("«{value}» no es un número.", "“{value}” is not a number."),
    "below": ("{value} es menor que el mínimo permitido ({limit}).", "{value} is below the minimum allowed ({limit})."),
    "above": ("{value} es mayor que el máximo permitido ({limit}).", "{value} is above the maximum allowed ({limit})."),
    "not_date": (
        "«{value}» no es una fecha válida (use AAAA-MM-DD, p. ej. 2024-03-15).",
        "“{value}” is not a valid date (use YYYY-MM-DD, e.g. 2024-03-15).",
    ),
    "impossible_date": (
        "«{value}» no es una fecha que exista: {detail}.",
        "“{value}” is not a date that exists: {detail}.",
    ),
    "future_date": ("La fecha {value} está en el futuro.", "The date {value} is in the future."),
    "bad_choice": (
        "«{value}» no es una opción de la lista {list} (opciones: {options}).",
        "“{value}” is not an option of list {list} (options: {options}).",
    ),
    "too_long": ("El texto tiene {n} caracteres; el máximo es {limit}.", "The text has {n} characters; the maximum is {limit}."),
    "bad_geoshape": ("El contorno no se puede leer: {detail}.", "The boundary cannot be read: {detail}."),
    "geometry": ("{es}", "{en}"),
    "refused": ("{es}", "{en}"),
    "unknown_member": (
        "«{value}» no es integrante registrado de la familia.", "“{value}” is not a registered member of the family."
    ),
    "unknown_family": (
        "No existe una familia con el código «{value}». Regístrela primero o corrija el código.",
        "There is no family with code “{value}”. Register it first or correct the code.",
    ),
    "family_not_in_groups": (
        "La familia «{value}» no está en sus grupos (family not in your groups).",
        "Family “{value}” is not in your groups (family not in your groups).",
    ),
    "family_out_of_scope": (
        "La familia «{value}» no pertenece a las organizaciones que usted acompaña.",
        "Family “{value}” does not belong to the organisations you accompany.",
    ),
    "record_out_of_scope": (
        "El envío {value} ya importado modificó registros fuera de su alcance (de otro grupo u organización); "
        "no puede actualizarlos. Pida a la coordinación que revise el envío.",
        "Submission {value}, already imported, wrote records outside your reach (another group or organisation); "
        "you may not update them. Ask the coordination to review the submission.",
    ),
    "family_code_taken": (
        "El código de familia «{value}» ya está registrado por otro envío o a mano.",
        "Family code “{value}” is already registered by another submission or by hand.",
    ),
    "unknown_plot": ("No existe la parcela «{value}».", "There is no plot “{value}”."),
    "plot_not_of_family": (
        "La parcela «{value}» no es de la familia {family}.", "Plot “{value}” does not belong to family {family}."
    ),
    "unknown_species": ("No hay especie con el código «{value}» en el catálogo.", "No species with code “{value}” in the catalogue."),
    "unknown_group": ("No existe el grupo de trabajo «{value}».", "There is no working group “{value}”."),
    "group_out_of_scope": ("El grupo «{value}» no está entre los suyos.", "Group “{value}” is not one of yours."),
    "unknown_municipality": ("No existe el municipio «{value}».", "There is no municipality “{value}”."),
    "unknown_locality": ("No existe la localidad «{value}».", "There is no locality “{value}”."),
    "locality_not_in_municipality": (
        "La localidad «{value}» no está en el municipio {municipality}.",
        "Locality “{value}” is not in municipality {municipality}.",
    ),
    "split_exceeds_harvest": (
        "Los destinos suman {total} kg, más que los {harvest} kg cosechados.",
        "Destinations add up to {total} kg, more than the {harvest} kg harvested.",
    ),
    "sale_needs_price": ("Una venta necesita su precio por kg.", "A sale needs its price per kg."),
    "sale_price_zero": ("El precio de una venta debe ser mayor que cero.", "A sale's price must be more than zero."),
    "category_kind": (
        "La categoría «{value}» no corresponde a un {kind_es}.", "Category “{value}” does not match an {kind_en}."
    ),
    "future_month": ("El mes {value} está en el futuro.", "Month {value} is in the future."),
    "wrong_version": (
        "El envío es de la versión «{value}» del formulario; se aceptan: {accepted}.",
        "The submission is from form version “{value}”; accepted: {accepted}.",
    ),
    "no_instance_id": (
        "El envío no tiene id de instancia (meta/instanceID, KEY o _uuid).",
        "The submission has no instance id (meta/instanceID, KEY or _uuid).",
    ),
    "duplicate_attendee": ("{value} aparece dos veces en la lista de asistencia.", "{value} appears twice in the attendance list."),
    "database": ("La base de datos rechazó la fila: {detail}.", "The database refused the row: {detail}."),
    "no_organisation": (
        "No se sabe a qué organización pertenece el evento (el grupo no tiene OSC acompañante).",
        "It is not known which organisation the event belongs to (the group has no accompanying NGO).",
    ),
}


class Invalid(ValueError):
    """A value that cannot be accepted. ``code`` keys :data:`MESSAGES`."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "es") -> str:
        es, en = MESSAGES[self.code]
        return (es if lang.startswith("es") else en).format(**self.params)


def reason(field: str, exc: Invalid) -> dict[str, str]:
    return {"field": field, "message_es": exc.message("es"), "message_en": exc.message("en")}


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() in ("", "n/a"))


def as_text(raw: Any, max_length: int | None = None) -> str:
    text = "" if raw is None else str(raw).strip()
    if max_length is not None and len(text) > max_length:
        raise Invalid("too_long", n=len(text), limit=max_length)
    return text


def _check_range(value: Any, lo: Any, hi: Any) -> None:
    if lo is not None and value < lo:
        raise Invalid("below", value=value, limit=lo)
    if hi is not None and value > hi:
        raise Invalid("above", value=value, limit=hi)


def as_int(raw: Any, lo: int | None = None, hi: int | None = None) -> int:
    text = str(raw).strip()
    try:
        value = int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            raise Invalid("not_integer", value=text) from None
        if not f.is_integer():
            raise Invalid("not_integer", value=text) from None
        value = int(f)
    _check_range(value, lo, hi)
    return value


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def as_decimal(raw: Any, lo: Decimal | None = None, hi: Decimal | None = None, places: int = 2) -> Decimal:
    text = str(raw).strip()
    if not _NUMBER.match(text):
        raise Invalid("not_number", value=text)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise Invalid("not_number", value=text) from None
    if not value.is_finite():
        raise Invalid("not_number", value=text)
    _check_range(value, lo, hi)
    return value.quantize(Decimal(1).scaleb(-places))


def as_float(raw: Any, lo: float | None = None, hi: float | None = None) -> float:
    return float(as_decimal(raw, None if lo is None else Decimal(str(lo)), None if hi is None else Decimal(str(hi)), 6))


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MONTH_NAMES = (
    ("enero", "January"), ("febrero", "February"), ("marzo", "March"), ("abril", "April"), ("mayo", "May"),
    ("junio", "June"), ("julio", "July"), ("agosto", "August"), ("septiembre", "September"),
    ("octubre", "October"), ("noviembre", "November"), ("diciembre", "December"),
)


class _DateInvalid(Invalid):
    def __init__(self, value: str, detail_es: str, detail_en: str) -> None:
        self.detail_es, self.detail_en = detail_es, detail_en
        super().__init__("impossible_date", value=value, detail=detail_en)

    def message(self, lang: str = "es") -> str:
        es, en = MESSAGES["impossible_date"]
        if lang.startswith("es"):
            return es.format(value=self.params["value"], detail=self.detail_es)
        return en.format(value=self.params["value"], detail=self.detail_en)


def as_date(raw: Any, today: dt.date | None = None) -> dt.date:
    """A date written ``YYYY-MM-DD`` (ODK, Kobo; a time part is ignored) or ``DD/MM/YYYY`` (a spreadsheet)."""
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw).strip()
        m = _ISO.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
        else:
            m = _DMY.match(text)
            if not m:
                raise Invalid("not_date", value=text)
            d, mo, y = (int(g) for g in m.groups())
        if not 1 <= mo <= 12:
            raise _DateInvalid(text, f"no hay mes {mo}", f"there is no month {mo}")
        try:
            value = dt.date(y, mo, d)
        except ValueError:
            es, en = MONTH_NAMES[mo - 1]
            raise _DateInvalid(text, f"{es} de {y} no tiene día {d}", f"{en} {y} has no day {d}") from None
    if today is not None and value > today:
        raise Invalid("future_date", value=value.isoformat())
    return value


def as_choice(raw: Any, choices: tuple[str, ...] | frozenset[str], list_name: str) -> str:
    text = str(raw).strip()
    if text not in choices:
        raise Invalid("bad_choice", value=text, list=list_name, options=", ".join(sorted(choices)))
    return text


def as_choices(raw: Any, choices: tuple[str, ...] | frozenset[str], list_name: str) -> list[str]:
    return [as_choice(token, choices, list_name) for token in str(raw).split()]


def as_geoshape(raw: Any) -> PlotGeometry:
    """An ODK geoshape ``"lat lon alt acc; lat lon alt acc; …"`` as a validated polygon (lon, lat).

    ODK closes the ring by repeating the first point; a ring that is not closed is closed here. The
    polygon is then checked by :func:`miaf.geo.validate_boundary` (at least 3 points, no self-crossing,
    inside Mexico, not absurdly large).
    """
    text = str(raw).strip().rstrip(";")
    points: list[list[float]] = []
    for i, token in enumerate(t for t in text.split(";") if t.strip()):
        parts = token.split()
        if len(parts) < 2:
            raise Invalid("bad_geoshape", detail=f"point {i + 1} «{token.strip()}»")
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise Invalid("bad_geoshape", detail=f"point {i + 1} «{token.strip()}»") from None
        points.append([lon, lat])
    if not points:
        raise Invalid("required")
    if points[0] != points[-1]:
        points.append(list(points[0]))
    try:
        return validate_boundary({"type": "Polygon", "coordinates": [points]})
    except GeometryError as exc:
        raise Invalid("geometry", es=exc.message("es"), en=exc.message("en")) from exc
