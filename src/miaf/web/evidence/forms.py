"""The report filter form: the choices come from the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.indicators.tables import SEXES, SYSTEMS

SYSTEM_LABELS = {"traditional": _("tradicional"), "miaf": "MIAF", "miaf_d": "MIAF-D", "other": _("otro")}
SEX_LABELS = {"F": _("mujer"), "M": _("hombre"), "X": _("otro")}


class ReportForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organización de productores"), required=False)
    group = forms.ChoiceField(label=_("Grupo"), required=False)
    municipality = forms.RegexField(label=_("Municipio (clave INEGI de 5 dígitos)"), regex=r"^\d{5}$", required=False)
    year = forms.IntegerField(label=_("Año"), min_value=1900, max_value=2100, required=False)
    system = forms.ChoiceField(label=_("Sistema"), required=False,
                               choices=[("", "—"), *((s, SYSTEM_LABELS[s]) for s in SYSTEMS)])  # fmt: skip
    head_sex = forms.ChoiceField(label=_("Sexo de la jefatura"), required=False,
                                 choices=[("", "—"), *((s, SEX_LABELS[s]) for s in SEXES)])  # fmt: skip
    format = forms.ChoiceField(label=_("Formato"), choices=[("pdf", "PDF"), ("html", "HTML")], initial="pdf")

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        from miaf.web.evidence.extract import scoped_groups
        from miaf.web.registry.models import Organisation

        groups = scoped_groups(user)
        self.fields["group"].choices = [("", "—"), *((str(g.pk), g.name) for g in groups.order_by("name", "pk"))]
        orgs = Organisation.objects.filter(groups__in=groups).distinct().order_by("name")
        self.fields["organisation"].choices = [("", "—"), *((str(o.pk), o.short_name or o.name) for o in orgs)]

    def filters(self) -> dict:
        d = self.cleaned_data
        out = {k: d.get(k) for k in ("organisation", "group", "municipality", "year", "system", "head_sex")}
        for k in ("organisation", "group"):
            if out[k]:
                out[k] = int(out[k])
        return {k: v for k, v in out.items() if v not in (None, "")}
