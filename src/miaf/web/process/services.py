"""Use cases of the accompaniment process: one function per write, one transaction each, scope checked.

Called alike by the HTML forms (:mod:`.views`), the API (``api/routers/process.py``) and the ODK import
(``intake/services/process.py``). Every refusal is a ``ValidationError`` naming the field, in Spanish
(English through the catalogue); an analyst, or anyone who may not edit, gets ``PermissionDenied``.

Rules:

* a promoter acts only on her assigned groups (another group: "not one of your groups");
* dates of done things (start, completion, ticks, signatures, surveys) may not be in the future;
* closing a step whose ``depends_on`` is not closed needs ``out_of_order_reason``, which is kept;
* closing step 6 (formalisation) needs a signed commitment of the group;
* every status change appends a :class:`StepEvent`; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import can_edit, families_for, groups_for
from miaf.web.process.models import (
    CLOSED,
    COMMITMENT_STAGE,
    ChecklistItem,
    ChecklistTick,
    Commitment,
    Evidence,
    GroupProgress,
    ProjectIdea,
    ResourceInventory,
    Scope,
    Stage,
    Status,
    StepEvent,
    StepRecord,
)

EVIDENCE_DEFAULT_MAX_BYTES = 5 * 1024 * 1024
INVENTORY_STAGE = 3
IDEAS_STAGE = 4


# ------------------------------------------------------------------------------------------- helpers


def evidence_max_bytes() -> int:
    return int(getattr(settings, "MIAF_EVIDENCE_MAX_BYTES", EVIDENCE_DEFAULT_MAX_BYTES))


def stages_for(organisation_id: int | None) -> QuerySet:
    """The active stages of an accompanying organisation: its own version if it has one, else the global model."""
    own = Stage.objects.filter(organisation_id=organisation_id, active=True) if organisation_id else Stage.objects.none()
    if organisation_id and own.exists():
        return own.order_by("order")
    return Stage.objects.filter(organisation__isnull=True, active=True).order_by("order")


def accompanying_id(group) -> int | None:  # noqa: ANN001
    org = group.producer_organisation
    return org.accompanied_by_id or org.pk


def stage_of(group, number: int) -> Stage:  # noqa: ANN001
    stage = stages_for(accompanying_id(group)).filter(number=number).first()
    if stage is None:
        raise ValidationError({"stage": _("No existe el paso %(n)s en el modelo de su organización.") % {"n": number}})
    return stage


def check_editor(user) -> None:  # noqa: ANN001
    if not can_edit(user):
        raise PermissionDenied(_("Su rol no puede registrar el proceso."))


def check_group(user, group) -> None:  # noqa: ANN001
    check_editor(user)
    if not groups_for(user).filter(pk=group.pk).exists():
        raise ValidationError({"group": _("El grupo «%(g)s» no es uno de sus grupos asignados.") % {"g": group}})


def check_family(user, family, group=None) -> None:  # noqa: ANN001
    check_editor(user)
    if not families_for(user).filter(pk=family.pk).exists():
        raise ValidationError({"family": _("La familia no está entre las de sus grupos.")})
    if group is not None and not family.memberships.filter(group=group, left_on__isnull=True).exists():
        raise ValidationError({"family": _("La familia no pertenece al grupo «%(g)s».") % {"g": group}})


def not_future(field: str, value: dt.date | None) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: _("La fecha no puede estar en el futuro.")}, code="future_date")


def current_group_of(family):  # noqa: ANN001, ANN201
    m = family.memberships.filter(left_on__isnull=True).select_related("group__producer_organisation").first()
    return m.group if m else None


def record_for(group, stage: Stage, family=None) -> StepRecord:  # noqa: ANN001
    """The group's (or the family's) record of ``stage``, locked for update; created planned if missing."""
    if family is not None and stage.scope != Scope.FAMILY:
        raise ValidationError({"stage": _("El paso %(n)s es de grupo, no de familia.") % {"n": stage.number}})
    record, _created = StepRecord.objects.select_for_update().get_or_create(
        group=group, family=family, stage=stage, defaults={"status": Status.PLANNED}
    )
    return record


def actor(user):  # noqa: ANN001, ANN201
    """The user as a foreign-key value: None for the database operator of the command line (no account)."""
    return user if hasattr(user, "_meta") else None


def _log(record: StepRecord, user, old: str, on: dt.date, note: str = "") -> None:  # noqa: ANN001
    StepEvent.objects.create(record=record, by=actor(user), from_status=old, to_status=record.status, on=on, note=note)


def refresh_progress(group) -> GroupProgress | None:  # noqa: ANN001
    """Recompute where the group stands: its in-progress step of highest order, else its last closed step."""
    records = list(
        StepRecord.objects.filter(group=group, family__isnull=True).exclude(status=Status.PLANNED)
        .select_related("stage").order_by("-stage__order")
    )
    current = next((r for r in records if r.status == Status.IN_PROGRESS), None) or (records[0] if records else None)
    if current is None:
        GroupProgress.objects.filter(group=group).delete()
        return None
    since = current.started_on if current.status == Status.IN_PROGRESS else current.completed_on
    progress, _created = GroupProgress.objects.update_or_create(
        group=group,
        defaults={"record": current, "number": current.stage.number, "status": current.status, "since": since,
                  "due_on": current.due_on if current.status == Status.IN_PROGRESS else None},
    )
    return progress


def _dependency_closed(record: StepRecord) -> bool:
    dep = record.stage.depends_on
    if dep is None:
        return True
    qs = StepRecord.objects.filter(stage=dep, status__in=CLOSED)
    if record.family_id and dep.scope == Scope.FAMILY:
        return qs.filter(family_id=record.family_id).exists()
    return qs.filter(group_id=record.group_id, family__isnull=True).exists()


# ------------------------------------------------------------------------------------------ use cases


@transaction.atomic
def start_step(user, group, number: int, on: dt.date, *, family=None, due_on: dt.date | None = None,  # noqa: ANN001, PLR0913
               responsible=None, notes: str = "") -> StepRecord:  # noqa: ANN001
    """Put step ``number`` of the group (or of one of its families) in progress from ``on``."""
    check_group(user, group)
    if family is not None:
        check_family(user, family, group)
    not_future("started_on", on)
    stage = stage_of(group, number)
    record = record_for(group, stage, family)
    if record.status in CLOSED:
        raise ValidationError({"stage": _("El paso %(n)s ya está cerrado.") % {"n": number}})
    if due_on and due_on < on:
        raise ValidationError({"due_on": _("La fecha límite no puede ser anterior al inicio.")})
    old = record.status
    record.status = Status.IN_PROGRESS
    record.started_on = on
    record.due_on = due_on or on + dt.timedelta(days=stage.expected_days)
    record.responsible = responsible or actor(user)
    if notes:
        record.notes = (record.notes + "\n" + notes).strip()
    record.save()
    _log(record, user, old, on, notes)
    refresh_progress(group)
    return record


@transaction.atomic
def complete_step(user, group, number: int, on: dt.date, *, family=None, reason: str = "", notes: str = "",  # noqa: ANN001, PLR0913
                  skip: bool = False) -> StepRecord:
    """Close step ``number`` (done, or skipped with ``skip``) on ``on``.

    Closing it before the step it depends on needs ``reason`` (kept in ``out_of_order_reason``);
    closing step 6 needs the group's signed commitment.
    """
    check_group(user, group)
    if family is not None:
        check_family(user, family, group)
    not_future("completed_on", on)
    stage = stage_of(group, number)
    record = record_for(group, stage, family)
    if record.status in CLOSED:
        raise ValidationError({"stage": _("El paso %(n)s ya está cerrado.") % {"n": number}})
    reason = (reason or "").strip()
    if not _dependency_closed(record) and not reason:
        raise ValidationError({"out_of_order_reason": _(
            "El paso %(n)s depende del paso %(d)s, que no está terminado: escriba el motivo del cierre fuera de orden."
        ) % {"n": number, "d": stage.depends_on.number}}, code="out_of_order")
    if number == COMMITMENT_STAGE and not skip and not Commitment.objects.filter(group=group).exists():
        raise ValidationError({"commitment": _("Para terminar el paso 6 hace falta el compromiso de confianza-trabajo firmado.")})
    if record.started_on and on < record.started_on:
        raise ValidationError({"completed_on": _("El cierre no puede ser anterior al inicio (%(d)s).") % {"d": record.started_on}})
    old = record.status
    record.status = Status.SKIPPED if skip else Status.DONE
    record.started_on = record.started_on or on
    record.completed_on = on
    if reason:
        record.out_of_order_reason = reason
    if notes:
        record.notes = (record.notes + "\n" + notes).strip()
    record.save()
    _log(record, user, old, on, reason or notes)
    refresh_progress(group)
    return record


@transaction.atomic
def tick_checklist(user, record: StepRecord, item: ChecklistItem, done: bool, on: dt.date) -> ChecklistTick:  # noqa: ANN001
    """Tick (or untick) a checklist item of the record's stage; the earlier ticks stay."""
    check_group(user, record.group)
    not_future("on", on)
    if item.stage_id != record.stage_id:
        raise ValidationError({"item": _("Ese punto no es de este paso.")})
    return ChecklistTick.objects.create(record=record, item=item, done=done, on=on, by=actor(user))


