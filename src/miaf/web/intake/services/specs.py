"""What the importer reads from each form, and how it checks a submission.

Each :class:`FormSpec` names the questions the importer uses (by their XLSForm ``name``), their type,
range and choice list (choice values come from the Django model choices, and a test checks that they
match the XLSForm built by ``forms/build_forms.py``), plus a cross-field check. Validation needs the
current catalogue (families, plots, species, groups, places) through a :class:`Lookups` object built by
the importer, so that 100,000 rows are checked without one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from miaf.web.fieldwork.models import Step, TrainingEvent
from miaf.web.intake.services import values as v
from miaf.web.intake.services.parsers import Submission
from miaf.web.plots.models import SoilDepth, System
from miaf.web.process import seed as process_seed
from miaf.web.records import rules
from miaf.web.records.models import Destination, LabourLog, LedgerEntry, Planting
from miaf.web.registry.models import Language, Member

Reason = dict[str, str]


@dataclass
class Lookups:
    """The catalogue a batch is checked against, loaded once per batch."""

    today: dt.date
    families: dict[str, int]  # code → id
    allowed_families: set[int] | None  # None: every family; else the ids the importer may touch
    promoter: bool
    plots: dict[str, tuple[int, int]]  # str(id) → (id, family id)
    family_codes: dict[int, str]
    species: dict[str, int]
    groups: dict[str, tuple[int, int | None, int]]  # str(id) → (id, accompanying organisation id, locality id)
    allowed_groups: set[int] | None
    municipalities: dict[str, int]  # INEGI code (state+municipality) → id
    localities: dict[str, tuple[int, str]]  # str(id) → (id, municipality INEGI code)
    family_submissions: dict[str, str] = field(default_factory=dict)  # family code → submission id


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    required: bool = False
    lo: Any = None
    hi: Any = None
    choices: tuple[str, ...] = ()
    list_name: str = ""
    max_length: int | None = None
    not_future: bool = False
    relevant: Callable[[dict[str, Any]], bool] | None = None
    #: The form version that added the question: exports of older versions lack its column (read as blank).
    added_in: str = ""


@dataclass(frozen=True)
class FormSpec:
    name: str
    form_id: str
    versions: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    repeats: dict[str, tuple[FieldSpec, ...]]
    check: Callable[[dict[str, Any], Lookups], list[tuple[str, v.Invalid]]] | None = None

    @property
    def columns(self) -> set[str]:
        return {f.name for f in self.fields}


def _value(spec: FieldSpec, raw: Any, lk: Lookups, row: dict[str, Any]) -> Any:  # noqa: C901
    k = spec.kind
    if k == "text":
        return v.as_text(raw, spec.max_length)
    if k == "int":
        return v.as_int(raw, spec.lo, spec.hi)
    if k == "decimal":
        return v.as_decimal(raw, spec.lo, spec.hi)
    if k == "float":
        return v.as_float(raw, spec.lo, spec.hi)
    if k == "date":
        return v.as_date(raw, lk.today if spec.not_future else None)
    if k == "choice":
        return v.as_choice(raw, spec.choices, spec.list_name)
    if k == "choices":
        return v.as_choices(raw, spec.choices, spec.list_name)
    if k == "geoshape":
        return v.as_geoshape(raw)
    code = str(raw).strip()
    if k == "family":
        fid = lk.families.get(code)
        if fid is None:
            raise v.Invalid("unknown_family", value=code)
        if lk.allowed_families is not None and fid not in lk.allowed_families:
            raise v.Invalid("family_not_in_groups" if lk.promoter else "family_out_of_scope", value=code)
        return fid
    if k == "plot":
        hit = lk.plots.get(code)
        if hit is None:
            raise v.Invalid("unknown_plot", value=code)
        return hit
    if k == "species":
        if code not in lk.species:
            raise v.Invalid("unknown_species", value=code)
        return lk.species[code]
    if k == "group":
        hit = lk.groups.get(code)
        if hit is None:
            raise v.Invalid("unknown_group", value=code)
        if lk.allowed_groups is not None and hit[0] not in lk.allowed_groups:
            raise v.Invalid("group_out_of_scope", value=code)
        return hit
    if k == "municipality":
        if code not in lk.municipalities:
            raise v.Invalid("unknown_municipality", value=code)
        return code
    if k == "locality":
        hit = lk.localities.get(code)
        if hit is None:
            raise v.Invalid("unknown_locality", value=code)
        if row.get("municipality") and hit[1] != row["municipality"]:
            raise v.Invalid("locality_not_in_municipality", value=code, municipality=row["municipality"])
        return hit[0]
    raise AssertionError(f"unknown field kind {k}")


def _clean_fields(specs: tuple[FieldSpec, ...], raw: dict[str, Any], lk: Lookups, prefix: str,
                  reasons: list[Reason]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        value = raw.get(spec.name)
        if spec.relevant is not None and not spec.relevant(out):
            out[spec.name] = None
            continue
        if v.blank(value):
            out[spec.name] = [] if spec.kind == "choices" else ("" if spec.kind == "text" else None)
            if spec.required:
                reasons.append(v.reason(prefix + spec.name, v.Invalid("required")))
            continue
        try:
            out[spec.name] = _value(spec, value, lk, out)
        except v.Invalid as exc:
            out[spec.name] = None
            reasons.append(v.reason(prefix + spec.name, exc))
    return out


def validate(form: FormSpec, sub: Submission, lk: Lookups) -> tuple[dict[str, Any], list[Reason]]:
    """Typed values of a submission and the reasons it cannot be imported (empty when it can)."""
    reasons: list[Reason] = []
    if not sub.root_id:
        reasons.append(v.reason("meta/instanceID", v.Invalid("no_instance_id")))
    if sub.form_version and sub.form_version not in form.versions:
        reasons.append(v.reason("form_version", v.Invalid(
            "wrong_version", value=sub.form_version, accepted=", ".join(form.versions))))
    clean = _clean_fields(form.fields, sub.fields, lk, "", reasons)
    repeats: dict[str, list[dict[str, Any]]] | None = None
    if sub.repeats is not None:
        repeats = {}
        for name, specs in form.repeats.items():
            rows = []
            for i, raw in enumerate(sub.repeats.get(name) or [], start=1):
                rows.append(_clean_fields(specs, raw, lk, f"{name}[{i}]/", reasons))
            repeats[name] = rows
    clean["_repeats"] = repeats
    if not reasons and form.check is not None:
        for fld, exc in form.check(clean, lk):
            reasons.append(v.reason(fld, exc))
    return clean, reasons


# ------------------------------------------------------------------------------------------------ checks
def _is_sale(row: dict[str, Any]) -> bool:
    return rules.is_sale(row.get("destination"))


def _check_plot_family(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    plot = clean.get("plot")
    if plot and plot[1] != clean["family"]:
        return [("plot", v.Invalid("plot_not_of_family", value=plot[0], family=lk.family_codes.get(clean["family"], "?")))]
    return []


def check_harvest(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    out = _check_plot_family(clean, lk)
    sales = (clean["_repeats"] or {}).get("sales") or []
    total = rules.splits_exceed(clean["quantity_kg"], (s["sale_kg"] for s in sales))
    if total is not None:
        out.append(("sales", v.Invalid("split_exceeds_harvest", total=total, harvest=clean["quantity_kg"])))
    for i, s in enumerate(sales, start=1):
        problem = rules.sale_price_problem(s["destination"], s["price_mxn_kg"])
        if problem is not None:
            code = "sale_needs_price" if problem == "missing" else "sale_price_zero"
            out.append((f"sales[{i}]/price_mxn_kg", v.Invalid(code)))
    return out


def check_economy(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    out = []
    for i, e in enumerate((clean["_repeats"] or {}).get("entries") or [], start=1):
        if not rules.category_matches_kind(e["kind"], e["category"]):
            out.append((f"entries[{i}]/category", v.Invalid(
                "category_kind", value=e["category"], kind_es=str(e["kind"]), kind_en=str(e["kind"]))))
        month = int(e["month"])
        if rules.month_in_future(clean["year"], month, lk.today.year, lk.today.month):
            out.append((f"entries[{i}]/month", v.Invalid("future_month", value=f"{clean['year']}-{month:02d}")))
    return out


def check_event(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    out = []
    if clean["group"][1] is None:
        out.append(("group", v.Invalid("no_organisation")))
    seen = set()
    for i, a in enumerate((clean["_repeats"] or {}).get("attendees") or [], start=1):
        key = (a["att_family"], (a["att_member"] or "").casefold())
        if a["att_member"] and key in seen:
            out.append((f"attendees[{i}]/att_member", v.Invalid("duplicate_attendee", value=a["att_member"])))
        seen.add(key)
    return out


def check_labour(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    out = _check_plot_family(clean, lk)
    if rules.month_in_future(clean["year"], int(clean["month"]), lk.today.year, lk.today.month):
        out.append(("month", v.Invalid("future_month", value=f"{clean['year']}-{int(clean['month']):02d}")))
    return out


def check_family(clean: dict[str, Any], lk: Lookups) -> list[tuple[str, v.Invalid]]:
    # A family code already in the registry may only be updated by the submission that created it; that
    # test needs the submission id, so the importer does it (see handlers.FamilyHandler).
    return []


F = FieldSpec
YES_NO = ("yes", "no")
LIMITS = {
    # Ranges mirror the models' validators and the XLSForm constraints.
    "birth_year": (1900, 2100), "year": (1990, 2100), "slope_pct": (0, 300), "altitude_m": (-10, 5700),
    "quantity_kg": (Decimal("0.01"), Decimal("100000")), "price": (Decimal("0"), Decimal("10000")),
    "survival": (0, 100), "diameter_cm": (0, 300), "height_m": (0, 40), "area_ha": (0, 100),
    "person_days": (Decimal("0.01"), Decimal("10000")), "wage": (Decimal("0"), Decimal("10000")),
    "quantity": (Decimal("0.01"), Decimal("1000000")), "cost": (Decimal("0"), Decimal("10000000")),
}
PLANTING_UNITS = tuple(value for value, _label in Planting._meta.get_field("unit").choices)
#: Checklist items of the process form: ``s5_2`` is item 2 of step 5 (from the process app's seed CSV).
PROCESS_CHECKLIST = tuple(f"s{r['stage']}_{r['order']}" for r in process_seed.read("checklist.csv"))


def _alive(row: dict[str, Any]) -> bool:
    return row.get("alive") == "yes"


FORMS: dict[str, FormSpec] = {
    "family": FormSpec(
        "family", "miaf_family", ("2025061001",),
        fields=(
            F("family_code", "text", True, max_length=32), F("family_name", "text", True, max_length=160),
            F("municipality", "municipality", True), F("locality", "locality", True), F("group", "group", True),
            F("joined_on", "date", True, not_future=True),
            F("anyone_migrated", "choice", True, choices=YES_NO, list_name="yes_no"),
            F("migration_notes", "text"), F("notes", "text"),
        ),
        repeats={
            "members": (
                F("member_name", "text", True, max_length=160),
                F("sex", "choice", True, choices=tuple(Member.Sex.values), list_name="sex"),
                F("birth_year", "int", False, *LIMITS["birth_year"]),
                F("relation", "choice", True, choices=tuple(Member.Role.values), list_name="relation"),
                F("member_languages", "choices", True, choices=tuple(Language.values), list_name="language"),
                F("member_migrated", "choice", True, choices=YES_NO, list_name="yes_no"),
            ),
            "baseline_plots": (
                F("bp_name", "text", True, max_length=120), F("bp_area_ha", "float", False, *LIMITS["area_ha"]),
                F("bp_system", "choice", True, choices=tuple(System.values), list_name="system"),
            ),
        },
        check=check_family,
    ),
    "plot": FormSpec(
        "plot", "miaf_plot", ("2025061001",),
        fields=(
            F("family", "family", True), F("plot_name", "text", True, max_length=120),
            F("boundary", "geoshape", True),
            F("soil_depth", "choice", True, choices=tuple(SoilDepth.values), list_name="soil_depth"),
            F("altitude_m", "float", False, *LIMITS["altitude_m"]),
            F("system", "choice", True, choices=tuple(System.values), list_name="system"),
            F("system_since", "date", True, not_future=True),
        ),
        repeats={"slope_readings": (F("slope_pct", "float", True, *LIMITS["slope_pct"]),)},
    ),
    "economy": FormSpec(
        "economy", "miaf_economy", ("2025061001",),
        fields=(F("family", "family", True), F("year", "int", True, *LIMITS["year"])),
        repeats={"entries": (
            F("month", "choice", True, choices=tuple(str(m) for m in range(1, 13)), list_name="month"),
            F("kind", "choice", True, choices=tuple(LedgerEntry.Kind.values), list_name="kind"),
            F("category", "choice", True, choices=tuple(LedgerEntry.Category.values), list_name="category"),
            F("crop", "species", False, relevant=lambda r: r.get("category") == "crop_sale"),
            F("amount_mxn", "decimal", True, Decimal("0")), F("entry_notes", "text", max_length=255),
        )},
        check=check_economy,
    ),
    "harvest": FormSpec(
        "harvest", "miaf_harvest", ("2025061001", "2026120501"),
        fields=(
            F("family", "family", True), F("plot", "plot", True), F("crop", "species", True),
            F("harvested_on", "date", True, not_future=True),
            F("quantity_kg", "decimal", True, *LIMITS["quantity_kg"]), F("harvest_notes", "text"),
        ),
        repeats={"sales": (
            F("destination", "choice", True, choices=tuple(Destination.values), list_name="destination"),
            F("sale_kg", "decimal", True, *LIMITS["quantity_kg"]),
            F("price_mxn_kg", "decimal", False, *LIMITS["price"], relevant=_is_sale),
            F("buyer", "text", False, max_length=160, relevant=_is_sale),
            F("paid_on", "date", False, relevant=_is_sale),
            F("transport_mxn_kg", "decimal", False, *LIMITS["price"], relevant=_is_sale, added_in="2026120501"),
            F("quality_discount_pct", "decimal", False, Decimal("0"), Decimal("100"), relevant=_is_sale,
              added_in="2026120501"),
        )},
        check=check_harvest,
    ),
    "visit": FormSpec(
        "visit", "miaf_visit", ("2025061001",),
        fields=(
            F("family", "family", True), F("plot", "plot", False), F("visited_on", "date", True, not_future=True),
            F("step", "choice", False, choices=tuple(str(s) for s in Step.values), list_name="step"),
            F("observations", "text"), F("tree_survival_pct", "float", False, *LIMITS["survival"]),
            F("agreements", "text"),
        ),
        repeats={"trees": (
            F("tree_species", "species", True), F("row_number", "int", False, 1),
            F("tree_number", "int", False, 1), F("alive", "choice", True, choices=YES_NO, list_name="yes_no"),
            F("diameter_cm", "float", False, *LIMITS["diameter_cm"], relevant=_alive),
            F("height_m", "float", False, *LIMITS["height_m"], relevant=_alive),
        )},
        check=_check_plot_family,
    ),
    "event": FormSpec(
        "event", "miaf_event", ("2025061001",),
        fields=(
            F("event_kind", "choice", True, choices=tuple(TrainingEvent.Kind.values), list_name="event_kind"),
            F("title", "text", True, max_length=200), F("topic", "text", max_length=200),
            F("held_on", "date", True, not_future=True), F("group", "group", True),
        ),
        repeats={"attendees": (F("att_family", "family", True), F("att_member", "text", max_length=160))},
        check=check_event,
    ),
    "labour": FormSpec(
        "labour", "miaf_labour", ("2026120401",),
        fields=(
            F("family", "family", True), F("plot", "plot", False), F("year", "int", True, *LIMITS["year"]),
            F("month", "choice", True, choices=tuple(str(m) for m in range(1, 13)), list_name="month"),
            F("activity", "choice", True, choices=tuple(LabourLog.Activity.values), list_name="activity"),
            F("labour_kind", "choice", True, choices=tuple(LabourLog.Kind.values), list_name="labour_kind"),
            F("member", "text", False, max_length=160, relevant=lambda r: r.get("labour_kind") == "family"),
            F("worker_sex", "choice", False, choices=("F", "M"), list_name="worker_sex"),
            F("person_days", "decimal", True, *LIMITS["person_days"]),
            F("wage_mxn_day", "decimal", False, *LIMITS["wage"], relevant=lambda r: r.get("labour_kind") == "hired"),
        ),
        repeats={},
        check=check_labour,
    ),
    "inputs": FormSpec(
        "inputs", "miaf_inputs", ("2026120401",),
        fields=(
            F("family", "family", True), F("plot", "plot", False), F("purchased_on", "date", True, not_future=True),
            F("item", "text", True, max_length=160), F("quantity", "decimal", True, *LIMITS["quantity"]),
            F("unit", "text", True, max_length=20), F("cost_mxn", "decimal", True, *LIMITS["cost"]),
            F("supplier", "text", False, max_length=160),
            F("collective", "choice", True, choices=YES_NO, list_name="yes_no"),
        ),
        repeats={},
        check=_check_plot_family,
    ),
    "planting": FormSpec(
        "planting", "miaf_planting", ("2026120401",),
        fields=(
            F("family", "family", True), F("plot", "plot", True), F("species", "species", True),
            F("planted_on", "date", True, not_future=True), F("quantity", "decimal", True, *LIMITS["quantity"]),
            F("unit", "choice", True, choices=PLANTING_UNITS, list_name="planting_unit"),
            F("row_number", "int", False, 1), F("planting_notes", "text"),
        ),
        repeats={},
        check=_check_plot_family,
    ),
    "process": FormSpec(
        "process", "miaf_process", ("2026120401",),
        fields=(
            F("group", "group", True),
            F("stage", "choice", True, choices=tuple(str(n) for n in range(1, 13)), list_name="stage"),
            F("status", "choice", True, choices=("in_progress", "done", "skipped"), list_name="step_status"),
            F("on", "date", True, not_future=True), F("out_of_order_reason", "text", False, max_length=2000),
            F("checklist", "choices", False, choices=PROCESS_CHECKLIST, list_name="checklist"),
            F("notes", "text", False, max_length=4000),
        ),
        repeats={},
    ),
}


def get_form(name: str) -> FormSpec:
    """The form named ``harvest`` or ``miaf_harvest``; a clear error otherwise."""
    key = name.removeprefix("miaf_")
    if key not in FORMS:
        raise ValueError(f"unknown form {name!r}; choose one of {', '.join(FORMS)}")
    return FORMS[key]
