"""Finding 1 of issue 14, through the API: ``GET /api/v1/indicators?group=…&head_sex=F&year=2014`` gave an
analyst ``families 1`` and that family's gross income. Now every figure over fewer than k families, or one
a broader filter exposes by subtraction, is suppressed for the analyst, and still shown to the coordinator."""

from __future__ import annotations

import json

import pytest

from .conftest import SECRET_INCOME

pytestmark = pytest.mark.django_db


def by_code(body: dict) -> dict[str, dict]:
    return {i["code"]: i for p in body["pillars"].values() for i in p["indicators"]}


def test_the_exact_call_of_the_finding_is_suppressed_for_the_analyst(api, programme):
    r = api("diego", "indicators", group=programme.group_ojo.pk, head_sex="F", year=2014)
    assert r.status_code == 200, r.content
    body = r.json()
    ind = by_code(body)
    assert ind["families"]["value"] is None and ind["families"]["suppressed"] is True
    assert ind["families"]["suppressed_reason"] == "small_cell"
    assert ind["gross_income_per_family"]["value"] is None and ind["gross_income_per_family"]["suppressed"]
    assert all(i["suppressed"] and i["value"] is None and i["n"] == 0 for i in ind.values())
    assert body["disclosure"]["applied"] is True and body["disclosure"]["k"] == 5
    assert body["disclosure"]["indicators_suppressed"] == len(ind)
    text = json.dumps(body)
    assert "12345.67" not in text and "12345.6" not in text and "97.21" not in text


def test_the_coordinator_still_sees_the_one_family_figure(api, programme):
    ind = by_code(api("carla", "indicators", group=programme.group_ojo.pk, head_sex="F", year=2014).json())
    assert ind["families"]["value"] == 1 and ind["families"]["suppressed"] is False
    assert ind["gross_income_per_family"]["value"] == pytest.approx(SECRET_INCOME)


def test_differencing_a_broader_filter_against_a_narrower_one_is_suppressed(api, programme):
    group = programme.group_ojo.pk
    whole = by_code(api("diego", "indicators", group=group, year=2014).json())
    men = by_code(api("diego", "indicators", group=group, head_sex="M", year=2014).json())
    # the group (7 families) is shown; the 6 men-headed families would reveal the seventh by subtraction
    assert whole["families"]["value"] == 7 and not whole["families"]["suppressed"]
    assert whole["gross_income_per_family"]["value"] is not None
    assert men["families"]["value"] is None and men["families"]["suppressed_reason"] == "differencing"
    assert men["gross_income_per_family"]["value"] is None
    assert men["gross_income_per_family"]["suppressed_reason"] == "differencing"
    # what the coordinator can subtract, the analyst could have: the hidden value is that family's income
    carla_whole = by_code(api("carla", "indicators", group=group, year=2014).json())
    carla_men = by_code(api("carla", "indicators", group=group, head_sex="M", year=2014).json())
    total = carla_whole["gross_income_per_family"]["value"] * 7
    assert total - carla_men["gross_income_per_family"]["value"] * 6 == pytest.approx(SECRET_INCOME)


def test_a_large_enough_set_with_no_small_neighbour_is_shown_to_the_analyst(api, programme):
    ind = by_code(api("diego", "indicators", year=2014).json())
    assert ind["families"]["value"] == 14 and not ind["families"]["suppressed"]
    assert ind["gross_income_per_family"]["value"] is not None


def test_the_stats_endpoint_hides_the_small_municipalities_for_the_analyst(api, programme):
    rows = {r["name"]: r for r in api("diego", "stats").json()["by_municipality"]}
    assert rows["La Trinidad"]["families"] is None and rows["La Trinidad"]["suppressed"] == "small_cell"
    assert rows["Comitán de Domínguez"]["families"] is None
    assert rows["Comitán de Domínguez"]["suppressed"] == "complementary"
    assert rows["Las Margaritas"]["families"] == 8 and rows["Las Margaritas"]["suppressed"] == ""
    carla = {r["name"]: r for r in api("carla", "stats").json()["by_municipality"]}
    assert carla["La Trinidad"]["families"] == 1 and carla["La Trinidad"]["suppressed"] == ""


def test_a_breakdown_entry_of_one_family_and_its_complement_are_cut_for_the_analyst(api, programme):
    # 2014 maize: fam_ojo's plot is the only MIAF-D one (1 family), 13 families on traditional plots
    carla = by_code(api("carla", "indicators", year=2014).json())["yield_by_crop"]
    assert set(carla["breakdown"]) == {"maiz|miaf_d", "maiz|traditional"}
    diego = by_code(api("diego", "indicators", year=2014).json())["yield_by_crop"]
    assert not diego["suppressed"]
    # the one-family entry is cut, and so is the other one: else the figure's total would give it back
    assert sorted(diego["breakdown_suppressed"]) == ["maiz|miaf_d", "maiz|traditional"]
    assert not diego["breakdown"]
