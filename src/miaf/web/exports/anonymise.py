"""The anonymised open-data export: plot-years and family-years without names, codes or coordinates.

Method (also written into the README of every ZIP):

1. **Pseudonyms.** Families and plots are identified by ``HMAC-SHA256(SECRET_KEY, "family:<pk>")`` cut to
   16 hex digits: stable across exports (a user can follow a plot over years and over releases) but not
   reversible, nor linkable to the database, without the server's secret. Rotating ``MIAF_SECRET_KEY``
   changes every pseudonym.
2. **Location.** Either the INEGI municipality of the household (``municipality`` mode) or the cell of a
   1 km grid laid in EPSG:6372 (Mexico ITRF2008 LCC) holding the plot centroid or the locality point
   (``grid`` mode). No coordinate, locality, group or organisation is written.
3. **k-anonymity on location.** A location unit (municipality or cell) with fewer than *k* distinct families
   in a table has its location fields blanked (``location_suppressed = true``); if the rows so pooled come
   from fewer than *k* families in all, they are dropped. *k* and the bin edges are in
   ``src/miaf/params/open_data.csv``.
4. **Coarsening.** Incomes, expenses and sales are binned (0-5k, 5k-10k, 10k-20k, 20k-50k, >50k MXN/yr),
   slopes binned, areas rounded to 0.1 ha, masses and labour to whole units, shares to 10 %.

Limits: k-anonymity is applied to the location only; rare combinations of other attributes (a very large
plot, an unusual household size) could still single out a household for someone who knows it. Sweeney,
"k-anonymity: a model for protecting privacy", Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems
10(5), 2002, doi:10.1142/S0218488502001648.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.crypto import salted_hmac

from miaf.indicators.disclosure import default_k
from miaf.params import load_parameters
from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_see_personal_data, families_for, role_of
from miaf.web.exports.columns import OPEN_DATA_TABLES, OPEN_FAMILY_YEARS, OPEN_PLOT_YEARS, TableSpec
from miaf.web.plots.models import Plot, PlotPhase
from miaf.web.records.models import Destination, Harvest, HarvestDestination, LabourLog, LedgerEntry
from miaf.web.registry.models import Family, Member
from miaf.web.registry.queries import aggregate_families, sum_by

LOCATION_MODES = ("municipality", "grid")
HMAC_SALT = "miaf.web.exports.open-data"
PSEUDONYM_HEX = 16


@dataclass(frozen=True)
class OpenDataSettings:
    """Thresholds and bins of the anonymisation (defaults from ``params/open_data.csv``)."""

    k: int
    grid_cell_m: float
    grid_epsg: int
    income_edges: tuple[float, ...]
    slope_edges: tuple[float, ...]
    area_decimals: int
    share_step_pct: int

    @classmethod
    def from_params(cls) -> OpenDataSettings:
        p = load_parameters("open_data")
        income = tuple(float(p[k]) for k in sorted(p) if k.startswith("income_edge_"))
        slope = tuple(float(p[k]) for k in sorted(p) if k.startswith("slope_edge_"))
        return cls(k=default_k(), grid_cell_m=float(p["grid_cell_m"]),
                   grid_epsg=int(float(p["grid_epsg"])), income_edges=income, slope_edges=slope,
                   area_decimals=int(float(p["area_decimals"])), share_step_pct=int(float(p["share_step_pct"])))


def pseudonym(kind: str, pk: int) -> str:
    """Stable, non-reversible pseudonym of a record: ``F-``/``P-`` + 16 hex digits of an HMAC-SHA256."""
    digest = salted_hmac(HMAC_SALT, f"{kind}:{pk}", algorithm="sha256").hexdigest()
    return f"{kind[:1].upper()}-{digest[:PSEUDONYM_HEX]}"


def _short(edge: float) -> str:
    return f"{edge / 1000:g}k" if edge >= 1000 and edge % 1000 == 0 else f"{edge:g}"


def bin_label(value: float | Decimal | None, edges: Sequence[float]) -> str:
    """The bin of ``value`` among ``edges`` (lower edge inclusive): ``0-5k``, ``5k-10k`` … ``>50k``."""
    if value is None:
        return ""
    v = float(value)
    lower = 0.0
    for edge in edges:
        if v < edge:
            return f"{_short(lower)}-{_short(edge)}"
        lower = edge
    return f">{_short(lower)}"


def bin_labels(edges: Sequence[float]) -> list[str]:
    """Every bin label, in order."""
    lows = [0.0, *edges]
    return [f"{_short(lo)}-{_short(hi)}" for lo, hi in zip(lows[:-1], edges, strict=True)] + [f">{_short(edges[-1])}"]


def open_data_families(user) -> QuerySet:  # noqa: ANN001
    """Families whose anonymised records the user may download.

    Roles with personal data: their own scope. Analysts: the families that count in their aggregates
    (:func:`~miaf.web.registry.queries.aggregate_families`), only ever through this anonymised export.
    """
    if can_see_personal_data(user):
        return families_for(user)
    if role_of(user) == Role.ANALYST:
        return aggregate_families(user)
    return Family.objects.none()


# ---------------------------------------------------------------------------------------------- build


@dataclass
class OpenDataTable:
    spec: TableSpec
    rows: list[list[Any]]


@dataclass
class OpenData:
    tables: list[OpenDataTable]
    location: str
    settings: OpenDataSettings
    generated_on: dt.date
    suppression: dict[str, dict[str, int]] = field(default_factory=dict)


def _grid_cells(points: list[tuple[float | None, float | None]], cfg: OpenDataSettings) -> list[str | None]:
    """Cell ids ``E<x km>N<y km>`` (lower-left corner, EPSG:6372) of (lat, lon) points; None if missing."""
    from pyproj import Transformer

    known = [(i, lat, lon) for i, (lat, lon) in enumerate(points) if lat is not None and lon is not None]
    out: list[str | None] = [None] * len(points)
    if not known:
        return out
    t = Transformer.from_crs(4326, cfg.grid_epsg, always_xy=True)
    xs, ys = t.transform([k[2] for k in known], [k[1] for k in known])
    size = cfg.grid_cell_m
    for (i, _, _), x, y in zip(known, xs, ys, strict=True):
        ex, ny = math.floor(x / size) * size / 1000, math.floor(y / size) * size / 1000
        out[i] = f"E{ex:g}N{ny:g}"
    return out


def _location_fields(unit: dict | None, cell: str | None, mode: str) -> tuple[str | None, tuple]:
    """(unit key, (state, municipality_code, municipality, grid_cell)) of one row."""
    if mode == "grid":
        return cell, ((unit or {}).get("state", "") if cell else "", "", "", cell or "")
    if unit is None:
        return None, ("", "", "", "")
    return unit["code"], (unit["state"], unit["code"], unit["name"], "")


def _suppress(rows: list[list[Any]], keys: list[str | None], families: list[str], k: int,
              loc_slice: slice, flag_index: int) -> dict[str, int]:
    """Blank the location of units with fewer than ``k`` families; drop the pool if it is itself below ``k``."""
    per_unit: dict[str | None, set[str]] = defaultdict(set)
    for key, fam in zip(keys, families, strict=True):
        per_unit[key].add(fam)
    small = {u for u, fams in per_unit.items() if u is None or len(fams) < k}
    pooled: set[str] = set()
    n_blank = 0
    for row, key, fam in zip(rows, keys, families, strict=True):
        if key in small:
            row[loc_slice] = [""] * (loc_slice.stop - loc_slice.start)
            row[flag_index] = True
            pooled.add(fam)
            n_blank += 1
    dropped = 0
    if pooled and len(pooled) < k:
        before = len(rows)
        rows[:] = [r for r in rows if not r[flag_index]]
        dropped = before - len(rows)
    return {"units_suppressed": len(small - {None}), "rows_location_blanked": n_blank, "rows_dropped": dropped,
            "families_pooled": len(pooled)}


def _family_info(families: QuerySet, cfg: OpenDataSettings, mode: str) -> dict[int, dict]:
    fam = families.annotate(
        household_size=sum_by(Member.objects.filter(family=OuterRef("pk")), "family", Count("pk"), IntegerField()),
        n_women=sum_by(Member.objects.filter(family=OuterRef("pk"), sex=Member.Sex.FEMALE), "family", Count("pk"),
                       IntegerField()),
    ).values_list("pk", "anyone_migrated", "household_size", "n_women", "locality__municipality__state_name",
                  "locality__municipality__state_code", "locality__municipality__code",
                  "locality__municipality__name", "locality__latitude", "locality__longitude")
    rows = list(fam.iterator(chunk_size=2000))
    cells = _grid_cells([(r[8], r[9]) for r in rows], cfg) if mode == "grid" else [None] * len(rows)
    return {
        r[0]: {"pid": pseudonym("family", r[0]), "migrated": r[1], "size": r[2], "women": r[3], "cell": cell,
               "unit": {"state": r[4], "code": f"{r[5]}{r[6]}", "name": r[7]}}
        for r, cell in zip(rows, cells, strict=True)
    }


def _system_in(phases: list[tuple[str, dt.date, dt.date | None]], year: int, default: str) -> str:
    """The system of the latest phase that overlaps ``year``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overlapping = [p for p in phases if p[1] <= end and (p[2] is None or p[2] >= start)]
    return max(overlapping, key=lambda p: p[1])[0] if overlapping else default