def check_upload(kind: str, upload) -> None:  # noqa: ANN001
    """Size first (from the upload's declared size, before reading it), then a photo must open as an image."""
    limit = evidence_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError({"file": _("El archivo pesa %(mb).1f MB; el máximo es %(max).1f MB.") % {
            "mb": upload.size / 1e6, "max": limit / 1e6}}, code="too_large")
    if kind == Evidence.Kind.PHOTO:
        from PIL import Image, UnidentifiedImageError

        try:
            upload.seek(0)
            with Image.open(upload) as img:
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError({"file": _("La foto no es una imagen válida (JPEG, PNG…).")}, code="not_image") from None
        finally:
            upload.seek(0)


@transaction.atomic
def add_evidence(user, record: StepRecord, kind: str, note: str = "", upload=None) -> Evidence:  # noqa: ANN001
    """Attach a note, a photo or a document to a step."""
    check_group(user, record.group)
    if kind not in Evidence.Kind.values:
        raise ValidationError({"kind": _("Tipo de evidencia desconocido.")})
    if kind == Evidence.Kind.NOTE:
        if not (note or "").strip():
            raise ValidationError({"note": _("Escriba la nota.")})
        upload = None
    elif upload is None:
        raise ValidationError({"file": _("Adjunte el archivo.")})
    else:
        check_upload(kind, upload)
    evidence = Evidence(record=record, kind=kind, note=(note or "").strip(), by=actor(user))
    if upload is not None:
        evidence.file.save(upload.name.rsplit("/", 1)[-1][:80], upload, save=False)
    evidence.save()
    return evidence


