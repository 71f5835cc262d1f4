"""The demo's accompaniment process history: every demo group's 12-step records, checklist ticks, status
events and commitments; resource inventories and project ideas for some families; and a few new groups
still in their first steps (1–8) whose families are not registered yet (the demo registers a group's
families with its implementation, step 9).

Deterministic for a seed and a day (the current step depends on today's date). The programme's groups
converted their plots to MIAF in 2011–2015, so their step 9 (project implementation) starts in their
conversion year; how far they went after it (9 to 12: training, follow-up, merchandising) is drawn per
group (45 % at 12, 30 % at 11, 15 % at 10, 10 % still at 9). Steps 1–8 are spread over the year before. The current step started some time ago,
up to 1.3 times its expected duration, so about a quarter of the groups are overdue. Rows are written
with :func:`miaf.web.demo.load.insert` (executemany, precomputed keys) like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Max
from django.utils import timezone

#: Share of demo families with a resource inventory (and, past step 4, project ideas).
INVENTORY_SHARE = 0.1
IDEA_TITLES = ("Milpa intercalada con árboles frutales (MIAF)", "Café bajo sombra diversificada", "Durazno en ladera",
               "Aguacate criollo", "Miel de abeja", "Hortaliza de traspatio")
TERMS = ("Trabajar en confianza con la organización acompañante: aplicar bien los recursos, comprar insumos de calidad "
         "en colectivo y participar en capacitaciones e intercambios.")


def _next_id(model) -> int:  # noqa: ANN001
    return (model.objects.aggregate(x=Max("pk"))["x"] or 0) + 1


def _schedule(rng: np.random.Generator, conv_year: int, formed_on: dt.date, expected: dict[int, int],
              today: dt.date) -> tuple[int, dict[int, dt.date]]:
    """(current step, start date of each step up to it) of an established group."""
    start9 = dt.date(conv_year, 3, 1) + dt.timedelta(days=int(rng.integers(0, 90)))
    begin = min(formed_on, start9) - dt.timedelta(days=365)
    starts = {}
    span = (start9 - begin).days
    pre = np.cumsum([0] + [expected[n] for n in range(1, 9)])
    for n in range(1, 9):
        starts[n] = begin + dt.timedelta(days=int(span * pre[n - 1] / pre[-1]))
    starts[9] = start9
    # How far the group went after implementation: most reach follow-up or merchandising.
    current = int(rng.choice([9, 10, 11, 12], p=[0.1, 0.15, 0.3, 0.45]))
    after = (today - start9).days
    for n in range(10, current + 1):
        starts[n] = start9 + dt.timedelta(days=int(after * (n - 9) / (current - 8.5)))
    return current, {n: d for n, d in starts.items() if n <= current}


def load_process(structure, group_ids: list[int], org_id: dict[str, int], seed: int) -> dict[str, int]:  # noqa: ANN001, C901, PLR0915
    """Write the process history of the demo groups (and a few new groups); returns row counts."""
    from miaf.web.demo.load import insert
    from miaf.web.process.models import (
        ChecklistItem,
        ChecklistTick,
        Commitment,
        GroupProgress,
        ProjectIdea,
        ResourceInventory,
        Stage,
        StepEvent,
        StepRecord,
    )
    from miaf.web.registry.models import Group, Member, Membership

    rng = np.random.default_rng(seed + 12)
    today = timezone.localdate()
    if not Stage.objects.filter(organisation__isnull=True).exists():
        # A flushed database (transactional tests) lost the stages the migration seeded: seed them again.
        from miaf.web.process.seed import load_global_stages

        load_global_stages(Stage, ChecklistItem)
    stages = {s.number: s for s in Stage.objects.filter(organisation__isnull=True)}
    expected = {n: s.expected_days for n, s in stages.items()}
    items = {}
    for item in ChecklistItem.objects.filter(stage__organisation__isnull=True).select_related("stage"):
        items.setdefault(item.stage.number, []).append(item.pk)
    promoter = org_id.get("__promoter__")
    promoted = {group_ids[g] for g in structure.promoter_groups}

    # A few new groups still in promotion, in the localities and organisations of existing ones.
    n_new = max(8, len(group_ids) // 10)
    picks = rng.choice(len(group_ids), size=n_new, replace=False)
    existing = Group.objects.in_bulk([group_ids[i] for i in picks])
    new_groups = Group.objects.bulk_create([
        Group(name=f"Nuevo grupo {k + 1:02d} de {existing[group_ids[i]].name}", locality_id=existing[group_ids[i]].locality_id,
              producer_organisation_id=existing[group_ids[i]].producer_organisation_id,
              formed_on=today - dt.timedelta(days=int(rng.integers(60, 700))))
        for k, i in enumerate(picks)
    ])  # fmt: skip

    rec = {k: [] for k in ("id", "group_id", "stage_id", "status", "started_on", "due_on", "completed_on", "responsible_id")}
    ev = {k: [] for k in ("record_id", "on", "from_status", "to_status", "by_id", "note")}
    tk = {k: [] for k in ("record_id", "item_id", "done", "on", "by_id")}
    progress = {k: [] for k in ("group_id", "record_id", "number", "status", "since", "due_on")}
    next_rec = _next_id(StepRecord)

    def add_group(gid: int, current: int, starts: dict[int, dt.date]) -> None:
        nonlocal next_rec
        who = promoter if gid in promoted else None
        for n in range(1, current + 1):
            start = starts[n]
            done = n < current
            end = starts[n + 1] if done else None
            if n == current:  # the current step began up to 1.3 × its expected duration ago
                start = max(start, today - dt.timedelta(days=int(expected[n] * 1.3 * rng.random())))
            due = start + dt.timedelta(days=expected[n])
            rid = next_rec
            next_rec += 1
            for key, value in (("id", rid), ("group_id", gid), ("stage_id", stages[n].pk),
                               ("status", "done" if done else "in_progress"), ("started_on", start), ("due_on", due),
                               ("completed_on", end), ("responsible_id", who)):
                rec[key].append(value)
            for on, old, new in ((start, "planned", "in_progress"), *(((end, "in_progress", "done"),) if done else ())):
                for key, value in (("record_id", rid), ("on", on), ("from_status", old), ("to_status", new),
                                   ("by_id", who), ("note", "")):
                    ev[key].append(value)
            ticked = items.get(n, []) if done else [i for i in items.get(n, []) if rng.random() < 0.5]
            for item in ticked:
                for key, value in (("record_id", rid), ("item_id", item), ("done", True), ("on", end or today),
                                   ("by_id", who)):
                    tk[key].append(value)
            if n == current:
                for key, value in (("group_id", gid), ("record_id", rid), ("number", n), ("status", "in_progress"),
                                   ("since", start), ("due_on", due)):
                    progress[key].append(value)

    current_of: dict[int, int] = {}
    commit_on: dict[int, dt.date] = {}
    for g, gid in enumerate(group_ids):
        formed = structure.group_formed_on[g].item()
        current, starts = _schedule(rng, int(structure.group_conversion_year[g]), formed, expected, today)
        add_group(gid, current, starts)
        current_of[gid] = current
        commit_on[gid] = starts[7]
    for k, group in enumerate(new_groups):
        current = k % 8 + 1  # every early step appears
        span = (today - group.formed_on).days
        starts = {n: group.formed_on + dt.timedelta(days=int(span * (n - 1) / current)) for n in range(1, current + 1)}
        add_group(group.pk, current, starts)
        current_of[group.pk] = current
        commit_on[group.pk] = starts.get(7, today)

    def dates(values: list) -> list:
        return [v.isoformat() if v else None for v in values]

    counts = {"process_groups_new": len(new_groups)}
    for key in ("started_on", "due_on", "completed_on"):
        rec[key] = dates(rec[key])
    counts["step_records"] = insert(StepRecord, {**{k: v for k, v in rec.items() if k != "id"}, "notes": "",
                                                 "out_of_order_reason": ""}, rec["id"][0] if rec["id"] else None)
    ev["on"] = dates(ev["on"])
    counts["step_events"] = insert(StepEvent, ev)
    tk["on"] = dates(tk["on"])
    counts["checklist_ticks"] = insert(ChecklistTick, tk)
    progress["since"] = dates(progress["since"])
    progress["due_on"] = dates(progress["due_on"])
    counts["group_progress"] = _insert_with_pk(GroupProgress, progress)

    # Commitments of the groups past step 6, signed by the heads of up to three of their families.
    heads = dict(Member.objects.filter(family__origin="demo", role="head").values_list("family_id", "pk"))
    families_of: dict[int, list[int]] = {}
    for gid, fid in Membership.objects.filter(group_id__in=group_ids, left_on__isnull=True).values_list("group_id", "family_id"):
        families_of.setdefault(gid, []).append(fid)
    first_c = _next_id(Commitment)
    # (A new group past step 6 has its commitment too; its signatories wait for its families' registration.)
    past6 = [gid for gid in current_of if current_of[gid] > 6]
    counts["commitments"] = insert(Commitment, {
        "origin": "demo", "group_id": past6, "signed_on": dates([commit_on[g] for g in past6]), "terms": TERMS,
        "representative_id": [promoter if g in promoted else None for g in past6],
    }, first_c)
    sig_c, sig_m = [], []
    for k, gid in enumerate(past6):
        for fid in sorted(families_of.get(gid, []))[:3]:
            if fid in heads:
                sig_c.append(first_c + k)
                sig_m.append(heads[fid])
    counts["commitment_signatories"] = insert(Commitment.signatories.through, {"commitment_id": sig_c, "member_id": sig_m})

    # Inventories (and ideas) for about one family in ten, surveyed during the group's step 3.
    inv = {k: [] for k in ("family_id", "surveyed_on", "land_ha", "sloping_land_ha", "water_source", "water_access",
                           "labour_persons", "labour_person_days_month", "animals", "tools", "savings_mxn")}
    idea = {k: [] for k in ("family_id", "recorded_on", "rank", "title", "chosen")}
    for gid in group_ids:
        on = commit_on[gid] - dt.timedelta(days=120)  # during step 3
        for fid in sorted(families_of.get(gid, [])):
            if rng.random() >= INVENTORY_SHARE:
                continue
            land = round(float(rng.uniform(0.5, 4.0)), 2)
            persons = int(rng.integers(1, 6))
            for key, value in (("family_id", fid), ("surveyed_on", on.isoformat()), ("land_ha", land),
                               ("sloping_land_ha", round(land * float(rng.uniform(0.4, 1.0)), 2)),
                               ("water_source", ["manantial", "arroyo", "pozo", "lluvia"][int(rng.integers(4))]),
                               ("water_access", ["none", "seasonal", "permanent"][int(rng.integers(3))]),
                               ("labour_persons", persons), ("labour_person_days_month", round(persons * float(rng.uniform(8, 20)), 1)),
                               ("animals", "gallinas, cerdos"), ("tools", "azadón, machete, bomba de mochila"),
                               ("savings_mxn", int(rng.integers(0, 30)) * 100)):
                inv[key].append(value)
            for rank, title in enumerate(rng.choice(IDEA_TITLES, size=3, replace=False).tolist(), start=1):
                for key, value in (("family_id", fid), ("recorded_on", (on + dt.timedelta(days=60)).isoformat()),
                                   ("rank", rank), ("title", title), ("chosen", rank == 1)):
                    idea[key].append(value)
    counts["inventories"] = insert(ResourceInventory, {**inv, "origin": "demo"})
    counts["project_ideas"] = insert(ProjectIdea, {**idea, "origin": "demo", "description": ""})
    _reset_sequences([StepRecord, Commitment])
    return counts


def _reset_sequences(models: list) -> None:
    """Rows were written with explicit keys: move PostgreSQL's sequences past them."""
    from django.core.management.color import no_style
    from django.db import connection

    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        with connection.cursor() as cursor:
            cursor.execute(statement)


