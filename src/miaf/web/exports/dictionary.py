"""The data dictionary: every exported column, its meaning and unit, generated from :mod:`.columns`.

``python -m miaf.web.exports.dictionary > docs/data-dictionary.md`` writes the Markdown document.
Codes of choice columns are read from the models' choices (Django is set up for that when run as a script).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable

from miaf.web.exports.columns import ALL_TABLES, Column, TableSpec

CSV_HEADER = ["table", "column", "label_es", "label_en", "meaning", "unit", "type", "personal", "codes"]


def choices_of(column: Column) -> list[tuple[str, str]]:
    """``[(code, label), ...]`` of a choice column ("app.Model.field" or "app.ChoicesClass"); [] if none."""
    if not column.choices:
        return []
    from django.apps import apps

    if not apps.ready:
        return []
    parts = column.choices.split(".")
    if len(parts) == 3:
        choices = apps.get_model(parts[0], parts[1])._meta.get_field(parts[2]).choices or []
    else:
        choices = getattr(apps.get_app_config(parts[0]).models_module, parts[1]).choices
    return [(str(code), str(label)) for code, label in choices]


def codes_text(column: Column, lang: str | None = None) -> str:
    """``"F = mujer; M = hombre"``: the codes with their labels in ``lang`` (default: the active language)."""
    if lang is None:
        return "; ".join(f"{code} = {label}" for code, label in choices_of(column))
    from django.utils import translation

    with translation.override(lang):
        return codes_text(column)


def rows(tables: Iterable[TableSpec] = ALL_TABLES, lang: str | None = None) -> list[list[str]]:
    return [
        [t.slug, c.name, c.label_es, c.label_en, c.meaning, c.unit, c.dtype, "yes" if c.personal else "no",
         codes_text(c, lang)]
        for t in tables for c in t.columns
    ]


def csv_text(tables: Iterable[TableSpec] = ALL_TABLES, lang: str | None = None) -> str:
    """The dictionary as CSV (UTF-8 with BOM so that Excel reads the accents)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows(tables, lang))
    return buf.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(tables: Iterable[TableSpec] = ALL_TABLES, heading_level: int = 2, lang: str = "en") -> str:
    """One Markdown section per table: description and a table of its columns (codes labelled in ``lang``)."""
    hashes = "#" * heading_level
    out: list[str] = []
    for t in tables:
        kind = " (open data)" if t.open_data else ""
        out += [f"{hashes} `{t.slug}`: {t.title_en}{kind}", "", t.description, "",
                "| column | label (es) | label (en) | meaning | unit | type | personal |", "|---|---|---|---|---|---|---|"]
        for c in t.columns:
            codes = codes_text(c, lang) if c.choices else ""
            meaning = c.meaning + (f" Codes: {codes}." if codes else "")
            out.append(f"| `{c.name}` | {_cell(c.label_es)} | {_cell(c.label_en)} | {_cell(meaning)} | {c.unit} | "
                       f"{c.dtype} | {'yes' if c.personal else 'no'} |")
        out.append("")
    return "\n".join(out)


def document(lang: str = "en") -> str:
    """The whole ``docs/data-dictionary.md`` (English; code labels in ``lang``)."""
    head = [
        "# Data dictionary",
        "",
        "Generated from `src/miaf/web/exports/columns.py` by `python -m miaf.web.exports.dictionary`; do not edit",
        "by hand. Every export of miaf (CSV, XLSX, GeoJSON, GeoPackage and the anonymised open-data ZIP) uses",
        "these column names. *personal = yes* marks personal data (names, codes, exact locations, incomes):",
        "only administrators, coordinators and promoters (for their own groups) can download those tables;",
        "analysts get the open-data tables only.",
        "",
        "Types: text, integer, real, date (ISO 8601, YYYY-MM-DD), boolean (true/false in CSV, 0/1 in",
        "GeoPackage). Money in Mexican pesos (MXN), mass in kg, area in hectares, labour in person-days.",
        "",
        "The programme indicators add their own definitions to this dictionary later (issue 6, indicators).",
        "",
    ]
    return "\n".join(head) + "\n" + markdown(ALL_TABLES, lang=lang)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miaf.web.settings")
    import django

    django.setup()
    sys.stdout.write(document())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