def _plot_years(families: QuerySet, info: dict[int, dict], cfg: OpenDataSettings, mode: str) -> list[list[Any]]:
    plots = Plot.objects.filter(family__in=families.values("pk"))
    plot_rows = list(plots.values_list("pk", "family_id", "centroid_lat", "centroid_lon", "area_ha",
                                       "mean_slope_pct", "soil_depth_class", "system", "established_on"))
    cells = _grid_cells([(r[2], r[3]) for r in plot_rows], cfg) if mode == "grid" else [None] * len(plot_rows)
    phases: dict[int, list] = defaultdict(list)
    for pid, system, start, end in PlotPhase.objects.filter(plot__in=plots).values_list(
            "plot_id", "system", "started_on", "ended_on"):
        phases[pid].append((system, start, end))
    measures: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
    for r in (Harvest.objects.filter(plot__in=plots).annotate(y=ExtractYear("harvested_on")).values("plot_id", "y")
              .annotate(kg=Sum("quantity_kg"), n=Count("species", distinct=True))):
        measures[(r["plot_id"], r["y"])].update(kg=r["kg"], n_species=r["n"])
    for r in (HarvestDestination.objects.filter(harvest__plot__in=plots)
              .exclude(destination=Destination.SELF_CONSUMPTION)
              .annotate(y=ExtractYear("harvest__harvested_on")).values("harvest__plot_id", "y")
              .annotate(sold=Sum("kg"), value=Sum(F("kg") * F("price_mxn_per_kg")))):
        measures[(r["harvest__plot_id"], r["y"])].update(sold_kg=r["sold"], sales=r["value"])
    for r in (LabourLog.objects.filter(plot__in=plots).values("plot_id", "year", "kind")
              .annotate(days=Sum("person_days"))):
        measures[(r["plot_id"], r["year"])][f"labour_{r['kind']}"] = r["days"]

    by_plot = {r[0]: (r, cell) for r, cell in zip(plot_rows, cells, strict=True)}
    out = []
    for (plot_id, year), m in sorted(measures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        (pk, fam_id, _, _, area, slope, soil, system, established), cell = by_plot[plot_id]
        fam = info[fam_id]
        _, loc = _location_fields(fam["unit"], cell, mode)
        kg = float(m.get("kg") or 0)
        sold = float(m.get("sold_kg") or 0)
        out.append([
            pseudonym("plot", pk), fam["pid"], year, *loc, False,
            _system_in(phases.get(pk, []), year, system), established.year if established else None,
            round(area, cfg.area_decimals), bin_label(slope, cfg.slope_edges), soil,
            round(kg), m.get("n_species", 0), round(100 * sold / kg) if kg else None,
            bin_label(m.get("sales") or 0, cfg.income_edges) if "sold_kg" in m or "kg" in m else "",
            _round(m.get(f"labour_{LabourLog.Kind.FAMILY}")), _round(m.get(f"labour_{LabourLog.Kind.HIRED}")),
        ])
    return out


def _round(value: Decimal | float | None) -> int | None:
    return None if value is None else round(float(value))


def _family_years(families: QuerySet, info: dict[int, dict], cfg: OpenDataSettings, mode: str) -> list[list[Any]]:
    plots = {r["family_id"]: r for r in Plot.objects.filter(family__in=families.values("pk")).values("family_id")
             .annotate(n=Count("pk"), area=Sum("area_ha"))}
    months: dict[tuple[int, int], dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    crop: dict[tuple[int, int], float] = defaultdict(float)
    for r in (LedgerEntry.objects.filter(family__in=families.values("pk"))
              .values("family_id", "year", "month", "kind", "category").annotate(total=Sum("amount_mxn"))):
        key = (r["family_id"], r["year"])
        months[key][r["month"]][0 if r["kind"] == LedgerEntry.Kind.INCOME else 1] += float(r["total"])
        if r["category"] == LedgerEntry.Category.CROP_SALE:
            crop[key] += float(r["total"])
    out = []
    step = cfg.share_step_pct
    for (fam_id, year), by_month in sorted(months.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        fam = info[fam_id]
        income = sum(v[0] for v in by_month.values())
        expense = sum(v[1] for v in by_month.values())
        p = plots.get(fam_id, {"n": 0, "area": 0.0})
        _, loc = _location_fields(fam["unit"], fam["cell"], mode)
        out.append([
            fam["pid"], year, *loc, False, fam["size"], fam["women"], fam["migrated"], p["n"],
            round(p["area"] or 0.0, cfg.area_decimals), bin_label(income, cfg.income_edges),
            bin_label(expense, cfg.income_edges),
            step * round(100 * crop[(fam_id, year)] / income / step) if income else None,
            sum(1 for v in by_month.values() if v[1] > v[0]),
        ])
    return out


def build_open_data(families: QuerySet, location: str = "municipality",
                    cfg: OpenDataSettings | None = None, today: dt.date | None = None) -> OpenData:
    """The anonymised tables of ``families`` (see the module docstring for the method)."""
    if location not in LOCATION_MODES:
        raise ValueError(f"location must be one of {LOCATION_MODES}, not {location!r}")
    cfg = cfg or OpenDataSettings.from_params()
    info = _family_info(families, cfg, location)
    data = OpenData(tables=[], location=location, settings=cfg, generated_on=today or dt.date.today())
    for spec, rows in ((OPEN_PLOT_YEARS, _plot_years(families, info, cfg, location)),
                       (OPEN_FAMILY_YEARS, _family_years(families, info, cfg, location))):
        names = spec.names
        loc = slice(names.index("state"), names.index("grid_cell") + 1)
        key_col = names.index("grid_cell" if location == "grid" else "municipality_code")
        keys = [r[key_col] or None for r in rows]
        fams = [r[names.index("family_pid")] for r in rows]
        data.suppression[spec.slug] = _suppress(rows, keys, fams, cfg.k, loc, names.index("location_suppressed"))
        data.tables.append(OpenDataTable(spec, rows))
    return data


# ---------------------------------------------------------------------------------------------- ZIP


def _csv_text(spec: TableSpec, rows: list[list[Any]]) -> str:
    from miaf.web.exports.tables import csv_chunks

    return "".join(csv_chunks(spec.names, rows))


def readme(data: OpenData) -> str:
    """README.md of the ZIP in the active language: licence, method with the thresholds used, suppression summary
    and the dictionary of its tables."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from miaf.web.exports.dictionary import active_language, markdown_in

    lang = active_language()
    cfg = data.settings
    mode = (_("municipio INEGI de la familia") if data.location == "municipality" else
            _("celda de una cuadrícula de %(size)s km en EPSG:%(epsg)s")
            % {"size": f"{cfg.grid_cell_m / 1000:g}", "epsg": cfg.grid_epsg})
    suppression_head = [_("tabla"), _("unidades suprimidas"), _("filas con la ubicación en blanco"),
                        _("filas eliminadas")]
    lines = [
        "# " + _("Programa MIAF-D: datos abiertos anonimizados"),
        "",
        _("Generado el %(date)s por miaf. Ubicación: %(mode)s.") % {"date": data.generated_on.isoformat(),
                                                                    "mode": mode},
        "",
        "## " + _("Licencia"),
        "",
        _("Licencia sugerida: Creative Commons Atribución 4.0 Internacional (CC BY 4.0), "
          "https://creativecommons.org/licenses/by/4.0/ . Citen a la organización acompañante y al programa."),
        "",
        "## " + _("Archivos"),
        "",
        *("* " + ngettext("`%(file)s`: %(description)s %(n)s fila.", "`%(file)s`: %(description)s %(n)s filas.",
                          len(t.rows))
          % {"file": f"{t.spec.slug}.csv", "description": t.spec.description_in(lang), "n": len(t.rows)}
          for t in data.tables),
        "* " + _("`diccionario.csv`: cada columna, su significado y su unidad."),
        "* " + _("`datapackage.json`: lo mismo como paquete de Frictionless Data (tipos, significados y unidades "
                 "de cada columna), para `frictionless validate` y las herramientas que leen paquetes de datos."),
        "",
        "## " + _("Método"),
        "",
        "* " + _("No se publican nombres, códigos del programa, localidades, grupos, organizaciones ni coordenadas."),
        "* " + _("Las familias y las parcelas llevan seudónimos: HMAC-SHA256 de la clave del registro con el secreto "
                 "del servidor, recortado a %(digits)s dígitos hexadecimales. Son estables entre publicaciones y no "
                 "se pueden revertir sin el secreto.") % {"digits": PSEUDONYM_HEX},
        "* " + _("Ubicación: %(mode)s. Una unidad de ubicación con menos de k = %(k)s familias en una tabla queda "
                 "con la ubicación en blanco (`location_suppressed = true`); si las filas así agrupadas vienen de "
                 "menos de k familias, se eliminan.") % {"mode": mode, "k": cfg.k},
        "* " + _("Los ingresos, gastos y ventas [MXN/año] se agrupan en intervalos: %(bins)s.")
        % {"bins": ", ".join(bin_labels(cfg.income_edges))},
        "* " + _("La pendiente media [%%] se agrupa en intervalos: %(bins)s; las superficies se redondean a "
                 "%(area)s ha; las masas y los jornales, a unidades enteras; las proporciones, al %(share)s %%.")
        % {"bins": ", ".join(bin_labels(cfg.slope_edges)), "area": f"{10 ** -cfg.area_decimals:g}",
           "share": cfg.share_step_pct},
        "* " + _("Limitación: la k-anonimidad se aplica solo a la ubicación; combinaciones raras de otros atributos "
                 "todavía pueden señalar a una familia ante alguien que la conozca. No intenten reidentificar a "
                 "nadie."),
        "",
        "## " + _("Supresión en esta publicación"),
        "",
        "| " + " | ".join(suppression_head) + " |",
        "|---|---|---|---|",
        *(f"| {slug} | {s['units_suppressed']} | {s['rows_location_blanked']} | {s['rows_dropped']} |"
          for slug, s in data.suppression.items()),
        "",
        "## " + _("Diccionario de datos"),
        "",
        markdown_in(OPEN_DATA_TABLES, heading_level=3, lang=lang),
    ]
    return "\n".join(lines) + "\n"


def write_zip(data: OpenData, fh: IO[bytes]) -> None:
    """The ZIP: README.md, one CSV per table (UTF-8 with BOM), the dictionary as CSV and ``datapackage.json``; the
    README, the descriptions in ``datapackage.json`` and the codes' labels of the dictionary follow the active
    language (``translation.override`` for another one)."""
    from django.utils.translation import gettext as _

    from miaf.web.exports.datapackage import datapackage_json
    from miaf.web.exports.dictionary import csv_text

    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.md", readme(data))
        for table in data.tables:
            zf.writestr(f"{table.spec.slug}.csv", _csv_text(table.spec, table.rows))
        zf.writestr("diccionario.csv", csv_text(OPEN_DATA_TABLES))
        zf.writestr("datapackage.json", datapackage_json(
            [t.spec for t in data.tables], _("Programa MIAF-D: datos abiertos anonimizados"),
            f"{data.generated_on.isoformat()}T00:00:00Z"))


def open_data_zip_bytes(families: QuerySet, location: str = "municipality") -> bytes:
    buf = io.BytesIO()
    write_zip(build_open_data(families, location), buf)
    return buf.getvalue()


__all__ = ["LOCATION_MODES", "OpenData", "OpenDataSettings", "bin_label", "bin_labels", "build_open_data",
           "open_data_families", "open_data_zip_bytes", "pseudonym", "readme", "write_zip"]
