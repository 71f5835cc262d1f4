"""Forms of the market pages: the offer filters, a buyer, a demand, a family's consent."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.economics.offer import is_crop, is_tree
from miaf.web.market.models import Buyer, Certification, Demand
from miaf.web.registry.forms import ScopedFilterForm

MONTH_NAMES = (_("enero"), _("febrero"), _("marzo"), _("abril"), _("mayo"), _("junio"), _("julio"), _("agosto"),
               _("septiembre"), _("octubre"), _("noviembre"), _("diciembre"))
MONTH_SHORT = (_("ene"), _("feb"), _("mar"), _("abr"), _("may"), _("jun"), _("jul"), _("ago"), _("sep"), _("oct"),
               _("nov"), _("dic"))
MONTH_CHOICES = [(i + 1, name) for i, name in enumerate(MONTH_NAMES)]


def product_choices() -> list[tuple[str, str]]:
    from miaf.web.catalogue.models import Species

    return [(c, n) for c, n in Species.objects.order_by("name_es").values_list("code", "name_es")
            if is_tree(c) or is_crop(c)]


class OfferFilterForm(ScopedFilterForm):
    """The offer calendar's filters: the list filters (organisation, municipality, group) plus product,
    aggregation level and first month."""

    product = forms.ChoiceField(label=_("Producto"), required=False)
    by = forms.ChoiceField(label=_("Desglose"), required=False, choices=[
        ("total", _("total")), ("organisation", _("por organización")), ("municipality", _("por municipio")),
        ("group", _("por grupo"))])
    desde = forms.CharField(label=_("Desde (AAAA-MM)"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, data, user, analyst: bool = False, **kwargs) -> None:  # noqa: ANN001
        self.base_fields["product"].choices = [("", _("todos"))] + product_choices()
        super().__init__(data, user, **kwargs)
        self.fields.pop("q")
        # the municipalities of the families in the user's aggregates (the list filters' OR over the families'
        # and groups' localities takes seconds to render for a 10,000-family programme)
        from miaf.web.registry.models import Family, Municipality
        from miaf.web.registry.queries import aggregate_families

        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=Family.objects.filter(pk__in=aggregate_families(user).values("pk")).values("locality__municipality")
        ).only("pk", "name", "code", "state_code")  # not the GeoJSON boundary (seconds of JSON decoding)
        if "group" in self.fields:
            self.fields["group"].queryset = self.fields["group"].queryset.select_related(None).only("pk", "name")
        if analyst:  # organisation and municipality totals only
            self.fields.pop("group")
            self.fields["by"].choices = self.fields["by"].choices[:3]
            self.full_clean()

    def clean_desde(self) -> tuple[int, int] | None:
        text = (self.cleaned_data.get("desde") or "").strip()
        if not text:
            return None
        try:
            d = dt.datetime.strptime(text, "%Y-%m")
        except ValueError:
            raise forms.ValidationError(_("Use el formato AAAA-MM.")) from None
        if not 2000 <= d.year <= 2100:
            raise forms.ValidationError(_("Año fuera de rango."))
        return d.year, d.month


class BuyerForm(forms.ModelForm):
    products = forms.MultipleChoiceField(label=_("Productos que compra"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    certifications_wanted = forms.MultipleChoiceField(label=_("Certificaciones que pide"), required=False,
                                                      choices=Certification.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Buyer
        fields = ["name", "kind", "contact_name", "phone", "email", "place", "products", "certifications_wanted",
                  "quality_requirements", "payment_delay_days", "advance_share", "notes", "active"]
        widgets = {"quality_requirements": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = product_choices()
        self.fields["advance_share"].help_text = _("Fracción entre 0 y 1 (0.3 = 30 % adelantado).")


class DemandForm(forms.ModelForm):
    months = forms.TypedMultipleChoiceField(label=_("Meses"), choices=MONTH_CHOICES, coerce=int,
                                            widget=forms.CheckboxSelectMultiple)
    certifications = forms.MultipleChoiceField(label=_("Certificaciones"), required=False,
                                               choices=Certification.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Demand
        fields = ["product", "quantity_kg", "months", "price_mxn_kg", "quality", "certifications", "notes"]
        widgets = {"quality": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        from miaf.web.catalogue.models import Species

        codes = [c for c, _n in product_choices()]
        self.fields["product"].queryset = Species.objects.filter(code__in=codes).order_by("name_es")


class ConsentForm(forms.Form):
    share_name = forms.BooleanField(label=_("La familia acepta que su nombre aparezca en fichas para compradores"),
                                    required=False)
    agreed_on = forms.DateField(label=_("Fecha del acuerdo"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notas"), required=False, max_length=500)
