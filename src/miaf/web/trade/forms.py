"""Forms of the trade pages. Validation of the rules is the services'; these only parse the input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.scoping import families_for, groups_for, organisations_for
from miaf.web.records.forms import decimal_input, integer_input, month_choices, species_queryset
from miaf.web.registry.models import Organisation, OrganisationKind
from miaf.web.registry.pickers import FAMILIES, GroupField, PickerField

from .models import Advance, CollectivePurchase, Currency, Quality, Repayment

ISO_DATE = "%Y-%m-%d"


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)


class PriceForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organización de productores"), queryset=Organisation.objects.none())
    species = forms.ModelChoiceField(label=_("Producto"), queryset=None)
    year = forms.IntegerField(label=_("Año"), min_value=1990, max_value=2100, widget=integer_input())
    month = forms.TypedChoiceField(label=_("Mes"), choices=month_choices, coerce=int)
    price_mxn_per_kg = forms.DecimalField(label=_("Precio de compra [MXN/kg]"), min_value=0, max_digits=10,
                                          decimal_places=2, widget=decimal_input())
    payment_delay_days = forms.IntegerField(label=_("Días hasta el pago"), min_value=0, max_value=3650,
                                            widget=integer_input())
    notes = forms.CharField(label=_("Notas"), required=False, max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(user).filter(kind=OrganisationKind.PRODUCER)
        self.fields["species"].queryset = species_queryset()
        if not self.is_bound:
            today = dt.date.today()
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("month", today.month)


class AdvanceForm(forms.Form):
    family = PickerField(label=_("Familia"), source=FAMILIES)  # tens of thousands in reach: no <select>
    kind = forms.ChoiceField(label=_("Tipo"), choices=Advance.Kind.choices)
    given_on = forms.DateField(label=_("Fecha de entrega"), widget=date_input(), input_formats=[ISO_DATE])
    amount_mxn = forms.DecimalField(label=_("Monto [MXN]"), min_value=0, max_digits=12, decimal_places=2,
                                    widget=decimal_input())
    monthly_rate_pct = forms.DecimalField(label=_("Interés mensual [%]"), required=False, min_value=0,
                                          max_value=100, max_digits=5, decimal_places=2, widget=decimal_input())
    notes = forms.CharField(label=_("Notas"), required=False, max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = families_for(user)


class RepaymentForm(forms.Form):
    advance = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("Fecha de pago"), widget=date_input(), input_formats=[ISO_DATE])
    amount_mxn = forms.DecimalField(label=_("Monto [MXN]"), min_value=0, max_digits=12, decimal_places=2,
                                    widget=decimal_input())
    method = forms.ChoiceField(label=_("Forma de pago"), choices=Repayment.Method.choices)


class QuoteForm(forms.Form):
    item = forms.CharField(label=_("Insumo"), max_length=160)
    unit = forms.CharField(label=_("Unidad"), max_length=20)
    supplier = forms.CharField(label=_("Proveedor"), max_length=160)
    unit_price = forms.DecimalField(label=_("Precio por unidad"), min_value=0, max_digits=12, decimal_places=2,
                                    widget=decimal_input())
    currency = forms.ChoiceField(label=_("Moneda"), choices=Currency.choices, initial=Currency.MXN)
    exchange_rate_mxn = forms.DecimalField(label=_("Tipo de cambio [MXN por unidad de la moneda]"), required=False,
                                           min_value=0, max_digits=10, decimal_places=4, widget=decimal_input())
    quality = forms.ChoiceField(label=_("Calidad"), choices=Quality.choices, initial=Quality.STANDARD)
    delivery_days = forms.IntegerField(label=_("Días de entrega"), min_value=0, max_value=3650, widget=integer_input())
    quoted_on = forms.DateField(label=_("Fecha de la cotización"), widget=date_input(), input_formats=[ISO_DATE])
    notes = forms.CharField(label=_("Notas"), required=False, max_length=255)


class PurchaseForm(forms.Form):
    quote = forms.IntegerField(label=_("Cotización elegida"), required=False, widget=forms.HiddenInput)
    item = forms.CharField(label=_("Insumo"), max_length=160)
    unit = forms.CharField(label=_("Unidad"), max_length=20)
    quantity = forms.DecimalField(label=_("Cantidad comprada"), min_value=0, max_digits=12, decimal_places=2,
                                  widget=decimal_input())
    supplier = forms.CharField(label=_("Proveedor"), max_length=160, required=False)
    unit_price_mxn = forms.DecimalField(label=_("Precio por unidad [MXN]"), required=False, min_value=0,
                                        max_digits=12, decimal_places=2, widget=decimal_input(),
                                        help_text=_("Se toma de la cotización elegida si la hay."))
    individual_unit_price_mxn = forms.DecimalField(
        label=_("Precio individual de referencia [MXN/unidad]"), required=False, min_value=0, max_digits=12,
        decimal_places=2, widget=decimal_input(),
        help_text=_("Vacío: se toma de las compras individuales registradas."))
    split = forms.ChoiceField(label=_("Reparto"), choices=CollectivePurchase.Split.choices)
    purchased_on = forms.DateField(label=_("Fecha de compra"), widget=date_input(), input_formats=[ISO_DATE])
    notes = forms.CharField(label=_("Notas"), required=False, max_length=255)


class SideSellForm(forms.Form):
    """Which groups and year, and the assumptions (in the units people read: %, months)."""

    organisation = forms.ModelChoiceField(label=_("Organización"), queryset=Organisation.objects.none(),
                                          required=False, empty_label=_("todas"))
    group = GroupField(label=_("Grupo"), required=False)  # thousands of groups: no <select> (registry/pickers.py)
    year = forms.IntegerField(label=_("Año de las ventas"), required=False, min_value=1990, max_value=2100,
                              widget=integer_input())
    deficit_rate_pct = forms.FloatField(label=_("Interés implícito en un mes de déficit [%/mes]"), min_value=0,
                                        max_value=100, required=False, widget=decimal_input())
    normal_rate_pct = forms.FloatField(label=_("Interés implícito sin déficit [%/mes]"), min_value=0, max_value=100,
                                       required=False, widget=decimal_input())
    organisation_rate_pct = forms.FloatField(label=_("Costo del dinero para la organización [%/mes]"), min_value=0,
                                             max_value=100, required=False, widget=decimal_input())
    advance_pct = forms.FloatField(label=_("Anticipo pagado al entregar [% del precio]"), min_value=0, max_value=100,
                                   required=False, widget=decimal_input())
    delay_months = forms.FloatField(label=_("Nuevo plazo de pago [meses]"), min_value=0, max_value=24,
                                    required=False, widget=decimal_input())
    price_change_pct = forms.FloatField(label=_("Cambio del precio de la organización [%]"), min_value=-50,
                                        max_value=50, required=False,
                                        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
    deficit_relief_pct = forms.FloatField(label=_("Meses de déficit que quita la diversificación [%]"), min_value=0,
                                          max_value=100, required=False, widget=decimal_input())
    advance_rate_pct = forms.FloatField(label=_("Interés que cobra la organización por el anticipo [%/mes]"),
                                        min_value=0, max_value=10, required=False, widget=decimal_input())

    PCT = {"deficit_rate_pct": "deficit_rate", "normal_rate_pct": "normal_rate",
           "organisation_rate_pct": "organisation_rate", "advance_pct": "advance_share",
           "price_change_pct": "price_change", "deficit_relief_pct": "deficit_relief",
           "advance_rate_pct": "advance_rate"}

    def __init__(self, data: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        groups = groups_for(user)
        self.fields["group"].queryset = groups
        self.fields["organisation"].queryset = Organisation.objects.filter(groups__in=groups).distinct()
        self.is_valid()

    def value(self, name: str) -> Any:
        return getattr(self, "cleaned_data", {}).get(name)

    def assumptions(self, defaults: Any) -> Any:
        """The defaults with every valid number the user typed in place."""
        from dataclasses import replace

        changes = {}
        for name, attr in self.PCT.items():
            if (v := self.value(name)) is not None:
                changes[attr] = v / 100.0
        if (v := self.value("delay_months")) is not None:
            changes["delay_months"] = v
        return replace(defaults, **changes)
