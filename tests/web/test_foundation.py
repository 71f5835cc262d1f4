"""Foundation: health check, catalogue, plot history, role scoping at the queryset level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from miaf.web.accounts.scoping import families_for, groups_for, plots_for

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_species_catalogue_is_loaded_from_the_versioned_csv_with_sources():
    from miaf.params import load_table
    from miaf.web.catalogue.models import Species

    rows = load_table("species")
    assert Species.objects.count() == len(rows)
    avocado = Species.objects.get(code="aguacate")
    assert avocado.stratum == "fruit_tree" and avocado.native
    assert "cuartopoder" in avocado.source
    assert avocado.harvest_months[:2] == [10, 11]


def test_plot_area_is_computed_geodesically(world):
    # 0.001° lon × 0.0009° lat at 16.31° N: 106.8 m × 99.6 m ≈ 1.064 ha (WGS84 ellipsoid).
    assert world.plot_ojo.area_ha == pytest.approx(1.064, rel=0.01)
    assert world.plot_ojo.centroid_lat == pytest.approx(16.31045, abs=1e-5)


def test_plot_history_keeps_the_traditional_phase_before_miaf_d(world):
    phases = list(world.plot_ojo.phases.order_by("started_on").values_list("system", "started_on", "ended_on"))
    assert phases == [
        ("traditional", dt.date(2005, 1, 1), dt.date(2012, 5, 15)),
        ("miaf_d", dt.date(2012, 5, 15), None),
    ]
    world.plot_ojo.refresh_from_db()
    assert world.plot_ojo.system == "miaf_d" and world.plot_ojo.established_on == dt.date(2012, 5, 15)


@pytest.mark.parametrize(
    ("coords", "code"),
    [
        ([[-91.98, 16.31], [-91.97, 16.31], [-91.97, 16.32]], "not_closed"),
        ([[-91.98, 16.31], [-91.97, 16.31], [-91.98, 16.31]], "too_few_points"),
        ([[-91.98, 16.31], [-91.97, 16.32], [-91.97, 16.31], [-91.98, 16.32], [-91.98, 16.31]], "self_intersects"),
        ([[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.86], [2.35, 48.85]], "outside_mexico"),
        ([[-92.0, 16.0], [-91.9, 16.0], [-91.9, 16.1], [-92.0, 16.1], [-92.0, 16.0]], "too_large"),
    ],
)
def test_bad_polygons_are_refused_naming_the_boundary_field_and_nothing_is_saved(world, coords, code):
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot

    before = Plot.objects.count()
    plot = Plot(family=world.fam_ojo, name="Mala", boundary={"type": "Polygon", "coordinates": [coords]})
    with pytest.raises(ValidationError) as err:
        register_plot(plot, since=dt.date(2010, 1, 1))
    assert "boundary" in err.value.message_dict
    assert err.value.error_dict["boundary"][0].code == code
    assert Plot.objects.count() == before


def test_a_destination_split_larger_than_the_harvest_is_refused(world):
    from decimal import Decimal

    from miaf.web.records.models import Harvest

    harvest = Harvest(plot=world.plot_ojo, species_id=None, harvested_on=dt.date(2015, 11, 1), quantity_kg=Decimal("100"))
    with pytest.raises(ValidationError) as err:
        harvest.check_destinations([Decimal("70"), Decimal("40")])
    assert "destinations" in err.value.message_dict


def test_a_harvest_dated_in_the_future_is_refused(world):
    from decimal import Decimal

    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest

    h = Harvest(plot=world.plot_ojo, species=Species.objects.get(code="maiz"),
                harvested_on=dt.date.today() + dt.timedelta(days=3), quantity_kg=Decimal("10"))
    with pytest.raises(ValidationError) as err:
        h.full_clean()
    assert "harvested_on" in err.value.message_dict


def test_a_negative_quantity_is_refused(world):
    from decimal import Decimal

    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest

    h = Harvest(plot=world.plot_ojo, species=Species.objects.get(code="maiz"),
                harvested_on=dt.date(2015, 1, 1), quantity_kg=Decimal("-1"))
    with pytest.raises(ValidationError) as err:
        h.full_clean()
    assert "quantity_kg" in err.value.message_dict


def test_coordinator_sees_all_families_of_the_organisation_but_not_others(world):
    assert set(families_for(world.carla)) == {world.fam_ojo, world.fam_vergel}
    assert set(families_for(world.olga)) == {world.fam_other}


def test_promoter_sees_only_the_families_of_assigned_groups(world):
    assert set(families_for(world.ana)) == {world.fam_ojo}
    assert set(plots_for(world.ana)) == {world.plot_ojo}
    assert set(groups_for(world.beto)) == {world.group_vergel}


def test_analyst_gets_no_personal_data_querysets(world):
    assert families_for(world.diego).count() == 0
    assert plots_for(world.diego).count() == 0
    assert groups_for(world.diego).count() == 2  # aggregates by group are allowed


def test_a_family_that_left_the_group_leaves_the_promoters_scope(world):
    world.fam_ojo.memberships.update(left_on=dt.date(2016, 1, 1))
    assert families_for(world.ana).count() == 0
    assert families_for(world.carla).count() == 2  # the coordinator still holds the history
