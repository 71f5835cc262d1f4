"""The dashboard's filter form: choices from the user's scope; an invalid choice is dropped, not an error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MUNICIPALITY_COLOURS, PLOT_COLOURS, DashboardFilters

LABELS = {"organisation": _("Organización"), "municipality": _("Municipio"), "group": _("Grupo"),
          "year": _("Año"), "system": _("Sistema"), "head_sex": _("Jefatura del hogar"), "colour": _("Colorear el mapa por")}
ALL = {"organisation": _("todas"), "municipality": _("todos"), "group": _("todos"), "year": _("todos los años"),
       "system": _("todos"), "head_sex": _("todas")}


class DashboardFilterForm(forms.Form):
    def __init__(self, data, options: dict, personal: bool) -> None:  # noqa: ANN001
        super().__init__(data)
        for name, label in LABELS.items():
            if name == "colour":
                colours = PLOT_COLOURS if personal else MUNICIPALITY_COLOURS
                choices = [(k, str(v)) for k, v in colours.items()]
            else:
                choices = [("", str(ALL[name])), *options.get(name, [])]
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def filters(self) -> DashboardFilters:
        """The valid choices as :class:`DashboardFilters` (invalid or empty ones are None)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {}) or {}

        def get(name: str, cast=str):  # noqa: ANN001, ANN202
            value = data.get(name)
            return cast(value) if value not in (None, "") else None

        return DashboardFilters(organisation=get("organisation", int), municipality=get("municipality"),
                                group=get("group", int), year=get("year", int), system=get("system"),
                                head_sex=get("head_sex"), colour=get("colour"))
