"""Forms of the fieldwork pages. They collect and shape input; the rules live in :mod:`.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.models import Profile, Role
from miaf.web.accounts.scoping import groups_for, organisations_for, role_of
from miaf.web.catalogue.models import Species
from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, Visit, VisitPlan
from miaf.web.fieldwork.queries import promoters_for
from miaf.web.registry.forms import ISO_DATE
from miaf.web.registry.pickers import GROUP_LOCALITIES, GROUPS, PickerField, PickerMultipleField


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a use case's refusal on the form: on its field when the form has it, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields else None
        for err in errors:
            form.add_error(target, err.messages if target is None and name != NON_FIELD_ERRORS else err)


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
        widgets = {"held_on": ISO_DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A coordinator reaches thousands of groups and their localities: pickers, not a <select> or a checkbox
        # per row (registry/pickers.py); each cleans to a row of the user's scope or says it is not one.
        groups = groups_for(user)
        self.fields["organisation"].queryset = organisations_for(user)
        self.fields["group"] = PickerField.replacing(self.fields["group"], GROUPS, groups)
        self.fields["groups"] = PickerMultipleField.replacing(self.fields["groups"], GROUPS, groups)
        self.fields["locality"] = PickerField.replacing(self.fields["locality"], GROUP_LOCALITIES,
                                                        GROUP_LOCALITIES.scope(user))
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
