"""Choice lists for ``select_one_from_file``: the current catalogue as CSV files for the phones.

Each file has ``name`` (the value stored in the submission) and ``label`` columns, plus the columns the
forms filter on: ``localities.csv`` has ``municipality`` and ``plots.csv`` has ``family``. Families and
plots are personal data: they are exported only within the user's scope.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_see_personal_data, families_for, groups_for, plots_for, role_of
from miaf.web.catalogue.models import Species
from miaf.web.registry.models import Locality, Municipality

FILES = ("families.csv", "plots.csv", "species.csv", "municipalities.csv", "localities.csv", "groups.csv")


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> int:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return len(rows)


def export_choices(out_dir: Path, user: Any = None) -> dict[str, int]:
    """Write the choice CSVs into ``out_dir``; return rows written per file. ``user=None``: everything."""
    if user is not None and not can_see_personal_data(user):
        raise ValueError("This role sees programme aggregates only; it cannot export family lists.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    admin = user is None or role_of(user) == Role.ADMINISTRATOR
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family, Group

    families = Family.objects.all() if admin else families_for(user)
    plots = Plot.objects.select_related("family") if admin else plots_for(user)
    groups = Group.objects.select_related("locality") if admin else groups_for(user)
    counts = {
        "families.csv": _write(out_dir / "families.csv", ["name", "label", "locality"],
                               [[f.code, f"{f.code} · {f.name}", f.locality_id] for f in families.order_by("code")]),
        "plots.csv": _write(out_dir / "plots.csv", ["name", "label", "family"],
                            [[p.pk, f"{p.name} ({p.area_ha:.2f} ha)", p.family.code]
                             for p in plots.order_by("family__code", "name")]),
        "species.csv": _write(out_dir / "species.csv", ["name", "label", "label_en", "stratum"],
                              [[s.code, s.name_es, s.name_en, s.stratum] for s in Species.objects.order_by("name_es")]),
        "municipalities.csv": _write(out_dir / "municipalities.csv", ["name", "label"],
                                     [[m.inegi_code, m.name] for m in Municipality.objects.order_by("name")]),
        "localities.csv": _write(out_dir / "localities.csv", ["name", "label", "municipality"],
                                 [[loc.pk, loc.name, loc.municipality.inegi_code]
                                  for loc in Locality.objects.select_related("municipality").order_by("name")]),
        "groups.csv": _write(out_dir / "groups.csv", ["name", "label", "locality"],
                             [[g.pk, g.name, g.locality.name] for g in groups.order_by("name")]),
    }
    return counts
