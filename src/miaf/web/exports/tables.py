"""Tabular exports: scoped, filtered querysets streamed as rows, written as CSV (UTF-8 BOM) or XLSX.

Every queryset comes from :mod:`miaf.web.accounts.scoping`; the filters are the list pages' own filter
forms (:class:`~miaf.web.registry.forms.ScopedFilterForm` and its subclasses), so an export holds exactly
the rows the list shows. Rows are read with ``values_list(...).iterator()``: per-row aggregates are
correlated sub-queries of the one SQL statement, never a query per object.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django import forms
from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.scoping import families_for, groups_for, plots_for, scoped
from miaf.web.exports.columns import FAMILIES, GROUPS, HARVESTS, LABOUR, LEDGER, MEMBERS, PLOTS, TableSpec
from miaf.web.plots.forms import PlotFilterForm
from miaf.web.plots.models import Plot, System
from miaf.web.records.models import Destination, Harvest, HarvestDestination, LabourLog, LedgerEntry
from miaf.web.registry.forms import GroupFilterForm, ScopedFilterForm
from miaf.web.registry.models import Member, Membership
from miaf.web.registry.views import sum_by

BOM = "\ufeff"
#: Rows per chunk of a streamed CSV response.
CSV_CHUNK_ROWS = 500
#: A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class FamilyPathFilterForm(ScopedFilterForm):
    """The list filters for a model that reaches the family through ``family_path``.

    ``system_path`` (optional) is how the model reaches a plot's production system.
    """

    system_path = ""
    system = forms.ChoiceField(label=_("Sistema"), required=False, choices=[("", _("todos")), *System.choices])

    def __init__(self, data, user, **kwargs) -> None:  # noqa: ANN001
        super().__init__(data, user, **kwargs)
        if not self.system_path:
            del self.fields["system"]  # e.g. members and the ledger have no plot

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = super().apply(qs)
        if self.system_path and (system := self.value("system")):
            qs = qs.filter(**{self.system_path: system})
        return qs


class MemberFilterForm(FamilyPathFilterForm):
    family_path = "family__"


class HarvestFilterForm(FamilyPathFilterForm):
    family_path = "plot__family__"
    system_path = "plot__system"


class LabourFilterForm(FamilyPathFilterForm):
    family_path = "family__"
    system_path = "plot__system"


@dataclass(frozen=True)
class Export:
    """A downloadable table: its column spec, its scoped base queryset and its filter form."""

    spec: TableSpec
    queryset: Callable[[Any], QuerySet]
    form: type[ScopedFilterForm]


def _families(user) -> QuerySet:  # noqa: ANN001
    open_membership = Membership.objects.filter(family=OuterRef("pk"), left_on__isnull=True)
    plots = Plot.objects.filter(family=OuterRef("pk"))
    return families_for(user).annotate(
        municipality_code=Concat("locality__municipality__state_code", "locality__municipality__code"),
        group_name=Subquery(open_membership.values("group__name")[:1]),
        organisation_name=Subquery(open_membership.values("group__producer_organisation__name")[:1]),
        n_members=sum_by(Member.objects.filter(family=OuterRef("pk")), "family", Count("pk"), IntegerField()),
        n_plots=sum_by(plots, "family", Count("pk"), IntegerField()),
        area_ha=sum_by(plots, "family", Sum("area_ha"), FloatField()),
    ).order_by("code")


def _harvests(user) -> QuerySet:  # noqa: ANN001
    dest = HarvestDestination.objects.filter(harvest=OuterRef("pk"))
    money = DecimalField(max_digits=16, decimal_places=2)
    return scoped(user, Harvest).annotate(
        self_consumption_kg=sum_by(dest.filter(destination=Destination.SELF_CONSUMPTION), "harvest", Sum("kg"), money),
        sold_kg=sum_by(dest.exclude(destination=Destination.SELF_CONSUMPTION), "harvest", Sum("kg"), money),
        sales_mxn=sum_by(dest.exclude(destination=Destination.SELF_CONSUMPTION), "harvest",
                         Sum(F("kg") * F("price_mxn_per_kg"), output_field=money), money),
    ).order_by("harvested_on", "pk")


def _groups(user) -> QuerySet:  # noqa: ANN001
    return groups_for(user).annotate(
        n_families=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True)
    ).order_by("name")


EXPORTS: dict[str, Export] = {
    e.spec.slug: e
    for e in (
        Export(FAMILIES, _families, ScopedFilterForm),
        Export(MEMBERS, lambda u: scoped(u, Member).order_by("family__code", "pk"), MemberFilterForm),
        Export(PLOTS, lambda u: plots_for(u).order_by("family__code", "name", "pk"), PlotFilterForm),
        Export(HARVESTS, _harvests, HarvestFilterForm),
        Export(LEDGER, lambda u: scoped(u, LedgerEntry).order_by("family__code", "year", "month", "pk"),
               MemberFilterForm),
        Export(LABOUR, lambda u: scoped(u, LabourLog).order_by("family__code", "year", "month", "pk"),
               LabourFilterForm),
        Export(GROUPS, _groups, GroupFilterForm),
    )
}


def filtered_queryset(export: Export, user, params) -> QuerySet:  # noqa: ANN001
    """The export's scoped queryset with the list filters in ``params`` (a QueryDict or dict) applied."""
    form = export.form(params or None, user=user)
    return form.apply(export.queryset(user))


def _convert(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def iter_rows(spec: TableSpec, qs: QuerySet, chunk_size: int = 2000) -> Iterator[tuple]:
    """Rows of ``qs`` in the column order of ``spec`` (one SQL query, read in chunks)."""
    lookups = [c.lookup for c in spec.columns]
    for row in qs.values_list(*lookups).iterator(chunk_size=chunk_size):
        yield tuple(_convert(v) for v in row)


# ---------------------------------------------------------------------------------------------- CSV


def csv_cell(value: Any) -> Any:
    """A value as the CSV shows it: booleans true/false, None empty, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_chunks(header: list[str], rows: Iterable[tuple], bom: bool = True) -> Iterator[str]:
    """CSV text in chunks of :data:`CSV_CHUNK_ROWS` rows; the first chunk starts with the UTF-8 BOM (Excel)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if bom:
        buf.write(BOM)
    writer.writerow(header)
    for i, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if i % CSV_CHUNK_ROWS == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


# ---------------------------------------------------------------------------------------------- XLSX


def _xlsx_value(ws, value: Any):  # noqa: ANN001, ANN202
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):  # openpyxl would store it as a formula: force a string cell
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
    if isinstance(value, Decimal):
        return float(value)
    return value


def dictionary_rows(spec: TableSpec) -> list[list[str]]:
    return [[c.name, c.label_es, c.label_en, c.meaning, c.unit, "yes" if c.personal else "no"] for c in spec.columns]


DICTIONARY_HEADER = ["column", "label_es", "label_en", "meaning", "unit", "personal"]


def write_xlsx(spec: TableSpec, rows: Iterable[tuple], fh: IO[bytes]) -> None:
    """Write the rows to ``fh`` as an XLSX workbook (openpyxl write-only mode): data and dictionary sheets."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.slug[:31])
    ws.freeze_panes = "A2"
    ws.append(spec.names)
    for row in rows:
        ws.append([_xlsx_value(ws, v) for v in row])
    meta = wb.create_sheet("diccionario")
    meta.append(DICTIONARY_HEADER)
    for r in dictionary_rows(spec):
        meta.append(r)
    wb.save(fh)
