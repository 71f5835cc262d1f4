"""Schemas of the process endpoints (``/process/…``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from miaf.web.api.schemas import MAX_ID, Amount, Payload, Text

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
StageNumber = Annotated[int, Field(ge=1, le=12)]
StatusName = Literal["planned", "in_progress", "done", "skipped"]
Day = Annotated[dt.date, Field(ge=dt.date(1980, 1, 1), le=dt.date(2100, 12, 31))]


class StageOut(Schema):
    id: int
    organisation: int | None = Field(validation_alias="organisation_id")
    number: int
    name: str
    name_en: str
    description: str
    order: int
    expected_days: int
    scope: str
    depends_on: int | None = Field(validation_alias="depends_on_id")
    active: bool
    checklist: list[ChecklistItemOut]

    @staticmethod
    def resolve_checklist(obj) -> list:  # noqa: ANN001
        return list(obj.checklist.all())


class ChecklistItemOut(Schema):
    id: int
    order: int
    text: str
    text_en: str


StageOut.model_rebuild()


class StepRecordOut(Schema):
    id: int
    group: int = Field(validation_alias="group_id")
    family: int | None = Field(validation_alias="family_id")
    stage: int = Field(validation_alias="stage_id")
    step: int = Field(validation_alias="stage.number")
    status: str
    started_on: dt.date | None
    due_on: dt.date | None
    completed_on: dt.date | None
    responsible: int | None = Field(validation_alias="responsible_id")
    notes: str
    out_of_order_reason: str


class StepPage(Schema):
    items: list[StepRecordOut]
    count: int


class StepStartIn(Payload):
    group: Id
    step: StageNumber
    on: Day
    family: Id | None = None
    due_on: Day | None = None
    notes: Text(2000) = ""


class StepCompleteIn(Payload):
    group: Id
    step: StageNumber
    on: Day
    family: Id | None = None
    out_of_order_reason: Text(2000) = Field("", description="Required when the step it depends on is not closed; kept.")
    notes: Text(2000) = ""
    skip: bool = False


class TickIn(Payload):
    item: Id
    done: bool = True
    on: Day


class TickOut(Schema):
    id: int
    record: int = Field(validation_alias="record_id")
    item: int = Field(validation_alias="item_id")
    done: bool
    on: dt.date


class CommitmentIn(Payload):
    group: Id
    signed_on: Day
    terms: Text(4000, 1)
    signatories: list[Id] = Field(min_length=1, max_length=500, description="Members of the group's families.")


class CommitmentTerms(Payload):
    signed_on: Day | None = None
    terms: Text(4000, 1)
    signatories: list[Id] = Field(min_length=1, max_length=500)


class AdvanceIn(Payload):
    group: Id
    to_step: StageNumber
    on: Day
    out_of_order_reason: Text(2000) = ""
    commitment: CommitmentTerms | None = Field(None, description="Required to move to step 6.")


class CommitmentOut(Schema):
    id: int
    group: int = Field(validation_alias="group_id")
    signed_on: dt.date
    terms: str
    signatories: list[int]
    representative: int | None = Field(validation_alias="representative_id")

    @staticmethod
    def resolve_signatories(obj) -> list[int]:  # noqa: ANN001
        return [m.pk for m in obj.signatories.all()]


class CommitmentPage(Schema):
    items: list[CommitmentOut]
    count: int


class InventoryIn(Payload):
    family: Id
    surveyed_on: Day
    land_ha: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, allow_inf_nan=False)]
    sloping_land_ha: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, allow_inf_nan=False)]
    water_source: Text(120) = ""
    water_access: Literal["none", "seasonal", "permanent"] = "seasonal"
    labour_persons: Annotated[int, Field(ge=0, le=50)]
    labour_person_days_month: Annotated[Decimal, Field(ge=0, le=1500, max_digits=6, decimal_places=1, allow_inf_nan=False)]
    animals: Text(2000) = ""
    tools: Text(2000) = ""
    savings_mxn: Amount(12) = Decimal("0")


class InventoryOut(Schema):
    id: int
    family: int = Field(validation_alias="family_id")
    surveyed_on: dt.date
    land_ha: Decimal
    sloping_land_ha: Decimal
    water_source: str
    water_access: str
    labour_persons: int
    labour_person_days_month: Decimal
    animals: str
    tools: str
    savings_mxn: Decimal


class InventoryPage(Schema):
    items: list[InventoryOut]
    count: int


class IdeaIn(Payload):
    family: Id
    recorded_on: Day
    rank: Annotated[int, Field(ge=1, le=20)]
    title: Text(160, 1)
    description: Text(4000) = ""
    species: Text(40) | None = Field(None, description="Species code of the catalogue.")
    chosen: bool = False


class IdeaOut(Schema):
    id: int
    family: int = Field(validation_alias="family_id")
    recorded_on: dt.date
    rank: int
    title: str
    description: str
    species: str | None = None
    chosen: bool

    @staticmethod
    def resolve_species(obj) -> str | None:  # noqa: ANN001
        return obj.species.code if obj.species_id else None


class IdeaPage(Schema):
    items: list[IdeaOut]
    count: int


class BoardRowOut(Schema):
    group_id: int
    group: str
    organisation: str
    municipality: str
    step: int
    step_name: str
    status: str
    since: dt.date | None
    days_in_step: int | None
    due_on: dt.date | None
    overdue: bool
    overdue_steps: int
    last_visit: dt.date | None
    next_visit: dt.date | None
    promoters: list[str]


class BoardOut(Schema):
    items: list[BoardRowOut]
    count: int
    page: int
    pages: int
    per_step: dict[str, int]
    not_started: int
    overdue_groups: int
