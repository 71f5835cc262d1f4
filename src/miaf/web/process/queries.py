"""Read side of the process: the board, a group's steps and timeline, a family's resources.

Each function runs a fixed number of queries whatever the number of groups or families (the board at
4,000 groups / 100,000 families reads one page of 50 groups and aggregates only over that page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from miaf.web.accounts.scoping import groups_for
from miaf.web.process.models import (
    CLOSED,
    GroupProgress,
    ProjectIdea,
    ResourceInventory,
    Stage,
    Status,
    StepRecord,
)

PAGE_SIZE = 50


@dataclass
class BoardRow:
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
    overdue_steps: int = 0
    last_visit: dt.date | None = None
    next_visit: dt.date | None = None
    promoters: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "group_id": self.group_id, "group": self.group, "organisation": self.organisation,
            "municipality": self.municipality, "step": self.step, "step_name": self.step_name,
            "status": self.status, "since": _iso(self.since), "days_in_step": self.days_in_step,
            "due_on": _iso(self.due_on), "overdue": self.overdue, "overdue_steps": self.overdue_steps,
            "last_visit": _iso(self.last_visit), "next_visit": _iso(self.next_visit), "promoters": self.promoters,
        }


@dataclass
class Board:
    rows: list[BoardRow]
    page: object
    per_step: dict[int, int]
    not_started: int
    overdue_groups: int
    total: int


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def global_stage_names() -> dict[int, str]:
    return {s.number: s.label for s in Stage.objects.filter(organisation__isnull=True)}


def board_groups(user, organisation=None, municipality=None, promoter=None, overdue_only: bool = False):  # noqa: ANN001, ANN201
    """The groups of the board (the user's scope, filtered), ordered by name."""
    qs = groups_for(user)
    if organisation:
        qs = qs.filter(Q(producer_organisation=organisation) | Q(producer_organisation__accompanied_by=organisation))
    if municipality:
        qs = qs.filter(locality__municipality=municipality)
    if promoter:
        qs = qs.filter(promoters__user=promoter)
    if overdue_only:
        qs = qs.filter(progress__status=Status.IN_PROGRESS, progress__due_on__lt=timezone.localdate())
    return qs.order_by("name", "pk")


def board_rows(user, organisation=None, municipality=None, promoter=None, page: int | str | None = 1,  # noqa: ANN001, PLR0913
               overdue_only: bool = False, per_page: int = PAGE_SIZE) -> Board:
    """One page of the board: each group's current step, days in it, overdue, last and next visit.

    Queries: step counts (1), overdue groups (1), page count (1), the page (1), stage names (1), overdue
    steps (1), the page's families (1), last visits (1), next visits (1), promoters (1) — ten, whatever the
    size of the programme.
    """
    today = timezone.localdate()
    groups = board_groups(user, organisation, municipality, promoter, overdue_only)
    counts = groups.order_by().values("progress__number").annotate(n=Count("pk"))
    per_step = {c["progress__number"]: c["n"] for c in counts}
    not_started = per_step.pop(None, 0)
    overdue_groups = groups.filter(progress__status=Status.IN_PROGRESS, progress__due_on__lt=today).count()
    page_qs = (groups.select_related("progress", "producer_organisation", "locality__municipality")
               .defer("locality__municipality__boundary"))  # a municipality's GeoJSON is large and unused here
    paginator = Paginator(page_qs, per_page)
    page_obj = paginator.get_page(page)
    page_groups = list(page_obj.object_list)
    ids = [g.pk for g in page_groups]
    names = global_stage_names()
    overdue_steps = dict(
        StepRecord.objects.filter(group_id__in=ids, due_on__lt=today).exclude(status__in=CLOSED)
        .values("group_id").annotate(n=Count("pk")).values_list("group_id", "n")
    )
    from miaf.web.fieldwork.models import Visit
    from miaf.web.registry.models import Membership

    # Families of the page's groups first, then their visits through the family index: joining the visit
    # tables to memberships lets the planner scan every planned visit of the programme instead.
    open_members = Membership.objects.filter(group_id__in=ids, left_on__isnull=True)
    group_of = dict(open_members.values_list("family_id", "group_id"))
    last_visit = _fold(Visit.objects.filter(family_id__in=open_members.values("family_id")), "visited_on", Max,
                       group_of, max)
    next_visit: dict[int, dt.date] = {}
    if apps.is_installed("miaf.web.fieldwork") and _has_model("fieldwork", "VisitPlan"):
        plan = apps.get_model("fieldwork", "VisitPlan")
        next_visit = _fold(plan.objects.filter(status="planned", family_id__in=open_members.values("family_id")),
                           "due_on", Min, group_of, min)
    from miaf.web.accounts.models import Profile

    promoters: dict[int, list[str]] = {}
    for gid, name in (Profile.groups.through.objects.filter(group_id__in=ids, profile__role="promoter")
                      .values_list("group_id", "profile__user__username").order_by("profile__user__username")):
        promoters.setdefault(gid, []).append(name)
    rows = []
    for g in page_groups:
        progress = getattr(g, "progress", None) if _has_progress(g) else None
        step = progress.number if progress else 1
        status = progress.status if progress else Status.PLANNED
        since = progress.since if progress else None
        due = progress.due_on if progress else None
        rows.append(BoardRow(
            group_id=g.pk, group=g.name, organisation=str(g.producer_organisation),
            municipality=g.locality.municipality.name, step=step, step_name=names.get(step, str(step)),
            status=status, since=since, days_in_step=(today - since).days if since else None, due_on=due,
            overdue=bool(status == Status.IN_PROGRESS and due and due < today),
            overdue_steps=overdue_steps.get(g.pk, 0), last_visit=last_visit.get(g.pk),
            next_visit=next_visit.get(g.pk), promoters=promoters.get(g.pk, []),
        ))
    return Board(rows=rows, page=page_obj, per_step=per_step, not_started=not_started,
                 overdue_groups=overdue_groups, total=paginator.count)


def _fold(qs, field: str, aggregate, group_of: dict[int, int], pick) -> dict[int, dt.date]:  # noqa: ANN001
    """``aggregate(field)`` per family of ``qs``, then ``pick`` (min or max) per group of ``group_of``."""
    out: dict[int, dt.date] = {}
    for family_id, value in qs.order_by().values("family_id").annotate(v=aggregate(field)).values_list("family_id", "v"):
        gid = group_of.get(family_id)
        if gid is not None and value is not None:
            out[gid] = pick(out[gid], value) if gid in out else value
    return out


def _has_model(app_label: str, name: str) -> bool:
    try:
        apps.get_model(app_label, name)
    except LookupError:
        return False
    return True


def _has_progress(group) -> bool:  # noqa: ANN001
    try:
        group.progress  # noqa: B018
    except GroupProgress.DoesNotExist:
        return False
    return True


@dataclass
class StepView:
    stage: Stage
    record: StepRecord | None
    items: list[tuple[object, bool]]
    family_records: list[StepRecord]

    @property
    def overdue(self) -> bool:
        r = self.record
        return bool(r and r.status not in CLOSED and r.due_on and r.due_on < timezone.localdate())


def group_steps(group) -> list[StepView]:  # noqa: ANN001
    """The group's 12 steps with their record, checklist (current tick per item) and family records."""
    from miaf.web.process.services import accompanying_id, stages_for

    stages = list(stages_for(accompanying_id(group)).prefetch_related("checklist"))
    records = list(StepRecord.objects.filter(group=group).select_related("stage", "family", "responsible")
                   .prefetch_related("ticks", "evidence"))
    by_stage = {r.stage_id: r for r in records if r.family_id is None}
    fam: dict[int, list[StepRecord]] = {}
    for r in records:
        if r.family_id:
            fam.setdefault(r.stage_id, []).append(r)
    out = []
    for s in stages:
        rec = by_stage.get(s.pk)
        ticked: dict[int, bool] = {}
        if rec:
            for t in sorted(rec.ticks.all(), key=lambda t: (t.at, t.pk)):
                ticked[t.item_id] = t.done
        out.append(StepView(stage=s, record=rec, items=[(i, ticked.get(i.pk, False)) for i in s.checklist.all()],
                            family_records=fam.get(s.pk, [])))
    return out


@dataclass
class TimelineEntry:
    on: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""


def group_timeline(group, page: int = 1, per_page: int = 30) -> tuple[list[TimelineEntry], bool]:  # noqa: ANN001, C901
    """Steps, visits, trainings, input purchases, designs and harvests of the group (current families),
    newest first; returns one page and whether there is a next one. Each source is read once, limited
    to the entries that can reach this page."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from miaf.web.fieldwork.models import TrainingEvent, Visit
    from miaf.web.plots.models import PlotDesign
    from miaf.web.process.models import StepEvent
    from miaf.web.records.models import Harvest, InputPurchase

    need = page * per_page + 1
    fam = Q(family__memberships__group=group, family__memberships__left_on__isnull=True)
    plot_fam = Q(plot__family__memberships__group=group, plot__family__memberships__left_on__isnull=True)
    entries: list[TimelineEntry] = []
    for e in StepEvent.objects.filter(record__group=group).select_related("record__stage", "record__family", "by")[:need]:
        who = f" · {e.record.family.code}" if e.record.family_id else ""
        entries.append(TimelineEntry(e.on, "step", _("Paso %(n)s: %(s)s") % {"n": e.record.stage.number, "s": e.get_to_status_display()} + who,
                                     e.note, ""))
    for v in Visit.objects.filter(fam).select_related("family").order_by("-visited_on")[:need]:
        entries.append(TimelineEntry(v.visited_on, "visit", _("Visita a %(f)s") % {"f": v.family.code}, v.agreements,
                                     reverse("registry:family_detail", args=[v.family_id])))
    for t in TrainingEvent.objects.filter(group=group).order_by("-held_on")[:need]:
        entries.append(TimelineEntry(t.held_on, "training", f"{t.get_kind_display().capitalize()}: {t.title}", t.topic))
    for p in InputPurchase.objects.filter(fam).select_related("family").order_by("-purchased_on")[:need]:
        entries.append(TimelineEntry(p.purchased_on, "purchase", _("Compra: %(i)s") % {"i": p.item},
                                     f"{p.family.code} · {p.quantity} {p.unit} · ${p.cost_mxn}"))
    for d in PlotDesign.objects.filter(plot_fam).select_related("plot__family").order_by("-created_at")[:need]:
        entries.append(TimelineEntry(timezone.localtime(d.created_at).date(), "design",
                                     _("Diseño v%(v)s de %(p)s") % {"v": d.version, "p": d.plot.name}, d.plot.family.code,
                                     reverse("plots:detail", args=[d.plot_id])))
    for h in Harvest.objects.filter(plot_fam).select_related("plot__family", "species").order_by("-harvested_on")[:need]:
        entries.append(TimelineEntry(h.harvested_on, "harvest", _("Cosecha: %(s)s %(kg)s kg") % {"s": h.species, "kg": h.quantity_kg},
                                     h.plot.family.code))
    entries.sort(key=lambda e: e.on, reverse=True)
    start = (page - 1) * per_page
    return entries[start:start + per_page], len(entries) > start + per_page


@dataclass
class FamilyResources:
    """What the family's latest resource survey (step 3) and chosen idea (step 4) bring to the design and
    the economics: land, family labour and savings."""

    surveyed_on: dt.date
    land_ha: Decimal
    sloping_land_ha: Decimal
    labour_persons: int
    labour_person_days_month: Decimal
    savings_mxn: Decimal
    chosen_idea: str | None

    @property
    def labour_person_days_year(self) -> Decimal:
        return self.labour_person_days_month * 12


def latest_inventory(family) -> ResourceInventory | None:  # noqa: ANN001
    return ResourceInventory.objects.filter(family=family).order_by("-surveyed_on", "-pk").first()


def chosen_idea(family) -> ProjectIdea | None:  # noqa: ANN001
    return ProjectIdea.objects.filter(family=family, chosen=True).select_related("species").first()


def family_resources(family) -> FamilyResources | None:  # noqa: ANN001
    """The family's current resources (latest survey), or None before its first survey."""
    inv = latest_inventory(family)
    if inv is None:
        return None
    idea = chosen_idea(family)
    return FamilyResources(
        surveyed_on=inv.surveyed_on, land_ha=inv.land_ha, sloping_land_ha=inv.sloping_land_ha,
        labour_persons=inv.labour_persons, labour_person_days_month=inv.labour_person_days_month,
        savings_mxn=inv.savings_mxn, chosen_idea=idea.title if idea else None,
    )
