"""Accompaniment: follow-up visits (with tree measurements), trainings/exchanges and their attendance.

Personal data (analysts get 403). Visits are scoped through their family; trainings through their
organisation and group (a promoter sees the events of their groups and the group-less events of their
organisations). The attendance of an event lists only the families within the user's reach.
"""

# No ``from __future__ import annotations``: django-ninja reads the attendance views' signatures at runtime.

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Path, Router
from ninja.pagination import paginate
from ninja.responses import Status

from miaf.web.accounts.models import Profile, Role
from miaf.web.accounts.scoping import can_edit, groups_for, organisations_for, role_of, scoped
from miaf.web.api.crud import (
    Ref,
    Resource,
    get_scoped,
    guard_read,
    ordered,
    register,
    resolve_refs,
)
from miaf.web.api.errors import FieldError
from miaf.web.api.routers.records import FAMILY, PLOT, family_filters
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
from miaf.web.api.schemas_fieldwork import (
    CancelIn,
    StaffTrainingIn,
    StaffTrainingOut,
    VisitPlanIn,
    VisitPlanOut,
)
from miaf.web.catalogue.models import Species
from miaf.web.fieldwork import services
from miaf.web.fieldwork.models import Attendance, StaffTraining, TrainingEvent, Visit, VisitPlan
from miaf.web.fieldwork.queries import trainings_for
from miaf.web.registry.models import Locality

router = Router()


def save_visit(request: HttpRequest, visit: Visit, data: dict, created: bool) -> Visit:
    """Resolve the species codes of the measurements, then the one use case :func:`record_visit`."""
    measurements = data.pop("measurements", None)
    for key, value in data.items():
        setattr(visit, key, value)
    items = None
    if measurements is not None:
        codes = {s.code: s for s in Species.objects.filter(code__in=[m["species"] for m in measurements])}
        items = []
        for i, item in enumerate(measurements):
            item = dict(item)
            species = codes.get(item.pop("species"))
            if species is None:
                raise FieldError(f"measurements.{i}.species", _("La especie no está en el catálogo."), "not_found")
            items.append({**item, "species": species})
    return services.record_visit(request.auth, visit, items)


def save_training(request: HttpRequest, event: TrainingEvent, data: dict, created: bool) -> TrainingEvent:
    """Resolve the invited groups within the user's reach, then the one use case :func:`record_training`."""
    invited = data.pop("groups", None)
    if invited is not None:
        found = {g.pk: g for g in groups_for(request.auth).filter(pk__in=invited)}
        for i, pk in enumerate(invited):
            if pk not in found:
                raise FieldError(f"groups.{i}", _("El grupo «%(value)s» no existe o no está a su alcance.") % {"value": pk},
                                 "not_found")
    for key, value in data.items():
        setattr(event, key, value)
    if role_of(request.auth) == Role.PROMOTER and event.group_id is None:
        raise FieldError("group", _("Indique uno de sus grupos."), "required")
    return services.record_training(request.auth, event, invited=invited)


