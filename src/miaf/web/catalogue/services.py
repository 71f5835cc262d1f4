"""Load the species catalogue from the versioned CSV into the database (idempotent)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import transaction

from miaf.params import load_table, table_path
from miaf.web.catalogue.models import Species


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def catalogue_version() -> str:
    """First 12 hex digits of the SHA-256 of ``species.csv``: which catalogue a record was made with."""
    return hashlib.sha256(table_path("species").read_bytes()).hexdigest()[:12]


def species_defaults(row: dict[str, str], version: str) -> dict:
    """Model field values of one ``species.csv`` row."""
    return {
        "scientific_name": row["scientific_name"],
        "name_es": row["name_es"],
        "name_en": row["name_en"],
        "name_local": row["name_local"],
        "stratum": row["stratum"],
        "perennial": row["perennial"] == "true",
        "native": row["native"] == "true",
        "years_to_first_harvest": int(row["years_to_first_harvest"] or 0),
        "years_to_full_yield": int(row["years_to_full_yield"] or 0),
        "harvest_months": [int(m) for m in row["harvest_months"].split(";") if m.strip()],
        "unit": row["unit"],
        "default_price_mxn_kg": Decimal(row["default_price_mxn_kg"]),
        "default_yield_kg_ha": _opt_float(row["default_yield_kg_ha"]),
        "mature_yield_kg_per_tree": _opt_float(row["mature_yield_kg_per_tree"]),
        "in_row_spacing_m": _opt_float(row["in_row_spacing_m"]),
        "wood_density_g_cm3": _opt_float(row["wood_density_g_cm3"]),
        "tag": row["tag"],
        "source": row["source"],
        "catalogue_version": version,
    }


@transaction.atomic
def load_species_catalogue(model=Species) -> int:  # noqa: ANN001
    """Create or update every species of ``species.csv``; returns how many rows were loaded."""
    version = catalogue_version()
    rows = load_table("species")
    for row in rows:
        model.objects.update_or_create(code=row["code"], defaults=species_defaults(row, version))
    return len(rows)
