"""Organisations and working groups.

Readable by every role within their scope (analysts too: they are not personal data). Written by
administrators (any) and coordinators (the producer organisations their OSC accompanies, and those
organisations' groups); promoters and analysts get 403 on writes.
"""

from __future__ import annotations

from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.scoping import groups_for, organisations_for
from miaf.web.api.crud import Ref, Resource, register
from miaf.web.api.routers import promoters
from miaf.web.api.schemas import GroupIn, GroupOut, OrganisationIn, OrganisationOut
from miaf.web.registry import services
from miaf.web.registry.models import Group, Locality, Organisation, OrganisationKind

router = Router()


def manages(user) -> bool:  # noqa: ANN001
    return services.manages(user)


def apply(obj: Model, data: dict) -> Model:
    for key, value in data.items():
        setattr(obj, key, value)
    return obj


def save_organisation(request: HttpRequest, obj: Organisation, data: dict, created: bool) -> Organisation:
    return services.save_organisation(request.auth, apply(obj, data))


def save_group(request: HttpRequest, obj: Group, data: dict, created: bool) -> Group:
    return services.save_group(request.auth, apply(obj, data))


can_change_organisation = services.can_change_organisation
can_change_group = services.can_change_group


def producer_organisations(user):  # noqa: ANN001, ANN201
    return organisations_for(user).filter(pk__in=services.producer_organisations(user).values("pk"))


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
    can_create=manages, can_change=can_change_group, save=save_group,
    description="Working groups. Promoters see the groups assigned to them.",
)

for _resource in (organisations, groups):
    _sub = Router(tags=[_resource.name])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)
router.add_router("/promoters", promoters.router)
