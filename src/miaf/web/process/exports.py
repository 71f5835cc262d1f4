"""Scoped queryset and list filters of the ``pasos-del-proceso`` export (columns in
:mod:`miaf.web.exports.columns`). One SQL statement: the counts are correlated sub-queries."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from miaf.web.accounts.scoping import groups_for, require_personal_data
from miaf.web.process.models import CLOSED, ChecklistTick, Evidence, StepRecord
from miaf.web.registry.forms import ScopedFilterForm
from miaf.web.registry.queries import sum_by


class StepFilterForm(ScopedFilterForm):
    """The list filters applied to step records: group name, organisation, municipality, group."""

    def apply(self, qs: QuerySet) -> QuerySet:
        if text := (self.value("q") or "").strip():
            qs = qs.filter(group__name__icontains=text)
        if org := self.value("organisation"):
            qs = qs.filter(Q(group__producer_organisation=org) | Q(group__producer_organisation__accompanied_by=org))
        if mun := self.value("municipality"):
            qs = qs.filter(group__locality__municipality=mun)
        if group := self.value("group"):
            qs = qs.filter(group=group)
        return qs


def steps(user: Any) -> QuerySet:
    """Step records of the user's groups (analysts: refused, the rows name groups, families and people)."""
    require_personal_data(user)
    later = ChecklistTick.objects.filter(record=OuterRef("record"), item=OuterRef("item"), pk__gt=OuterRef("pk"))
    ticked = ChecklistTick.objects.filter(record=OuterRef("pk"), done=True).exclude(Exists(later))
    today = timezone.localdate()
    return StepRecord.objects.filter(group__in=groups_for(user)).annotate(
        overdue=Case(When(Q(due_on__lt=today) & ~Q(status__in=CLOSED), then=Value(True)), default=Value(False),
                     output_field=BooleanField()),
        n_checklist_ticked=sum_by(ticked, "record", Count("item", distinct=True), IntegerField()),
        n_evidence=sum_by(Evidence.objects.filter(record=OuterRef("pk")), "record", Count("pk"), IntegerField()),
    ).order_by("group__name", "group_id", "stage__order", "family__code", "pk")
