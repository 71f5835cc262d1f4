"""Read the audit trail back: a family's history and a user's activity, each change with old and new values.

Each audited model has a historical table (django-simple-history) holding the whole row after every save
and the last state before a delete. A change is the difference between a row and the previous row of the
same record; that comparison is done here in Python over rows loaded with one query per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

#: Bookkeeping columns that change on every save and say nothing to a reader.
IGNORED = {"updated_at", "created_at", "imported_at"}
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                  "history_user_id", "history_relation"}
ACTIONS = {"+": _("creó"), "~": _("cambió"), "-": _("borró")}
PATHS = {"web": _("formulario web"), "api": _("API"), "admin": _("administración"), "import": _("importación"),
         "command": _("comando")}
#: Longest value shown in a cell (a geometry or a JSON list can be long).
MAX_VALUE = 120
#: Events shown at first, and the most a page shows ("ver más" adds PAGE each time).
PAGE = 100
MAX_EVENTS = 1000


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Event:
    when: datetime
    user: str
    user_id: int | None
    via: str
    action: str
    kind: str
    model: str
    object_id: int
    title: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.kind, self.kind))

    @property
    def via_label(self) -> str:
        return str(PATHS.get(self.via, self.via or "—"))


def audited_models() -> list[type[Model]]:
    """Every model with a historical table, in app order."""
    return [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]


def _fields(model: type[Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.name not in IGNORED and f.attname not in IGNORED]


def _show(model_field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if getattr(model_field, "choices", None):
        value = dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        value = _("sí") if value else _("no")
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _title(row: Any) -> str:
    for name in ("name", "code", "full_name", "title"):
        value = getattr(row, name, None)
        if value:
            return str(value)[:80]
    return ""


def _event(model: type[Model], row: Any, prev: Any | None, users: dict[int, str]) -> Event:
    changes: list[Change] = []
    for f in _fields(model):
        new = getattr(row, f.attname)
        old = getattr(prev, f.attname) if prev is not None else None
        if row.history_type == "+" and new not in (None, "", [], {}):
            changes.append(Change(str(f.verbose_name), "", _show(f, new)))
        elif row.history_type == "-" and new not in (None, "", [], {}):
            changes.append(Change(str(f.verbose_name), _show(f, new), ""))
        elif row.history_type == "~" and prev is not None and old != new:
            changes.append(Change(str(f.verbose_name), _show(f, old), _show(f, new)))
    return Event(
        when=row.history_date, user=users.get(row.history_user_id, "—"), user_id=row.history_user_id,
        via=row.history_change_reason or "", action=str(ACTIONS.get(row.history_type, row.history_type)),
        kind=row.history_type, model=str(model._meta.verbose_name), object_id=getattr(row, model._meta.pk.attname),
        title=_title(row), changes=changes)


def _usernames(ids: Iterable[int | None]) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    ids = {i for i in ids if i is not None}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}


def _render(triples: list[tuple[type, Any, Any]]) -> list[Event]:
    users = _usernames(r.history_user_id for _, r, _p in triples)
    events = [_event(m, r, p, users) for m, r, p in triples]
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def _hist(app_model: str) -> QuerySet:
    return apps.get_model(app_model).history.all()


def _in(field: str, app_model: str, *args: Any, **flt: Any) -> Q:
    """``field`` is the id of a record of ``app_model`` matching the filter now or at any time in its past."""
    model = apps.get_model(app_model)
    return (Q(**{f"{field}__in": model.objects.filter(*args, **flt).order_by().values("pk")})
            | Q(**{f"{field}__in": model.history.filter(*args, **flt).order_by().values("id")}))


def _with_previous(model: type[Model], mine: list[Any]) -> list[tuple[type, Any, Any]]:
    """(model, row, the row before it of the same record, whoever wrote it) for ``mine``: one query."""
    pk = model._meta.pk.attname
    earlier = model.history.filter(**{f"{pk}__in": {getattr(r, pk) for r in mine}},
                                   history_date__lte=max(r.history_date for r in mine))
    own = {r.history_id for r in mine}
    out, last = [], {}
    for row in sorted(earlier, key=lambda r: (getattr(r, pk), r.history_date, r.history_id)):
        key = getattr(row, pk)
        if row.history_id in own:
            out.append((model, row, last.get(key)))
        last[key] = row
    return out


def _newest(sources: list[tuple[type[Model], QuerySet]], limit: int) -> list[Event]:
    """The ``limit`` newest historical rows over ``sources`` (one query each, plus one per table for the
    rows before them), as events, newest first."""
    recent: list[tuple[type, Any]] = []
    for model, qs in sources:
        recent += [(model, r) for r in qs.order_by("-history_date", "-history_id")[:limit]]
    recent.sort(key=lambda mr: (mr[1].history_date, mr[1].history_id), reverse=True)
    recent = recent[:limit]
    triples: list[tuple[type, Any, Any]] = []
    for model in {m for m, _r in recent}:
        triples += _with_previous(model, [r for m, r in recent if m is model])
    return _render(triples)


def family_history(family_id: int, limit: int = PAGE) -> list[Event]:
    """The ``limit`` newest changes to a family, its members, memberships, plots (and their phases, designs,
    plantings, harvests and destinations), records, visits (and measurements), attendance, step records and
    plans, deleted ones included; newest first."""
    by_family = ["registry.Member", "registry.Membership", "plots.Plot", "records.InputPurchase",
                 "records.LabourLog", "records.LedgerEntry", "fieldwork.Visit", "fieldwork.Attendance",
                 "fieldwork.VisitPlan", "process.StepRecord", "process.ResourceInventory", "process.ProjectIdea"]
    # Parents bulk-loaded without history (the demo, the import's fast path) still own audited children,
    # so children are found through the parents' ids now and in the past.
    plots = _in("plot_id", "plots.Plot", family_id=family_id)
    by_plot = ["plots.PlotPhase", "plots.PlotDesign", "records.Planting", "records.Harvest"]
    sources = [(apps.get_model("registry.Family"), _hist("registry.Family").filter(id=family_id))]
    sources += [(apps.get_model(n), _hist(n).filter(family_id=family_id)) for n in by_family]
    sources += [(apps.get_model(n), _hist(n).filter(plots)) for n in by_plot]
    sources += [
        (apps.get_model("records.HarvestDestination"),
         _hist("records.HarvestDestination").filter(_in("harvest_id", "records.Harvest", plots))),
        (apps.get_model("fieldwork.TreeMeasurement"),
         _hist("fieldwork.TreeMeasurement").filter(_in("visit_id", "fieldwork.Visit", family_id=family_id))),
    ]
    return _newest(sources, limit)


def user_activity(user_id: int, limit: int = PAGE) -> list[Event]:
    """The ``limit`` newest changes made by one user, across every audited model; newest first."""
    return _newest([(m, m.history.filter(history_user_id=user_id)) for m in audited_models()], limit)
