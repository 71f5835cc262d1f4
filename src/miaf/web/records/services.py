"""Use cases on production and household records: one function per write, one transaction each.

The HTML forms, the API and the import all write records through these functions, so a rule (a sale
needs its price, destinations may not add up to more than the harvest, a plot must belong to the
record's family, no dates in the future, a promoter records only for her groups' families) lives here
and in the models' ``clean`` methods, once.

Arguments shared by every use case:

* ``actor``: the user who writes. ``None`` means the system (an import already authorised by its own
  page or command): no scope check then.
* ``data``: model field values; a foreign key as an instance (``plot=plot``) or an id (``plot_id=3``).
* ``instance``: the row to change; ``None`` (or an unsaved row) creates one.
* ``provenance``: the :class:`~miaf.web.core.models.Provenance` fields of a created row (``origin``,
  ``submission_id``, ``source_file``, ``created_by``, ``imported_at``). On an update only ``source_file``
  and ``imported_at`` are taken: a row keeps who first created it and where it came from.

Refusals: :class:`~django.core.exceptions.PermissionDenied` (role or scope) and
:class:`~django.core.exceptions.ValidationError` keyed by field; rows written inside another are named
``destinations.<i>.<field>`` or ``entries.<i>.<field>``. Nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import can_edit, families_for, require_personal_data
from miaf.web.audit import history as audit
from miaf.web.records.models import (
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)
from miaf.web.records.rules import splits_exceed

User = Any
Data = dict[str, Any]

#: Fields of a destination row, in the order the forms show them.
DESTINATION_FIELDS = ("destination", "kg", "price_mxn_per_kg", "buyer", "paid_on", "transport_mxn_per_kg",
                      "quality_discount_pct")
#: Fields of a ledger line (the family, year and month come from the month being recorded).
LEDGER_LINE_FIELDS = ("kind", "category", "species", "species_id", "amount_mxn", "notes")
#: Provenance fields an update may refresh (an edited import submission: its file and time).
_TOUCH = ("source_file", "imported_at")


# --------------------------------------------------------------------------- pure rules and row builders


def destination_row(d: dict[str, Any]) -> dict[str, Any]:
    """A destination as plain column values (``buyer`` never ``None``; unknown keys dropped)."""
    return {
        "destination": d.get("destination"),
        "kg": d.get("kg"),
        "price_mxn_per_kg": d.get("price_mxn_per_kg"),
        "buyer": d.get("buyer") or "",
        "paid_on": d.get("paid_on"),
        "transport_mxn_per_kg": d.get("transport_mxn_per_kg"),
        "quality_discount_pct": d.get("quality_discount_pct"),
    }


def harvest_destination_rows(harvest_id: int | None, destinations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Column values of a harvest's destination rows, for ``HarvestDestination(**row)`` or a bulk insert."""
    return [{"harvest_id": harvest_id, **destination_row(d)} for d in destinations]


# --------------------------------------------------------------------------- shared checks


def _assign(obj: Model, data: Data) -> None:
    for key, value in data.items():
        setattr(obj, key, value)


def _stamp(obj: Model, actor: User, provenance: dict | None, created: bool) -> None:
    prov = provenance or {}
    if created:
        for key, value in prov.items():
            setattr(obj, key, value)
        if "created_by" not in prov and obj.created_by_id is None and getattr(actor, "pk", None) is not None:
            obj.created_by = actor
    else:
        for key in _TOUCH:
            if key in prov:
                setattr(obj, key, prov[key])


def check_can_record(actor: User) -> None:
    """Refuse a role that may not write records (analysts, anonymous users)."""
    if actor is None:
        return
    require_personal_data(actor)
    if not can_edit(actor):
        raise PermissionDenied(_("Su rol no permite registrar datos."))


def check_family_scope(actor: User, family_id: int | None) -> None:
    """Refuse a family outside the actor's reach (a promoter recording for a group not assigned to her)."""
    if actor is None or family_id is None:
        return
    check_families_scope(actor, {family_id})


def check_families_scope(actor: User, family_ids: set[int]) -> None:
    """:func:`check_family_scope` for many families at once (one query)."""
    if actor is None or not family_ids:
        return
    check_can_record(actor)
    if len(family_ids) != families_for(actor).filter(pk__in=family_ids).values("pk").distinct().count():
        raise PermissionDenied(
            _("Esta familia no pertenece a ningún grupo asignado a usted: no puede registrar ni cambiar sus datos.")
        )


def _plot_family_id(obj: Model) -> int | None:
    if obj.plot_id is None:
        return None
    return obj.plot.family_id


def check_plot_of_family(obj: Model) -> None:
    """A record of a family that names a plot: the plot must be that family's."""
    family_id = getattr(obj, "family_id", None)  # plot-owned records (plantings, harvests) name no family
    if getattr(obj, "plot_id", None) is not None and family_id is not None and _plot_family_id(obj) != family_id:
        raise ValidationError({"plot": ValidationError(_("La parcela no es de esta familia."), code="other_family")})


