"""Demo fieldwork: planned visits around today (some overdue, some due in the coming weeks), facilitator,
language and place of the generated trainings, invited groups of the exchanges, and the staff's own
trainings. Deterministic for a seed (dates are relative to the day the demo is loaded); rows are written
with the demo loader's bulk ``insert``, a fixed number of statements whatever the programme's size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

FACILITATORS = ("Juana Hernández (promotora comunitaria)", "Pedro Gómez (técnico de la OSC)",
                "Rosa López (productora, grupo anfitrión)", "Manuel Díaz (vivero comunitario)",
                "Ana María Cruz (comercialización)")
PLACES = ("Casa ejidal", "Escuela primaria", "Parcela demostrativa", "Casa de la promotora", "Vivero comunitario",
          "Auditorio municipal")
#: Languages of the events, with their weights (Spanish and tseltal most often, as in the demo's families).
LANGUAGES = (("es", 0.45), ("tzh", 0.3), ("tzo", 0.15), ("toj", 0.1))
PURPOSES = ("Revisar sobrevivencia de árboles y replantar", "Acompañar la poda de frutales",
            "Medir árboles para el seguimiento de carbono", "Planear la siembra de maíz y frijol",
            "Revisar las barreras vivas y la erosión", "Apoyar el registro de cosechas y ventas",
            "Dar seguimiento a los acuerdos de la visita anterior")
STAFF_TRAININGS = (  # title, topic, facilitator, hours, months ago
    ("Acompañamiento en lengua materna", "Facilitación de intercambios en tseltal y tsotsil", "CIESAS Sureste", 16, 30),
    ("Diseño de parcelas MIAF-D en ladera", "Curvas a nivel, hileras de frutales y barreras", "INIFAP", 24, 24),
    ("Registro de datos en el teléfono", "ODK Collect, miaf y la cuarentena de importaciones", "Equipo de la OSC", 8, 14),
    ("Poda e injerto de frutales", "Durazno, aguacate y cítricos", "Vivero regional", 12, 9),
    ("Comercialización y precios justos", "Canales de venta, intermediarios, pagos diferidos", "Red de comercio justo",
     10, 4),
    ("Primeros auxilios en campo", "Seguridad en recorridos y parcelas", "Cruz Roja", 6, 1),
)
#: Shares of demo families with an open planned visit: overdue, due today, due in the next six weeks.
OVERDUE, TODAY, UPCOMING = 0.22, 0.04, 0.34


def load_fieldwork(org_id: dict[str, int], group_ids: list[int], seed: int, today: dt.date | None = None) -> dict[str, int]:
    """Write the demo's planned visits, event details, invited groups and staff trainings; return row counts."""
    from miaf.web.accounts.models import Profile
    from miaf.web.demo.load import insert
    from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, VisitPlan
    from miaf.web.registry.models import Membership

    today = today or timezone.localdate()
    rng = np.random.default_rng(seed + 1111)
    promoter = org_id.get("__promoter__")
    promoted = set(Profile.groups.through.objects.filter(profile__user_id=promoter).values_list("group_id", flat=True))
    ms = np.array(list(Membership.objects.filter(group_id__in=group_ids, left_on__isnull=True, family__origin="demo")
                       .order_by("family_id").values_list("family_id", "group_id")), dtype=np.int64).reshape(-1, 2)
    counts: dict[str, int] = {}
    n = len(ms)
    draw = rng.random(n)
    offsets = np.where(draw < OVERDUE, -rng.integers(1, 60, n),
                       np.where(draw < OVERDUE + TODAY, 0, rng.integers(1, 43, n)))
    chosen = draw < OVERDUE + TODAY + UPCOMING
    fam, grp, off = ms[chosen, 0], ms[chosen, 1], offsets[chosen]
    due = np.datetime64(today.isoformat()) + off.astype("timedelta64[D]")
    purposes = np.array(PURPOSES)[rng.integers(0, len(PURPOSES), len(fam))]
    promoters = [promoter if g in promoted else None for g in grp.tolist()]
    counts["visit_plans"] = insert(VisitPlan, {"family_id": fam, "due_on": due, "purpose": purposes,
                                               "promoter_id": promoters, "step": 11, "status": "planned"})
    # A few plans of the past cancelled, with their reason (history is kept).
    past = rng.random(n) < 0.03
    counts["visit_plans"] += insert(VisitPlan, {
        "family_id": ms[past, 0], "due_on": np.datetime64(today.isoformat()) - rng.integers(60, 200, int(past.sum())).astype("timedelta64[D]"),
        "purpose": "Visita de seguimiento", "step": 11, "status": "cancelled",
        "cancel_reason": "Camino cerrado por las lluvias; se reprograma", "promoter_id": None})
    events = list(TrainingEvent.objects.filter(organisation_id__in=list(org_id.values()), origin="demo")
                  .order_by("pk").values_list("pk", "kind", "group_id"))
    codes, weights = zip(*LANGUAGES, strict=True)
    k = len(events)
    rows = list(zip(np.array(FACILITATORS)[rng.integers(0, len(FACILITATORS), k)].tolist(),
                    rng.choice(codes, k, p=weights).tolist(),
                    np.array(PLACES)[rng.integers(0, len(PLACES), k)].tolist(),
                    [pk for pk, _, _ in events], strict=True))
    if rows:
        qn = connection.ops.quote_name
        sql = (f"UPDATE {qn(TrainingEvent._meta.db_table)} SET {qn('facilitator')} = %s, {qn('language')} = %s, "
               f"{qn('place')} = %s WHERE {qn('id')} = %s")
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    # Exchanges invite the next group of the programme (a neighbour in the demo's group order).
    position = {g: i for i, g in enumerate(group_ids)}
    invited = [(pk, group_ids[(position[g] + 1) % len(group_ids)]) for pk, kind, g in events
               if kind == "exchange" and g in position and len(group_ids) > 1]
    counts["invited_groups"] = insert(TrainingEvent.groups.through, {
        "trainingevent_id": [e for e, _ in invited], "group_id": [g for _, g in invited]}) if invited else 0
    osc = org_id.get("__osc__")
    staff = list(Profile.objects.filter(organisation_id=osc, role__in=("promoter", "coordinator")).values_list("pk", flat=True))
    if promoter:  # the demo promoter speaks Spanish and tseltal (the promoters page compares with his families)
        Profile.objects.filter(user_id=promoter).update(languages=["es", "tzh"])
    made = 0
    for title, topic, who, hours, months_ago in STAFF_TRAININGS:
        st = StaffTraining.objects.create(organisation_id=osc, title=title, topic=topic, facilitator=who, hours=hours,
                                          held_on=today - dt.timedelta(days=30 * months_ago), origin="demo")
        st.attendees.set(staff)
        made += 1
    counts["staff_trainings"] = made
    return counts


def unload_fieldwork(orgs: Any) -> None:
    """Delete what :func:`load_fieldwork` wrote (before the demo's families, events and users go)."""
    from miaf.web.fieldwork.models import StaffTraining, TrainingEvent, VisitPlan

    for qs in (VisitPlan.objects.filter(family__origin="demo"),
               TrainingEvent.groups.through.objects.filter(trainingevent__organisation__in=orgs),
               StaffTraining.attendees.through.objects.filter(stafftraining__organisation__in=orgs),
               StaffTraining.objects.filter(organisation__in=orgs)):
        qs._raw_delete(qs.db)
