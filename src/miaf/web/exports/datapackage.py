"""``datapackage.json`` of the open-data ZIP: a Frictionless Data package generated from the data dictionary.

Each CSV of the ZIP becomes a tabular resource whose Table Schema is read from the same column specifications
(:mod:`miaf.web.exports.columns`) the dictionary and the CSV headers come from, so the three cannot disagree.
Tools that read data packages (``frictionless validate``, the Open Knowledge data portals, R's
``frictionless`` and pandas readers) then know each column's type, meaning and unit. Titles and descriptions
are in the active language (Spanish unless English is chosen), named by the custom top-level ``language``
property; the fields' ``name`` is the stable code in every language.

References
----------
Frictionless Data, "Data Package" and "Table Schema" specifications, v1, https://specs.frictionlessdata.io/.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from miaf.web.exports.columns import Column, TableSpec
from miaf.web.exports.dictionary import CSV_HEADER, active_language

#: Our column types → Table Schema field types.
FIELD_TYPES = {"text": "string", "integer": "integer", "real": "number", "date": "date", "boolean": "boolean"}
#: How our CSVs are written (exports.tables.csv_chunks): UTF-8 with a byte-order mark, CRLF, comma.
CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}


def _field(col: Column, lang: str) -> dict[str, Any]:
    unit = " " + _("Unidad: %(unit)s.") % {"unit": col.unit} if col.unit else ""
    description = col.meaning_in(lang) + unit
    out: dict[str, Any] = {"name": col.name, "type": FIELD_TYPES[col.dtype], "title": col.label(lang),
                           "description": description}
    if col.dtype == "boolean":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    return out


def _csv_resource(name: str, path: str, title: str, description: str, fields: list[dict]) -> dict[str, Any]:
    return {"name": name, "path": path, "profile": "tabular-data-resource", "title": title,
            "description": description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": CSV_DIALECT, "schema": {"fields": fields, "missingValues": [""]}}


def descriptor(tables: Iterable[TableSpec], title: str, created: str, licence_path: str = "README.md",
               lang: str | None = None) -> dict:
    """The Data Package descriptor of the open-data ZIP: one resource per table and one for the dictionary, its
    titles and descriptions in ``lang`` (default: the active language)."""
    if lang is not None:
        with translation.override(lang):
            return descriptor(tables, title, created, licence_path)
    lang = active_language()
    resources = [_csv_resource(t.slug.lower(), f"{t.slug}.csv", t.title(lang), t.description_in(lang),
                               [_field(c, lang) for c in t.columns]) for t in tables]
    resources.append(_csv_resource(
        "diccionario", "diccionario.csv", _("Diccionario de datos"),
        _("Cada columna de cada tabla: etiqueta, significado, unidad."),
        [{"name": h, "type": "string"} for h in CSV_HEADER]))
    return {
        "profile": "tabular-data-package",
        "name": "miaf-open-data",
        "title": title,
        "language": "en" if lang.startswith("en") else "es",
        "created": created,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "description": _("Datos anonimizados del programa MIAF-D; método y supresión en %(path)s.")
        % {"path": licence_path},
        "resources": resources,
    }


def datapackage_json(tables: Iterable[TableSpec], title: str, created: str) -> str:
    return json.dumps(descriptor(tables, title, created), ensure_ascii=False, indent=2) + "\n"


__all__ = ["FIELD_TYPES", "datapackage_json", "descriptor"]