def _record_family_id(obj: Model) -> int | None:
    if hasattr(obj, "family_id"):
        return obj.family_id
    return _plot_family_id(obj)


def check_record_scope(actor: User, obj: Model) -> None:
    """Refuse a record whose family (its own, or its plot's) is outside the actor's reach; a record naming no
    family yet still needs a role that may write records (its validation then asks for the family)."""
    family_id = _record_family_id(obj)
    if family_id is not None:
        check_family_scope(actor, family_id)
    else:
        check_can_record(actor)


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix.rstrip("."): exc.error_list})
    renamed: dict[str, list] = {}
    for key, errors in exc.error_dict.items():
        name = prefix.rstrip(".") if key == NON_FIELD_ERRORS else f"{prefix}{key}"
        renamed.setdefault(name, []).extend(errors)
    return ValidationError(renamed)


def _full_clean(obj: Model, prefix: str = "", exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise (_prefixed(exc, prefix) if prefix else exc) from exc


def _guard_existing(actor: User, instance: Model | None) -> bool:
    """Check the scope of the row being changed (before its new values); return whether it is created."""
    created = instance is None or instance.pk is None
    if not created:
        check_family_scope(actor, _record_family_id(instance))
    return created


# --------------------------------------------------------------------------- harvests


def build_destinations(harvest: Harvest, destinations: Iterable[dict[str, Any]]) -> list[HarvestDestination]:
    """Unsaved, validated destination rows of ``harvest``; errors named ``destinations.<i>.<field>``."""
    rows = []
    for i, d in enumerate(destinations):
        row = HarvestDestination(harvest=harvest if harvest.pk else None, **destination_row(d))
        _full_clean(row, f"destinations.{i}.", exclude=["harvest"])
        rows.append(row)
    return rows


def check_splits(harvest: Harvest, kgs: Iterable[Decimal | None]) -> None:
    total = splits_exceed(harvest.quantity_kg, kgs)
    if total is not None:
        message = _("Los destinos suman %(total)s kg, más que los %(harvest)s kg cosechados.") % {
            "total": total, "harvest": harvest.quantity_kg}
        raise ValidationError({"destinations": ValidationError(message, code="split_exceeds_harvest")})


@transaction.atomic
def save_harvest(actor: User, data: Data, destinations: list[dict] | None, instance: Harvest | None = None,
                 provenance: dict | None = None) -> Harvest:
    """Record (or change) a harvest and, when ``destinations`` is a list, replace its destinations.

    ``destinations=None`` keeps the stored ones (checked again against a changed quantity).
    """
    created = _guard_existing(actor, instance)
    harvest = instance if instance is not None else Harvest()
    _assign(harvest, data)
    _stamp(harvest, actor, provenance, created)
    check_record_scope(actor, harvest)
    errors: dict[str, list] = {}
    try:
        harvest.full_clean()
    except ValidationError as exc:
        errors.update(exc.error_dict)
    rows = None
    if destinations is not None:
        try:
            rows = build_destinations(harvest, destinations)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    if rows is not None:
        check_splits(harvest, [r.kg for r in rows])
    elif not created:
        check_splits(harvest, harvest.destinations.values_list("kg", flat=True))
    harvest.save()
    if rows is not None:
        if not created:
            harvest.destinations.all().delete()
        for row in rows:
            row.harvest = harvest
        audit.bulk_create(HarvestDestination, rows)
    return harvest


# --------------------------------------------------------------------------- plantings, purchases, labour


@transaction.atomic
def save_planting(actor: User, data: Data, instance: Planting | None = None, provenance: dict | None = None) -> Planting:
    """Record (or change) what was sown or planted on a plot."""
    created = _guard_existing(actor, instance)
    return _save_record(actor, instance if instance is not None else Planting(), data, created, provenance)


def _save_record(actor: User, obj: Model, data: Data, created: bool, provenance: dict | None,
                 *checks: Callable[[Model], None]) -> Model:
    """Assign, stamp, check scope, validate (plus the record's own ``checks``) and save one record."""
    _assign(obj, data)
    _stamp(obj, actor, provenance, created)
    check_record_scope(actor, obj)
    obj.full_clean()
    check_plot_of_family(obj)
    for check in checks:
        check(obj)
    obj.save()
    return obj


@transaction.atomic
def save_input_purchase(actor: User, data: Data, instance: InputPurchase | None = None,
                        provenance: dict | None = None) -> InputPurchase:
    """Record (or change) a family's input purchase, bought alone or together with the group (``collective``)."""
    created = _guard_existing(actor, instance)
    return _save_record(actor, instance if instance is not None else InputPurchase(), data, created, provenance)


@transaction.atomic
def save_input_purchases(actor: User, rows: list[Data], provenance: dict | None = None) -> list[InputPurchase]:
    """Record many new input purchases at once, with the rules of :func:`save_input_purchase`.

    Each row is validated like a single purchase (field rules, the plot of the row's family, the actor's
    scope), but the families and plots are checked with one query for the whole batch and the rows are
    written with one insert (plus their history rows). All or nothing: errors are named
    ``rows.<i>.<field>``. Used where many purchases arrive together (the demo's planting-year bills).
    """
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family

    if not rows:
        return []
    objs: list[InputPurchase] = []
    errors: dict[str, list] = {}
    for i, data in enumerate(rows):
        obj = InputPurchase()
        _assign(obj, data)
        _stamp(obj, actor, provenance, True)
        objs.append(obj)
        try:
            _full_clean(obj, f"rows.{i}.", exclude=["family", "plot", "created_by"])
        except ValidationError as exc:
            for key, errs in exc.error_dict.items():
                errors.setdefault(key, []).extend(errs)
    family_ids = {o.family_id for o in objs}
    check_can_record(actor)
    check_families_scope(actor, family_ids - {None})  # a row without a family is refused below
    known = set(Family.objects.filter(pk__in=family_ids).values_list("pk", flat=True))
    plot_family = dict(Plot.objects.filter(pk__in={o.plot_id for o in objs if o.plot_id}).values_list("pk", "family_id"))
    for i, obj in enumerate(objs):
        if obj.family_id not in known:
            errors.setdefault(f"rows.{i}.family", []).append(
                ValidationError(_("Esta familia no existe."), code="invalid"))
        elif obj.plot_id is not None and plot_family.get(obj.plot_id) != obj.family_id:
            errors.setdefault(f"rows.{i}.plot", []).append(
                ValidationError(_("La parcela no es de esta familia."), code="other_family"))
    if errors:
        raise ValidationError(errors)
    return audit.bulk_create(InputPurchase, objs)


def check_member_of_family(log: LabourLog) -> None:
    """Labour by member: the member must be of the record's family, and only family labour names one."""
    if log.member_id is None:
        return
    if log.kind == LabourLog.Kind.HIRED:
        raise ValidationError({"member": ValidationError(
            _("La mano de obra contratada no es de un integrante de la familia."), code="hired_member")})
    if log.family_id is not None and log.member.family_id != log.family_id:
        raise ValidationError({"member": ValidationError(_("Esta persona no es de esta familia."), code="other_family")})


@transaction.atomic
def save_labour(actor: User, data: Data, instance: LabourLog | None = None, provenance: dict | None = None) -> LabourLog:
    """Record (or change) a month's labour of one activity: family or hired, optionally by member."""
    created = _guard_existing(actor, instance)
    log = instance if instance is not None else LabourLog()
    return _save_record(actor, log, data, created, provenance, check_member_of_family)


# --------------------------------------------------------------------------- the household ledger


@transaction.atomic
def save_ledger_entry(actor: User, data: Data, instance: LedgerEntry | None = None,
                      provenance: dict | None = None) -> LedgerEntry:
    """Record (or change) one income or expense line of a family's month."""
    created = _guard_existing(actor, instance)
    return _save_record(actor, instance if instance is not None else LedgerEntry(), data, created, provenance)


@transaction.atomic
def save_ledger_month(actor: User, family: Any, year: int, month: int, entries: list[dict],
                      provenance: dict | None = None) -> list[LedgerEntry]:
    """Record a family's month of income and expense at once: the listed lines replace the month's lines.

    A line with an ``id`` of that family and month is changed, one without is added, and the month's
    stored lines that are not listed are deleted. Errors are named ``entries.<i>.<field>``.
    """
    family_id = getattr(family, "pk", family)
    check_family_scope(actor, family_id)
    stored = {e.pk: e for e in LedgerEntry.objects.filter(family_id=family_id, year=year, month=month)}
    lines: list[LedgerEntry] = []
    errors: dict[str, list] = {}
    for i, entry in enumerate(entries):
        pk = entry.get("id")
        line = stored.get(pk) if pk else None
        if pk and line is None:
            errors[f"entries.{i}"] = [ValidationError(_("Esta línea no es de este mes de esta familia."), code="not_found")]
            continue
        created = line is None
        line = line or LedgerEntry()
        _assign(line, {k: v for k, v in entry.items() if k in LEDGER_LINE_FIELDS})
        line.family_id, line.year, line.month = family_id, year, month
        _stamp(line, actor, provenance, created)
        try:
            _full_clean(line, f"entries.{i}.")
        except ValidationError as exc:
            for key, errs in exc.error_dict.items():
                errors.setdefault(key, []).extend(errs)
        lines.append(line)
    if errors:
        raise ValidationError(errors)
    kept = {line.pk for line in lines if line.pk}
    LedgerEntry.objects.filter(pk__in=[pk for pk in stored if pk not in kept]).delete()
    for line in lines:
        line.save()
    return lines


# --------------------------------------------------------------------------- deleting


@transaction.atomic
def delete_record(actor: User, obj: Model) -> None:
    """Delete a record (a harvest with its destinations) if the actor may edit its family's data."""
    check_can_record(actor)
    check_family_scope(actor, _record_family_id(obj))
    obj.delete()
