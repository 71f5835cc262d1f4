"""Market pages: the offer calendar (organisation, group, plot), its track record, the buyer directory,
demand matching and the product sheet (HTML and PDF). Thin views: scope, call the services, render.

Who sees what: the offer calendar is an aggregate (every role; analysts only organisation and municipality
totals, never a group, a plot or a family); group and plot calendars are personal-data pages (analysts 403,
out of reach 404); the buyer directory is read by coordinators and promoters and written by coordinators.
"""

from __future__ import annotations

import datetime as dt
import tempfile

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import families_for, groups_for, plots_for, require_personal_data, role_of
from miaf.web.core.paging import GROUPS_PER_PAGE, page_of, picker
from miaf.web.market import services
from miaf.web.market.exports import OFFER, offer_rows
from miaf.web.market.forms import MONTH_SHORT, BuyerForm, ConsentForm, DemandForm, OfferFilterForm
from miaf.web.market.models import BuyerSharingConsent, Demand


def _analyst(request: HttpRequest) -> bool:
    return role_of(request.user) == Role.ANALYST


def _offer_from_request(request: HttpRequest) -> tuple[OfferFilterForm, services.Offer]:
    form = OfferFilterForm(request.GET or None, request.user, analyst=_analyst(request))
    v = form.value
    offer = services.compute_offer(
        request.user, organisation=v("organisation"), municipality=v("municipality"), group=v("group"),
        product=v("product") or None, start=v("desde"), by=v("by") or "total")
    return form, offer


def _month_labels(months: list[tuple[int, int]]) -> list[str]:
    return [f"{MONTH_SHORT[m - 1]} {y % 100:02d}" for y, m in months]


def _cells_html(p10, p50, p90) -> str:  # noqa: ANN001
    """One row's monthly cells as HTML, built here from numbers only (nothing to escape): a table of hundreds
    of rows × 12 cells rendered cell by cell in the template, or with ``format_html``, takes seconds."""
    sep = str(get_format("THOUSAND_SEPARATOR"))

    def n(x: float) -> str:
        return f"{round(float(x)):,}".replace(",", sep)

    return mark_safe("".join(  # noqa: S308  (numbers formatted here, no user text)
        f'<td class="cell">{n(b)}<small>{n(a)}–{n(c)}</small></td>' if c > 0 else '<td class="cell zero">·</td>'
        for a, b, c in zip(p10.tolist(), p50.tolist(), p90.tolist(), strict=True)))


#: Units (groups, municipalities, organisations) per page of the offer calendar: each is up to one row per
#: product (≈7), so 25 groups are ≈175 rows × 12 months, ≈90 kB of HTML (engineering choice: a promoter's
#: phone on a slow connection; docs/benchmarks/market.md).
OFFER_UNITS_PER_PAGE = 25


def _rows(offer: services.Offer, f, labels: list[str], units) -> list[dict]:  # noqa: ANN001
    """Rows for the calendar table: unit × product with 12 monthly cells (P50 and P10–P90), for ``units``
    (indices of ``f``'s units) only."""
    rows = []
    for u in units:
        for j, code in enumerate(f.products):
            if f.kg_q["p90"][u, j].sum() <= 0:
                continue
            cells = _cells_html(f.sale_kg_q["p10"][u, j], f.sale_kg_q["p50"][u, j], f.sale_kg_q["p90"][u, j])
            rows.append({"unit": labels[u], "product": offer.product_names.get(code, code), "code": code, "cells": cells,
                         "total_p50": float(f.sale_kg_q["p50"][u, j].sum()),
                         "value": float(f.value_mxn[u, j].sum())})
    return rows


@login_required
def offer_page(request: HttpRequest) -> HttpResponse:
    form, offer = _offer_from_request(request)
    f = offer.forecast
    months = _month_labels(f.months)
    # page over the units that have an offer; each page's table is rendered once per computed offer and language
    units = np.flatnonzero(f.kg_q["p90"].sum(axis=(1, 2)) > 0).tolist() if f.n_units else []
    page = page_of(request, units, OFFER_UNITS_PER_PAGE)
    totals = ""
    if len(offer.unit_labels) > 1:  # the sum over every unit (all pages), from the cached forecast's draws
        totals = services.rendered(offer, "offer_totals", lambda: render_to_string(
            "market/_offer_rows.html", {"rows": _rows(offer, f.unit_sum(), [_("Total")], [0]), "show_unit": True,
                                        "totals": True}))
    table_html = services.rendered(offer, f"offer_table:{page.number}", lambda: render_to_string(
        "market/_offer_table.html", {"rows": _rows(offer, f, offer.unit_labels, page.object_list), "months": months,
                                     "show_unit": True, "totals_html": totals}))
    context = {"form": form, "offer": offer, "table_html": table_html, "analyst": _analyst(request),
               "query": request.GET.urlencode(), "pager": picker(request, page, anchor="#offer-calendar")}
    return render(request, "market/offer.html", context)


