"""The 12-step accompaniment process: stages (read, open to every role), step records with their actions,
commitments, resource inventories, project ideas and the board.

Step records, commitments, inventories, ideas and the board carry personal or organisational data:
analysts get 403. A group or family outside the caller's reach is a 404. Every write calls the use case
of :mod:`miaf.web.process.services` (the same as the web forms and the ODK import).
"""

# No ``from __future__ import annotations``: django-ninja reads the signatures at runtime.

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router
from ninja.responses import Status

from miaf.web.accounts.scoping import families_for, groups_for, require_personal_data, scoped
from miaf.web.api.schemas import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, MAX_OFFSET, responses
from miaf.web.api.schemas_process import (
    AdvanceIn,
    BoardOut,
    CommitmentIn,
    CommitmentOut,
    CommitmentPage,
    IdeaIn,
    IdeaOut,
    IdeaPage,
    InventoryIn,
    InventoryOut,
    InventoryPage,
    StageOut,
    StepCompleteIn,
    StepPage,
    StepRecordOut,
    StepStartIn,
    TickIn,
    TickOut,
)
from miaf.web.process import services
from miaf.web.process.models import Commitment, ProjectIdea, ResourceInventory, Stage, StepRecord
from miaf.web.process.queries import board_rows

router = Router(tags=["process"])
ID = Path(..., ge=1, le=MAX_ID)
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
OFFSET = Query(0, ge=0, le=MAX_OFFSET)
OPT_ID = Query(None, ge=1, le=MAX_ID)


def _records(user):  # noqa: ANN001, ANN202
    require_personal_data(user)
    return StepRecord.objects.filter(group__in=groups_for(user)).select_related("stage")


def _group(user, pk: int):  # noqa: ANN001, ANN202
    require_personal_data(user)
    return get_object_or_404(groups_for(user).select_related("producer_organisation"), pk=pk)


def _family(user, pk: int | None):  # noqa: ANN001, ANN202
    if pk is None:
        return None
    return get_object_or_404(families_for(user), pk=pk)


def _page(qs, limit: int, offset: int) -> dict:  # noqa: ANN001
    return {"items": list(qs[offset : offset + limit]), "count": qs.count()}


@router.get("/process/stages", response=responses(200, list[StageOut]), operation_id="process_stages",
            summary="The stages of the method (global model and each organisation's own version)")
def list_stages(request: HttpRequest):  # noqa: ANN201
    return list(Stage.objects.filter(active=True).prefetch_related("checklist").order_by("organisation_id", "order"))


@router.get("/process/steps", response=responses(200, StepPage), operation_id="process_steps_list",
            summary="Step records of the groups (and their families) within reach")
def list_steps(request: HttpRequest, group: int | None = OPT_ID, step: int | None = Query(None, ge=1, le=12),  # noqa: ANN201, PLR0913
               status: Literal["planned", "in_progress", "done", "skipped"] | None = None,
               limit: int = LIMIT, offset: int = OFFSET):
    qs = _records(request.auth)
    if group:
        qs = qs.filter(group_id=group)
    if step:
        qs = qs.filter(stage__number=step)
    if status:
        qs = qs.filter(status=status)
    return _page(qs.order_by("group_id", "stage__order", "pk"), limit, offset)


@router.get("/process/steps/{record_id}", response=responses(200, StepRecordOut),
            operation_id="process_steps_get", summary="One step record")
def get_step(request: HttpRequest, record_id: int = ID):  # noqa: ANN201
    return get_object_or_404(_records(request.auth), pk=record_id)


@router.post("/process/start", response=responses(200, StepRecordOut),
             operation_id="process_steps_start", summary="Start a step of a group (or of one of its families)")
def start_step(request: HttpRequest, payload: StepStartIn):  # noqa: ANN201
    group = _group(request.auth, payload.group)
    return services.start_step(request.auth, group, payload.step, payload.on, family=_family(request.auth, payload.family),
                               due_on=payload.due_on, notes=payload.notes)


@router.post("/process/complete", response=responses(200, StepRecordOut),
             operation_id="process_steps_complete",
             summary="Close a step (done or skipped); out of order only with `out_of_order_reason`")
def complete_step(request: HttpRequest, payload: StepCompleteIn):  # noqa: ANN201
    group = _group(request.auth, payload.group)
    return services.complete_step(request.auth, group, payload.step, payload.on,
                                  family=_family(request.auth, payload.family), reason=payload.out_of_order_reason,
                                  notes=payload.notes, skip=payload.skip)


@router.post("/process/steps/{record_id}/ticks", response=responses(200, TickOut),
             operation_id="process_steps_tick", summary="Tick (or untick) a checklist item of a step")
def tick(request: HttpRequest, payload: TickIn, record_id: int = ID):  # noqa: ANN201
    record = get_object_or_404(_records(request.auth).select_related("group"), pk=record_id)
    item = get_object_or_404(record.stage.checklist, pk=payload.item)
    return services.tick_checklist(request.auth, record, item, payload.done, payload.on)


