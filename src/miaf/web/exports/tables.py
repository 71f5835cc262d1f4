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
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.scoping import families_for, groups_for, plots_for, scoped
from miaf.web.exports.columns import (
    ATTENDANCE,
    FAMILIES,
    GROUPS,
    HARVESTS,
    INPUT_PURCHASES,
    LABOUR,
    LEDGER,
    MEMBERS,
    PLANTINGS,
    PLOTS,
    PROCESS_STEPS,
    TRAININGS,
    VISIT_PLANS,
    VISITS,
    TableSpec,
)
from miaf.web.fieldwork import exports as fieldwork_exports
from miaf.web.plots.forms import PlotFilterForm
from miaf.web.plots.models import System
from miaf.web.process import exports as process_exports
from miaf.web.records.models import (
    Destination,
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)
from miaf.web.registry.forms import GroupFilterForm, ScopedFilterForm
from miaf.web.registry.models import Member
from miaf.web.registry.queries import family_summary, sum_by, with_family_count
from miaf.web.trade import exports as trade_exports

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
    return family_summary(families_for(user))


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
    return with_family_count(groups_for(user)).order_by("name")


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
        Export(INPUT_PURCHASES, lambda u: scoped(u, InputPurchase).order_by("family__code", "purchased_on", "pk"),
               LabourFilterForm),
        Export(PLANTINGS, lambda u: scoped(u, Planting).order_by("plot__family__code", "planted_on", "pk"),
               HarvestFilterForm),
        Export(VISITS, fieldwork_exports.visits, fieldwork_exports.FamilyRecordFilterForm),
        Export(VISIT_PLANS, fieldwork_exports.visit_plans, fieldwork_exports.FamilyRecordFilterForm),
        Export(TRAININGS, fieldwork_exports.trainings, fieldwork_exports.TrainingFilterForm),
        Export(ATTENDANCE, fieldwork_exports.attendance, fieldwork_exports.FamilyRecordFilterForm),
        Export(PROCESS_STEPS, process_exports.steps, process_exports.StepFilterForm),
        Export(trade_exports.ORGANISATION_PRICES, trade_exports.organisation_prices, trade_exports.price_filter_form()),
        Export(trade_exports.ADVANCES, trade_exports.advances, MemberFilterForm),
        Export(trade_exports.PURCHASE_SHARES, trade_exports.purchase_shares, MemberFilterForm),
        Export(trade_exports.SUPPLIER_QUOTES, trade_exports.supplier_quotes, trade_exports.quote_filter_form()),
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
    return [[c.name, c.label_es, c.label_en, c.meaning_es, c.meaning, c.unit, "yes" if c.personal else "no"]
            for c in spec.columns]


#: Both languages side by side, like the dictionary CSV (docs/data-dictionary.md, "Headers").
DICTIONARY_HEADER = ["column", "label_es", "label_en", "meaning_es", "meaning_en", "unit", "personal"]


def write_xlsx(spec: TableSpec, rows: Iterable[tuple], fh: IO[bytes], header: list[str] | None = None) -> None:
    """Write the rows to ``fh`` as an XLSX workbook (openpyxl write-only mode): data and dictionary sheets.

    ``header`` is the first row of the data sheet (default: the stable codes, ``spec.names``); the dictionary
    sheet always pairs each code with its labels.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.slug[:31])
    ws.freeze_panes = "A2"
    ws.append(header or spec.names)
    for row in rows:
        ws.append([_xlsx_value(ws, v) for v in row])
    meta = wb.create_sheet("diccionario")
    meta.append(DICTIONARY_HEADER)
    for r in dictionary_rows(spec):
        meta.append(r)
    wb.save(fh)