visits = Resource(
    name="visits", model=Visit, out=VisitOut, label=_l("La visita"), create=VisitIn,
    queryset=lambda user: scoped(user, Visit).select_related("promoter").prefetch_related("measurements__species"),
    filters=family_filters("family", "visited_on__year"), search=("observations", "agreements"),
    refs={"family": FAMILY, "plot": PLOT}, nested=("measurements",), save=save_visit,
    description="Follow-up visits; a promoter's visit records them as its promoter.",
)
trainings = Resource(
    name="trainings", model=TrainingEvent, out=TrainingOut, label=_l("La capacitación"), create=TrainingIn,
    queryset=lambda user: trainings_for(user).prefetch_related("groups"),
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
    save=save_training, delete=lambda request, event: services.delete_training(request.auth, event),
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


def save_attendance(request: HttpRequest, event: TrainingEvent, data: dict) -> Attendance:
    """Add a family (and optionally one of its members) to an event through :func:`set_attendance`."""
    member_id = data.pop("member", None)
    rows = services.set_attendance(request.auth, event, [services.Attendee(data["family"].pk, member_id)], replace=False)
    return rows[0]


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
        row = save_attendance(request, event, data)
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


# --- visit plans and the staff's own trainings ----------------------------------------------------------


def staff_of(user):  # noqa: ANN001, ANN201
    """Users of the organisations within the user's reach (the promoters a plan may name)."""
    return get_user_model().objects.filter(profile__organisation__in=organisations_for(user))


def save_plan(request: HttpRequest, plan: VisitPlan, data: dict, created: bool) -> VisitPlan:
    for key, value in data.items():
        setattr(plan, key, value)
    return services.plan_visit(request.auth, plan)


def staff_trainings_for(user):  # noqa: ANN001, ANN201
    role = role_of(user)
    qs = StaffTraining.objects.prefetch_related("attendees__user")
    if role == Role.ADMINISTRATOR:
        return qs
    if role in (Role.COORDINATOR, Role.PROMOTER) and user.profile.organisation_id:
        return qs.filter(organisation_id=user.profile.organisation_id)
    return qs.none()


def save_staff_training(request: HttpRequest, training: StaffTraining, data: dict, created: bool) -> StaffTraining:
    names = data.pop("attendees", None)
    for key, value in data.items():
        setattr(training, key, value)
    if names is None:
        profiles = list(training.attendees.all()) if training.pk else []
    else:
        found = dict(Profile.objects.filter(user__username__in=names, organisation_id=training.organisation_id)
                     .values_list("user__username", "pk"))
        for i, name in enumerate(names):
            if name not in found:
                raise FieldError(f"attendees.{i}", _("«%(value)s» no es del equipo de esta organización.") % {"value": name},
                                 "not_found")
        profiles = list(found.values())
    return services.record_staff_training(request.auth, training, profiles)


def is_office(user) -> bool:  # noqa: ANN001
    return role_of(user) in (Role.ADMINISTRATOR, Role.COORDINATOR)


visit_plans = Resource(
    name="visit_plans", model=VisitPlan, out=VisitPlanOut, label=_l("La visita planeada"), create=VisitPlanIn,
    queryset=lambda user: scoped(user, VisitPlan).select_related("promoter"),
    filters={**family_filters("family", "due_on__year"), "status": "status", "promoter": "promoter__username"},
    search=("purpose",), save=save_plan,
    refs={"family": FAMILY, "plot": PLOT,
          "promoter": Ref(staff_of, lookup="username", label=_l("La persona promotora"))},
    description="Planned visits (open until a visit closes them or they are cancelled); a visit with "
                "`next_visit_on` plans the next one.",
)
staff_trainings = Resource(
    name="staff_trainings", model=StaffTraining, out=StaffTrainingOut, label=_l("La capacitación del equipo"),
    create=StaffTrainingIn, queryset=staff_trainings_for, filters={"year": "held_on__year"}, search=("title", "topic"),
    refs={"organisation": Ref(lambda user: organisations_for(user).filter(kind="accompanying"),
                              label=_l("La organización"))},
    can_create=is_office, can_change=lambda user, obj: is_office(user), save=save_staff_training,
    description="Trainings of the accompanying organisation's own staff (promoters, coordinators).",
)
plans_router = Router(tags=["visit_plans"])
register(plans_router, visit_plans)


@plans_router.post("/{id}/cancel", response=responses(200, VisitPlanOut), operation_id="visit_plans_cancel",
                   summary="Cancel an open planned visit", description="The plan is kept with its reason.")
def cancel_visit_plan(request: HttpRequest, payload: CancelIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    guard_read(visit_plans, request.auth)
    plan = get_scoped(visit_plans, request.auth, id)
    if not can_edit(request.auth):
        raise PermissionDenied(_("Su rol no permite modificar %(what)s.") % {"what": visit_plans.label})
    services.cancel_plan(request.auth, plan, payload.reason)
    return get_scoped(visit_plans, request.auth, id)


router.add_router("/visit-plans", plans_router)
staff_router = Router(tags=["staff_trainings"])
register(staff_router, staff_trainings)
router.add_router("/staff-trainings", staff_router)
