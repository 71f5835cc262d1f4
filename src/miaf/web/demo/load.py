"""Write the generated demo programme into the database (the use case behind ``miaf demo``).

Stages, each in its own transaction: places (municipalities, localities); organisations, groups and the
demo users; then the families and all their records, one chunk of whole groups at a time; last the
illustrative corridor. Rows are written with ``executemany`` and precomputed primary keys: Django's
``bulk_create`` measured about 8,000 rows/s here, too slow for the 100,000-family load test; the rows are
built from the models' own field list and defaults, and the tests ``full_clean()`` a sample of each model.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from miaf.web.demo import places as pl
from miaf.web.demo.generate import Chunk, generate_chunk
from miaf.web.demo.summary import DEMO_PASSWORD, DEMO_USERS, DemoSummary

DEMO_MARK = "(demostración)"
CORRIDOR_NAME = "Corredor Biológico Mesoamericano (ilustrativo, demostración)"
CORRIDOR_SOURCE = (
    "Inventado para el programa de demostración de miaf: una franja trazada a mano por la Sierra Madre, la Meseta "
    "Comiteca y la Selva Lacandona, con el ancho elegido para que ~73 % de la superficie MIAF-D de la demostración "
    "quede dentro (cifra del artículo semilla). NO es el Corredor Biológico Mesoamericano de CONABIO."
)
BATCH = 50_000


def _models() -> dict[str, type[Model]]:
    from miaf.web.fieldwork.models import Attendance, TrainingEvent, TreeMeasurement, Visit
    from miaf.web.plots.models import Plot, PlotPhase
    from miaf.web.records.models import Harvest, HarvestDestination, LabourLog, LedgerEntry, Planting
    from miaf.web.registry.models import Family, Member, Membership

    return {
        "families": Family, "members": Member, "memberships": Membership, "plots": Plot, "phases": PlotPhase,
        "plantings": Planting, "harvests": Harvest, "destinations": HarvestDestination, "labour": LabourLog,
        "ledger": LedgerEntry, "visits": Visit, "measurements": TreeMeasurement, "events": TrainingEvent,
        "attendance": Attendance,
    }  # fmt: skip


# --------------------------------------------------------------------------------------- fast insert


def _values(field: Any, data: Any) -> list:
    """Database-ready Python values for one column (numpy arrays or lists)."""
    internal = field.get_internal_type()
    if isinstance(data, np.ndarray) and np.issubdtype(data.dtype, np.datetime64):
        text = np.datetime_as_string(data.astype("datetime64[D]"), unit="D")
        return [None if t == "NaT" else t for t in text.tolist()]
    if internal == "JSONField":
        return [field.get_db_prep_save(v, connection) for v in data]
    if isinstance(data, np.ndarray):
        if np.issubdtype(data.dtype, np.floating):
            return [None if math.isnan(v) else v for v in data.tolist()]
        if data.dtype.kind == "U" and field.null and field.get_internal_type() != "CharField":
            return [v or None for v in data.tolist()]
        return data.tolist()
    return list(data)


def insert(model: type[Model], columns: dict[str, Any], first_id: int | None = None) -> int:
    """INSERT rows given as columns keyed by attname; missing fields get their model default. Returns rows."""
    meta = model._meta
    scalar = {k for k, v in columns.items() if isinstance(v, (str, int, float, bool)) or v is None}
    n = len(next(v for k, v in columns.items() if k not in scalar))
    columns = {k: ([v] * n if k in scalar else v) for k, v in columns.items()}
    if n == 0:
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    names, data = [], []
    for f in meta.concrete_fields:
        if f.primary_key:
            if first_id is None:
                continue
            names.append(f.column)
            data.append(range(first_id, first_id + n))
        elif f.attname in columns:
            names.append(f.column)
            data.append(_values(f, columns[f.attname]))
        else:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() or not f.null:  # Django's default: "" for text fields
                value = f.get_db_prep_save(f.get_default(), connection)
            else:
                value = None
            names.append(f.column)
            data.append([value] * n)
    rows = list(zip(*data, strict=True))
    qn = connection.ops.quote_name
    sql = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in names)}) VALUES ({', '.join(['%s'] * len(names))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # the DB-API cursor directly: Django's wrapper costs ~30 % here
            raw = cursor.cursor
            for i in range(0, n, BATCH):
                raw.executemany(sql.replace("%s", "?"), rows[i : i + BATCH])
        else:
            for i in range(0, n, BATCH):
                cursor.executemany(sql, rows[i : i + BATCH])
    return n


def _next_ids(models: Iterable[type[Model]]) -> dict[type[Model], int]:
    return {m: (m.objects.aggregate(x=Max("pk"))["x"] or 0) + 1 for m in models}


# --------------------------------------------------------------------------------------------- reset


def demo_loaded() -> bool:
    from miaf.web.registry.models import Organisation

    return Organisation.objects.filter(name=pl.ACCOMPANYING[0]).exists()


def unload_demo() -> None:
    """Delete the demo programme: every record of demo families, the demo organisations, groups, users,
    illustrative localities and the illustrative corridor. Municipalities and INEGI localities stay."""
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.models import Profile
    from miaf.web.fieldwork.models import Attendance, TrainingEvent, TreeMeasurement, Visit
    from miaf.web.plots.models import Plot, PlotDesign, PlotPhase
    from miaf.web.records.models import (
        Harvest,
        HarvestDestination,
        InputPurchase,
        LabourLog,
        LedgerEntry,
        Planting,
    )
    from miaf.web.registry.models import (
        Family,
        Group,
        Locality,
        Member,
        Membership,
        Organisation,
        ReferenceLayer,
    )

    orgs = Organisation.objects.filter(name__in=[pl.ACCOMPANYING[0], *(v[0] for v in pl.PRODUCERS.values())])
    groups = Group.objects.filter(producer_organisation__in=orgs)
    fam = {"family__origin": "demo"}
    from miaf.web.demo.fieldwork import unload_fieldwork
    from miaf.web.demo.process import unload_process

    with transaction.atomic():
        unload_process(groups, orgs)
        unload_fieldwork(orgs)
        for qs in (
            Attendance.objects.filter(family__origin="demo"),
            Attendance.objects.filter(event__group__in=groups),
            TreeMeasurement.objects.filter(visit__family__origin="demo"),
            Visit.objects.filter(**fam),
            TrainingEvent.objects.filter(organisation__in=orgs),
            LedgerEntry.objects.filter(**fam),
            LabourLog.objects.filter(**fam),
            InputPurchase.objects.filter(**fam),
            HarvestDestination.objects.filter(harvest__plot__family__origin="demo"),
            Harvest.objects.filter(plot__family__origin="demo"),
            Planting.objects.filter(plot__family__origin="demo"),
            PlotDesign.objects.filter(plot__family__origin="demo"),
            PlotPhase.objects.filter(plot__family__origin="demo"),
            Plot.objects.filter(**fam),
            Membership.objects.filter(**fam),
            Member.objects.filter(**fam),
            Profile.groups.through.objects.filter(group__in=groups),
            Family.objects.filter(origin="demo"),
        ):
            qs._raw_delete(qs.db)  # a single DELETE each, leaves first (no per-row collection)
        get_user_model().objects.filter(username__in=[u for u, *_ in DEMO_USERS], last_name=DEMO_MARK).delete()
        Membership.objects.filter(group__in=groups).delete()
        groups.delete()
        orgs.filter(kind="producer").delete()
        orgs.delete()
        Locality.objects.filter(name__endswith=pl.ILLUSTRATIVE, family__isnull=True, group__isnull=True,
                                trainingevent__isnull=True).delete()  # fmt: skip
        ReferenceLayer.objects.filter(name=CORRIDOR_NAME).delete()


# ---------------------------------------------------------------------------------------------- load


def _places(structure: pl.Structure) -> list[int]:
    """Upsert municipalities and INEGI localities, create the illustrative ones; locality ids by index."""
    from miaf.web.registry.models import Locality, Municipality

    existing = {m.code: m for m in Municipality.objects.filter(state_code=pl.STATE_CODE)}
    new = []
    for code, m in structure.municipalities.items():
        if code in existing:
            row = existing[code]
            if row.boundary is None or row.rainfall_normal_mm is None:
                row.boundary = row.boundary or m.boundary
                row.rainfall_normal_mm = row.rainfall_normal_mm or m.rainfall_normal_mm
                row.save(update_fields=["boundary", "rainfall_normal_mm"])
        else:
            new.append(Municipality(state_code=pl.STATE_CODE, code=code, name=m.name, boundary=m.boundary,
                                    rainfall_normal_mm=m.rainfall_normal_mm))  # fmt: skip
    Municipality.objects.bulk_create(new)
    muni_id = dict(Municipality.objects.filter(state_code=pl.STATE_CODE).values_list("code", "pk"))
    known = {(m, c): pk for m, c, pk in Locality.objects.exclude(locality_code="").values_list("municipality_id", "locality_code", "pk")}
    ids: list[int] = []
    for loc in structure.localities:
        key = (muni_id[loc.municipality], loc.code)
        if loc.code and key in known:
            ids.append(known[key])
            continue
        obj = Locality.objects.create(name=loc.name, municipality_id=key[0], locality_code=loc.code,
                                      latitude=round(loc.latitude, 6), longitude=round(loc.longitude, 6),
                                      altitude_m=loc.altitude_m)  # fmt: skip
        ids.append(obj.pk)
    return ids


def _organisations(structure: pl.Structure, locality_ids: list[int]) -> tuple[dict[str, int], list[int], list[str]]:
    from django.contrib.auth import get_user_model

    from miaf.web.accounts.services import create_user
    from miaf.web.registry.models import Group, Organisation

    osc = Organisation.objects.create(name=pl.ACCOMPANYING[0], short_name=pl.ACCOMPANYING[1], kind="accompanying")
    org_id = {"__osc__": osc.pk}
    for key, (name, short) in pl.PRODUCERS.items():
        org_id[key] = Organisation.objects.create(name=name, short_name=short, kind="producer", accompanied_by=osc).pk
    groups = Group.objects.bulk_create([
        Group(name=name, locality_id=locality_ids[structure.group_locality[g]], producer_organisation_id=org_id[org],
              formed_on=structure.group_formed_on[g].item())
        for g, (name, org) in enumerate(zip(structure.group_name, structure.group_org, strict=True))
    ])  # fmt: skip
    group_ids = [g.pk for g in groups]
    users = []
    User = get_user_model()
    from django.conf import settings

    # Users with a published password only where the operator marked the database a demo (MIAF_DEMO_DATABASE).
    for username, role, label in DEMO_USERS if settings.MIAF_DEMO_DATABASE else ():
        if User.objects.filter(username=username).exists():
            continue
        user = create_user(username, DEMO_PASSWORD, role, organisation=None if role == "administrator" else osc.name,
                           validate=False)  # fmt: skip
        user.first_name, user.last_name = username.capitalize(), DEMO_MARK
        user.save(update_fields=["first_name", "last_name"])
        if role == "promoter":
            user.profile.groups.add(*[group_ids[g] for g in structure.promoter_groups])
        users.append(f"{username} ({label})")
    org_id["__promoter__"] = User.objects.filter(username="promotor").values_list("pk", flat=True).first()
    return org_id, group_ids, users


def _write_chunk(chunk: Chunk, ids: dict[str, int], group_ids: list[int], locality_ids: list[int],
                 org_id: dict[str, int], species_id: dict[str, int], base: dict[str, int]) -> dict[str, int]:  # fmt: skip
    """Insert one chunk; ``base`` holds the first primary key of each table (families/plots by index)."""
    m = _models()
    demo = {"origin": "demo"}
    c = chunk
    fam_id = base["families"] + c.families["index"]
    group_of = np.asarray(group_ids)
    loc_of = np.asarray(locality_ids)
    sp = np.vectorize(lambda code: species_id[code], otypes=[np.int64])
    nf, nm = len(fam_id), len(c.members["family"])
    nh, nv, ne = len(c.harvests["plot"]), len(c.visits["family"]), len(c.events["group"])
    n = {}
    n["families"] = insert(m["families"], {**demo, "code": c.families["code"], "name": c.families["name"],
                           "locality_id": loc_of[c.families["locality"]], "anyone_migrated": c.families["anyone_migrated"],
                           "migration_notes": c.families["migration_notes"], "notes": c.families["notes"]}, int(fam_id[0]))  # fmt: skip
    n["members"] = insert(m["members"], {"family_id": base["families"] + c.members["family"], "name": c.members["name"],
                          "sex": c.members["sex"], "birth_year": c.members["birth_year"], "role": c.members["role"],
                          "languages": c.members["languages"], "migrated": c.members["migrated"]}, ids["members"])  # fmt: skip
    n["memberships"] = insert(m["memberships"], {"family_id": fam_id, "group_id": group_of[c.memberships["group"]],
                              "joined_on": c.memberships["joined_on"]})  # fmt: skip
    pc = c.plots
    n["plots"] = insert(m["plots"], {**demo, "family_id": base["families"] + pc["family"], "name": pc["name"],
                        "boundary": pc["boundary"], "area_ha": pc["area_ha"], "centroid_lat": pc["centroid_lat"],
                        "centroid_lon": pc["centroid_lon"], "altitude_m": pc["altitude_m"],
                        "mean_slope_pct": pc["mean_slope_pct"], "soil_depth_class": pc["soil_depth_class"],
                        "system": pc["system"], "established_on": pc["established_on"]}, base["plots"] + int(pc["family"][0]))  # fmt: skip
    n["phases"] = insert(m["phases"], {"plot_id": base["plots"] + c.phases["plot"], "system": c.phases["system"],
                         "started_on": c.phases["started_on"], "ended_on": c.phases["ended_on"], "notes": c.phases["notes"]})  # fmt: skip
    n["plantings"] = insert(m["plantings"], {**demo, "plot_id": base["plots"] + c.plantings["plot"],
                            "species_id": sp(c.plantings["species"]), "planted_on": c.plantings["planted_on"],
                            "quantity": c.plantings["quantity"], "unit": c.plantings["unit"]})  # fmt: skip
    n["harvests"] = insert(m["harvests"], {**demo, "plot_id": base["plots"] + c.harvests["plot"],
                           "species_id": sp(c.harvests["species"]), "harvested_on": c.harvests["harvested_on"],
                           "quantity_kg": c.harvests["quantity_kg"]}, ids["harvests"])  # fmt: skip
    d = c.destinations
    n["destinations"] = insert(m["destinations"], {"harvest_id": ids["harvests"] + d["harvest"], "destination": d["destination"],
                               "kg": d["kg"], "price_mxn_per_kg": d["price_mxn_per_kg"], "buyer": d["buyer"],
                               "paid_on": d["paid_on"]})  # fmt: skip
    lab = c.labour
    n["labour"] = insert(m["labour"], {**demo, "family_id": base["families"] + lab["family"],
                         "plot_id": base["plots"] + lab["family"], "year": lab["year"], "month": lab["month"],
                         "activity": lab["activity"], "kind": lab["kind"], "person_days": lab["person_days"],
                         "worker_sex": lab["worker_sex"], "wage_mxn_per_day": lab["wage_mxn_per_day"]})  # fmt: skip
    led = c.ledger
    sp_led = np.array([species_id[s] if s else None for s in led["species"].tolist()], dtype=object)
    n["ledger"] = insert(m["ledger"], {**demo, "family_id": base["families"] + led["family"], "year": led["year"],
                         "month": led["month"], "kind": led["kind"], "category": led["category"],
                         "species_id": list(sp_led), "amount_mxn": led["amount_mxn"], "notes": led["notes"]})  # fmt: skip
    v = c.visits
    promoter = org_id.get("__promoter__")
    n["visits"] = insert(m["visits"], {**demo, "family_id": base["families"] + v["family"], "plot_id": base["plots"] + v["plot"],
                         "promoter_id": [promoter if x else None for x in v["promoter"].tolist()],
                         "visited_on": v["visited_on"], "step": v["step"], "observations": v["observations"],
                         "agreements": v["agreements"], "tree_survival_pct": v["tree_survival_pct"]}, ids["visits"])  # fmt: skip
    t = c.measurements
    n["measurements"] = insert(m["measurements"], {"visit_id": ids["visits"] + t["visit"], "species_id": sp(t["species"]),
                               "row_number": t["row_number"], "tree_number": t["tree_number"],
                               "diameter_cm": t["diameter_cm"], "height_m": t["height_m"], "alive": t["alive"]})  # fmt: skip
    e = c.events
    n["events"] = insert(m["events"], {**demo, "organisation_id": [org_id[o] for o in e["organisation"].tolist()],
                         "group_id": group_of[e["group"]], "locality_id": loc_of[e["locality"]], "kind": e["kind"],
                         "title": e["title"], "topic": e["topic"], "held_on": e["held_on"], "step": e["step"]}, ids["events"])  # fmt: skip
    a = c.attendance
    n["attendance"] = insert(m["attendance"], {"event_id": ids["events"] + a["event"], "family_id": base["families"] + a["family"],
                             "member_id": ids["members"] + a["member"]})  # fmt: skip
    ids["members"] += nm
    ids["harvests"] += nh
    ids["visits"] += nv
    ids["events"] += ne
    del nf
    return n


def establishment_purchases(chunk: Chunk, seed: int, chunk_index: int) -> list[dict]:
    """The planting-year input purchases of each MIAF-D plot of ``chunk`` (family and plot by index).

    The items of the bill of materials the plot economics prices (:func:`miaf.economics.cashflow.establishment_cost_mxn`:
    seedlings with the replanting share, :func:`miaf.design.seedlings_bought`, compost for the planting holes,
    tools and A-frame per ha, at the economics.csv unit costs), bought on the day the trees were planted, with the family-to-family price
    spread of the demo's sales (``price_cv``). The plants counted are the plot's tree plantings.
    """
    from miaf.design import seedlings_bought
    from miaf.params import load_parameters
    from miaf.params import species as species_catalogue

    econ = load_parameters("economics")
    cv = pl.pfloat(pl.params(), "price_cv")
    rng = np.random.default_rng([seed, 7, chunk_index])
    names = {c: str(r.get("name_es") or c).split(" (")[0] for c, r in species_catalogue().items()}
    pc, plants = chunk.plots, chunk.plantings
    trees = plants["unit"] == "plants"
    plant_plot = np.asarray(plants["plot"])  # plots are numbered like their families (global index)
    rows: list[dict] = []
    for i, fam in enumerate(pc["family"].tolist()):
        mine = trees & (plant_plot == fam)
        if not mine.any():
            continue
        on = plants["planted_on"][mine].min().astype(object)
        noise = float(np.exp(rng.normal(0.0, cv)))
        n_total = 0.0
        for code, n in zip(plants["species"][mine].tolist(), plants["quantity"][mine].tolist(), strict=True):
            qty = seedlings_bought(n)  # trees × (1 + the design's replanting share), rounded up
            n_total += n
            rows.append({"family": fam, "plot": fam, "purchased_on": on, "item": f"Plantas de {names.get(code, code)}",
                         "quantity": qty, "unit": "plants", "cost_mxn": qty * float(econ["plant_price_mxn"]) * noise})
        rows.append({"family": fam, "plot": fam, "purchased_on": on, "item": "Abono orgánico para cepas",
                     "quantity": n_total, "unit": "cepas",
                     "cost_mxn": n_total * float(econ["hole_compost_cost_mxn_tree"]) * noise})
        rows.append({"family": fam, "plot": fam, "purchased_on": on, "item": "Herramientas y aparato A",
                     "quantity": 1, "unit": "juego",
                     "cost_mxn": float(pc["area_ha"][i]) * float(econ["tools_cost_mxn_ha"]) * noise})
    return rows


def _write_purchases(rows: list[dict], base: dict[str, int]) -> int:
    """Record the purchases through the records service the web forms use (its rules and audit trail), in
    one batch per chunk (:func:`~miaf.web.records.services.save_input_purchases`)."""
    from decimal import Decimal

    from miaf.web.records.services import save_input_purchases

    save_input_purchases(None, [{
        "family_id": base["families"] + r["family"], "plot_id": base["plots"] + r["plot"],
        "purchased_on": r["purchased_on"], "item": r["item"], "quantity": Decimal(str(round(r["quantity"], 2))),
        "unit": r["unit"], "cost_mxn": Decimal(str(round(r["cost_mxn"], 2))),
        "supplier": "Vivero y agroinsumos de la región (demostración)"} for r in rows], provenance={"origin": "demo"})
    return len(rows)


def _progress(total: int, enabled: bool) -> Callable[[int], None]:
    if not enabled:
        return lambda k: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="familias", desc="miaf demo", leave=False)

    def step(k: int) -> None:
        bar.update(k)
        if bar.n >= total:
            bar.close()

    return step


def load_demo(families: int | None = None, seed: int = 2011, reset: bool = False,
              only_if_empty: bool = False) -> DemoSummary:  # fmt: skip
    """Load the deterministic demo programme (see docs/demo.md) and return what was loaded.

    ``families`` defaults to the demo's 400 (405 ha); a larger number is the load-test scale option.
    ``reset`` deletes a previously loaded demo first; ``only_if_empty`` does nothing when the database
    already holds any family. Raises ValueError when the demo is already loaded and ``reset`` is off.
    """
    from miaf.web.catalogue.models import Species
    from miaf.web.registry.models import Family, ReferenceLayer

    started = time.perf_counter()
    p = pl.params()
    n = int(families if families is not None else pl.pfloat(p, "families_default"))
    if only_if_empty and Family.objects.exists():
        return DemoSummary(families=0, seed=seed, skipped=True,
                           message="la base de datos ya tiene familias; no se cargó la demostración (--if-empty).")  # fmt: skip
    if reset:
        unload_demo()
    elif demo_loaded():
        raise ValueError("the demo programme is already loaded; run `miaf demo --reset` to load it again")
    structure = pl.plan_programme(n, seed)
    species_id = dict(Species.objects.values_list("code", "pk"))
    missing = {"maiz", "frijol", "cafe"} - set(species_id)
    if missing:
        raise ValueError(f"species catalogue lacks {sorted(missing)}: run `miaf manage migrate` first")
    with transaction.atomic():
        locality_ids = _places(structure)
        org_id, group_ids, users = _organisations(structure, locality_ids)
    m = _models()
    first = _next_ids(m.values())
    base = {"families": first[m["families"]], "plots": first[m["plots"]]}
    ids = {k: first[m[k]] for k in ("members", "harvests", "visits", "events")}
    counts: dict[str, int] = {}
    polygons, areas = [], []
    step = _progress(n, n > 1000)
    sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block  # PRAGMAs refused in a transaction
    if sqlite:  # a larger page cache speeds up index maintenance of the big tables
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute("PRAGMA synchronous = OFF")  # restored below; a crash mid-load needs --reset anyway
    for k in range(len(structure.chunks)):
        chunk = generate_chunk(structure, k, seed)
        with transaction.atomic():
            for key, value in _write_chunk(chunk, ids, group_ids, locality_ids, org_id, species_id, base).items():
                counts[key] = counts.get(key, 0) + value
            counts["purchases"] = counts.get("purchases", 0) + _write_purchases(
                establishment_purchases(chunk, seed, k), base)
        polygons.append(pl.shapely.polygons(np.stack([chunk.plots["polygon_lon"], chunk.plots["polygon_lat"]], axis=-1)))
        areas.append(chunk.plots["area_ha"])
        step(len(chunk.families["code"]))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Statistics of the tables just filled: without them the planner takes them for empty and the steps
        # below (the market's offer queries) ran for minutes each at 20,000 families (docs/benchmarks/load.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from miaf.web.demo.process import load_process

    with transaction.atomic():
        counts.update(load_process(structure, group_ids, org_id, seed))
    from miaf.web.demo.fieldwork import load_fieldwork

    with transaction.atomic():
        counts.update(load_fieldwork(org_id, group_ids, seed))
    from miaf.web.market.demo import load_market  # buyers and demands (issue 12)

    with transaction.atomic():
        counts.update(load_market(org_id, seed))
    geometry, _share = pl.draw_corridor(np.concatenate(polygons), np.concatenate(areas), pl.pfloat(p, "corridor_share"),
                                        str(p["corridor_axis"].value))  # fmt: skip
    with transaction.atomic():
        ReferenceLayer.objects.create(name=CORRIDOR_NAME, kind="corridor", illustrative=True, source=CORRIDOR_SOURCE,
                                      geometry=json.loads(json.dumps(geometry)))  # fmt: skip
        sql = connection.ops.sequence_reset_sql(no_style(), list(m.values()))
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = NORMAL")
    from miaf.web.demo.headlines import compute_headlines

    return DemoSummary(families=n, seed=seed, counts=counts, headlines=compute_headlines(), users=users,
                       elapsed_s=time.perf_counter() - started)  # fmt: skip
