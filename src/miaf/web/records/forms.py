"""Phone-first forms of the records pages.

The forms only read and shape the input; every rule is checked by the records services
(:mod:`miaf.web.records.services`), whose refusals the views put back next to the field. The model forms
therefore skip Django's model validation (``_post_clean``): it would run the same rules a second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.web.catalogue.models import Species
from miaf.web.records.models import Destination, Harvest, InputPurchase, LabourLog, LedgerEntry, Planting

ISO_DATE = "%Y-%m-%d"


def date_input() -> forms.DateInput:
    """A native date picker that refuses days after today (the server checks again)."""
    return forms.DateInput(attrs={"type": "date", "max": timezone.localdate().isoformat()}, format=ISO_DATE)


def decimal_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", "min": "0"})


def integer_input() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


def species_queryset() -> Any:
    return Species.objects.order_by("name_es")


class ServiceModelForm(forms.ModelForm):
    """A model form whose model validation is left to the records service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.widget = decimal_input()
            elif isinstance(field, forms.IntegerField):
                field.widget = integer_input()
            elif isinstance(field, forms.DateField):
                field.widget = date_input()
                field.input_formats = [ISO_DATE, *(field.input_formats or [])]

    def _post_clean(self) -> None:  # the service validates, once
        pass

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class PlantingForm(ServiceModelForm):
    class Meta:
        model = Planting
        fields = ["plot", "species", "planted_on", "quantity", "unit", "row_number", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plots.order_by("name")
        self.fields["species"].queryset = species_queryset()


class InputPurchaseForm(ServiceModelForm):
    class Meta:
        model = InputPurchase
        fields = ["purchased_on", "item", "quantity", "unit", "cost_mxn", "supplier", "collective", "plot"]
        help_texts = {
            "collective": _("Marque si se compró junto con el grupo u organización; el costo es lo que pagó esta familia."),
            "cost_mxn": _("Total pagado."),
        }

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plots.order_by("name")
        self.fields["plot"].required = False


class LabourForm(ServiceModelForm):
    class Meta:
        model = LabourLog
        fields = ["year", "month", "activity", "kind", "member", "person_days", "worker_sex", "wage_mxn_per_day", "plot"]

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plots.order_by("name")
        self.fields["member"].queryset = family.members.order_by("name")
        self.fields["month"] = forms.TypedChoiceField(
            label=_("Mes"), choices=month_choices(), coerce=int, initial=self.fields["month"].initial)
        today = timezone.localdate()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year", today.year)
            self.initial.setdefault("month", today.month)


def month_choices() -> list[tuple[int, str]]:
    from django.utils.dates import MONTHS

    return [(m, MONTHS[m]) for m in range(1, 13)]


class HarvestForm(ServiceModelForm):
    class Meta:
        model = Harvest
        fields = ["plot", "species", "harvested_on", "quantity_kg", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plots.order_by("name")
        self.fields["species"].queryset = species_queryset()


class DestinationForm(forms.Form):
    """Where part of the harvest went. A sale (any destination but self-consumption) needs its price."""

    destination = forms.ChoiceField(label=_("Destino"), choices=[("", "—"), *Destination.choices], required=False)
    kg = forms.DecimalField(label=_("Cantidad [kg]"), required=False, min_value=0, max_digits=12, decimal_places=2,
                            widget=decimal_input())
    price_mxn_per_kg = forms.DecimalField(label=_("Precio [MXN/kg]"), required=False, min_value=0, max_digits=10,
                                          decimal_places=2, widget=decimal_input())
    buyer = forms.CharField(label=_("Comprador"), required=False, max_length=160)
    paid_on = forms.DateField(label=_("Fecha en que llegó el pago"), required=False, widget=forms.DateInput(
        attrs={"type": "date"}, format=ISO_DATE), input_formats=[ISO_DATE])
    payment_delay_days = forms.IntegerField(
        label=_("O días hasta el pago"), required=False, min_value=0, max_value=3650, widget=integer_input(),
        help_text=_("Si no sabe la fecha: cuántos días después de la cosecha llegó el pago."))
    transport_mxn_per_kg = forms.DecimalField(
        label=_("Transporte [MXN/kg]"), required=False, min_value=0, max_digits=8, decimal_places=2,
        widget=decimal_input(), help_text=_("Lo que la familia pagó por llevar la cosecha al comprador, por kg."))
    quality_discount_pct = forms.DecimalField(
        label=_("Descuento por calidad [%]"), required=False, min_value=0, max_value=100, max_digits=5,
        decimal_places=2, widget=decimal_input(),
        help_text=_("Parte del precio que el comprador descontó por calidad, mermas o pesaje."))

    def is_empty(self) -> bool:
        """A row left blank (or emptied to remove a stored destination) is not a destination."""
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) not in (None, "") for k in self.fields) and not self.errors

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(data.get(k) not in (None, "") for k in self.fields) or bool(self.errors)
        if filled and not data.get("destination") and "destination" not in self.errors:
            self.add_error("destination", _("Elija el destino."))
        if filled and data.get("kg") is None and "kg" not in self.errors:
            self.add_error("kg", _("Indique cuántos kg."))
        return data

    def row(self, harvested_on: dt.date | None) -> dict[str, Any]:
        """The destination as the service takes it (a payment delay becomes the payment date)."""
        data = self.cleaned_data
        paid_on = data.get("paid_on")
        if paid_on is None and data.get("payment_delay_days") is not None and harvested_on is not None:
            paid_on = harvested_on + dt.timedelta(days=data["payment_delay_days"])
        return {"destination": data["destination"], "kg": data["kg"], "price_mxn_per_kg": data.get("price_mxn_per_kg"),
                "buyer": data.get("buyer", ""), "paid_on": paid_on,
                "transport_mxn_per_kg": data.get("transport_mxn_per_kg"),
                "quality_discount_pct": data.get("quality_discount_pct")}


DestinationFormSet = forms.formset_factory(DestinationForm, extra=2, max_num=20, absolute_max=40)


class LedgerLineForm(forms.Form):
    """One income or expense line of the month; blank lines are ignored, ticked ones deleted."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Tipo"), choices=[("", "—"), *LedgerEntry.Kind.choices], required=False)
    category = forms.ChoiceField(label=_("Fuente o destino"), choices=[("", "—"), *LedgerEntry.Category.choices],
                                 required=False)
    amount_mxn = forms.DecimalField(label=_("Monto [MXN]"), required=False, min_value=0, max_digits=14,
                                    decimal_places=2, widget=decimal_input())
    species = forms.ModelChoiceField(label=_("Cultivo"), queryset=Species.objects.none(), required=False,
                                     help_text=_("Solo para la venta de cosecha."))
    notes = forms.CharField(label=_("Notas"), required=False, max_length=255)
    delete = forms.BooleanField(label=_("Borrar esta línea"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["species"].queryset = species_queryset()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "") for k in ("kind", "category", "amount_mxn"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("delete") or self.is_blank():
            return data
        for name, message in (("kind", _("Elija ingreso o gasto.")), ("category", _("Elija la fuente o el destino.")),
                              ("amount_mxn", _("Indique el monto."))):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        return data

    def line(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {k: data.get(k) for k in ("kind", "category", "amount_mxn", "species")}
        out["notes"] = data.get("notes") or ""
        if data.get("id"):
            out["id"] = data["id"]
        return out


LedgerLineFormSet = forms.formset_factory(LedgerLineForm, extra=3, max_num=60, absolute_max=80)


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("Año"), min_value=1990, max_value=2100, widget=integer_input())
    month = forms.TypedChoiceField(label=_("Mes"), choices=month_choices, coerce=int)
