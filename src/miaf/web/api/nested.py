"""Validation of rows written inside another (members, destinations, measurements).

Their errors are renamed with the path the client sent (``members.2.birth_year``) so that a 422 points
at the exact item.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model


def prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if not prefix or not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for key, errors in exc.error_dict.items():
        name = prefix.rstrip(".") if key == NON_FIELD_ERRORS else f"{prefix}{key}"
        renamed.setdefault(name, []).extend(errors)
    return ValidationError(renamed)


def clean_nested(obj: Model, prefix: str, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` with the error fields prefixed by ``prefix``."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise prefixed(exc, prefix) from exc
