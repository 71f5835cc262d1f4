"""Use cases on the registry: families and their group, organisations, groups, localities, promoters.

Every write of the registry goes through one function here, one transaction each, whatever the door: the
HTML forms, the API and the ODK/Kobo import call the same function with the user who acts (``actor``).
Each function checks the actor's reach with :mod:`miaf.web.accounts.scoping` and refuses with

* :class:`~django.core.exceptions.PermissionDenied` when the actor's role may not do this at all (a 403);
* :class:`~django.core.exceptions.ValidationError` naming the field when a value is out of reach or wrong
  (a group not assigned to a promoter, a date before the current joining, a date in the future).

``actor=None`` is a trusted system job (the ``miaf`` command-line import), with an administrator's reach.
Nothing is half-saved: a refusal rolls the whole use case back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from miaf.web.accounts.models import Profile, Role
from miaf.web.accounts.scoping import can_edit, families_for, groups_for, role_of
from miaf.web.audit import history as audit
from miaf.web.registry.models import (
    Family,
    Group,
    Locality,
    Member,
    Membership,
    Organisation,
    OrganisationKind,
)

#: Members of a family: unsaved :class:`Member` rows, or a function that writes them once the family exists
#: (the HTML formset and the API's list sync use their own).
Members = Iterable[Member] | Callable[[Family], Any] | None


# ---------------------------------------------------------------------------------------------- reach


def is_system(actor: Any) -> bool:
    return actor is None


def is_admin(actor: Any) -> bool:
    return is_system(actor) or role_of(actor) == Role.ADMINISTRATOR


def own_osc(actor: Any) -> int | None:
    profile = getattr(actor, "profile", None)
    return profile.organisation_id if profile else None


def manages(actor: Any) -> bool:
    """Administrators and coordinators manage organisations, groups and promoters."""
    return is_admin(actor) or role_of(actor) == Role.COORDINATOR


def require_editor(actor: Any) -> None:
    if not is_system(actor) and not can_edit(actor):
        raise PermissionDenied(_("Su rol no permite registrar ni modificar datos."))


def require_manager(actor: Any) -> None:
    if not manages(actor):
        raise PermissionDenied(_("Sólo la coordinación o una persona administradora puede hacer este cambio."))


def _group_in_reach(actor: Any, group: Group, field: str = "group") -> None:
    if is_admin(actor):
        return
    if not groups_for(actor).filter(pk=group.pk).exists():
        raise ValidationError(
            {field: _("El grupo «%(group)s» no está entre los suyos.") % {"group": group.name}}, code="out_of_scope"
        )


def _family_in_reach(actor: Any, family: Family) -> None:
    if is_admin(actor):
        return
    if not families_for(actor).filter(pk=family.pk).exists():
        raise ValidationError(
            {"family": _("La familia %(code)s no está en sus grupos.") % {"code": family.code}}, code="out_of_scope"
        )


def _not_in_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("La fecha no puede estar en el futuro.")}, code="future_date")


# ---------------------------------------------------------------------------------------------- families


def _stamp(family: Family, actor: Any, provenance: dict | None) -> None:
    if provenance:
        for key, value in provenance.items():
            setattr(family, key, value)
    elif family.pk is None and family.created_by_id is None and not is_system(actor):
        family.created_by = actor


def _write_members(family: Family, members: Members) -> None:
    if members is None:
        return
    if callable(members):
        members(family)
        return
    rows = list(members)
    for member in rows:
        member.family = family
        member.full_clean()
    audit.bulk_create(Member, rows)


@transaction.atomic
def register_family(
    actor: Any, family: Family, *, group: Group, joined_on: dt.date, members: Members = None,
    provenance: dict | None = None,
) -> Family:
    """Register a new family with its members and its first group membership (from ``joined_on``)."""
    require_editor(actor)
    _group_in_reach(actor, group)
    _not_in_future(joined_on, "joined_on")
    _stamp(family, actor, provenance)
    family.full_clean()
    family.save()
    _write_members(family, members)
    membership = Membership(family=family, group=group, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    return family


@transaction.atomic
def update_family(
    actor: Any, family: Family, *, members: Members = None, group: Group | None = None,
    joined_on: dt.date | None = None, provenance: dict | None = None,
) -> Family:
    """Save a family's data and members; a different ``group`` moves it there (:func:`move_family`, from
    ``joined_on`` or today); the same group with another ``joined_on`` corrects the current joining date."""
    require_editor(actor)
    _family_in_reach(actor, family)
    _stamp(family, actor, provenance)
    family.full_clean()
    family.save()
    _write_members(family, members)
    current = family.memberships.filter(left_on__isnull=True).first()
    if group is not None and (current is None or current.group_id != group.pk):
        move_family(actor, family, group, joined_on or timezone.localdate())
    elif joined_on is not None and current is not None and current.joined_on != joined_on:
        _not_in_future(joined_on, "joined_on")
        current.joined_on = joined_on
        current.full_clean()
        current.save(update_fields=["joined_on", "updated_at"])
    return family


@transaction.atomic
def move_family(actor: Any, family: Family, group: Group, on: dt.date) -> Membership:
    """THE rule for changing a family's group: close the open membership on ``on`` and open one in ``group``.

    Refuses a group or a family outside the actor's reach, a date in the future, a date before the current
    joining, and a move into the group the family is already in. History is kept (memberships are never
    rewritten but for their closing date).
    """
    require_editor(actor)
    _family_in_reach(actor, family)
    _group_in_reach(actor, group)
    _not_in_future(on, "joined_on")
    current = family.memberships.select_for_update().filter(left_on__isnull=True).first()
    if current is not None:
        if current.group_id == group.pk:
            raise ValidationError({"group": _("La familia ya está en ese grupo.")}, code="same_group")
        if on < current.joined_on:
            raise ValidationError(
                {"joined_on": _("La familia no puede cambiar de grupo antes del %(d)s, cuando ingresó al actual.")
                 % {"d": date_format(current.joined_on)}},
                code="before_current",
            )
        current.left_on = on
        current.save(update_fields=["left_on", "updated_at"])
    membership = Membership(family=family, group=group, joined_on=on)
    membership.full_clean()
    membership.save()
    return membership


# ---------------------------------------------------------------------------------------------- organisations


def can_change_organisation(actor: Any, organisation: Organisation) -> bool:
    """Administrators any; a coordinator the producer organisations her own OSC accompanies."""
    if is_admin(actor):
        return True
    return (role_of(actor) == Role.COORDINATOR and organisation.accompanied_by_id is not None
            and organisation.accompanied_by_id == own_osc(actor))


@transaction.atomic
def save_organisation(actor: Any, organisation: Organisation) -> Organisation:
    """Register or change an organisation (its stored version and its new values must both be in reach)."""
    require_manager(actor)
    if organisation.pk is not None:
        stored = Organisation.objects.filter(pk=organisation.pk).first()
        if stored is not None and not can_change_organisation(actor, stored):
            raise PermissionDenied(_("Esta organización no es una de las que usted acompaña."))
    if not is_admin(actor):
        if organisation.kind != OrganisationKind.PRODUCER:
            raise ValidationError(
                {"kind": _("Sólo una persona administradora registra organizaciones acompañantes.")}, code="forbidden"
            )
        if organisation.accompanied_by_id != own_osc(actor):
            raise ValidationError(
                {"accompanied_by": _("Debe ser su propia organización acompañante.")}, code="not_found"
            )
    organisation.full_clean()
    organisation.save()
    return organisation


# ---------------------------------------------------------------------------------------------- groups


def can_change_group(actor: Any, group: Group) -> bool:
    if is_admin(actor):
        return True
    return role_of(actor) == Role.COORDINATOR and group.producer_organisation.accompanied_by_id == own_osc(actor)


def producer_organisations(actor: Any):  # noqa: ANN201
    """Producer organisations in which ``actor`` may create or keep groups."""
    qs = Organisation.objects.filter(kind=OrganisationKind.PRODUCER)
    return qs if is_admin(actor) else qs.filter(accompanied_by=own_osc(actor))


@transaction.atomic
def save_group(actor: Any, group: Group) -> Group:
    """Register or change a working group of a producer organisation the actor's OSC accompanies."""
    require_manager(actor)
    if group.pk is not None:
        stored = Group.objects.select_related("producer_organisation").filter(pk=group.pk).first()
        if stored is not None and not can_change_group(actor, stored):
            raise PermissionDenied(_("Este grupo no es de una organización que usted acompaña."))
    if group.producer_organisation_id is not None and not producer_organisations(actor).filter(
            pk=group.producer_organisation_id).exists():
        raise ValidationError(
            {"producer_organisation": _("La organización de productores no es una de las que usted acompaña.")},
            code="not_found",
        )
    _not_in_future(group.formed_on, "formed_on")
    group.full_clean()
    group.save()
    return group


