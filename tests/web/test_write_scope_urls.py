"""Scope on every write path, generated from the URL configuration (issue 14, item 2).

Every page of the URL configuration and every POST/PUT/PATCH/DELETE operation of the API is called as
promoter ana on beto's objects (his family, plot, group, records, visit, training, plan, design): the API never
answers 2xx and neither the pages nor the API change a single row of the domain tables. A new page or
operation is covered without touching this file; one whose arguments it cannot fill fails
``test_every_write_operation_and_page_gets_beto_objects``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.api.conftest import API, api_as, tokens  # noqa: F401  (fixtures shared with the API tests)

pytestmark = pytest.mark.django_db

YESTERDAY = dt.date.today() - dt.timedelta(days=1)
#: Apps whose rows a write may change (report jobs, tokens and the audit trail are not domain rows).
DOMAIN_APPS = ("registry", "plots", "records", "fieldwork", "process", "designer", "intake", "catalogue",
               "market", "trade")
#: Pages that are not the domain's (sign-in, language) or hold no object of anyone's.
NOT_DOMAIN = {"login", "logout", "password_change", "password_change_done", "set_language", "healthz"}


def database() -> list:
    rows = []
    for label in DOMAIN_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            rows.append((model._meta.label, sorted(map(str, model.objects.order_by("pk").values_list()))))
    from miaf.web.accounts.models import Profile

    rows.append(("profiles", sorted(map(str, Profile.objects.values_list("pk", "role", "organisation_id")))))
    rows.append(("assignments", sorted(map(str, Profile.groups.through.objects.values_list()))))
    return rows


@pytest.fixture
def beto(world):  # noqa: ANN001, ANN201
    """One object of each kind that belongs to beto's group El Vergel."""
    from miaf.web.accounts.models import ApiToken
    from miaf.web.catalogue.models import Species
    from miaf.web.fieldwork.models import Attendance, StaffTraining, TrainingEvent, Visit, VisitPlan
    from miaf.web.intake.models import ImportBatch, QuarantinedRow
    from miaf.web.plots.models import PlotDesign
    from miaf.web.process import services as process
    from miaf.web.records.models import Harvest, InputPurchase, LabourLog, LedgerEntry, Planting

    mango = Species.objects.get(code="mango")
    fam, plot, group = world.fam_vergel, world.plot_vergel, world.group_vergel
    training = TrainingEvent.objects.create(organisation=world.org_coffee, group=group, kind="training",
                                            title="Poda", held_on=dt.date(2020, 7, 1))
    training.groups.add(world.group_ojo)  # ana sees it (her group is invited); its attendance is beto's family
    step = process.start_step(world.beto, group, 1, dt.date(2020, 1, 10))
    batch = ImportBatch.objects.create(file_name="beto.zip", sha256="0" * 64, form="harvest", user=world.beto,
                                       started_at=timezone.now())
    return SimpleNamespace(
        family=fam, plot=plot, group=group, organisation=world.org_coffee, locality=world.locality,
        profile=world.beto.profile, user=world.beto, step=step, training=training,
        attendance=Attendance.objects.create(event=training, family=fam),
        visit=Visit.objects.create(family=fam, plot=plot, visited_on=dt.date(2020, 6, 1)),
        plan=VisitPlan.objects.create(family=fam, due_on=dt.date(2030, 1, 1)),
        staff_training=StaffTraining.objects.create(organisation=world.proasus, title="Equipo",
                                                    held_on=dt.date(2020, 3, 1), hours=Decimal("4")),
        planting=Planting.objects.create(plot=plot, species=mango, planted_on=dt.date(2012, 6, 1),
                                         quantity=Decimal("40"), unit="plants"),
        harvest=Harvest.objects.create(plot=plot, species=mango, harvested_on=dt.date(2020, 5, 20),
                                       quantity_kg=Decimal("100")),
        labour=LabourLog.objects.create(family=fam, plot=plot, year=2020, month=5, activity="harvest", kind="family",
                                        person_days=Decimal("3")),
        ledger=LedgerEntry.objects.create(family=fam, year=2020, month=5, kind="income", category="crop_sale",
                                          species=mango, amount_mxn=Decimal("625")),
        input=InputPurchase.objects.create(family=fam, plot=plot, purchased_on=dt.date(2020, 4, 2), item="Composta",
                                           quantity=Decimal("10"), unit="bultos", cost_mxn=Decimal("850.50")),
        design=PlotDesign.objects.create(plot=plot, version=1, created_by=world.beto, parameters={}, summary={},
                                         geojson={"type": "FeatureCollection", "features": []}),
        token=ApiToken.issue(world.beto, "beto's phone")[0],
        quarantined=QuarantinedRow.objects.create(batch=batch, row_number=2, submission_id="x", reasons=[], raw={
            "root_id": "x", "instance_id": "x", "fields": {"family": "VER-001"}, "repeats": None}),
    )


