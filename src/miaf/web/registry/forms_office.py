"""Forms of the office pages: organisations, groups, localities, promoters' groups, and a family's move.

The choices offered are limited to the user's reach; the use cases in :mod:`miaf.web.registry.services`
check it again on save (a form is only one of their doors).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.models import Profile
from miaf.web.accounts.scoping import groups_for, organisations_for
from miaf.web.registry.forms import ISO_DATE, not_in_future
from miaf.web.registry.models import Group, Locality, Municipality, Organisation, OrganisationKind
from miaf.web.registry.pickers import GROUPS, LOCALITIES, GroupField, PickerField, PickerMultipleField
from miaf.web.registry.services import assignable_groups, is_admin, own_osc, producer_organisations


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "accompanied_by"]

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        accompanying = organisations_for(user).filter(kind=OrganisationKind.ACCOMPANYING)
        self.fields["accompanied_by"].queryset = accompanying
        if not is_admin(user):
            # A coordinator registers the producer organisations her own OSC accompanies, nothing else.
            self.fields["kind"].choices = [(OrganisationKind.PRODUCER, OrganisationKind.PRODUCER.label)]
            self.fields["kind"].initial = OrganisationKind.PRODUCER
            self.fields["accompanied_by"].queryset = accompanying.filter(pk=own_osc(user))
            self.fields["accompanied_by"].initial = own_osc(user)
            self.fields["accompanied_by"].empty_label = None


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "producer_organisation", "locality", "formed_on"]
        widgets = {"formed_on": ISO_DATE}

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["producer_organisation"].queryset = producer_organisations(user)
        self.fields["locality"] = PickerField.replacing(self.fields["locality"], LOCALITIES, LOCALITIES.scope(user))
        self.fields["formed_on"].validators.append(not_in_future)


class LocalityForm(forms.ModelForm):
    class Meta:
        model = Locality
        fields = ["name", "municipality", "locality_code", "latitude", "longitude", "altitude_m"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("state_name", "name")


class PromoterGroupsForm(forms.Form):
    # An OSC accompanies thousands of groups: pickers (one per assigned group), not a checkbox per group.
    groups = PickerMultipleField(label=_("Grupos asignados"), source=GROUPS, required=False)

    def __init__(self, *args, user=None, profile: Profile, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = assignable_groups(user, profile)
        self.fields["groups"].initial = list(profile.groups.values_list("pk", flat=True))


class MoveFamilyForm(forms.Form):
    group = GroupField(label=_("Nuevo grupo de trabajo"))
    joined_on = forms.DateField(label=_("Ingresa al nuevo grupo el"), widget=ISO_DATE, validators=[not_in_future])

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        # The current group stays valid here: the use case then says "the family is already in that group".
        self.fields["group"].queryset = groups_for(user)
