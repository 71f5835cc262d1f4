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

#: The CSV carries both languages side by side (labels and meanings), like the XLSX's dictionary sheet: one file
#: serves Spanish and English readers and maps a labelled header back to its code. Only the codes' labels
#: (``codes``) follow the active language.
CSV_HEADER = ["table", "column", "label_es", "label_en", "meaning_es", "meaning_en", "unit", "type", "personal",
              "codes"]


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


def active_language(lang: str | None = None) -> str:
    """``lang`` if given, else the active language (``LANGUAGE_CODE``, Spanish, unless English is chosen)."""
    if lang:
        return lang
    from django.utils import translation

    return translation.get_language() or "es"


def rows(tables: Iterable[TableSpec] = ALL_TABLES, lang: str | None = None) -> list[list[str]]:
    """``[table, column, label_es, label_en, meaning, unit, type, personal, codes]`` per column; the meaning and
    the codes' labels in ``lang`` (default: the active language; Spanish unless English is chosen)."""
    lang = active_language(lang)
    return [
        [t.slug, c.name, c.label_es, c.label_en, c.meaning_in(lang), c.unit, c.dtype, "yes" if c.personal else "no",
         codes_text(c, lang)]
        for t in tables for c in t.columns
    ]


def csv_text(tables: Iterable[TableSpec] = ALL_TABLES, lang: str | None = None) -> str:
    """The dictionary as CSV (UTF-8 with BOM so that Excel reads the accents)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([t.slug, c.name, c.label_es, c.label_en, c.meaning_es, c.meaning, c.unit, c.dtype,
                      "yes" if c.personal else "no", codes_text(c, lang)] for t in tables for c in t.columns)
    return buf.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(tables: Iterable[TableSpec] = ALL_TABLES, heading_level: int = 2, lang: str = "en") -> str:
    """One Markdown section per table: description (English, then Spanish) and a table of its columns with both
    meanings (codes labelled in ``lang`` after the English meaning, in Spanish after the Spanish one)."""
    hashes = "#" * heading_level
    out: list[str] = []
    for t in tables:
        kind = " (open data)" if t.open_data else ""
        out += [f"{hashes} `{t.slug}`: {t.title_en} / {t.title_es}{kind}", "", t.description, "",
                f"*es:* {t.description_es}", "",
                "| column | label (es) | label (en) | meaning (en) | meaning (es) | unit | type | personal |",
                "|---|---|---|---|---|---|---|---|"]
        for c in t.columns:
            codes = codes_text(c, lang) if c.choices else ""
            codes_es = codes_text(c, "es") if c.choices else ""
            meaning = c.meaning + (f" Codes: {codes}." if codes else "")
            meaning_es = c.meaning_es + (f" Códigos: {codes_es}." if codes_es else "")
            out.append(f"| `{c.name}` | {_cell(c.label_es)} | {_cell(c.label_en)} | {_cell(meaning)} | "
                       f"{_cell(meaning_es)} | {c.unit} | {c.dtype} | {'yes' if c.personal else 'no'} |")
        out.append("")
    return "\n".join(out)


def markdown_in(tables: Iterable[TableSpec] = ALL_TABLES, heading_level: int = 2, lang: str | None = None) -> str:
    """One Markdown section per table in one language (``lang``, default the active one), as the dictionary page
    shows it: title, description and a table of column code, label, meaning (with the codes' labels), unit, type
    and whether it is personal. The open-data ZIP's README carries it for the tables of the ZIP."""
    from django.utils import translation
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    lang = active_language(lang)
    hashes = "#" * heading_level
    out: list[str] = []
    with translation.override(lang):
        head = [_("Columna"), pgettext("data dictionary", "Etiqueta"), _("Significado"), _("Unidad"), _("Tipo"),
                _("Personal")]
        for t in tables:
            out += [f"{hashes} `{t.slug}`: {t.title(lang)}", "", t.description_in(lang), "",
                    "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            for c in t.columns:
                codes = codes_text(c) if c.choices else ""
                codes_label = _("Códigos")  # not inside an f-string: xgettext does not read those
                meaning = c.meaning_in(lang) + (f" {codes_label}: {codes}." if codes else "")
                personal = _("sí") if c.personal else _("no")
                out.append(f"| `{c.name}` | {_cell(c.label(lang))} | {_cell(meaning)} | {c.unit} | {c.dtype} | "
                           f"{personal} |")
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
        "## Headers: codes for machines, labels for people",
        "",
        "The `column` code is the stable name of a column: English snake_case, never translated, unchanged",
        "between languages and releases; scripts should read it. By default every CSV and XLSX header row holds",
        "these codes. For people, the header row can hold the labels in the user's language instead (`label (es)`",
        "or `label (en)` below): `?cabecera=etiquetas` on a table download (the export page offers both; the",
        "labels follow the language chosen with the site's switch), or `miaf export TABLE --headers labels",
        "--lang es|en`. The XLSX's `diccionario` sheet always pairs each code with both labels, so a labelled",
        "file can be mapped back, and with both meanings (`meaning_es`, `meaning_en`); so does the dictionary's",
        "CSV (and the open-data ZIP's `diccionario.csv`), whose choice-code labels follow the chosen language. The",
        "dictionary page shows titles, descriptions, labels and meanings in the chosen language (Spanish by",
        "default); this document shows both. GeoJSON and GeoPackage properties, the open-data ZIP (its `datapackage.json`",
        "names the fields) and the API always use the codes. Codes of choice columns (`F`, `miaf_d` …) are values",
        "and stay codes in every header mode.",
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