# ------------------------------------------------------------------------------------------------- pages
def pages() -> list[tuple[str, list[str]]]:
    """(URL name, its arguments) of every page outside the API and the admin site."""
    found = []

    def walk(resolver: URLResolver, ns: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or str(p.pattern).startswith("api/"):
                    continue
                walk(p, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name and p.name not in NOT_DOMAIN:
                found.append((ns + p.name, list(p.pattern.regex.groupindex)))

    walk(get_resolver(), "")
    return sorted(set((n, tuple(a)) for n, a in found))


#: Which of beto's objects a page's ``pk`` names, by the page's name (default: his family).
PK_OF = {
    "accounts:revoke_token": "token", "intake:batch_detail": "quarantined.batch", "intake:quarantine_edit": "quarantined",
    "plots:": "plot", "economy:plot": "plot", "environs:plot": "plot", "process:group": "group",
    "process:step": "group", "process:tick": "group", "process:evidence": "group", "process:commitment": "group",
    "records:harvest_edit": "harvest", "fieldwork:visit_detail": "visit", "fieldwork:plan_cancel": "plan",
    "fieldwork:training_": "training", "audit:user_activity": "user", "registry:group_": "group",
    "registry:organisation_": "organisation", "registry:locality_": "locality", "registry:promoter_groups": "profile",
    "evidence:": "family", "designer:": "plot", "trade:group_purchases": "group",
}
RECORD_KINDS = {"siembra": "planting", "mano-de-obra": "labour", "insumo": "input"}


def _obj(ns: SimpleNamespace, path: str):  # noqa: ANN202
    for part in path.split("."):
        ns = getattr(ns, part)
    return ns


def page_kwargs(name: str, args: tuple[str, ...], b: SimpleNamespace, kind: str = "insumo") -> dict:
    kwargs = {}
    for arg in args:
        if arg == "pk":
            target = next((v for k, v in PK_OF.items() if name == k or (k.endswith((":", "_")) and name.startswith(k))),
                          "family")
            if name in ("records:edit", "records:delete"):
                target = RECORD_KINDS[kind]
            kwargs[arg] = _obj(b, target).pk
        elif arg in ("family_pk",):
            kwargs[arg] = b.family.pk
        elif arg == "plot_id":
            kwargs[arg] = b.plot.pk
        elif arg == "design_id":
            kwargs[arg] = b.design.pk
        elif arg == "number":
            kwargs[arg] = 1
        elif arg in ("year", "month"):
            kwargs[arg] = 2020 if arg == "year" else 5
        elif arg == "kind":
            kwargs[arg] = kind
        elif arg == "token":
            kwargs[arg] = "0" * 32
        elif arg in ("table", "fmt"):
            kwargs[arg] = "families" if arg == "table" else "csv"
        elif arg == "source":  # a picker's suggestions (registry/pickers.py): beto's families
            kwargs[arg] = "familias"
        else:
            raise AssertionError(f"{name}: no object of beto's for the argument {arg!r}; add one to this test")
    return kwargs


def form_data(b: SimpleNamespace) -> dict:
    """Answers for any form, each naming one of beto's objects (and plausible values for the rest)."""
    day = YESTERDAY.isoformat()
    return {
        "family": b.family.pk, "plot": b.plot.pk, "group": b.group.pk, "groups": [b.group.pk],
        "organisation": b.organisation.pk, "producer_organisation": b.organisation.pk, "locality": b.locality.pk,
        "code": "VER-777", "name": "Nombre nuevo", "title": "Título nuevo", "kind": "training",
        "joined_on": day, "held_on": day, "visited_on": day, "due_on": day, "on": day, "planted_on": day,
        "harvested_on": day, "purchased_on": day, "signed_on": day, "since": day, "started_on": day,
        "species": "mango", "crop": "mango", "quantity": "5", "quantity_kg": "5", "unit": "plants", "item": "Abono",
        "cost_mxn": "10", "year": "2020", "month": "5", "activity": "weeding", "person_days": "1",
        "system": "miaf", "reason": "prueba", "notes": "prueba", "text": "prueba", "terms": "prueba",
        "description": "prueba", "done": "on", "confirm": "1", "step": "1", "number": "1",
        "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
        "dest-TOTAL_FORMS": "0", "dest-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize(("name", "args"), pages())
def test_a_promoter_posting_to_any_page_on_another_groups_objects_changes_nothing(
        world, beto, client_for, name, args):
    client = client_for(world.ana)
    kinds = RECORD_KINDS if "kind" in args else {"": None}
    before = database()
    for kind in kinds:
        url = reverse(name, kwargs=page_kwargs(name, args, beto, kind or "insumo"))
        response = client.post(url, form_data(beto))
        assert response.status_code < 500, (url, response.status_code)
        assert database() == before, f"POST {url} as ana changed beto's rows"


# --------------------------------------------------------------------------------------------------- API
def write_operations() -> list[tuple[str, str]]:
    from miaf.web.api.main import api

    schema = api.get_openapi_schema()
    return sorted((method.upper(), path.removeprefix(API)) for path, ops in schema["paths"].items()
                  for method in ops if method in ("post", "put", "patch", "delete"))


#: Which of beto's objects a path's first segment names.
RESOURCE_OF = {
    "families": "family", "plots": "plot", "groups": "group", "organisations": "organisation",
    "localities": "locality", "promoters": "profile", "plantings": "planting", "harvests": "harvest",
    "inputs": "input", "labour": "labour", "ledger": "ledger", "visits": "visit", "trainings": "training",
    "visit-plans": "plan", "staff-trainings": "staff_training", "process": "step",
    "market": "organisation",  # buyers and demands: promoters never write them, any id is refused
}


def api_path(path: str, b: SimpleNamespace) -> str:
    target = RESOURCE_OF.get(path.strip("/").split("/")[0])
    if "{" in path and target is None:
        raise AssertionError(f"{path}: no object of beto's for it; add one to RESOURCE_OF")
    for arg in ("{id}", "{record_id}"):
        path = path.replace(arg, str(_obj(b, target).pk) if target else "")
    return path.replace("{attendance_id}", str(b.attendance.pk))


def body(method: str, path: str, b: SimpleNamespace, admin) -> dict:  # noqa: ANN001
    """beto's own object as the administrator reads it (a valid body naming his family, plot or group), with
    the fields of the operation's schema filled with his objects."""
    from miaf.web.api.main import api

    schema = api.get_openapi_schema()
    op = schema["paths"][API + path][method.lower()]
    ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    props = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
    segment = path.strip("/").split("/")[0]
    base: dict = {}
    if segment in RESOURCE_OF and segment != "process":
        got = admin.get(f"/{segment}/{_obj(b, RESOURCE_OF[segment]).pk}")
        if got.status_code == 200:
            base = {k: v for k, v in got.json().items() if k in props}
    refs = {"family": b.family.pk, "plot": b.plot.pk, "group": b.group.pk, "organisation": b.organisation.pk,
            "locality": b.locality.pk, "groups": [b.group.pk], "item": b.step.stage.checklist.first().pk
            if b.step.stage.checklist.exists() else 1, "step": 1, "to_step": 2, "system": "miaf", "member": None}
    for name, prop in props.items():
        if name in base:
            continue
        kind = prop.get("type") or next((a.get("type") for a in prop.get("anyOf", []) if a.get("type") != "null"), "")
        if name in refs:
            base[name] = refs[name]
        elif name == "on" or name.endswith("_on"):
            base[name] = YESTERDAY.isoformat()
        elif kind == "string":
            base[name] = "prueba"
        elif kind in ("integer", "number"):
            base[name] = 1
        elif kind == "boolean":
            base[name] = False
        elif kind == "array":
            base[name] = []
    return base


#: Writes that create a row of nobody's: a promoter registers a new locality met in the field.
NOBODYS = {("POST", "/localities")}


@pytest.mark.parametrize(("method", "path"), [op for op in write_operations() if op not in NOBODYS])
def test_a_promoter_writing_through_the_api_on_another_groups_objects_gets_no_2xx_and_changes_nothing(
        world, beto, api_as, method, path):  # noqa: F811
    url = api_path(path, beto)
    payload = body(method, path, beto, api_as("root")) if method != "DELETE" else None
    before = database()
    ana = api_as("ana")
    response = ana.delete(url) if method == "DELETE" else getattr(ana, method.lower())(url, payload)
    assert not 200 <= response.status_code < 300, (method, url, json.dumps(payload), response.content[:300])
    assert response.status_code < 500
    assert database() == before, f"{method} {url} as ana changed the database"


def test_every_write_operation_and_page_gets_beto_objects(world, beto):
    """The generated cases above cover every page and operation (an unknown argument fails here first)."""
    ops = write_operations()
    assert len(ops) > 40 and any(m == "DELETE" and p == "/trainings/{id}" for m, p in ops)
    for _method, path in ops:
        api_path(path, beto)
    names = [n for n, _ in pages()]
    assert "records:delete" in names and "registry:family_edit" in names
    for name, args in pages():
        page_kwargs(name, args, beto)