# ---------------------------------------------------------------------------------------------- localities


def can_change_locality(actor: Any) -> bool:
    """Anyone who edits may add a locality; only coordinators and administrators change one."""
    return manages(actor)


@transaction.atomic
def save_locality(actor: Any, locality: Locality) -> Locality:
    require_editor(actor)
    if locality.pk is not None and not can_change_locality(actor):
        raise PermissionDenied(_("Sólo la coordinación o una persona administradora cambia una localidad."))
    locality.full_clean()
    locality.save()
    return locality


# ---------------------------------------------------------------------------------------------- promoters


def promoters_for(actor: Any):  # noqa: ANN201
    """Promoters whose assignments ``actor`` may change (with their user and groups)."""
    qs = Profile.objects.filter(role=Role.PROMOTER).select_related("user", "organisation").prefetch_related(
        "groups__producer_organisation")
    if is_admin(actor):
        return qs
    if role_of(actor) == Role.COORDINATOR and own_osc(actor):
        return qs.filter(organisation_id=own_osc(actor))
    return qs.none()


def assignable_groups(actor: Any, profile: Profile):  # noqa: ANN201
    """Groups that may be assigned to ``profile``: those of producer organisations its OSC accompanies."""
    qs = Group.objects.select_related("producer_organisation", "locality__municipality")
    osc = profile.organisation_id
    if not is_admin(actor):
        osc = own_osc(actor)
    return qs.filter(producer_organisation__accompanied_by=osc) if osc else qs


@transaction.atomic
def assign_promoter(actor: Any, profile: Profile, groups: Iterable[Group]) -> Profile:
    """Make ``groups`` the working groups of promoter ``profile`` (replacing the previous ones)."""
    require_manager(actor)
    if not promoters_for(actor).filter(pk=profile.pk).exists():
        if profile.role != Role.PROMOTER:
            raise ValidationError({"profile": _("Sólo se asignan grupos a promotoras y promotores.")}, code="invalid")
        raise PermissionDenied(_("Esta persona no trabaja para su organización acompañante."))
    groups = list(groups)
    allowed = set(assignable_groups(actor, profile).values_list("pk", flat=True))
    outside = [g.name for g in groups if g.pk not in allowed]
    if outside:
        raise ValidationError(
            {"groups": _("Estos grupos no son de organizaciones que acompaña la OSC de la persona: %(names)s.")
             % {"names": ", ".join(outside)}},
            code="out_of_scope",
        )
    profile.groups.set(groups)
    return profile