def _insert_with_pk(model, progress: dict[str, list]) -> int:  # noqa: ANN001
    """GroupProgress's primary key is its group: inserted as given, not generated."""
    from django.db import connection

    if not progress["group_id"]:
        return 0
    qn = connection.ops.quote_name
    rows = list(zip(progress["group_id"], progress["record_id"], progress["number"], progress["status"],
                    progress["since"], progress["due_on"], strict=True))
    sql = (f"INSERT INTO {qn(model._meta.db_table)} (group_id, record_id, number, status, since, due_on) "
           "VALUES (%s, %s, %s, %s, %s, %s)")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def unload_process(groups, orgs) -> None:  # noqa: ANN001
    """Delete the process rows of the demo groups and families (before their groups and families go)."""
    from miaf.web.process.models import (
        ChecklistTick,
        Commitment,
        Evidence,
        GroupProgress,
        ProjectIdea,
        ResourceInventory,
        StepEvent,
        StepRecord,
    )

    for qs in (
        GroupProgress.objects.filter(group__in=groups),
        ChecklistTick.objects.filter(record__group__in=groups),
        StepEvent.objects.filter(record__group__in=groups),
        Evidence.objects.filter(record__group__in=groups),
        StepRecord.objects.filter(group__in=groups),
        Commitment.signatories.through.objects.filter(commitment__group__in=groups),
        Commitment.objects.filter(group__in=groups),
        ResourceInventory.objects.filter(family__origin="demo"),
        ProjectIdea.objects.filter(family__origin="demo"),
    ):
        qs._raw_delete(qs.db)
