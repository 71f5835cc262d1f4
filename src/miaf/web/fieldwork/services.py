"""Use cases of the accompaniment: plan and record visits, record trainings with their attendance, record
the staff's own training. One function per use case, one transaction each, called by the pages, the API and
the import alike.

Every function takes the acting ``user`` first and checks the scope against it (``None`` is the system, e.g.
a command-line import, and may do anything). A refusal is a Django ``ValidationError`` keyed by the field at
fault, in the user's language; nothing is written when one is raised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_edit, families_for, groups_for, organisations_for, role_of
from miaf.web.audit import history as audit
from miaf.web.fieldwork.models import (
    Attendance,
    StaffTraining,
    TrainingEvent,
    TreeMeasurement,
    Visit,
    VisitPlan,
)
from miaf.web.registry.models import Family, Member, Membership


@dataclass(frozen=True)
class Attendee:
    """One line of an attendance list: a family and, when known, which of its members came."""

    family_id: int
    member_id: int | None = None


# ---------------------------------------------------------------------------------------------- checks


def OUT_OF_REACH() -> str:  # noqa: N802  (a message, translated when raised)
    return _("Esa familia no pertenece a sus grupos asignados; no puede registrar por ella.")


def _require_editor(user: Any) -> None:
    if user is not None and not can_edit(user):
        raise PermissionDenied(_("Su rol no permite registrar trabajo de campo."))


def _is_system_or_admin(user: Any) -> bool:
    return user is None or role_of(user) == Role.ADMINISTRATOR


def check_family_in_reach(user: Any, family_id: int, field: str = "family") -> None:
    """Refuse a family outside the user's groups (a promoter recording for another group)."""
    if _is_system_or_admin(user):
        return
    if not families_for(user).filter(pk=family_id).exists():
        raise ValidationError({field: ValidationError(OUT_OF_REACH(), code="not_found")})


def _check_not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("La fecha %(day)s está en el futuro: registre solo lo que ya ocurrió.")
                               % {"day": day.isoformat()}})


def _check_plot(plot_id: int | None, family_id: int) -> None:
    from miaf.web.plots.models import Plot

    if plot_id is not None and not Plot.objects.filter(pk=plot_id, family_id=family_id).exists():
        raise ValidationError({"plot": ValidationError(_("La parcela no es de esta familia."), code="other_family")})


# ---------------------------------------------------------------------------------------------- plans


@transaction.atomic
def plan_visit(user: Any, plan: VisitPlan) -> VisitPlan:
    """Save a planned visit (new or changed). A promoter plans for her own families and is its promoter."""
    _require_editor(user)
    check_family_in_reach(user, plan.family_id)
    _check_plot(plan.plot_id, plan.family_id)
    if plan.pk is None:
        plan.created_by = user
        if role_of(user) == Role.PROMOTER:
            plan.promoter = user
    if plan.status != VisitPlan.Status.PLANNED and plan.pk is None:
        raise ValidationError({"status": _("Una visita nueva se agenda como planeada.")})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def cancel_plan(user: Any, plan: VisitPlan, reason: str = "") -> VisitPlan:
    """Cancel an open planned visit (kept in the history with its reason)."""
    _require_editor(user)
    check_family_in_reach(user, plan.family_id)
    if plan.status != VisitPlan.Status.PLANNED:
        raise ValidationError({"status": _("Solo se puede cancelar una visita planeada que sigue abierta.")})
    plan.status = VisitPlan.Status.CANCELLED
    plan.cancel_reason = reason[:200]
    plan.save(update_fields=["status", "cancel_reason", "updated_at"])
    return plan


# ---------------------------------------------------------------------------------------------- visits


def measurement_rows(visit: Visit, items: Iterable[dict[str, Any]]) -> list[TreeMeasurement]:
    """Validated tree measurements of a visit from plain dicts (``species`` is a Species or its id)."""
    rows = []
    for i, item in enumerate(items):
        item = dict(item)
        species = item.pop("species", None)
        key = "species" if not isinstance(species, int) else "species_id"
        row = TreeMeasurement(visit=visit, **{key: species}, **item)
        try:
            row.full_clean(exclude=["visit"])
        except ValidationError as exc:
            raise ValidationError({f"measurements.{i}.{k}": v for k, v in exc.message_dict.items()}) from exc
        rows.append(row)
    return rows


