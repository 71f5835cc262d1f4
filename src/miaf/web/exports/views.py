"""Export downloads. Thin views: check the role, take the scoped and filtered queryset, write the format.

* tables (CSV, XLSX), plots and designs (GeoJSON, GeoPackage): personal data, so analysts get 403;
  a promoter's file holds only their groups (the querysets come from :mod:`miaf.web.accounts.scoping`);
* the anonymised open-data ZIP and the data dictionary: every role, analysts included.

The list filters (``q``, ``organisation``, ``municipality``, ``group``, ``system``) are those of the list
pages, read by the same forms; an out-of-scope filter value is ignored, as on the lists.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import can_see_personal_data, require_personal_data, role_of
from miaf.web.exports import anonymise, dictionary, geo
from miaf.web.exports.columns import ALL_TABLES
from miaf.web.exports.tables import EXPORTS, csv_chunks, filtered_queryset, iter_rows, write_xlsx

TABLE_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "zip": "application/zip",
    "md": "text/markdown; charset=utf-8",
}
#: ``?cabecera=`` of the CSV/XLSX tables: the stable codes (default, for programs) or labels in the user's
#: language (for people). docs/data-dictionary.md, "Headers".
HEADER_PARAM = {"codigos": False, "codes": False, "etiquetas": True, "labels": True}
#: ``?ubicacion=`` values of the open-data export.
LOCATION_PARAM = {"municipio": "municipality", "municipality": "municipality", "rejilla": "grid", "grid": "grid"}


def _filename(stem: str, ext: str) -> str:
    return f"miaf-{stem}-{dt.date.today().isoformat()}.{ext}"


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _stream(chunks, stem: str, ext: str) -> StreamingHttpResponse:  # noqa: ANN001
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, ext)}"'
    return _private(response)


def _file(write: Callable[[str], object], stem: str, ext: str) -> FileResponse:
    """Write to a temporary file by path, then serve it (the file is unlinked once open)."""
    fd, path = tempfile.mkstemp(suffix=f".{ext}")
    os.close(fd)
    try:
        write(path)
        fh = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    finally:
        os.unlink(path)
    response = FileResponse(fh, as_attachment=True, filename=_filename(stem, ext), content_type=CONTENT_TYPES[ext])
    return _private(response)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    english = (get_language() or "es").startswith("en")
    tables = [{"spec": e.spec, "title": e.spec.title_en if english else e.spec.title_es} for e in EXPORTS.values()]
    query = request.GET.copy()
    query.pop("cabecera", None)
    context = {"tables": tables, "personal": can_see_personal_data(request.user), "query": query.urlencode()}
    return render(request, "exports/index.html", context)


@login_required
def table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    export = EXPORTS.get(table)
    if export is None or fmt not in TABLE_FORMATS:
        raise Http404("No such export.")
    require_personal_data(request.user)
    labels = HEADER_PARAM.get(request.GET.get("cabecera", "codigos"))
    if labels is None:
        raise BadRequest(_("«cabecera» debe ser «codigos» (los códigos estables de las columnas) o «etiquetas» "
                           "(los nombres de las columnas en su idioma)."))
    spec = export.spec
    header = spec.header(labels, get_language() or "es")
    qs = filtered_queryset(export, request.user, request.GET)
    if fmt == "csv":
        return _stream(csv_chunks(header, iter_rows(spec, qs)), spec.slug, "csv")
    tmp = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it, which deletes it)
    write_xlsx(spec, iter_rows(spec, qs), tmp, header)
    tmp.seek(0)
    response = FileResponse(tmp, as_attachment=True, filename=_filename(spec.slug, "xlsx"),
                            content_type=CONTENT_TYPES["xlsx"])
    return _private(response)


def _plots(request: HttpRequest):  # noqa: ANN202
    require_personal_data(request.user)
    return filtered_queryset(EXPORTS["parcelas"], request.user, request.GET)


@login_required
def plots_geojson(request: HttpRequest) -> HttpResponse:
    return _stream(geo.feature_collection_chunks(geo.plot_features(_plots(request)), "parcelas"), "parcelas",
                   "geojson")


@login_required
def plots_gpkg(request: HttpRequest) -> HttpResponse:
    plots = _plots(request)
    return _file(lambda path: geo.write_plots_gpkg(plots, path), "parcelas", "gpkg")


@login_required
def designs_geojson(request: HttpRequest) -> HttpResponse:
    designs = geo.latest_designs(_plots(request))
    return _stream(geo.feature_collection_chunks(geo.design_features(designs), "disenos"), "disenos", "geojson")


@login_required
def designs_gpkg(request: HttpRequest) -> HttpResponse:
    designs = geo.latest_designs(_plots(request))
    return _file(lambda path: geo.write_designs_gpkg(designs, path), "disenos", "gpkg")


@login_required
def open_data(request: HttpRequest) -> HttpResponse:
    """The anonymised ZIP (every role). ``?ubicacion=municipio`` (default) or ``rejilla`` (1 km grid)."""
    if role_of(request.user) is None:
        raise PermissionDenied("A user without a role downloads nothing.")
    location = LOCATION_PARAM.get(request.GET.get("ubicacion", "municipio"))
    if location is None:
        raise Http404("ubicacion must be municipio or rejilla.")
    data = anonymise.open_data_zip_bytes(anonymise.open_data_families(request.user), location)
    response = HttpResponse(data, content_type=CONTENT_TYPES["zip"])
    response["Content-Disposition"] = f'attachment; filename="{_filename("datos-abiertos", "zip")}"'
    return _private(response)


@login_required
def dictionary_page(request: HttpRequest) -> HttpResponse:
    lang = get_language() or "es"
    tables = [
        {"spec": t, "title": t.title(lang), "description": t.description_in(lang),
         "columns": [{"c": c, "label": c.label(lang), "meaning": c.meaning_in(lang),
                      "codes": dictionary.codes_text(c)} for c in t.columns]}
        for t in ALL_TABLES
    ]
    return render(request, "exports/dictionary.html", {"tables": tables})


@login_required
def dictionary_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(dictionary.csv_text(), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{_filename("diccionario", "csv")}"'
    return response


@login_required
def dictionary_markdown(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(dictionary.document(), content_type=CONTENT_TYPES["md"])
    response["Content-Disposition"] = f'attachment; filename="{_filename("diccionario", "md")}"'
    return response