@login_required
def offer_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from miaf.web.exports.tables import csv_chunks, write_xlsx
    from miaf.web.exports.views import _filename, _private, _stream

    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    _form, offer = _offer_from_request(request)
    rows = offer_rows(offer)
    if fmt == "csv":
        return _stream(csv_chunks(OFFER.names, rows), OFFER.slug, "csv")
    tmp = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    write_xlsx(OFFER, rows, tmp)
    tmp.seek(0)
    return _private(FileResponse(tmp, as_attachment=True, filename=_filename(OFFER.slug, "xlsx"),
                                 content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _calendar_context(forecast, calendar, names: dict, year_labels: list[str]) -> dict:  # noqa: ANN001
    f = forecast
    offer_rows = []
    for j, code in enumerate(f.products):
        if f.kg_q["p90"][0, j].sum() <= 0:
            continue
        offer_rows.append({"product": names.get(code, code), "total_p50": float(f.sale_kg_q["p50"][0, j].sum()),
                           "cells": _cells_html(f.sale_kg_q["p10"][0, j], f.sale_kg_q["p50"][0, j],
                                                f.sale_kg_q["p90"][0, j])})
    sales = calendar["sales_mxn"][0]  # (years, 12)
    peak = float(sales.max()) if sales.size else 0.0
    income = [{"label": lab, "cells": [{"mxn": float(x), "level": int(round(4 * x / peak)) if peak > 0 else 0}
                                       for x in sales[i]], "total": float(sales[i].sum()),
               "months_with_income": int((sales[i] > 0).sum())}
              for i, lab in enumerate(year_labels)]
    return {"offer_rows": offer_rows, "months": _month_labels(f.months), "income": income, "month_short": MONTH_SHORT}


@login_required
def plot_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    plot = get_object_or_404(plots_for(request.user), pk=pk)
    data = services.plot_offer(plot)
    context = {"plot": plot, "miaf": data["miaf"]}
    if data["miaf"]:
        y0 = data["start_year"]
        labels = [_("año %(k)s (%(y)s)") % {"k": k + 1, "y": y} for k, y in enumerate(data["calendar"]["years"])]
        context.update(_calendar_context(data["forecast"], data["calendar"], services.product_names(), labels))
        context.update(start_year=y0, calibration=data["calibration"])
    return render(request, "market/plot_calendar.html", context)


@login_required
def group_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    require_personal_data(request.user)
    group = get_object_or_404(groups_for(request.user), pk=pk)
    data = services.group_calendar(group)
    labels = [str(y) for y in data["calendar"]["years"]]
    context = {"group": group, "n_plots": data["n_plots"]}
    context.update(_calendar_context(data["forecast"], data["calendar"], services.product_names(), labels))
    return render(request, "market/group_calendar.html", context)


@login_required
def track_record_page(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET or None, request.user, analyst=_analyst(request))
    v = form.value
    data = services.compute_track_record(request.user, v("organisation"), v("municipality"), v("group"))
    return render(request, "market/track_record.html", {"form": form, "data": data,
                                                        "months": _month_labels(data["window"])})


# ---------------------------------------------------------------------------------------------- buyers
@login_required
def buyer_list(request: HttpRequest) -> HttpResponse:
    services.require_directory_reader(request.user)
    buyers = services.buyers_for(request.user).prefetch_related("demands__product")
    can_write = role_of(request.user) in (Role.ADMINISTRATOR, Role.COORDINATOR)
    return render(request, "market/buyer_list.html", {"buyers": buyers, "can_write": can_write})


def _form_errors_from(exc: ValidationError, form) -> None:  # noqa: ANN001
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def buyer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    buyer = get_object_or_404(services.buyers_for(request.user), pk=pk) if pk else None
    services.require_directory_writer(request.user, buyer.organisation if buyer else None)
    form = BuyerForm(request.POST or None, instance=buyer)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: form.cleaned_data[k] for k in services.BUYER_FIELDS if k in form.cleaned_data}
            buyer = services.save_buyer(request.user, data, instance=buyer)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Comprador guardado."))
            return redirect("market:buyer_detail", pk=buyer.pk)
    return render(request, "market/buyer_form.html", {"form": form, "buyer": buyer})


@login_required
def buyer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_directory_reader(request.user)
    buyer = get_object_or_404(services.buyers_for(request.user), pk=pk)
    can_write = role_of(request.user) in (Role.ADMINISTRATOR, Role.COORDINATOR)
    return render(request, "market/buyer_detail.html", {"buyer": buyer, "can_write": can_write,
                                                        "demands": buyer.demands.select_related("product")})


@login_required
@require_POST
def buyer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_directory_writer(request.user)
    buyer = get_object_or_404(services.buyers_for(request.user), pk=pk)
    services.delete_buyer(request.user, buyer)
    messages.success(request, _("Comprador eliminado."))
    return redirect("market:buyer_list")


@login_required
def demand_edit(request: HttpRequest, pk: int, demand_pk: int | None = None) -> HttpResponse:
    services.require_directory_writer(request.user)
    buyer = get_object_or_404(services.buyers_for(request.user), pk=pk)
    demand = get_object_or_404(Demand, pk=demand_pk, buyer=buyer) if demand_pk else None
    form = DemandForm(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: form.cleaned_data[k] for k in services.DEMAND_FIELDS if k in form.cleaned_data}
            demand = services.save_demand(request.user, buyer, data, instance=demand)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Demanda guardada."))
            return redirect("market:demand_match", pk=demand.pk)
    return render(request, "market/demand_form.html", {"form": form, "buyer": buyer, "demand": demand})


@login_required
@require_POST
def demand_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_directory_writer(request.user)
    demand = get_object_or_404(services.demands_for(request.user), pk=pk)
    buyer_pk = demand.buyer_id
    services.delete_demand(request.user, demand)
    messages.success(request, _("Demanda eliminada."))
    return redirect("market:buyer_detail", pk=buyer_pk)


@login_required
def demand_match(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_directory_reader(request.user)
    demand = get_object_or_404(services.demands_for(request.user), pk=pk)
    by = "group" if request.GET.get("por") != "municipio" else "municipality"
    match = services.match_demand(request.user, demand, by=by)
    months = [lab for lab, m in zip(_month_labels(match["window"]), match["mask"], strict=True) if m]
    page = page_of(request, match["units"], GROUPS_PER_PAGE)
    return render(request, "market/demand_match.html", {"demand": demand, "match": match, "months": months,
                                                        "by": by, "units": page.object_list,
                                                        "pager": picker(request, page, anchor="#match-units")})


def _sheet_context(request: HttpRequest, pk: int) -> dict:
    services.require_directory_reader(request.user)
    demand = get_object_or_404(services.demands_for(request.user), pk=pk)
    sheet = services.product_sheet(request.user, demand)
    for m in sheet["months"]:
        m["label"] = f"{MONTH_SHORT[m['month'] - 1]} {m['year']}"
    return {"sheet": sheet, "demand": demand}


@login_required
def product_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "market/product_sheet.html", _sheet_context(request, pk))


@login_required
def product_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from miaf.web.evidence.render import render_pdf

    context = _sheet_context(request, pk)
    html = render_to_string("market/product_sheet_print.html", context, request=request)
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    stem = f"ficha-{context['demand'].product.code}-{dt.date.today().isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def family_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A family's consent to show its name to buyers (anyone who may edit the family)."""
    require_personal_data(request.user)
    family = get_object_or_404(families_for(request.user), pk=pk)
    current = BuyerSharingConsent.objects.filter(family=family).first()
    initial = {"share_name": current.share_name if current else False,
               "agreed_on": current.agreed_on if current else None, "notes": current.notes if current else ""}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_sharing_consent(request.user, family, form.cleaned_data["share_name"],
                                     form.cleaned_data["agreed_on"], form.cleaned_data["notes"])
        messages.success(request, _("Consentimiento guardado."))
        return redirect("market:family_consent", pk=family.pk)
    return render(request, "market/consent.html", {"family": family, "form": form, "current": current})

