"""Scoped querysets and list filters of the fieldwork export tables (visits, planned visits, trainings,
attendance); the column specs are in :mod:`miaf.web.exports.columns`. One SQL statement per table: the
counts are correlated sub-queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet

from miaf.web.accounts.scoping import scoped
from miaf.web.fieldwork.models import Attendance, TrainingEvent, TreeMeasurement, Visit, VisitPlan
from miaf.web.fieldwork.queries import trainings_for
from miaf.web.registry.forms import ScopedFilterForm
from miaf.web.registry.queries import sum_by


class FamilyRecordFilterForm(ScopedFilterForm):
    family_path = "family__"


class TrainingFilterForm(ScopedFilterForm):
    """The list filters applied to events: text in the title or topic, organisation, municipality, group."""

    def apply(self, qs: QuerySet) -> QuerySet:
        if text := (self.value("q") or "").strip():
            qs = qs.filter(Q(title__icontains=text) | Q(topic__icontains=text))
        if mun := self.value("municipality"):
            qs = qs.filter(locality__municipality=mun)
        if org := self.value("organisation"):
            qs = qs.filter(Q(organisation=org) | Q(group__producer_organisation=org))
        if group := self.value("group"):
            qs = qs.filter(Q(group=group) | Q(pk__in=TrainingEvent.groups.through.objects.filter(group=group)
                                              .values("trainingevent_id")))
        return qs


def visits(user: Any) -> QuerySet:
    trees = TreeMeasurement.objects.filter(visit=OuterRef("pk"))
    return scoped(user, Visit).annotate(
        n_trees_measured=sum_by(trees, "visit", Count("pk"), IntegerField()),
        n_trees_alive=sum_by(trees.filter(alive=True), "visit", Count("pk"), IntegerField()),
    ).order_by("visited_on", "pk")


def visit_plans(user: Any) -> QuerySet:
    return scoped(user, VisitPlan).order_by("due_on", "pk")


def trainings(user: Any) -> QuerySet:
    rows = Attendance.objects.filter(event=OuterRef("pk"))
    invited = TrainingEvent.groups.through.objects.filter(trainingevent=OuterRef("pk"))
    return trainings_for(user).annotate(
        n_attendees=sum_by(rows, "event", Count("pk"), IntegerField()),
        n_women=sum_by(rows.filter(member__sex="F"), "event", Count("pk"), IntegerField()),
        n_invited_groups=sum_by(invited, "trainingevent", Count("pk"), IntegerField()),
    ).order_by("held_on", "pk")


def attendance(user: Any) -> QuerySet:
    return scoped(user, Attendance).order_by("event__held_on", "event_id", "family__code", "pk")
