"""Organisations and working groups.

Readable by every role within their scope (analysts too: they are not personal data). Written by
administrators (any) and coordinators (the producer organisations their OSC accompanies, and those
organisations' groups); promoters and analysts get 403 on writes.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import groups_for, organisations_for, role_of
from miaf.web.api.crud import Ref, Resource, default_save, register
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import GroupIn, GroupOut, OrganisationIn, OrganisationOut
from miaf.web.registry.models import Group, Locality, Organisation, OrganisationKind

router = Router()


def is_admin(user) -> bool:  # noqa: ANN001
    return role_of(user) == Role.ADMINISTRATOR


def manages(user) -> bool:  # noqa: ANN001
    return role_of(user) in (Role.ADMINISTRATOR, Role.COORDINATOR)


def own_osc(user) -> int | None:  # noqa: ANN001
    profile = getattr(user, "profile", None)
    return profile.organisation_id if profile else None


def can_change_organisation(user, obj: Organisation) -> bool:  # noqa: ANN001
    if is_admin(user):
        return True
    return role_of(user) == Role.COORDINATOR and obj.accompanied_by_id is not None and obj.accompanied_by_id == own_osc(user)


def save_organisation(request: HttpRequest, obj: Organisation, data: dict, created: bool) -> Organisation:
    user = request.auth
    for key, value in data.items():
        setattr(obj, key, value)
    if not is_admin(user):
        # A coordinator registers and edits the producer organisations their own OSC accompanies.
        if obj.kind != OrganisationKind.PRODUCER:
            raise FieldError("kind", _("Sólo una persona administradora registra organizaciones acompañantes."), "forbidden")
        if obj.accompanied_by_id != own_osc(user):
            raise FieldError("accompanied_by", _("Debe ser su propia organización acompañante."), "not_found")
    return default_save(request, obj, {}, created)


def can_change_group(user, obj: Group) -> bool:  # noqa: ANN001
    if is_admin(user):
        return True
    return role_of(user) == Role.COORDINATOR and obj.producer_organisation.accompanied_by_id == own_osc(user)


def producer_organisations(user):  # noqa: ANN001, ANN201
    qs = organisations_for(user).filter(kind=OrganisationKind.PRODUCER)
    return qs if is_admin(user) else qs.filter(accompanied_by=own_osc(user))


organisations = Resource(
    name="organisations", model=Organisation, out=OrganisationOut, label=_l("La organización"),
    create=OrganisationIn, queryset=lambda user: organisations_for(user), personal=False,
    filters={"organisation": lambda v: Q(pk=v) | Q(accompanied_by=v)}, search=("name", "short_name"),
    refs={"accompanied_by": Ref(lambda user: organisations_for(user).filter(kind=OrganisationKind.ACCOMPANYING),
                                label=_l("La organización acompañante"))},
    can_create=manages, can_change=can_change_organisation, save=save_organisation,
    description="Accompanying organisations (OSC) and the producer organisations they accompany.",
)
groups = Resource(
    name="groups", model=Group, out=GroupOut, label=_l("El grupo"), create=GroupIn,
    queryset=lambda user: groups_for(user), personal=False,
    filters={
        "organisation": lambda v: Q(producer_organisation=v) | Q(producer_organisation__accompanied_by=v),
        "municipality": "locality__municipality",
    },
    search=("name",),
    refs={
        "locality": Ref(lambda user: Locality.objects.all(), label=_l("La localidad")),
        "producer_organisation": Ref(producer_organisations, label=_l("La organización de productores")),
    },
    can_create=manages, can_change=can_change_group,
    description="Working groups. Promoters see the groups assigned to them.",
)

for _resource in (organisations, groups):
    _sub = Router(tags=[_resource.name])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)
