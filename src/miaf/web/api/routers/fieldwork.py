"""Accompaniment: follow-up visits (with tree measurements), trainings/exchanges and their attendance.

Personal data (analysts get 403). Visits are scoped through their family; trainings through their
organisation and group (a promoter sees the events of their groups and the group-less events of their
organisations). The attendance of an event lists only the families within the user's reach.
"""

# No ``from __future__ import annotations``: django-ninja reads the attendance views' signatures at runtime.

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Path, Router
from ninja.pagination import paginate
from ninja.responses import Status

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_edit, groups_for, organisations_for, role_of, scoped
from miaf.web.api.crud import (
    Ref,
    Resource,
    default_save,
    get_scoped,
    guard_read,
    ordered,
    register,
    resolve_refs,
)
from miaf.web.api.errors import FieldError
from miaf.web.api.nested import clean_nested
from miaf.web.api.routers.records import FAMILY, PLOT, family_filters, save_with_family_plot
from miaf.web.api.schemas import (
    MAX_ID,
    AttendanceIn,
    AttendanceOut,
    Pagination,
    TrainingIn,
    TrainingOut,
    VisitIn,
    VisitOut,
    responses,
)
from miaf.web.catalogue.models import Species
from miaf.web.fieldwork.models import Attendance, TrainingEvent, TreeMeasurement, Visit
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


# --- attendance of a training: /trainings/{id}/attendance ---------------------------------------------

attendance = Resource(
    name="attendance", model=Attendance, out=AttendanceOut, label=_l("La asistencia"), create=AttendanceIn,
    queryset=lambda user: scoped(user, Attendance), refs={"family": FAMILY},
)


def attendance_of(event: TrainingEvent, user):  # noqa: ANN001, ANN201
    """The event's attendance rows whose family is within the user's reach."""
    return ordered(attendance.queryset(user).filter(event=event))


def guard_write_attendance(user) -> None:  # noqa: ANN001
    guard_read(attendance, user)
    if not can_edit(user):
        raise PermissionDenied(_("Su rol no permite modificar %(what)s.") % {"what": attendance.label})


def save_attendance(event: TrainingEvent, data: dict) -> Attendance:
    """Add a family (and optionally one of its members) to an event; a member attends an event once."""
    member_id = data.pop("member", None)
    row = Attendance(event=event, family=data["family"])
    if member_id is not None:
        member = row.family.members.filter(pk=member_id).first()
        if member is None:
            raise FieldError("member", _("El integrante %(id)s no es de esta familia.") % {"id": member_id}, "not_found")
        if Attendance.objects.filter(event=event, member=member).exists():
            raise FieldError("member", _("%(name)s ya está en la lista de asistencia de este evento.") % {"name": member.name}, "unique")
        row.member = member
    clean_nested(row, "")
    row.save()
    return row


attendance_router = Router(tags=["trainings"])


@attendance_router.get("/{id}/attendance", response=responses(200, list[AttendanceOut], 401, 403, 404, 422),
                       operation_id="trainings_attendance_list", summary="Attendance of a training or exchange",
                       description="Families (and members) who attended; only families within your reach are listed.")
@paginate(Pagination)
def list_attendance(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    guard_read(trainings, request.auth)
    event = get_scoped(trainings, request.auth, id)
    return attendance_of(event, request.auth)


@attendance_router.post("/{id}/attendance", response=responses(201, AttendanceOut),
                        operation_id="trainings_attendance_create", summary="Add a family or member to the attendance")
def create_attendance(request: HttpRequest, payload: AttendanceIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    guard_write_attendance(request.auth)
    event = get_scoped(trainings, request.auth, id)
    with transaction.atomic():
        data = resolve_refs(attendance, request.auth, payload.model_dump())
        row = save_attendance(event, data)
    return Status(201, row)


@attendance_router.delete("/{id}/attendance/{attendance_id}", response=responses(204, None, 401, 403, 404),
                          operation_id="trainings_attendance_delete", summary="Remove one row of the attendance")
def delete_attendance(  # noqa: ANN201
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID),  # noqa: A002
    attendance_id: int = Path(..., ge=1, le=MAX_ID),
):
    guard_write_attendance(request.auth)
    event = get_scoped(trainings, request.auth, id)
    row = attendance_of(event, request.auth).filter(pk=attendance_id).first()
    if row is None:
        raise Http404(_("%(what)s %(id)s no existe o no está a su alcance.") % {"what": attendance.label, "id": attendance_id})
    with transaction.atomic():
        row.delete()
    return Status(204, None)


router.add_router("/trainings", attendance_router)
