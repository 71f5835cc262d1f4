"""Accompaniment: follow-up visits (with tree measurements) and trainings/exchanges.

Personal data (analysts get 403). Visits are scoped through their family; trainings through their
organisation and group (a promoter sees the events of their groups and the group-less events of their
organisations).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import groups_for, organisations_for, role_of, scoped
from miaf.web.api.crud import Ref, Resource, default_save, register
from miaf.web.api.errors import FieldError
from miaf.web.api.nested import clean_nested
from miaf.web.api.routers.records import FAMILY, PLOT, family_filters, save_with_family_plot
from miaf.web.api.schemas import TrainingIn, TrainingOut, VisitIn, VisitOut
from miaf.web.catalogue.models import Species
from miaf.web.fieldwork.models import TrainingEvent, TreeMeasurement, Visit
from miaf.web.registry.models import Locality

router = Router()


def save_visit(request: HttpRequest, visit: Visit, data: dict, created: bool) -> Visit:
    measurements = data.pop("measurements", None)
    if created and role_of(request.auth) == Role.PROMOTER:
        visit.promoter = request.auth
    visit = save_with_family_plot(request, visit, data, created)
    if measurements is not None:
        rows = []
        codes = {s.code: s for s in Species.objects.filter(code__in=[m["species"] for m in measurements])}
        for i, item in enumerate(measurements):
            item = dict(item)
            species = codes.get(item.pop("species"))
            if species is None:
                raise FieldError(f"measurements.{i}.species", _("La especie no está en el catálogo."), "not_found")
            row = TreeMeasurement(visit=visit, species=species, **item)
            clean_nested(row, f"measurements.{i}.")
            rows.append(row)
        visit.measurements.all().delete()
        TreeMeasurement.objects.bulk_create(rows)
    return visit


def trainings_for(user):  # noqa: ANN001, ANN201
    role = role_of(user)
    qs = TrainingEvent.objects.all()
    if role == Role.ADMINISTRATOR:
        return qs
    if role == Role.COORDINATOR:
        return qs.filter(organisation__in=organisations_for(user))
    if role == Role.PROMOTER:
        return qs.filter(Q(group__in=groups_for(user)) | Q(group__isnull=True, organisation__in=organisations_for(user)))
    return qs.none()


def save_training(request: HttpRequest, event: TrainingEvent, data: dict, created: bool) -> TrainingEvent:
    if role_of(request.auth) == Role.PROMOTER:
        group = data.get("group", event.group if not created else None)
        if group is None:
            raise FieldError("group", _("Indique uno de sus grupos."), "required")
    return default_save(request, event, data, created)


visits = Resource(
    name="visits", model=Visit, out=VisitOut, label=_l("La visita"), create=VisitIn,
    queryset=lambda user: scoped(user, Visit).select_related("promoter").prefetch_related("measurements__species"),
    filters=family_filters("family", "visited_on__year"), search=("observations", "agreements"),
    refs={"family": FAMILY, "plot": PLOT}, nested=("measurements",), save=save_visit,
    description="Follow-up visits; a promoter's visit records them as its promoter.",
)
trainings = Resource(
    name="trainings", model=TrainingEvent, out=TrainingOut, label=_l("La capacitación"), create=TrainingIn,
    queryset=trainings_for,
    filters={
        "organisation": lambda v: Q(organisation=v) | Q(organisation__accompanied_by=v),
        "group": "group",
        "municipality": "locality__municipality",
        "year": "held_on__year",
    },
    search=("title", "topic"),
    refs={
        "organisation": Ref(lambda user: organisations_for(user), label=_l("La organización")),
        "group": Ref(lambda user: groups_for(user), label=_l("El grupo")),
        "locality": Ref(lambda user: Locality.objects.all(), label=_l("La localidad")),
    },
    save=save_training,
    description="Trainings and exchanges of experience.",
)

for _resource in (visits, trainings):
    _sub = Router(tags=[_resource.name])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)
