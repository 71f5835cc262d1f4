"""Families with their members and group memberships (personal data: analysts get 403)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.scoping import families_for, groups_for
from miaf.web.api.crud import Ref, Resource, register
from miaf.web.api.errors import FieldError
from miaf.web.api.nested import clean_nested
from miaf.web.api.schemas import FamilyIn, FamilyOut
from miaf.web.registry.models import Family, Locality, Member
from miaf.web.registry.services import register_family, update_family

router = Router(tags=["families"])


def family_queryset(user):  # noqa: ANN001, ANN201
    # the locality only (FamilyOut reads its municipality_id): not the municipality's outline, ~8 KB of JSON
    # decoded per family (docs/benchmarks/load.md)
    return families_for(user).select_related(None).select_related("locality").prefetch_related("members", "memberships")


def save_family(request: HttpRequest, family: Family, data: dict, created: bool) -> Family:
    """Through the registry's use cases: a new group moves the family (:func:`move_family`), never by hand."""
    members = data.pop("members", None)
    group = data.pop("group", None)
    joined_on = data.pop("joined_on", None)
    for key, value in data.items():
        setattr(family, key, value)
    write_members = None if members is None else (lambda fam: sync_members(fam, members))
    if created:
        if group is None:
            raise FieldError("group", _("Este campo es obligatorio."), "required")
        return register_family(request.auth, family, group=group, joined_on=joined_on or timezone.localdate(),
                               members=write_members)
    return update_family(request.auth, family, members=write_members, group=group, joined_on=joined_on)


def sync_members(family: Family, members: list[dict]) -> None:
    """Make the family's members the list sent: update by id, add those without, remove the rest."""
    existing = {m.pk: m for m in family.members.all()}
    keep: set[int] = set()
    for i, item in enumerate(members):
        item = dict(item)
        member_id = item.pop("id", None)
        if member_id is None:
            member = Member(family=family)
        elif member_id in existing:
            member = existing[member_id]
        else:
            raise FieldError(f"members.{i}.id", _("El integrante %(id)s no es de esta familia.") % {"id": member_id}, "not_found")
        for key, value in item.items():
            setattr(member, key, value)
        clean_nested(member, f"members.{i}.", exclude=["family"])
        member.save()
        keep.add(member.pk)
    family.members.exclude(pk__in=keep).delete()


families = Resource(
    name="families", model=Family, out=FamilyOut, label=_l("La familia"), create=FamilyIn,
    queryset=family_queryset,
    filters={
        "organisation": lambda v: Q(memberships__group__producer_organisation=v)
        | Q(memberships__group__producer_organisation__accompanied_by=v),
        "group": "memberships__group",
        "municipality": "locality__municipality",
        "system": "plots__system",
        "year": "memberships__joined_on__year",
    },
    search=("code", "name", "members__name"),
    refs={
        "locality": Ref(lambda user: Locality.objects.all(), label=_l("La localidad")),
        "group": Ref(lambda user: groups_for(user), label=_l("El grupo")),
    },
    nested=("members",), save=save_family,
    description="Households with members (personal data). `year` filters by the year of joining a group.",
)
register(router, families)
