"""The report filter form: the choices come from the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.indicators.tables import SEXES, SYSTEMS
from miaf.web.registry.pickers import GroupField

SYSTEM_LABELS = {"traditional": _("tradicional"), "miaf": "MIAF", "miaf_d": "MIAF-D", "other": _("otro")}
SEX_LABELS = {"F": _("mujer"), "M": _("hombre"), "X": _("otro")}


class ReportForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organización de productores"), required=False)
    group = GroupField(label=_("Grupo"), required=False)  # thousands of groups: no <select> (registry/pickers.py)
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
        self.fields["group"].queryset = groups
        orgs = Organisation.objects.filter(groups__in=groups).distinct().order_by("name")
        self.fields["organisation"].choices = [("", "—"), *((str(o.pk), o.short_name or o.name) for o in orgs)]
        self._pickers(user)

    def _pickers(self, user) -> None:  # noqa: ANN001
        """Municipality (by name, the INEGI key as value) and year (the years with records) as drop-downs, with
        the dashboard's choices for the user's scope. The fields still validate as before (a 5-digit key, a
        year), so a scope too large for the choices to be computed yet keeps the typed fields."""
        from miaf.web.dashboard.services import scope_filter_options

        if user is None:
            return
        options = scope_filter_options(user)
        if options.get("municipality"):
            field = self.fields["municipality"]
            field.label = _("Municipio")
            field.widget = forms.Select(choices=[("", _("todos")), *options["municipality"]])
        if options.get("year"):
            self.fields["year"].widget = forms.Select(choices=[("", _("todos los años")), *options["year"]])

    def filters(self) -> dict:
        d = self.cleaned_data
        out = {k: d.get(k) for k in ("organisation", "group", "municipality", "year", "system", "head_sex")}
        for k in ("organisation", "group"):
            if out[k]:
                out[k] = int(getattr(out[k], "pk", out[k]))
        return {k: v for k, v in out.items() if v not in (None, "")}
