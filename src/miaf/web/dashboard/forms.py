"""The dashboard's filter form: choices from the user's scope; an invalid choice is dropped, not an error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MUNICIPALITY_COLOURS, PLOT_COLOURS, DashboardFilters

LABELS = {"organisation": _("Organización"), "municipality": _("Municipio"), "group": _("Grupo"),
          "year": _("Año"), "system": _("Sistema"), "head_sex": _("Jefatura del hogar"), "colour": _("Colorear el mapa por")}
ALL = {"organisation": _("todas"), "municipality": _("todos"), "group": _("todos"), "year": _("todos los años"),
       "system": _("todos"), "head_sex": _("todas")}


class FastSelect(forms.Select):
    """A select rendered by string joining: at programme scale the group list has thousands of options,
    which Django's per-option widget templates took over a second to render."""

    def render(self, name, value, attrs=None, renderer=None):  # noqa: ANN001, ANN201
        from html import escape

        from django.utils.html import format_html
        from django.utils.safestring import mark_safe

        final = self.build_attrs(self.attrs, attrs)
        attrs_html = "".join(f" {k}" if v is True else f' {k}="{escape(str(v))}"'
                             for k, v in final.items() if v is not None and v is not False)
        current = "" if value is None else str(value)
        opts = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) == current else ""}>{escape(str(label))}</option>'
            for v, label in self.choices
        )
        return format_html('<select name="{}"{}>{}</select>', name, mark_safe(attrs_html), mark_safe(opts))  # noqa: S308


class DashboardFilterForm(forms.Form):
    def __init__(self, data, options: dict, personal: bool, user=None) -> None:  # noqa: ANN001
        super().__init__(data)
        for name, label in LABELS.items():
            if name == "group" and user is not None:
                # a text field with suggestions: thousands of groups make no <select> (registry/pickers.py)
                from miaf.web.accounts.scoping import groups_for
                from miaf.web.registry.pickers import GroupField

                self.fields[name] = GroupField(label=label, queryset=groups_for(user), required=False)
                continue
            if name == "colour":
                colours = PLOT_COLOURS if personal else MUNICIPALITY_COLOURS
                choices = [(k, str(v)) for k, v in colours.items()]
            else:
                choices = [("", str(ALL[name])), *options.get(name, [])]
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False, widget=FastSelect)

    def filters(self) -> DashboardFilters:
        """The valid choices as :class:`DashboardFilters` (invalid or empty ones are None)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {}) or {}

        def get(name: str, cast=str):  # noqa: ANN001, ANN202
            value = getattr(data.get(name), "pk", data.get(name))  # the group picker cleans to a Group
            return cast(value) if value not in (None, "") else None

        return DashboardFilters(organisation=get("organisation", int), municipality=get("municipality"),
                                group=get("group", int), year=get("year", int), system=get("system"),
                                head_sex=get("head_sex"), colour=get("colour"))