def _commitment(user, group, signed_on: dt.date, terms: str, signatories, representative=None) -> Commitment:  # noqa: ANN001
    not_future("signed_on", signed_on)
    if not (terms or "").strip():
        raise ValidationError({"terms": _("Escriba los términos del compromiso.")})
    from miaf.web.registry.models import Member

    ids = [getattr(s, "pk", s) for s in signatories or []]
    if not ids:
        raise ValidationError({"signatories": _("Elija al menos una persona firmante.")})
    members = list(Member.objects.filter(pk__in=ids, family__memberships__group=group,
                                         family__memberships__left_on__isnull=True))
    if len({m.pk for m in members}) != len(set(ids)):
        raise ValidationError({"signatories": _("Las personas firmantes deben ser integrantes de las familias del grupo.")})
    commitment = Commitment.objects.create(group=group, signed_on=signed_on, terms=terms.strip(),
                                           representative=representative or actor(user), created_by=actor(user))
    commitment.signatories.set(members)
    return commitment


@transaction.atomic
def record_commitment(user, group, signed_on: dt.date, terms: str, signatories, representative=None) -> Commitment:  # noqa: ANN001
    """Record the group's trust-work commitment (step 6) with its signatories (members of its families)."""
    check_group(user, group)
    return _commitment(user, group, signed_on, terms, signatories, representative)


