"""Forms of the registry pages: list filters, the family form with its members, the first membership."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.codes import is_family_code
from miaf.web.accounts.scoping import families_for, groups_for
from miaf.web.core.paging import cached_ids
from miaf.web.registry.models import (
    Family,
    Language,
    Locality,
    Member,
    Municipality,
    Organisation,
)
from miaf.web.registry.pickers import LOCALITIES, GroupField, PickerField
from miaf.web.registry.services import register_family, update_family

#: ``<input type="date">`` only accepts ISO dates, whatever the page's language.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def not_in_future(value) -> None:  # noqa: ANN001
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("La fecha no puede estar en el futuro."), code="future_date")


class ScopedFilterForm(forms.Form):
    """Search and filters of a list page, with choices limited to the user's scope.

    ``family_path`` is how the listed model reaches the family ("" for families, "family__" for plots).
    An out-of-scope or malformed filter value is ignored (the field simply fails validation).
    """

    family_path = ""

    q = forms.CharField(label=_("Buscar"), required=False, widget=forms.SearchInput(
        attrs={"placeholder": _("código o nombre")}))
    organisation = forms.ModelChoiceField(
        label=_("Organización"), queryset=Organisation.objects.none(), required=False, empty_label=_("todas"))
    municipality = forms.ModelChoiceField(
        label=_("Municipio"), queryset=Municipality.objects.none(), required=False, empty_label=_("todos"))
    # A text field with suggestions, not a <select>: an organisation has thousands of groups (registry/pickers.py).
    group = GroupField(label=_("Grupo"), required=False)

    def __init__(self, data, user, **kwargs) -> None:  # noqa: ANN001
        super().__init__(data, **kwargs)
        groups = groups_for(user)
        self.fields["group"].queryset = groups
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=cached_ids(Organisation.objects.filter(groups__in=groups).distinct()))
        # Two id subqueries, no DISTINCT: the OR of both joins multiplied groups by families per locality and
        # the DISTINCT compared every boundary; with 60,000 families it took minutes (docs/benchmarks/load.md).
        # The ids are kept per data version: the scan of a coordinator's families still costs a second.
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=cached_ids(Municipality.objects.filter(
            Q(pk__in=Locality.objects.filter(group__in=groups).values("municipality_id"))
            | Q(pk__in=Locality.objects.filter(family__in=families_for(user)).values("municipality_id"))
        ))).defer("boundary")  # a choice needs the name only, not the outline
        self.is_valid()  # fills cleaned_data with the valid filters only

    def value(self, name: str):  # noqa: ANN201
        return getattr(self, "cleaned_data", {}).get(name)

    def search(self, qs: QuerySet, text: str) -> QuerySet:
        p = self.family_path
        return qs.filter(Q(**{f"{p}code__icontains": text}) | Q(**{f"{p}name__icontains": text}))

    def apply(self, qs: QuerySet) -> QuerySet:
        p = self.family_path
        if text := (self.value("q") or "").strip():
            qs = self.search(qs, text)
        if mun := self.value("municipality"):
            qs = qs.filter(**{f"{p}locality__municipality": mun})
        current = {}
        if org := self.value("organisation"):
            current[f"{p}memberships__group__producer_organisation"] = org
        if group := self.value("group"):
            current[f"{p}memberships__group"] = group
        if current:
            # One filter() call so that both conditions hold for the same (open) membership.
            qs = qs.filter(**current, **{f"{p}memberships__left_on__isnull": True})
        return qs


class GroupFilterForm(ScopedFilterForm):
    """Filters of the groups list: search by group name, organisation, municipality."""

    def __init__(self, data, user, **kwargs) -> None:  # noqa: ANN001
        super().__init__(data, user, **kwargs)
        del self.fields["group"]
        self.fields["q"].widget.attrs["placeholder"] = _("nombre del grupo")
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=Locality.objects.filter(group__in=groups_for(user)).values("municipality_id")).defer("boundary")

    def apply(self, qs: QuerySet) -> QuerySet:
        if text := (self.value("q") or "").strip():
            qs = qs.filter(name__icontains=text)
        if org := self.value("organisation"):
            qs = qs.filter(producer_organisation=org)
        if mun := self.value("municipality"):
            qs = qs.filter(locality__municipality=mun)
        return qs


class FamilyForm(forms.ModelForm):
    class Meta:
        model = Family
        fields = ["code", "name", "locality", "anyone_migrated", "migration_notes", "notes"]
        widgets = {"migration_notes": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        # Thousands of localities: a picker, not a <select> that also loaded every municipality's outline.
        self.fields["locality"] = PickerField.replacing(self.fields["locality"], LOCALITIES, LOCALITIES.scope(user))


class FamilyCreateForm(FamilyForm):
    """A new family: its data and the working group it joins (limited to the user's groups)."""

    group = GroupField(label=_("Grupo de trabajo"))  # thousands of groups: no <select> (registry/pickers.py)
    joined_on = forms.DateField(label=_("Ingresó al grupo el"), widget=ISO_DATE, validators=[not_in_future])

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, user=user, **kwargs)
        self.fields["group"].queryset = groups_for(user)
        self.fields["code"].help_text = _("Letras mayúsculas o números, un guion y un número, p. ej. OJO-001.")

    def clean_code(self) -> str:
        """A new family's code follows the same rule as the field form (:data:`miaf.codes.FAMILY_CODE_REGEX`)."""
        code = (self.cleaned_data.get("code") or "").strip().upper()
        if not is_family_code(code):
            raise forms.ValidationError(
                _("El código «%(code)s» no sigue la regla: letras mayúsculas o números, un guion y un número "
                  "(p. ej. OJO-001)."), code="family_code", params={"code": code})
        return code


class MemberForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("lenguas que habla"), choices=Language.choices, required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )

    class Meta:
        model = Member
        fields = ["name", "sex", "birth_year", "role", "languages", "migrated"]


MemberFormSet = forms.inlineformset_factory(Family, Member, form=MemberForm, extra=1, max_num=40, absolute_max=60, can_delete=True)


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a use case's refusal on the form: on its field when the form has it, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def save_family(form: FamilyForm, members: forms.BaseInlineFormSet, user) -> Family:  # noqa: ANN001
    """Save a family, its members and (for a new family) its first group membership, all or nothing,
    through the registry's use cases."""
    family = form.save(commit=False)

    def write_members(fam: Family) -> None:
        members.instance = fam
        members.save()

    if isinstance(form, FamilyCreateForm):
        return register_family(user, family, group=form.cleaned_data["group"],
                               joined_on=form.cleaned_data["joined_on"], members=write_members)
    return update_family(user, family, members=write_members)