@transaction.atomic
def record_visit(user: Any, visit: Visit, measurements: Sequence[dict[str, Any]] | None = None,
                 plan: VisitPlan | None = None) -> Visit:
    """Record a done visit (new or changed) with its tree measurements (replacing the stored ones when given).

    A new visit closes ``plan`` (or the family's oldest open plan due on or before the visit date) and, when
    ``next_visit_on`` is set, plans the next visit. A promoter records only for families of her groups, and is
    the visit's promoter. A visit dated in the future is refused.
    """
    _require_editor(user)
    created = visit.pk is None
    check_family_in_reach(user, visit.family_id)
    _check_not_future(visit.visited_on, "visited_on")
    _check_plot(visit.plot_id, visit.family_id)
    if visit.next_visit_on is not None and visit.visited_on and visit.next_visit_on <= visit.visited_on:
        raise ValidationError({"next_visit_on": _("La próxima visita debe ser posterior a esta.")})
    if created and role_of(user) == Role.PROMOTER:
        visit.promoter = user
    if created and user is not None and visit.created_by_id is None:
        visit.created_by = user
    if plan is not None and (plan.family_id != visit.family_id or plan.status != VisitPlan.Status.PLANNED):
        raise ValidationError({"plan": _("La visita planeada no es de esta familia o ya no está abierta.")})
    previous_next = None if created else Visit.objects.filter(pk=visit.pk).values_list("next_visit_on", flat=True).first()
    visit.full_clean()
    visit.save()
    if measurements is not None:
        rows = measurement_rows(visit, measurements)
        if not created:
            visit.measurements.all().delete()
        audit.bulk_create(TreeMeasurement, rows)
    if created:
        if plan is None:
            plan = (VisitPlan.objects.filter(family_id=visit.family_id, status=VisitPlan.Status.PLANNED,
                                             due_on__lte=visit.visited_on).order_by("due_on", "pk").first())
        if plan is not None:
            plan.status, plan.done_visit = VisitPlan.Status.DONE, visit
            plan.save(update_fields=["status", "done_visit", "updated_at"])
    if visit.next_visit_on is not None and visit.next_visit_on != previous_next:
        VisitPlan.objects.create(
            family_id=visit.family_id, plot_id=visit.plot_id, promoter_id=visit.promoter_id, due_on=visit.next_visit_on,
            purpose=(visit.next_steps or "").strip().splitlines()[0][:200] if (visit.next_steps or "").strip() else "",
            step=visit.step, created_by=user,
        )
    return visit


# ---------------------------------------------------------------------------------------------- trainings


def eligible_families(event: TrainingEvent, group_ids: set[int] | None = None):  # noqa: ANN201
    """Families that may be in the event's attendance: members, on the event's date, of its groups (the host
    and the invited); for an event without groups, of any group of its organisation."""
    groups = event.invited_group_ids() if group_ids is None else group_ids
    on = event.held_on or timezone.localdate()
    ms = Membership.objects.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
    if groups:
        ms = ms.filter(group_id__in=groups)
    else:
        ms = ms.filter(Q(group__producer_organisation_id=event.organisation_id)
                       | Q(group__producer_organisation__accompanied_by_id=event.organisation_id))
    return Family.objects.filter(pk__in=ms.values("family_id"))


def eligible_families_groups(event: TrainingEvent, family_ids: set[int]) -> set[int]:
    """Groups of ``family_ids`` on the event's date that belong to the event's organisation (an event without a
    list of invited groups, e.g. one imported from a form that has none, invites them)."""
    on = event.held_on or timezone.localdate()
    return set(
        Membership.objects.filter(family_id__in=family_ids, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=on))
        .filter(Q(group__producer_organisation_id=event.organisation_id)
                | Q(group__producer_organisation__accompanied_by_id=event.organisation_id))
        .values_list("group_id", flat=True)
    )


