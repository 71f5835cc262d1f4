"""Read queries of the fieldwork pages: "Mi día", the calendar and the promoters' caseload.

Each loader runs a fixed number of queries whatever the programme's size (lists are cut at a limit and the
page shows the full count), and takes its rows from :mod:`miaf.web.accounts.scoping`.
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from miaf.web.accounts.models import Profile, Role
from miaf.web.accounts.scoping import families_for, groups_for, organisations_for, role_of
from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, Visit, VisitPlan
from miaf.web.registry.models import Family, Member, Membership

#: Longest lists "Mi día" shows (the counts are always complete).
DUE_LIMIT = 30
UPCOMING_LIMIT = 15
NOT_VISITED_LIMIT = 25
TRAININGS_LIMIT = 10
BATCHES_LIMIT = 5
#: Items the calendar lists per kind and month; beyond it a day shows counts only.
CALENDAR_LIMIT = 400
UPCOMING_DAYS = 7


def trainings_for(user: Any) -> QuerySet:
    """Trainings and exchanges within the user's reach: the organisation's for coordinators, the events of her
    groups (host or invited) and the group-less events of her organisations for a promoter."""
    role = role_of(user)
    qs = TrainingEvent.objects.all()
    if role == Role.ADMINISTRATOR:
        return qs
    if role == Role.COORDINATOR:
        return qs.filter(organisation__in=organisations_for(user))
    if role == Role.PROMOTER:
        mine = groups_for(user).values("pk")
        invited = TrainingEvent.groups.through.objects.filter(group_id__in=mine).values("trainingevent_id")
        return qs.filter(Q(group__in=mine) | Q(pk__in=invited)
                         | Q(group__isnull=True, organisation__in=organisations_for(user)))
    return qs.none()


def promoters_for(user: Any) -> QuerySet:
    """Promoter accounts a coordinator (her organisation) or an administrator (all) may look at."""
    users = get_user_model().objects.filter(profile__role=Role.PROMOTER, is_active=True).order_by("username")
    role = role_of(user)
    if role == Role.ADMINISTRATOR:
        return users
    if role == Role.COORDINATOR and user.profile.organisation_id:
        return users.filter(profile__organisation_id=user.profile.organisation_id)
    return users.none()


def _families_of(group_ids: list[int]) -> QuerySet:
    return Membership.objects.filter(group_id__in=group_ids, left_on__isnull=True).values("family_id")


@dataclass
class MyDay:
    subject: Any
    today: dt.date
    weeks: int
    groups: list[tuple[int, str]] = field(default_factory=list)
    due: list[VisitPlan] = field(default_factory=list)
    upcoming: list[VisitPlan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    not_visited: list[Family] = field(default_factory=list)
    trainings: list[TrainingEvent] = field(default_factory=list)
    batches: list[Any] = field(default_factory=list)


def my_day(viewer: Any, subject: Any, weeks: int = 8, today: dt.date | None = None) -> MyDay:
    """The day of ``subject`` (a promoter) as ``viewer`` may see it: open visits due by today (overdue first)
    and in the next days, her families not visited in ``weeks`` weeks, this week's trainings of her groups,
    and her import batches with rows waiting in quarantine. Eleven queries."""
    from miaf.web.intake.models import ImportBatch, QuarantinedRow

    today = today or timezone.localdate()
    day = MyDay(subject=subject, today=today, weeks=weeks)
    day.groups = list(groups_for(viewer).filter(promoters__user=subject).values_list("pk", "name"))
    gids = [g for g, _ in day.groups]
    families = _families_of(gids)
    plans = VisitPlan.objects.filter(status=VisitPlan.Status.PLANNED, family_id__in=families)
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    day.counts = plans.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)), today=Count("pk", filter=Q(due_on=today)),
        upcoming=Count("pk", filter=Q(due_on__gt=today, due_on__lte=horizon)),
    )
    related = ("family", "promoter")
    day.due = list(plans.filter(due_on__lte=today).select_related(*related).order_by("due_on", "pk")[:DUE_LIMIT])
    day.upcoming = list(plans.filter(due_on__gt=today, due_on__lte=horizon).select_related(*related)
                        .order_by("due_on", "pk")[:UPCOMING_LIMIT])
    cutoff = today - dt.timedelta(weeks=weeks)
    last = Visit.objects.filter(family=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    stale = (Family.objects.filter(pk__in=families).annotate(last_visit=Subquery(last))
             .filter(Q(last_visit__isnull=True) | Q(last_visit__lt=cutoff)))
    day.counts["not_visited"] = stale.count()
    day.not_visited = list(stale.order_by(F("last_visit").asc(nulls_first=True), "code")[:NOT_VISITED_LIMIT])
    monday = today - dt.timedelta(days=today.weekday())
    invited = TrainingEvent.groups.through.objects.filter(group_id__in=gids).values("trainingevent_id")
    week = (trainings_for(viewer).filter(held_on__gte=monday, held_on__lte=monday + dt.timedelta(days=6))
            .filter(Q(group_id__in=gids) | Q(pk__in=invited)))
    day.counts["trainings"] = week.count()
    day.trainings = list(week.select_related("group").order_by("held_on", "pk")[:TRAININGS_LIMIT])
    waiting = QuarantinedRow.objects.filter(batch__user=subject, resolved=False)
    day.counts["quarantined"] = waiting.count()
    day.batches = list(ImportBatch.objects.filter(user=subject, quarantine__resolved=False)
                       .annotate(waiting=Count("quarantine")).order_by("-started_at")[:BATCHES_LIMIT])
    return day


# ---------------------------------------------------------------------------------------------- calendar


@dataclass
class Month:
    first: dt.date
    weeks: list[list[dt.date | None]]
    days: dict[dt.date, dict[str, list]]
    counts: dict[str, int]
    per_day: dict[dt.date, dict[str, int]]

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


def in_reach(viewer: Any, model: type) -> QuerySet:
    """Rows of a family-owned model within the viewer's reach, as a correlated EXISTS on ``families_for``.

    Same rows as ``scoped()``; the EXISTS form lets the database walk the date index first, which is what a
    month of the calendar needs (``IN (families)`` makes SQLite probe every family of the organisation)."""
    if role_of(viewer) == Role.ADMINISTRATOR:
        return model.objects.all()
    return model.objects.filter(Exists(families_for(viewer).filter(pk=OuterRef("family_id"))))


def month_calendar(viewer: Any, first: dt.date, promoter: Any = None, group: Any = None,
                   lists: bool = True) -> Month:
    """Planned visits, done visits and trainings of a month within the viewer's reach, filtered by promoter
    and/or group: counts per day, and (``lists``) at most :data:`CALENDAR_LIMIT` items of each kind. Three or
    six queries."""
    last = first.replace(day=cal.monthrange(first.year, first.month)[1])
    plans = in_reach(viewer, VisitPlan).filter(status=VisitPlan.Status.PLANNED, due_on__range=(first, last))
    visits = in_reach(viewer, Visit).filter(visited_on__range=(first, last))
    events = trainings_for(viewer).filter(held_on__range=(first, last))
    if group is not None:
        members = Membership.objects.filter(group=group, left_on__isnull=True).values("family_id")
        plans, visits = plans.filter(family_id__in=members), visits.filter(family_id__in=members)
        invited = TrainingEvent.groups.through.objects.filter(group=group).values("trainingevent_id")
        events = events.filter(Q(group=group) | Q(pk__in=invited))
    if promoter is not None:
        plans, visits = plans.filter(promoter=promoter), visits.filter(promoter=promoter)
        theirs = Profile.groups.through.objects.filter(profile__user=promoter).values("group_id")
        invited = TrainingEvent.groups.through.objects.filter(group_id__in=theirs).values("trainingevent_id")
        events = events.filter(Q(group_id__in=theirs) | Q(pk__in=invited))
    per_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: {"plans": 0, "visits": 0, "trainings": 0})
    counts = {}
    for kind, qs, date_field in (("plans", plans, "due_on"), ("visits", visits, "visited_on"),
                                 ("trainings", events, "held_on")):
        total = 0
        for row in qs.order_by().values(date_field).annotate(n=Count("pk")):
            per_day[row[date_field]][kind] = row["n"]
            total += row["n"]
        counts[kind] = total
    days: dict[dt.date, dict[str, list]] = defaultdict(lambda: {"plans": [], "visits": [], "trainings": []})
    if not lists:
        plans, visits, events = plans.none(), visits.none(), events.none()
    for p in plans.select_related("family", "promoter").order_by("due_on", "pk")[:CALENDAR_LIMIT]:
        days[p.due_on]["plans"].append(p)
    for v in visits.select_related("family", "promoter").order_by("visited_on", "pk")[:CALENDAR_LIMIT]:
        days[v.visited_on]["visits"].append(v)
    for e in events.select_related("group").order_by("held_on", "pk")[:CALENDAR_LIMIT]:
        days[e.held_on]["trainings"].append(e)
    weeks = [[d if d.month == first.month else None for d in week]
             for week in cal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    return Month(first=first, weeks=weeks, days=dict(days), counts=counts, per_day=dict(per_day))


# ---------------------------------------------------------------------------------------------- caseload


@dataclass
class Caseload:
    user: Any
    groups: list[str]
    families: int
    member_languages: list[str]
    speaks: list[str]
    visits_90d: int

    @property
    def missing_languages(self) -> list[str]:
        return [code for code in self.member_languages if code not in self.speaks]


def caseloads(viewer: Any, today: dt.date | None = None) -> list[Caseload]:
    """Each promoter's caseload: groups, families, the languages her families' members speak against those
    she speaks, and her visits of the last 90 days. Four queries."""
    today = today or timezone.localdate()
    profiles = list(Profile.objects.filter(user__in=promoters_for(viewer)).select_related("user")
                    .prefetch_related("groups").order_by("user__username"))
    ids = [p.pk for p in profiles]
    families = dict(Membership.objects.filter(left_on__isnull=True, group__promoters__in=ids).order_by()
                    .values("group__promoters").annotate(n=Count("family", distinct=True))
                    .values_list("group__promoters", "n"))
    spoken: dict[int, set[str]] = defaultdict(set)
    rows = (Member.objects.filter(family__memberships__left_on__isnull=True,
                                  family__memberships__group__promoters__in=ids).order_by()
            .values_list("family__memberships__group__promoters", "languages").distinct())
    for pid, langs in rows:
        spoken[pid].update(langs or [])
    visits = dict(Visit.objects.filter(promoter__profile__in=ids, visited_on__gt=today - dt.timedelta(days=90))
                  .order_by().values("promoter__profile").annotate(n=Count("pk")).values_list("promoter__profile", "n"))
    return [
        Caseload(user=p.user, groups=[g.name for g in p.groups.all()], families=families.get(p.pk, 0),
                 member_languages=sorted(spoken.get(p.pk, set())), speaks=list(p.languages or []),
                 visits_90d=visits.get(p.pk, 0))
        for p in profiles
    ]


def staff_trainings(viewer: Any, limit: int = 50) -> tuple[list[StaffTraining], int]:
    role = role_of(viewer)
    qs = StaffTraining.objects.all()
    if role != Role.ADMINISTRATOR:
        qs = qs.filter(organisation_id=viewer.profile.organisation_id)
    return list(qs.prefetch_related("attendees__user").order_by("-held_on", "-pk")[:limit]), qs.count()