@transaction.atomic
def advance_group(user, group, to_stage: int, on: dt.date, *, commitment: dict | None = None,  # noqa: ANN001
                  reason: str = "") -> StepRecord:
    """Close the group's previous step and start ``to_stage`` on ``on`` (from 5 to 6 with its commitment).

    ``commitment``: ``{"terms": …, "signatories": [member ids], "signed_on": date (default on)}``.
    Moving to the step after 6 needs the commitment, as closing 6 does.
    """
    check_group(user, group)
    not_future("on", on)
    if commitment is not None:
        _commitment(user, group, commitment.get("signed_on") or on, commitment.get("terms", ""),
                    commitment.get("signatories", []), commitment.get("representative"))
    elif to_stage == COMMITMENT_STAGE:
        raise ValidationError({"commitment": _("Para pasar al paso 6 registre el compromiso de confianza-trabajo.")})
    previous = stages_for(accompanying_id(group)).filter(number__lt=to_stage).order_by("-order").first()
    if previous is not None:
        prev = StepRecord.objects.filter(group=group, family__isnull=True, stage=previous).first()
        if prev is None or prev.status not in CLOSED:
            complete_step(user, group, previous.number, on, reason=reason)
    return start_step(user, group, to_stage, on)


def _mark_family_step(user, family, number: int, status: str, on: dt.date) -> None:  # noqa: ANN001
    """Move the family's record of an individual step forward (never backwards) when its data come in."""
    group = current_group_of(family)
    if group is None:
        return
    stage = stages_for(accompanying_id(group)).filter(number=number, scope=Scope.FAMILY).first()
    if stage is None:
        return
    record = record_for(group, stage, family)
    if record.status in CLOSED or record.status == status:
        return
    old = record.status
    record.status = status
    record.started_on = record.started_on or on
    if status in CLOSED:
        record.completed_on = on
    record.save()
    _log(record, user, old, on, _("registrado con los datos de la familia"))


INVENTORY_FIELDS = ("surveyed_on", "land_ha", "sloping_land_ha", "water_source", "water_access", "labour_persons",
                    "labour_person_days_month", "animals", "tools", "savings_mxn")


@transaction.atomic
def record_inventory(user, family, data: dict, origin: str = "manual") -> ResourceInventory:  # noqa: ANN001
    """A new resource survey of the family (step 3); the earlier ones stay, the latest is current."""
    check_family(user, family)
    unknown = set(data) - set(INVENTORY_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Campo desconocido.")})
    inv = ResourceInventory(family=family, created_by=actor(user), origin=origin, **data)
    inv.full_clean()
    if inv.sloping_land_ha is not None and inv.land_ha is not None and Decimal(inv.sloping_land_ha) > Decimal(inv.land_ha):
        raise ValidationError({"sloping_land_ha": _("La tierra en ladera no puede ser más que la tierra total.")})
    inv.save()
    _mark_family_step(user, family, INVENTORY_STAGE, Status.DONE, inv.surveyed_on)
    return inv


IDEA_FIELDS = ("recorded_on", "rank", "title", "description", "species", "chosen")


@transaction.atomic
def record_idea(user, family, data: dict, origin: str = "manual") -> ProjectIdea:  # noqa: ANN001
    """A prioritised project idea of the family (step 4); choosing one un-chooses the family's others."""
    check_family(user, family)
    unknown = set(data) - set(IDEA_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Campo desconocido.")})
    idea = ProjectIdea(family=family, created_by=actor(user), origin=origin, **data)
    idea.full_clean()
    if idea.chosen:
        for other in ProjectIdea.objects.filter(Q(family=family) & Q(chosen=True)):  # one history row each
            other.chosen = False
            other.save(update_fields=["chosen", "updated_at"])
    idea.save()
    _mark_family_step(user, family, IDEAS_STAGE, Status.DONE if idea.chosen else Status.IN_PROGRESS, idea.recorded_on)
    return idea