def attendance_rows(event: TrainingEvent, attendees: Iterable[Attendee], group_ids: set[int] | None = None,
                    user: Any = None) -> list[Attendance]:
    """Validated attendance rows: each family in one of the event's groups, each member of its family and once."""
    attendees = list(attendees)
    fam_ids = {a.family_id for a in attendees}
    allowed = set(eligible_families(event, group_ids).filter(pk__in=fam_ids).values_list("pk", flat=True))
    if not _is_system_or_admin(user):
        reach = set(families_for(user).filter(pk__in=fam_ids).values_list("pk", flat=True))
        for a in attendees:
            if a.family_id not in reach:
                raise ValidationError({"family": ValidationError(OUT_OF_REACH(), code="not_found")})
    members = {m.pk: m for m in Member.objects.filter(family_id__in=fam_ids)}
    families = dict(Family.objects.filter(pk__in=fam_ids).values_list("pk", "name"))
    rows, seen = [], set()
    for a in attendees:
        member = members.get(a.member_id) if a.member_id is not None else None
        who = member.name if member is not None else families.get(a.family_id, str(a.family_id))
        if a.member_id is not None and (member is None or member.family_id != a.family_id):
            raise ValidationError({"member": ValidationError(
                _("El integrante %(id)s no es de esta familia.") % {"id": a.member_id}, code="not_found")})
        if a.family_id not in allowed:
            raise ValidationError({"member" if member else "family": ValidationError(
                _("%(who)s no pertenece a ninguno de los grupos invitados a este evento.") % {"who": who},
                code="outside_groups")})
        if member is not None:
            if member.pk in seen:
                raise ValidationError({"member": ValidationError(
                    _("%(name)s ya está en la lista de asistencia de este evento.") % {"name": member.name}, code="unique")})
            seen.add(member.pk)
        rows.append(Attendance(event=event, family_id=a.family_id, member=member))
    return rows


def _check_training_scope(user: Any, event: TrainingEvent, group_ids: set[int]) -> None:
    if _is_system_or_admin(user):
        return
    if not organisations_for(user).filter(pk=event.organisation_id).exists():
        raise ValidationError({"organisation": _("Esa organización no está a su alcance.")})
    if role_of(user) == Role.PROMOTER:
        if event.group_id is None:
            raise ValidationError({"group": _("Indique uno de sus grupos.")})
        mine = set(groups_for(user).values_list("pk", flat=True))
        if event.group_id not in mine:
            raise ValidationError({"group": _("Ese grupo no le está asignado; no puede registrar por él.")})
    else:
        reach = set(groups_for(user).filter(pk__in=group_ids).values_list("pk", flat=True))
        if group_ids - reach:
            raise ValidationError({"groups": _("Uno de los grupos no está a su alcance.")})


@transaction.atomic
def record_training(user: Any, event: TrainingEvent, attendees: Iterable[Attendee] | None = None,
                    invited: Iterable[Any] | None = None) -> TrainingEvent:
    """Record a training or exchange (new or changed) with its invited groups and, when given, its whole
    attendance (replacing the stored list). Its date may not be in the future."""
    _require_editor(user)
    _check_not_future(event.held_on, "held_on")
    invited_ids = None if invited is None else {getattr(g, "pk", g) for g in invited}
    group_ids = (set(invited_ids) if invited_ids is not None else (event.invited_group_ids() if event.pk else set()))
    if event.group_id:
        group_ids.add(event.group_id)
    _check_training_scope(user, event, group_ids)
    if event.pk is None and user is not None and event.created_by_id is None:
        event.created_by = user
    event.full_clean()
    rows = attendance_rows(event, attendees, group_ids, user) if attendees is not None else None
    event.save()
    if invited_ids is not None:
        event.groups.set(invited_ids - ({event.group_id} if event.group_id else set()))
    if rows is not None:
        # Only the rows of families within the user's reach are replaced: another group's attendance stays.
        _attendance_in_reach(user, event).delete()
        for row in rows:
            row.event = event
        Attendance.objects.bulk_create(rows)
    return event


