"""Extraction from the database: role scoping through groups_for, no names, indicators end to end."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from miaf.indicators import compute_indicators

pytestmark = pytest.mark.django_db

CORRIDOR = {"type": "Polygon", "coordinates": [[[-92.0, 16.30], [-91.9795, 16.30], [-91.9795, 16.32],
                                                [-92.0, 16.32], [-92.0, 16.30]]]}  # fmt: skip


@pytest.fixture
def records(world):  # noqa: ANN001, ANN201
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest, HarvestDestination, LabourLog, LedgerEntry
    from miaf.web.registry.models import ReferenceLayer

    maiz = Species.objects.get(code="maiz")
    # plot_ojo: traditional since 2005, MIAF-D since 2012-05-15; 2011 traditional maize 100 kg, 2016 MIAF-D 150 kg
    h0 = Harvest.objects.create(plot=world.plot_ojo, species=maiz, harvested_on=dt.date(2011, 11, 10),
                                quantity_kg=Decimal("100"))
    h1 = Harvest.objects.create(plot=world.plot_ojo, species=maiz, harvested_on=dt.date(2016, 11, 10),
                                quantity_kg=Decimal("150"))
    HarvestDestination.objects.create(harvest=h1, destination="self", kg=Decimal("45"))
    HarvestDestination.objects.create(harvest=h1, destination="organisation", kg=Decimal("105"),
                                      price_mxn_per_kg=Decimal("5"))
    HarvestDestination.objects.create(harvest=h0, destination="self", kg=Decimal("100"))
    Harvest.objects.create(plot=world.plot_other, species=maiz, harvested_on=dt.date(2016, 11, 1),
                           quantity_kg=Decimal("999"))
    for year, days in ((2011, "4"), (2016, "6")):
        LabourLog.objects.create(family=world.fam_ojo, plot=world.plot_ojo, year=year, month=6, activity="weeding",
                                 kind="family", person_days=Decimal(days), worker_sex="F")
    LedgerEntry.objects.create(family=world.fam_vergel, year=2016, month=3, kind="income", category="wages",
                               amount_mxn=Decimal("900"))
    ReferenceLayer.objects.create(name="Corredor de prueba", kind="corridor", source="test", geometry=CORRIDOR)
    return world


def test_analyst_gets_the_aggregates_of_the_organisation_groups_without_names(records):
    from miaf.web.evidence.extract import load_tables

    t = load_tables(records.diego)
    # diego (analyst, PROASUS) aggregates Ojo de Agua and El Vergel, not the other organisation's group
    assert set(t.families["family_id"]) == {records.fam_ojo.pk, records.fam_vergel.pk}
    assert set(t.families["municipality"]) == {"07052"}
    assert t.families["head_sex"].tolist() == ["F", "F"]
    dump = json.dumps({k: getattr(t, k).astype(str).to_dict() for k in t.counts()})
    assert "Familia" not in dump and "Jefa" not in dump  # no family or member names
    r = compute_indicators(t)
    # maize 150 kg in 2016 (MIAF-D) against 100 kg in 2011 (traditional) on the same plot -> +50 %
    assert r.value("maize_yield_gain") == pytest.approx(0.5)
    # 45 of 150 kg self-consumed in MIAF-D harvests
    assert compute_indicators(t, {"system": "miaf_d"})["self_consumption_share"].breakdown == {"maiz": 0.3}
    # labour: 6 days in 2016 (MIAF-D) against 4 days in 2011 (traditional) on the same area -> 1.5
    assert r.value("labour_ratio") == pytest.approx(1.5)
    assert r.value("families") == 2


def test_promoter_aggregates_only_their_group(records):
    from miaf.web.evidence.extract import load_tables

    t = load_tables(records.ana)
    assert set(t.families["family_id"]) == {records.fam_ojo.pk}
    assert set(t.plots["plot_id"]) == {records.plot_ojo.pk}
    assert set(t.families["group"]) == {"Ojo de Agua"}


def test_other_organisation_sees_none_of_proasus(records):
    from miaf.web.evidence.extract import load_tables

    t = load_tables(records.olga)
    assert set(t.families["family_id"]) == {records.fam_other.pk}
    assert t.harvests["quantity_kg"].tolist() == [999.0]


def test_corridor_overlap_is_computed_for_miaf_plots(records):
    from miaf.web.evidence.extract import load_tables

    t = load_tables(records.carla)
    # the test corridor stops at lon -91.9795: half of plot_ojo's width (-91.9800 .. -91.9790)
    ov = t.layer_overlap
    assert ov["plot_id"].tolist() == [records.plot_ojo.pk]
    assert ov["share"].iloc[0] == pytest.approx(0.5, abs=0.01)
    assert compute_indicators(t)["area_share_in_layers"].value == pytest.approx(0.5, abs=0.01)


def test_indicators_command_prints_json(records, capsys):
    import argparse

    from miaf.web.evidence.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["indicators", "--user", "diego", "--system", "miaf_d", "--json"])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["filters"] == {"system": "miaf_d"}
    social = {i["code"]: i for i in out["pillars"]["social"]["indicators"]}
    assert social["families"]["value"] == 1  # only fam_ojo has a MIAF-D plot


def test_indicators_command_text_and_unknown_user(records, capsys):
    import argparse

    from miaf.web.evidence.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["indicators", "--municipality", "07052", "--year", "2016"])
    assert args.func(args) == 0
    assert "maize_yield_gain" in capsys.readouterr().out
    bad = parser.parse_args(["indicators", "--user", "nobody"])
    with pytest.raises(ValueError, match="nobody"):
        bad.func(bad)
