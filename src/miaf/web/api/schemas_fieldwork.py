"""Request and response schemas of the visit plans and the staff's own trainings (see ``schemas.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from miaf.web.api.schemas import Id, Payload, Text
from miaf.web.fieldwork.models import Step


class VisitPlanIn(Payload):
    family: Id
    plot: Id | None = Field(None, description="A plot of the same family.")
    promoter: Text(150) | None = Field(None, description="Username of the promoter who will visit (a promoter "
                                       "planning is always the promoter).")
    due_on: dt.date = Field(description="The date the visit is due.")
    purpose: Text(200) = ""
    step: Annotated[int, Field(ge=1, le=12)] = Step.FOLLOW_UP.value


class VisitPlanOut(Schema):
    id: int
    family: int = Field(validation_alias="family_id")
    plot: int | None = Field(validation_alias="plot_id")
    promoter: str | None
    due_on: dt.date
    purpose: str
    step: int
    status: str = Field(description="planned, done or cancelled.")
    done_visit: int | None = Field(validation_alias="done_visit_id", description="The visit that closed the plan.")
    cancel_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_promoter(obj: Any) -> str | None:
        return obj.promoter.username if obj.promoter_id else None


class CancelIn(Payload):
    reason: Text(200) = ""


class StaffTrainingIn(Payload):
    organisation: Id = Field(description="The accompanying organisation whose staff was trained.")
    title: Text(200, 1)
    topic: Text(200) = ""
    held_on: dt.date
    facilitator: Text(160) = ""
    hours: Annotated[Decimal, Field(ge=0, le=500, max_digits=5, decimal_places=1, allow_inf_nan=False)]
    attendees: list[Text(150)] = Field(default_factory=list, description="Usernames of the staff who took part.")


class StaffTrainingOut(Schema):
    id: int
    organisation: int = Field(validation_alias="organisation_id")
    title: str
    topic: str
    held_on: dt.date
    facilitator: str
    hours: Decimal
    attendees: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_attendees(obj: Any) -> list[str]:
        return sorted(p.user.username for p in obj.attendees.all())
