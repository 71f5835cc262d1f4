"""The ``pasos-del-proceso`` table (CSV/XLSX) with the role rules of the other exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from miaf.web.process import services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def steps(world):  # noqa: ANN001, ANN201
    rec = services.start_step(world.carla, world.group_ojo, 5, TODAY - dt.timedelta(days=200))
    first, second = rec.stage.checklist.all()[:2]
    services.tick_checklist(world.carla, rec, first, True, TODAY)
    services.tick_checklist(world.carla, rec, second, True, TODAY)
    services.tick_checklist(world.carla, rec, second, False, TODAY)
    services.complete_step(world.carla, world.group_vergel, 3, TODAY, reason="inventario previo")
    return rec


def rows(response) -> list[dict]:  # noqa: ANN001
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_coordinator_downloads_every_step_of_her_groups(world, client_for, steps):
    r = client_for(world.carla).get(reverse("exports:table", args=["pasos-del-proceso", "csv"]))
    got = {(row["group"], row["step"]): row for row in rows(r)}
    assert set(got) == {("Ojo de Agua", "5"), ("El Vergel", "3")}
    ojo = got[("Ojo de Agua", "5")]
    assert ojo["status"] == "in_progress" and ojo["overdue"] == "true"  # 200 days > 90 expected
    assert ojo["n_checklist_ticked"] == "1"  # the second item was unticked after
    assert got[("El Vergel", "3")]["out_of_order_reason"] == "inventario previo"


def test_a_promoter_downloads_only_her_groups_steps(world, client_for, steps):
    r = client_for(world.beto).get(reverse("exports:table", args=["pasos-del-proceso", "csv"]))
    assert [row["group"] for row in rows(r)] == ["El Vergel"]


@pytest.mark.parametrize(("persona", "expected"), [("diego", 403), ("olga", 200), ("ana", 200)])
def test_the_table_follows_the_export_role_rules(world, client_for, steps, persona, expected):
    r = client_for(getattr(world, persona)).get(reverse("exports:table", args=["pasos-del-proceso", "xlsx"]))
    assert r.status_code == expected


def test_the_data_dictionary_documents_the_table(world, client_for):
    from miaf.web.exports.columns import ALL_TABLES

    spec = next(t for t in ALL_TABLES if t.slug == "pasos-del-proceso")
    assert all(c.meaning for c in spec.columns)
