"""``miaf import`` and ``miaf forms export-choices``.

``miaf import FILE... --form NAME [--dry-run] [--user NAME] [--json]`` imports one export: an ODK Central
zip, its CSV files (main table and repeat tables), a KoboToolbox XLSX or CSV. It prints the counts
imported, updated, quarantined and duplicates (``--json``: one JSON object). Each ZIP or XLSX given is its
own batch; CSV files given together are one export.

``miaf forms export-choices --out DIR [--user NAME]`` writes the choice-list CSVs that the forms'
``select_one_from_file`` questions read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _setup() -> None:
    from miaf.web.cli import setup_django

    setup_django()


def _user(username: str | None):  # noqa: ANN202
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(f"user {username!r} not found (--user)")
    return user


def group_files(paths: list[Path]) -> list[list[Path]]:
    """Each ZIP/XLSX alone; all CSVs together as one export."""
    csvs = [p for p in paths if p.suffix.lower() == ".csv"]
    others = [[p] for p in paths if p.suffix.lower() != ".csv"]
    return others + ([csvs] if csvs else [])


def _import(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.files]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such file")
    _setup()
    from miaf.web.intake.services import ImportReport, get_form, import_files

    form = get_form(args.form)
    user = _user(args.user)
    total = ImportReport(form=form.name, file_names=[str(p) for p in paths], dry_run=args.dry_run)
    batches = []
    for group in group_files(paths):
        try:
            report = import_files(group, form.name, user=user, dry_run=args.dry_run,
                                  imported_by=args.user or "cli")
        except ValueError as exc:
            message = exc.message("en") if hasattr(exc, "message") else str(exc)
            raise ValueError(f"{', '.join(p.name for p in group)}: {message}") from exc
        total.add(report)
        total.warnings += report.warnings
        batches.append(report.to_dict())
    if args.json:
        out = {k: getattr(total, k) for k in ("form", "dry_run", "rows", "imported", "updated", "quarantined", "duplicates")}
        out["batches"] = batches
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        verb = "would import" if args.dry_run else "imported"
        print(f"miaf import {form.form_id}: {total.rows} rows; {verb} {total.imported}, updated {total.updated}, "
              f"quarantined {total.quarantined}, duplicates {total.duplicates}")
        for b in batches:
            for q in b["quarantine"][:10]:
                reasons = "; ".join(f"{r['field']}: {r['message_en']}" for r in q["reasons"])
                print(f"  row {q['row']} ({q['submission_id']}): {reasons}")
        for w in total.warnings:
            print(f"  warning: {w['message_en']}")
    return 0


def _export_choices(args: argparse.Namespace) -> int:
    _setup()
    from miaf.web.intake.services import export_choices

    counts = export_choices(Path(args.out), user=_user(args.user))
    for name, n in counts.items():
        print(f"{Path(args.out) / name}: {n} rows")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import ODK Central / KoboToolbox submission exports (CSV, ZIP, XLSX)")
    p.add_argument("files", nargs="+", metavar="FILE", help="a ZIP or XLSX export, or an export's CSV files")
    p.add_argument("--form", required=True,
                   help="form name: family, plot, economy, harvest, visit, event (or its form_id, miaf_harvest)")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--user", help="import as this user (their role and groups apply; recorded as importer)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=_import)

    forms = sub.add_parser("forms", help="field forms (XLSForm) helpers")
    fsub = forms.add_subparsers(dest="forms_command", metavar="ACTION")
    fsub.required = True
    e = fsub.add_parser("export-choices", help="write the choice-list CSVs for select_one_from_file")
    e.add_argument("--out", required=True, help="folder to write families.csv, plots.csv, species.csv, …")
    e.add_argument("--user", help="only the families and plots this user may see")
    e.set_defaults(func=_export_choices)