def _attendance_in_reach(user: Any, event: TrainingEvent):  # noqa: ANN202
    rows = Attendance.objects.filter(event=event)
    return rows if _is_system_or_admin(user) else rows.filter(family__in=families_for(user).values("pk"))


def check_training_in_reach(user: Any, event: TrainingEvent) -> None:
    """Refuse a change to a whole event (deleting it) unless it and everything it cascades to are the user's:
    a promoter only an event hosted by one of her groups, and nobody an event with attendance of families
    outside their reach (deleting the event would delete those rows)."""
    _require_editor(user)
    if _is_system_or_admin(user):
        return
    if not organisations_for(user).filter(pk=event.organisation_id).exists():
        raise PermissionDenied(_("Esa organización no está a su alcance."))
    if role_of(user) == Role.PROMOTER and not groups_for(user).filter(pk=event.group_id).exists():
        raise PermissionDenied(_("Ese evento no es de uno de sus grupos; no puede borrarlo."))
    outside = Attendance.objects.filter(event=event).exclude(family__in=families_for(user).values("pk"))
    if outside.exists():
        raise PermissionDenied(_("El evento tiene asistencia de familias fuera de su alcance; "
                                 "pida a la coordinación que lo borre."))


@transaction.atomic
def delete_training(user: Any, event: TrainingEvent) -> None:
    """Delete a training or exchange with its attendance, once :func:`check_training_in_reach` allows it."""
    check_training_in_reach(user, event)
    event.delete()


@transaction.atomic
def set_attendance(user: Any, event: TrainingEvent, attendees: Iterable[Attendee], replace: bool = True) -> list[Attendance]:
    """Replace (or, with ``replace=False``, add to) the attendance of an event. A person whose family is not in
    one of the event's groups is refused, naming the person. A promoter changes only her families' rows."""
    _require_editor(user)
    attendees = list(attendees)
    existing = list(event.attendance.all())
    if not replace:
        taken = {a.member_id for a in existing if a.member_id}
        for a in attendees:
            if a.member_id is not None and a.member_id in taken:
                member = Member.objects.filter(pk=a.member_id).first()
                raise ValidationError({"member": ValidationError(
                    _("%(name)s ya está en la lista de asistencia de este evento.")
                    % {"name": member.name if member else a.member_id}, code="unique")})
    rows = attendance_rows(event, attendees, user=user)
    if replace:
        mine = existing
        if not _is_system_or_admin(user):
            reach = set(families_for(user).filter(pk__in={a.family_id for a in existing}).values_list("pk", flat=True))
            mine = [a for a in existing if a.family_id in reach]
        Attendance.objects.filter(pk__in=[a.pk for a in mine]).delete()
    return Attendance.objects.bulk_create(rows)


# ---------------------------------------------------------------------------------------------- staff


@transaction.atomic
def record_staff_training(user: Any, training: StaffTraining, attendees: Iterable[Any]) -> StaffTraining:
    """Record a training of the organisation's own staff; attendees are profiles of that organisation."""
    from miaf.web.accounts.models import Profile

    if user is not None and role_of(user) not in (Role.ADMINISTRATOR, Role.COORDINATOR):
        raise PermissionDenied(_("Solo coordinación registra la capacitación del equipo."))
    _check_not_future(training.held_on, "held_on")
    if not _is_system_or_admin(user) and training.organisation_id != user.profile.organisation_id:
        raise ValidationError({"organisation": _("Esa organización no está a su alcance.")})
    ids = {getattr(p, "pk", p) for p in attendees}
    found = set(Profile.objects.filter(pk__in=ids, organisation_id=training.organisation_id).values_list("pk", flat=True))
    if ids - found:
        raise ValidationError({"attendees": _("Solo personas del equipo de la organización pueden participar.")})
    if training.pk is None and user is not None:
        training.created_by = user
    training.full_clean()
    training.save()
    training.attendees.set(found)
    return training
