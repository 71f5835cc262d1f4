"""``miaf export``: the web exports from the command line.

    miaf export familias --format csv --out familias.csv [--user ana] [--q Gómez] [--municipality "Las Margaritas"]
    miaf export plots --format gpkg --out parcelas.gpkg --system miaf_d
    miaf export open-data --out datos-abiertos.zip [--location grid] [--lang en]

Without ``--user`` the command runs with administrator scope (whoever can run it on the server can read the
database anyway); with ``--user`` it honours that user's role exactly as the web does (an analyst may
export only ``open-data``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

FORMATS = ("csv", "xlsx", "geojson", "gpkg", "zip")
GEO_TABLES = ("parcelas", "disenos")
OPEN_DATA = ("open-data", "datos-abiertos")
FILTERS = ("q", "organisation", "municipality", "group", "system")


def register(subparsers) -> None:  # noqa: ANN001
    from miaf.web.exports.columns import ALIASES, TABLES

    names = sorted({*TABLES, "disenos", *ALIASES, *OPEN_DATA})
    p = subparsers.add_parser(
        "export", help="export tables (CSV/XLSX), plots and designs (GeoJSON/GeoPackage) or open data (ZIP)",
        description="Export a table with the same role scoping and filters as the web lists.",
    )
    p.add_argument("table", help="one of: " + ", ".join(names))
    p.add_argument("--format", choices=FORMATS, help="file format (default: from the extension of --out)")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--user", help="export as this user (role and groups honoured); default: administrator scope")
    p.add_argument("--q", help="search text (code or name), as in the list pages")
    p.add_argument("--organisation", help="producer organisation: id, name or short name")
    p.add_argument("--municipality", help="municipality: id, name or 5-digit INEGI key")
    p.add_argument("--group", help="working group: id or name")
    p.add_argument("--system", help="production system code (traditional, miaf, miaf_d, other)")
    p.add_argument("--headers", choices=("codes", "labels"), default="codes",
                   help="CSV/XLSX header row: the stable column codes (default, for programs) or the labels in --lang")
    p.add_argument("--lang", choices=("es", "en"), default="es",
                   help="language of the labels and of the open-data ZIP's README and descriptions (default es)")
    p.add_argument("--location", choices=("municipality", "grid"), default="municipality",
                   help="open data: municipality (default) or 1 km grid cell")
    p.set_defaults(func=handle)


def _user(username: str | None):  # noqa: ANN202
    from django.contrib.auth import get_user_model

    User = get_user_model()  # noqa: N806
    if username is None:
        return User(username="miaf-cli", is_superuser=True, is_staff=True)  # unsaved: administrator scope
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValueError(f"--user: no active user {username!r}")
    return user


def _resolve(form, name: str, text: str) -> str:  # noqa: ANN001
    """The pk of the filter value ``text`` (an id or a name) among the choices the user may use."""
    from django.db.models import Q

    qs = form.fields[name].queryset
    lookup = Q(name=text)
    if text.isdigit():
        lookup |= Q(pk=int(text))
    if name == "organisation":
        lookup |= Q(short_name=text)
    if name == "municipality" and len(text) == 5 and text.isdigit():
        lookup |= Q(state_code=text[:2], code=text[2:])
    match = list(qs.filter(lookup).values_list("pk", flat=True)[:2])
    if len(match) != 1:
        raise ValueError(f"--{name}: {text!r} matches {len(match) or 'no'} {name}(s) within the user's scope")
    return str(match[0])


def filter_params(export, user, args: argparse.Namespace) -> dict[str, str]:  # noqa: ANN001
    """The list-filter query parameters of the command line, checked against the user's scope."""
    given = {k: getattr(args, k) for k in FILTERS if getattr(args, k, None)}
    if not given:
        return {}
    probe = export.form(None, user=user)
    params = {}
    for key, value in given.items():
        if key not in probe.fields:
            raise ValueError(f"--{key} does not apply to the table {export.spec.slug}")
        params[key] = _resolve(probe, key, value) if key in ("organisation", "municipality", "group") else value
    form = export.form(params, user=user)
    if form.errors:
        raise ValueError("; ".join(f"--{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return params


def _table_slug(name: str) -> str:
    from miaf.web.exports.columns import ALIASES, TABLES

    slug = ALIASES.get(name, name)
    if slug not in TABLES and slug not in GEO_TABLES and name not in OPEN_DATA:
        raise ValueError(f"unknown table {name!r}; choose one of {sorted({*TABLES, *GEO_TABLES, *ALIASES})} "
                         "or open-data")
    return slug


def handle(args: argparse.Namespace) -> int:
    from miaf.web.cli import setup_django

    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from miaf.web.accounts.scoping import require_personal_data, role_of
    from miaf.web.exports import anonymise, geo
    from miaf.web.exports.tables import EXPORTS, csv_chunks, filtered_queryset, iter_rows, write_xlsx

    out = Path(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    user = _user(args.user)
    if args.table in OPEN_DATA:
        if fmt != "zip":
            raise ValueError("open-data is written as a ZIP (--out FILE.zip)")
        if role_of(user) is None:
            raise ValueError(f"--user {args.user}: a user without a role exports nothing")
        data = anonymise.build_open_data(anonymise.open_data_families(user), args.location)
        with out.open("wb") as fh, translation.override(args.lang):
            anonymise.write_zip(data, fh)
        rows = ", ".join(f"{len(t.rows)} {t.spec.slug}" for t in data.tables)
        print(f"miaf export: wrote {out} ({rows})")
        return 0
    slug = _table_slug(args.table)
    if fmt not in FORMATS or fmt == "zip":
        raise ValueError(f"--format {fmt!r}: use csv or xlsx for tables, geojson or gpkg for parcelas/disenos")
    if fmt in ("geojson", "gpkg") and slug not in GEO_TABLES:
        raise ValueError(f"{slug}: GeoJSON and GeoPackage are for parcelas and disenos only")
    if slug == "disenos" and fmt not in ("geojson", "gpkg"):
        raise ValueError("disenos: use --format geojson or gpkg")
    try:
        require_personal_data(user)
    except PermissionDenied as exc:
        raise ValueError(f"--user {args.user}: this role may export only open-data") from exc
    export = EXPORTS["parcelas" if slug == "disenos" else slug]
    qs = filtered_queryset(export, user, filter_params(export, user, args))
    header = export.spec.header(args.headers == "labels", args.lang)
    if fmt == "csv":
        with out.open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(csv_chunks(header, iter_rows(export.spec, qs)))
    elif fmt == "xlsx":
        with out.open("wb") as fh:
            write_xlsx(export.spec, iter_rows(export.spec, qs), fh, header)
    elif fmt == "geojson":
        features = geo.design_features(geo.latest_designs(qs)) if slug == "disenos" else geo.plot_features(qs)
        with out.open("w", encoding="utf-8") as fh:
            fh.writelines(geo.feature_collection_chunks(features, slug))
    elif slug == "disenos":
        geo.write_designs_gpkg(geo.latest_designs(qs), out)
    else:
        geo.write_plots_gpkg(qs, out)
    print(f"miaf export: wrote {out} ({qs.count()} {export.spec.slug})")
    return 0


__all__ = ["filter_params", "handle", "register"]
