"""Forms of the process pages (phone first: one column; the use cases do the checking)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.web.process.models import Evidence, ProjectIdea, ResourceInventory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, exc) -> None:  # noqa: ANN001
    """Put a use case's ``ValidationError`` on the form's fields (or on the form when it names no field of it)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class StepForm(forms.Form):
    ACTIONS = [("start", _("Iniciar el paso")), ("complete", _("Terminar el paso")), ("skip", _("Omitir el paso"))]

    action = forms.ChoiceField(label=_("Acción"), choices=ACTIONS)
    on = forms.DateField(label=_("Fecha"), widget=DATE, initial=timezone.localdate)
    due_on = forms.DateField(label=_("Fecha límite (al iniciar)"), widget=DATE, required=False,
                             help_text=_("Vacía: la duración esperada del paso."))
    family = forms.ModelChoiceField(label=_("Familia (pasos individuales)"), queryset=None, required=False,
                                    empty_label=_("todo el grupo"))
    out_of_order_reason = forms.CharField(
        label=_("Motivo del cierre fuera de orden"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatorio si el paso anterior no está terminado; queda en el historial."))
    notes = forms.CharField(label=_("Notas"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, families=None, individual: bool = False, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if individual and families is not None:
            self.fields["family"].queryset = families
        else:
            del self.fields["family"]


class TickForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=Evidence.Kind.choices)
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Archivo (foto o documento)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}))


class CommitmentForm(forms.Form):
    signed_on = forms.DateField(label=_("Firmado el"), widget=DATE, initial=timezone.localdate)
    terms = forms.CharField(label=_("Términos del compromiso"), widget=forms.Textarea(attrs={"rows": 4}))
    signatories = forms.ModelMultipleChoiceField(label=_("Firmantes"), queryset=None, widget=forms.CheckboxSelectMultiple)
    advance = forms.BooleanField(label=_("Pasar el grupo del paso 5 al paso 6"), required=False, initial=True)
    out_of_order_reason = forms.CharField(
        label=_("Motivo si el paso 5 no está terminado"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = members


class InventoryForm(forms.ModelForm):
    class Meta:
        model = ResourceInventory
        fields = ["surveyed_on", "land_ha", "sloping_land_ha", "water_source", "water_access", "labour_persons",
                  "labour_person_days_month", "animals", "tools", "savings_mxn"]
        widgets = {"surveyed_on": DATE, "animals": forms.Textarea(attrs={"rows": 2}), "tools": forms.Textarea(attrs={"rows": 2})}


class IdeaForm(forms.ModelForm):
    class Meta:
        model = ProjectIdea
        fields = ["recorded_on", "rank", "title", "description", "species", "chosen"]
        widgets = {"recorded_on": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class BoardFilterForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organización"), queryset=None, required=False, empty_label=_("todas"))
    municipality = forms.ModelChoiceField(label=_("Municipio"), queryset=None, required=False, empty_label=_("todos"))
    promoter = forms.ModelChoiceField(label=_("Promotor(a)"), queryset=None, required=False, empty_label=_("todos"))
    overdue = forms.BooleanField(label=_("Solo atrasados"), required=False)

    def __init__(self, data, user, **kwargs) -> None:  # noqa: ANN001, ANN003
        from django.contrib.auth import get_user_model

        from miaf.web.accounts.scoping import groups_for
        from miaf.web.registry.models import Municipality, Organisation

        super().__init__(data, **kwargs)
        groups = groups_for(user)
        self.fields["organisation"].queryset = Organisation.objects.filter(groups__in=groups).distinct()
        self.fields["municipality"].queryset = (Municipality.objects.filter(locality__group__in=groups).distinct()
                                                .defer("boundary"))
        self.fields["promoter"].queryset = get_user_model().objects.filter(
            profile__role="promoter", profile__groups__in=groups).distinct().order_by("username")
        self.is_valid()

    def value(self, name: str):  # noqa: ANN201
        return getattr(self, "cleaned_data", {}).get(name)