@router.post("/process/advance", response=responses(200, StepRecordOut),
             operation_id="process_advance",
             summary="Close the group's previous step and start `to_step` (to 6 with its commitment)")
def advance(request: HttpRequest, payload: AdvanceIn):  # noqa: ANN201
    group = _group(request.auth, payload.group)
    commitment = payload.commitment.dict() if payload.commitment else None
    return services.advance_group(request.auth, group, payload.to_step, payload.on, commitment=commitment,
                                  reason=payload.out_of_order_reason)


@router.get("/process/commitments", response=responses(200, CommitmentPage),
            operation_id="process_commitments_list", summary="Trust-work commitments (step 6)")
def list_commitments(request: HttpRequest, group: int | None = OPT_ID, limit: int = LIMIT, offset: int = OFFSET):  # noqa: ANN201
    require_personal_data(request.auth)
    qs = Commitment.objects.filter(group__in=groups_for(request.auth)).prefetch_related("signatories")
    if group:
        qs = qs.filter(group_id=group)
    return _page(qs.order_by("-signed_on", "pk"), limit, offset)


@router.get("/process/commitments/{commitment_id}", response=responses(200, CommitmentOut),
            operation_id="process_commitments_get", summary="One commitment")
def get_commitment(request: HttpRequest, commitment_id: int = ID):  # noqa: ANN201
    require_personal_data(request.auth)
    return get_object_or_404(Commitment.objects.filter(group__in=groups_for(request.auth)), pk=commitment_id)


@router.post("/process/commitments", response=responses(201, CommitmentOut),
             operation_id="process_commitments_create", summary="Record a group's commitment (without moving its step)")
def create_commitment(request: HttpRequest, payload: CommitmentIn):  # noqa: ANN201
    group = _group(request.auth, payload.group)
    return Status(201, services.record_commitment(request.auth, group, payload.signed_on, payload.terms, payload.signatories))


@router.get("/process/inventories", response=responses(200, InventoryPage),
            operation_id="process_inventories_list", summary="Resource inventories of the families (step 3), newest first")
def list_inventories(request: HttpRequest, family: int | None = OPT_ID, limit: int = LIMIT, offset: int = OFFSET):  # noqa: ANN201
    require_personal_data(request.auth)
    qs = scoped(request.auth, ResourceInventory)
    if family:
        qs = qs.filter(family_id=family)
    return _page(qs.order_by("-surveyed_on", "-pk"), limit, offset)


@router.post("/process/inventories", response=responses(201, InventoryOut),
             operation_id="process_inventories_create", summary="A new resource survey of a family")
def create_inventory(request: HttpRequest, payload: InventoryIn):  # noqa: ANN201
    require_personal_data(request.auth)
    data = payload.dict()
    family = _family(request.auth, data.pop("family"))
    return Status(201, services.record_inventory(request.auth, family, data, origin="api"))


@router.get("/process/ideas", response=responses(200, IdeaPage),
            operation_id="process_ideas_list", summary="Prioritised project ideas of the families (step 4)")
def list_ideas(request: HttpRequest, family: int | None = OPT_ID, limit: int = LIMIT, offset: int = OFFSET):  # noqa: ANN201
    require_personal_data(request.auth)
    qs = scoped(request.auth, ProjectIdea).select_related("species")
    if family:
        qs = qs.filter(family_id=family)
    return _page(qs.order_by("family_id", "rank", "pk"), limit, offset)


@router.post("/process/ideas", response=responses(201, IdeaOut),
             operation_id="process_ideas_create", summary="A prioritised project idea of a family")
def create_idea(request: HttpRequest, payload: IdeaIn):  # noqa: ANN201
    require_personal_data(request.auth)
    data = payload.dict()
    family = _family(request.auth, data.pop("family"))
    code = data.pop("species")
    if code:
        from django.core.exceptions import ValidationError

        from miaf.web.catalogue.models import Species

        data["species"] = Species.objects.filter(code=code).first()
        if data["species"] is None:
            raise ValidationError({"species": "La especie no está en el catálogo."})
    return Status(201, services.record_idea(request.auth, family, data, origin="api"))


@router.get("/process/board", response=responses(200, BoardOut), operation_id="process_board",
            summary="The board: each group's current step, days in it, overdue, last and next visit (50 a page)")
def board(request: HttpRequest, organisation: int | None = OPT_ID, municipality: int | None = OPT_ID,  # noqa: ANN201, PLR0913
          promoter: int | None = OPT_ID, overdue: bool = False, page: int = Query(1, ge=1, le=10**6)):
    require_personal_data(request.auth)
    result = board_rows(request.auth, organisation=organisation, municipality=municipality, promoter=promoter,
                        overdue_only=overdue, page=page)
    return {
        "items": [r.as_json() for r in result.rows], "count": result.total, "page": result.page.number,
        "pages": result.page.paginator.num_pages, "per_step": {str(k): v for k, v in result.per_step.items()},
        "not_started": result.not_started, "overdue_groups": result.overdue_groups,
    }
