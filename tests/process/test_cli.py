"""``miaf process board --json``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from miaf.cli import main
from miaf.web.process import services

pytestmark = pytest.mark.django_db(transaction=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["process", "board", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_board_prints_one_json_object_per_group(world, capsys):
    today = dt.date.today()
    services.start_step(world.carla, world.group_ojo, 5, today - dt.timedelta(days=12), due_on=today - dt.timedelta(days=2))
    from miaf.web.fieldwork.models import Visit

    Visit.objects.create(family=world.fam_ojo, visited_on=today - dt.timedelta(days=3))
    code, out, _ = run(capsys, "--organisation", "PROASUS", "--json")
    rows = {r["group"]: r for r in json.loads(out)}
    assert code == 0
    assert set(rows) == {"Ojo de Agua", "El Vergel"}
    ojo = rows["Ojo de Agua"]
    assert (ojo["step"], ojo["days_in_step"], ojo["overdue"]) == (5, 12, True)
    assert ojo["step_name"] == "Intercambio de experiencias"
    assert ojo["last_visit"] == (today - dt.timedelta(days=3)).isoformat()
    assert rows["El Vergel"]["last_visit"] is None and rows["El Vergel"]["step"] == 1


def test_a_users_scope_applies(world, capsys):
    code, out, _ = run(capsys, "--user", "beto", "--json")
    assert code == 0
    assert [r["group"] for r in json.loads(out)] == ["El Vergel"]


def test_an_unknown_organisation_exits_2_with_one_line(world, capsys):
    code, out, err = run(capsys, "--organisation", "NADIE", "--json")
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1 and "NADIE" in err
