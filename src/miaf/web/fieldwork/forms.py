"""Forms of the fieldwork pages. They collect and shape input; the rules live in :mod:`.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.models import Profile, Role
from miaf.web.accounts.scoping import groups_for, organisations_for, role_of
from miaf.web.catalogue.models import Species
from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, Visit, VisitPlan
from miaf.web.fieldwork.queries import promoters_for
from miaf.web.registry.forms import ISO_DATE
from miaf.web.registry.models import Group, Locality


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a use case's refusal on the form: on its field when the form has it, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for err in errors:
            form.add_error(target, err.messages if target is None and name != NON_FIELD_ERRORS else err)


class FastSelect(forms.Select):
    """A select rendered in Python, not one template per option: a coordinator's list of groups (thousands at
    programme scale) renders in milliseconds instead of seconds."""

    multiple = False

    def _values(self, value: Any) -> set[str]:
        items = value if isinstance(value, (list, tuple)) else [value]
        return {str(v) for v in items if v not in (None, "")}

    def _options(self, value: Any) -> list[tuple[str, str, bool]]:
        chosen = self._values(value)
        out = []
        for v, label in self.choices:
            v = "" if v is None else str(getattr(v, "value", v))
            out.append((v, str(label), v in chosen))
        return out

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(format_html('<option value="{}"{}>{}</option>', v, mark_safe(" selected") if on else "", label)
                          for v, label, on in self._options(value))
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))


class FastCheckboxes(FastSelect):
    """Checkboxes rendered in Python (see :class:`FastSelect`), one touch-sized label per option."""

    allow_multiple_selected = True
    multiple = True
    input_type = "checkbox"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return ""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        base = (attrs or {}).get("id") or f"id_{name}"
        boxes = "".join(
            format_html('<label><input type="checkbox" name="{}" value="{}"{}> {}</label>', name, v,
                        mark_safe(" checked") if on else "", label)
            for v, label, on in self._options(value) if v != ""
        )
        return format_html('<div id="{}">{}</div>', base, mark_safe(boxes))


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "plot", "step", "observations", "agreements", "tree_survival_pct", "next_steps",
                  "next_visit_on"]
        widgets = {"visited_on": ISO_DATE, "next_visit_on": ISO_DATE,
                   "observations": forms.Textarea(attrs={"rows": 3}), "agreements": forms.Textarea(attrs={"rows": 3}),
                   "next_steps": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, family: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plot_set.all() if hasattr(family, "plot_set") else family.plots.all()


class MeasurementForm(forms.Form):
    species = forms.ModelChoiceField(label=_("Especie"), queryset=Species.objects.order_by("name_es"))
    row_number = forms.IntegerField(label=_("Hilera"), min_value=0, max_value=100000, required=False)
    tree_number = forms.IntegerField(label=_("Árbol"), min_value=0, max_value=100000, required=False)
    diameter_cm = forms.FloatField(label=_("Diámetro [cm]"), min_value=0, max_value=300, required=False)
    height_m = forms.FloatField(label=_("Altura [m]"), min_value=0, max_value=40, required=False)
    alive = forms.BooleanField(label=_("Vivo"), required=False, initial=True)


MeasurementFormSet = forms.formset_factory(MeasurementForm, extra=3, max_num=200)


class PlanForm(forms.ModelForm):
    class Meta:
        model = VisitPlan
        fields = ["due_on", "plot", "promoter", "purpose", "step"]
        widgets = {"due_on": ISO_DATE}

    def __init__(self, *args: Any, family: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plot"].queryset = family.plots.all()
        if role_of(user) == Role.PROMOTER:
            del self.fields["promoter"]
        else:
            self.fields["promoter"].queryset = promoters_for(user)
            self.fields["promoter"].label_from_instance = lambda u: u.get_full_name() or u.username


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = ["kind", "title", "topic", "held_on", "organisation", "group", "groups", "facilitator", "language",
                  "place", "locality", "step"]
        widgets = {"held_on": ISO_DATE, "groups": FastCheckboxes, "group": FastSelect, "locality": FastSelect}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Names only: groups_for() selects the municipality, whose boundary is a large JSON document.
        groups = Group.objects.filter(pk__in=groups_for(user).values("pk")).order_by("name")
        self.fields["organisation"].queryset = organisations_for(user)
        self.fields["group"].queryset = groups
        self.fields["groups"].queryset = groups
        self.fields["locality"].queryset = (Locality.objects.filter(pk__in=groups.values("locality_id"))
                                            .select_related("municipality").defer("municipality__boundary")
                                            .order_by("name"))
        if role_of(user) == Role.PROMOTER:
            self.fields["group"].required = True


class StaffTrainingForm(forms.ModelForm):
    class Meta:
        model = StaffTraining
        fields = ["title", "topic", "held_on", "facilitator", "hours", "attendees"]
        widgets = {"held_on": ISO_DATE, "attendees": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, organisation_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = Profile.objects.select_related("user").order_by("user__username")
        self.fields["attendees"].queryset = (staff.filter(organisation_id=organisation_id) if organisation_id
                                             else staff.none())
        self.fields["attendees"].label_from_instance = (
            lambda p: f"{p.user.get_full_name() or p.user.username} ({p.get_role_display()})")
