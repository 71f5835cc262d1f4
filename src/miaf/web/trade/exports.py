"""Querysets of the trade app's export tables (the organisation's purchase prices, advances and credit with their
balance, the per-family parts of collective purchases), scoped through :mod:`miaf.web.accounts.scoping`.

Their column specs live with every other table's in :mod:`miaf.web.exports.columns` (the data dictionary
reads them without Django).
"""

from __future__ import annotations

from typing import Any

from miaf.web.exports.columns import ADVANCES, ORGANISATION_PRICES, PURCHASE_SHARES, SUPPLIER_QUOTES

__all__ = ["ADVANCES", "ORGANISATION_PRICES", "PURCHASE_SHARES", "SUPPLIER_QUOTES", "advances", "organisation_prices",
           "price_filter_form", "purchase_shares", "quote_filter_form", "supplier_quotes"]



def organisation_prices(user: Any):  # noqa: ANN201
    from miaf.web.accounts.scoping import organisations_for

    from .models import OrganisationPrice

    return (OrganisationPrice.objects.filter(organisation__in=organisations_for(user))
            .order_by("organisation__name", "species__code", "year", "month"))


def advances(user: Any):  # noqa: ANN201
    from django.db.models import DecimalField, F, OuterRef, Sum

    from miaf.web.accounts.scoping import scoped
    from miaf.web.registry.queries import sum_by

    from .models import Advance, Repayment

    money = DecimalField(max_digits=16, decimal_places=2)
    repaid = sum_by(Repayment.objects.filter(advance=OuterRef("pk")), "advance", Sum("amount_mxn"), money)
    return (scoped(user, Advance).annotate(repaid_mxn=repaid, balance_mxn=F("amount_mxn") - repaid)
            .order_by("family__code", "given_on", "pk"))


def purchase_shares(user: Any):  # noqa: ANN201
    from miaf.web.accounts.scoping import scoped

    from .models import PurchaseShare

    return scoped(user, PurchaseShare).order_by("family__code", "purchase__purchased_on", "pk")


def price_filter_form():  # noqa: ANN201
    """The list filter of the prices table: organisation only (prices belong to no family)."""
    from miaf.web.registry.forms import ScopedFilterForm

    class PriceFilterForm(ScopedFilterForm):
        def apply(self, qs):  # noqa: ANN001, ANN202
            if org := self.value("organisation"):
                qs = qs.filter(organisation=org)
            return qs

    return PriceFilterForm


def supplier_quotes(user: Any):  # noqa: ANN201
    """The quotes of the user's groups, with how many collective purchases chose each."""
    from django.db.models import Count

    from miaf.web.accounts.scoping import groups_for

    from .models import SupplierQuote

    return (SupplierQuote.objects.filter(group__in=groups_for(user)).annotate(n_purchases=Count("purchases"))
            .order_by("group__name", "item", "quoted_on", "pk"))


def quote_filter_form():  # noqa: ANN201
    """The list filter of the quotes table: organisation, municipality and group of the quote's group."""
    from miaf.web.registry.forms import ScopedFilterForm

    class QuoteFilterForm(ScopedFilterForm):
        def apply(self, qs):  # noqa: ANN001, ANN202
            if text := (self.value("q") or "").strip():
                qs = qs.filter(item__icontains=text) | qs.filter(supplier__icontains=text)
            if org := self.value("organisation"):
                qs = qs.filter(group__producer_organisation=org)
            if mun := self.value("municipality"):
                qs = qs.filter(group__locality__municipality=mun)
            if group := self.value("group"):
                qs = qs.filter(group=group)
            return qs

    return QuoteFilterForm

