"""Units shown to users, in the user's language (one place for every page, report and chart).

Parameter tables and the indicator registry keep their units as stable English codes (``MXN/family/yr``,
``person-day/ha``, ``fraction``): machines and the data dictionary read those. Pages show
:func:`unit_label`, which translates the words of a code and keeps symbols (MXN, kg, ha, t C, %) as they are.
The Spanish words are the gettext sources, so the English catalogue gives the code's own words back.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

#: English words of unit codes → their Spanish form (the gettext source). Symbols are not listed.
WORDS = {
    "yr": _("año"), "year": _("año"), "years": _("años"), "month": _("mes"), "months": _("meses"),
    "day": _("día"), "days": _("días"), "family": _("familia"), "families": _("familias"),
    "household": _("hogar"), "households": _("hogares"), "person": _("persona"), "persons": _("personas"),
    "person-day": _("jornal"), "person-days": _("jornales"), "tree": _("árbol"), "trees": _("árboles"),
    "plant": _("planta"), "plants": _("plantas"), "plot": _("parcela"), "plots": _("parcelas"),
    "group": _("grupo"), "groups": _("grupos"), "municipalities": _("municipios"), "promoter": _("promotor"),
    "child": _("niño"), "event": _("evento"), "payment": _("pago"), "transfer": _("transferencia"),
    "per": _("por"), "of": _("de"), "fraction": _("fracción"), "share": _("proporción"), "ratio": _("razón"),
    "probability": _("probabilidad"), "seeds": _("semillas"), "seed": _("semilla"), "holes": _("hoyos"),
    "stakes": _("estacas"), "cells": _("celdas"), "points": _("puntos"), "rows": _("filas"),
    "draws": _("sorteos"), "modules": _("módulos"), "parchment": _("pergamino"), "enrolled": _("inscritas"),
    "deg": _("grados"), "degree": _("grados"), "purchases": _("compras"), "zone": _("zona"),
}
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
#: Units that read better as nothing at all beside a count, or as a percentage sign.
BARE = {"families", "persons", "groups", "municipalities", "plots", "-"}


def unit_label(unit: str | None) -> str:
    """A unit code in the active language: ``MXN/family/yr`` → ``MXN/familia/año``; symbols kept.

    ``fraction`` reads "fracción" (0.3 = 30 %): pages that show a fraction as a percentage print their own %.
    """
    if not unit:
        return ""
    return _WORD.sub(lambda m: str(WORDS.get(m.group(0), m.group(0))), str(unit))


__all__ = ["BARE", "WORDS", "unit_label"]
