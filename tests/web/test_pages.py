"""Registry and plot pages: lists (search, filters, pagination, htmx), family and plot pages, forms, formats."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import miaf.web
from miaf.geo import GeometryError, validate_boundary
from tests.conftest import OJO_POLYGON

pytestmark = pytest.mark.django_db

ES_MX_FORMATS = "miaf.web.formats"


@pytest.fixture
def es_mx(settings):  # noqa: ANN001, ANN201
    """The site's es-MX formats, with the format cache reset around the test."""
    from django.utils.formats import reset_format_cache

    settings.FORMAT_MODULE_PATH = ES_MX_FORMATS
    reset_format_cache()  # Django resets it for FORMAT settings, not for FORMAT_MODULE_PATH
    yield
    settings.FORMAT_MODULE_PATH = ES_MX_FORMATS
    reset_format_cache()


def many_families(world, n: int) -> None:  # noqa: ANN001
    """``n`` more families in group Ojo de Agua, each with two members and one plot."""
    from miaf.web.plots.models import Plot
    from miaf.web.plots.services import register_plot
    from miaf.web.registry.models import Family, Member, Membership

    for i in range(n):
        f = Family.objects.create(code=f"OJO-{i + 100:03d}", name=f"Familia Prueba {i}", locality=world.locality)
        Membership.objects.create(family=f, group=world.group_ojo, joined_on=dt.date(2015, 1, 1))
        Member.objects.bulk_create([Member(family=f, name=f"Persona {i}a", sex="F", role="head"),
                                    Member(family=f, name=f"Persona {i}b", sex="M", role="spouse")])
        register_plot(Plot(family=f, name=f"Parcela {i}", boundary=OJO_POLYGON), since=dt.date(2015, 1, 1))


def member_management(total: int = 0, initial: int = 0) -> dict:
    return {"members-TOTAL_FORMS": str(total), "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000"}


def add_records(world) -> None:  # noqa: ANN001
    """A harvest split between the organisation and self-consumption, and a ledger over two years."""
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest, HarvestDestination, LedgerEntry

    peach = Species.objects.get(code="durazno")
    h = Harvest.objects.create(plot=world.plot_ojo, species=peach, harvested_on=dt.date(2023, 8, 10),
                               quantity_kg=Decimal("350"))
    HarvestDestination.objects.create(harvest=h, destination="organisation", kg=Decimal("300"),
                                      price_mxn_per_kg=Decimal("12.5"))
    HarvestDestination.objects.create(harvest=h, destination="self", kg=Decimal("50"))
    fam = world.fam_ojo
    LedgerEntry.objects.create(family=fam, year=2022, month=1, kind="income", category="wages", amount_mxn=999)
    LedgerEntry.objects.create(family=fam, year=2023, month=8, kind="income", category="crop_sale",
                               amount_mxn=Decimal("3750"))
    LedgerEntry.objects.create(family=fam, year=2023, month=8, kind="income", category="remittances",
                               amount_mxn=Decimal("8595.5"))
    LedgerEntry.objects.create(family=fam, year=2023, month=9, kind="expense", category="food",
                               amount_mxn=Decimal("2000"))


# ------------------------------------------------------------------------------------------------- lists


def test_the_family_list_searches_by_code_and_by_name(world, client_for):
    client = client_for(world.carla)
    assert [f.code for f in client.get("/familias/?q=ver-0").context["rows"]] == ["VER-001"]
    assert [f.code for f in client.get("/familias/?q=gómez").context["rows"]] == ["OJO-001"]


def test_the_family_list_filters_by_group_organisation_and_municipality(world, client_for):
    client = client_for(world.carla)
    by_group = client.get(f"/familias/?group={world.group_vergel.pk}").context["rows"]
    assert [f.code for f in by_group] == ["VER-001"]
    by_org = client.get(f"/familias/?organisation={world.org_coffee.pk}").context["rows"]
    assert [f.code for f in by_org] == ["OJO-001", "VER-001"]
    by_mun = client.get(f"/familias/?municipality={world.municipality.pk}").context["rows"]
    assert len(by_mun) == 2


def test_an_out_of_scope_filter_value_is_ignored_not_applied(world, client_for):
    # Carla (PROASUS) may not filter by another organisation's group: the filter is dropped.
    rows = client_for(world.carla).get(f"/familias/?group={world.group_other.pk}").context["rows"]
    assert [f.code for f in rows] == ["OJO-001", "VER-001"]


def test_the_family_list_shows_current_group_and_counts(world, client_for):
    row = client_for(world.carla).get("/familias/?q=OJO-001").context["rows"][0]
    assert (row.group_name, row.organisation_name, row.n_members, row.n_plots) == (
        "Ojo de Agua", "Cafetaleros Orgánicos", 1, 1)
    assert row.area_ha == pytest.approx(world.plot_ojo.area_ha)


def test_lists_paginate_by_fifty_and_keep_the_filters_in_the_page_links(world, client_for):
    many_families(world, 55)
    client = client_for(world.ana)
    first = client.get("/familias/?q=OJO")
    # 55 new families + OJO-001 = 56 rows: 50 on page 1, 6 on page 2.
    assert first.context["page"].paginator.count == 56 and len(first.context["rows"]) == 50
    assert "?q=OJO&amp;page=2" in first.content.decode()
    second = client.get("/familias/?q=OJO&page=2")
    assert len(second.context["rows"]) == 6
    assert len(client.get("/parcelas/?page=2").context["rows"]) == 6


def test_an_htmx_request_gets_only_the_table_and_a_plain_request_the_whole_page(world, client_for):
    client = client_for(world.carla)
    partial = client.get("/familias/?q=OJO", headers={"HX-Request": "true"}).content.decode()
    full = client.get("/familias/?q=OJO").content.decode()
    assert "<table" in partial and "<html" not in partial and "OJO-001" in partial
    assert "<html" in full and 'hx-get="/familias/"' in full and 'hx-push-url="true"' in full
    # A history restore needs the whole page again.
    restore = client.get("/familias/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_the_family_list_runs_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries, settings):
    # as in production: the data version is read once and reused (tests otherwise re-read it on every use)
    settings.MIAF_DASHBOARD_VERSION_TTL_S = 60
    client = client_for(world.carla)
    client.get("/familias/")  # warm the session and the user's profile cache paths
    with CaptureQueriesContext(connection) as few:
        client.get("/familias/")
    many_families(world, 60)
    with CaptureQueriesContext(connection) as lots:
        response = client.get("/familias/")
    assert len(response.context["rows"]) == 50
    assert len(lots) == len(few)  # does not grow with the number of families shown
    with django_assert_max_num_queries(12):
        client.get("/familias/?q=OJO&page=2")


def test_the_plot_list_filters_by_system(world, client_for):
    client = client_for(world.carla)
    assert [p.name for p in client.get("/parcelas/?system=miaf_d").context["rows"]] == ["La Ladera"]
    assert [p.name for p in client.get("/parcelas/?system=traditional").context["rows"]] == ["El Cerrito"]
    assert [p.name for p in client.get("/parcelas/?q=cerrito").context["rows"]] == ["El Cerrito"]


def test_the_groups_list_counts_families_members_plots_and_area(world, client_for):
    rows = {g.name: g for g in client_for(world.root).get("/grupos/").context["rows"]}
    ojo = rows["Ojo de Agua"]
    assert (ojo.n_families, ojo.n_members, ojo.n_plots) == (1, 1, 1)
    assert ojo.area_ha == pytest.approx(world.plot_ojo.area_ha)
    assert set(rows) == {"Ojo de Agua", "El Vergel", "Grupo ajeno"}


# ------------------------------------------------------------------------------------------ family page


def test_the_family_page_shows_members_group_history_plots_harvests_and_ledger(world, client_for):
    add_records(world)
    response = client_for(world.ana).get(reverse("registry:family_detail", args=[world.fam_ojo.pk]))
    html = response.content.decode()
    assert "Jefa Familia Gómez Pérez" in html and "tseltal" in html and "jefa o jefe de familia" in html
    assert "Ojo de Agua" in html and "Cafetaleros Orgánicos" in html
    assert reverse("plots:detail", args=[world.plot_ojo.pk]) in html
    assert "organización de productores: 300" in html and "autoconsumo: 50" in html
    ledger = response.context["ledger"]
    # Latest year only (2023): August income 3,750 + 8,595.50 = 12,345.50; September expense 2,000.
    assert ledger["year"] == 2023
    assert [(r["income"], r["expense"]) for r in ledger["months"]] == [(Decimal("12345.5"), 0), (0, Decimal("2000"))]
    assert ledger["balance"] == Decimal("10345.5")
    data = json.loads(html.split('id="family-map-data" type="application/json">')[1].split("</script>")[0])
    assert data["plots"]["features"][0]["geometry"] == world.plot_ojo.boundary


def test_the_family_page_writes_money_in_es_mx_format(world, client_for, es_mx):
    add_records(world)
    html = client_for(world.carla).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    # es-MX: comma for thousands, dot for decimals (12,345.50), not Spain's 12 345,50.
    assert "12,345.50" in html and "10,345.50" in html


def test_the_site_settings_use_the_es_mx_number_formats():
    from django.conf import settings
    from django.utils import translation
    from django.utils.formats import number_format

    assert ES_MX_FORMATS in str(getattr(settings, "FORMAT_MODULE_PATH", ""))
    with translation.override("es"):
        assert number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1,234.5"


def test_the_es_mx_format_module_writes_1234_5_with_comma_thousands_and_dot_decimals(es_mx):
    from django.utils import translation
    from django.utils.formats import date_format, number_format

    with translation.override("es"):
        assert number_format(1234.5, 1, use_l10n=True, force_grouping=True) == "1,234.5"
        assert date_format(dt.date(2012, 5, 15)) == "15 de mayo de 2012"


# -------------------------------------------------------------------------------------------- plot page


def test_the_plot_page_shows_area_history_and_its_polygon_for_the_map(world, client_for, es_mx):
    response = client_for(world.ana).get(reverse("plots:detail", args=[world.plot_ojo.pk]))
    html = response.content.decode()
    assert f"{world.plot_ojo.area_ha:.2f} ha" in html  # 1.06 ha (dot decimal in es-MX)
    assert "milpa tradicional" in html and "desde 1 de enero de 2005 hasta 15 de mayo de 2012" in html
    assert "profundo (&gt; 1 m)" in html and "30 %" in html
    assert 'id="plot-map-data" type="application/json"' in html
    assert "vendor/leaflet/leaflet.js" in html and "miaf/map.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_the_plot_page_lists_plantings_and_harvests(world, client_for):
    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Planting

    add_records(world)
    Planting.objects.create(plot=world.plot_ojo, species=Species.objects.get(code="aguacate"),
                            planted_on=dt.date(2012, 6, 1), quantity=Decimal("120"), unit="plants", row_number=3)
    html = client_for(world.carla).get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert "Aguacate" in html or "aguacate" in html
    assert "Durazno" in html or "durazno" in html


def test_the_plot_page_embeds_the_plot_economics_panel(client_for, world):
    html = client_for(world.carla).get(f"/parcelas/{world.plot_ojo.pk}/").content.decode()
    assert f'hx-get="/economia/parcela/{world.plot_ojo.pk}/?partial=1"' in html


def test_the_family_page_embeds_the_household_calendar_panel(client_for, world):
    html = client_for(world.carla).get(f"/familias/{world.fam_ojo.pk}/").content.decode()
    assert f'hx-get="/economia/familia/{world.fam_ojo.pk}/?partial=1"' in html


# ---------------------------------------------------------------------------------------- family forms


def family_post(world, **extra) -> dict:  # noqa: ANN001
    data = {"code": "OJO-050", "name": "Familia Nueva", "locality": world.locality.pk, "group": world.group_ojo.pk,
            "joined_on": "2019-03-01", "notes": "", "migration_notes": "", **member_management(1),
            "members-0-name": "María Nueva", "members-0-sex": "F", "members-0-birth_year": "1980",
            "members-0-role": "head", "members-0-languages": ["es", "tzo"]}
    data.update(extra)
    return data


def test_a_promoter_registers_a_family_with_members_and_its_first_membership(world, client_for):
    from miaf.web.registry.models import Family

    response = client_for(world.ana).post(reverse("registry:family_create"), family_post(world))
    family = Family.objects.get(code="OJO-050")
    assert response.status_code == 302 and response["Location"] == reverse("registry:family_detail", args=[family.pk])
    member = family.members.get()
    assert (member.name, member.languages, member.birth_year) == ("María Nueva", ["es", "tzo"], 1980)
    assert family.current_membership.group == world.group_ojo
    assert family.created_by == world.ana


def test_the_family_form_offers_a_promoter_only_their_groups(world, client_for):
    form = client_for(world.beto).get(reverse("registry:family_create")).context["form"]
    assert list(form.fields["group"].queryset) == [world.group_vergel]


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("joined_on", (dt.date.today() + dt.timedelta(days=2)).isoformat(), "joined_on"),
        ("members-0-birth_year", str(dt.date.today().year + 1), "birth_year"),
        ("members-0-languages", ["es", "klingon"], "languages"),
        ("code", "OJO-001", "code"),
        ("name", "", "name"),
    ],
)
def test_bad_family_input_is_refused_next_to_the_field_and_nothing_is_saved(world, client_for, field, value,
                                                                             error_field):
    from miaf.web.registry.models import Family, Member, Membership

    counts = (Family.objects.count(), Member.objects.count(), Membership.objects.count())
    response = client_for(world.carla).post(reverse("registry:family_create"), family_post(world, **{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors if error_field in form.fields else response.context["members"].forms[0].errors
    assert error_field in errors
    assert 'class="errorlist"' in response.content.decode()
    assert (Family.objects.count(), Member.objects.count(), Membership.objects.count()) == counts


def test_editing_a_family_changes_its_data_and_adds_a_member(world, client_for):
    fam = world.fam_ojo
    head = fam.members.get()
    data = {"code": fam.code, "name": "Familia Gómez Ruiz", "locality": fam.locality_id, "notes": "",
            "migration_notes": "", **member_management(2, 1),
            "members-0-id": head.pk, "members-0-family": fam.pk, "members-0-name": head.name, "members-0-sex": "F",
            "members-0-role": "head", "members-0-birth_year": "1975", "members-0-languages": ["es", "tzh"],
            "members-1-name": "Juan Gómez", "members-1-sex": "M", "members-1-role": "child",
            "members-1-birth_year": "2005"}
    response = client_for(world.ana).post(reverse("registry:family_edit", args=[fam.pk]), data)
    assert response.status_code == 302
    fam.refresh_from_db()
    assert fam.name == "Familia Gómez Ruiz"
    assert sorted(fam.members.values_list("name", flat=True)) == ["Jefa Familia Gómez Pérez", "Juan Gómez"]


# ------------------------------------------------------------------------------------------ plot forms


SQUARE = {"type": "Polygon", "coordinates": [[[-91.97, 16.30], [-91.969, 16.30], [-91.969, 16.301],
                                              [-91.97, 16.301], [-91.97, 16.30]]]}


def plot_post(world, **extra) -> dict:  # noqa: ANN001
    data = {"family": world.fam_ojo.pk, "name": "El Potrero", "system": "traditional", "since": "2016-02-01",
            "boundary": json.dumps(SQUARE), "mean_slope_pct": "25", "soil_depth_class": "medium", "altitude_m": ""}
    data.update(extra)
    return data


def test_a_promoter_registers_a_drawn_plot_and_its_first_phase_opens(world, client_for):
    from miaf.web.plots.models import Plot

    response = client_for(world.ana).post(reverse("plots:create"), plot_post(world))
    plot = Plot.objects.get(name="El Potrero")
    assert response.status_code == 302 and response["Location"] == reverse("plots:detail", args=[plot.pk])
    assert plot.area_ha == pytest.approx(validate_boundary(SQUARE).area_ha, rel=1e-3)
    assert list(plot.phases.values_list("system", "started_on")) == [("traditional", dt.date(2016, 2, 1))]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("geojson", json.dumps({"type": "Feature", "properties": {}, "geometry": SQUARE})),
        ("kml", '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon>'
                "<outerBoundaryIs><LinearRing><coordinates>-91.97,16.30,0 -91.969,16.30,0 -91.969,16.301,0 "
                "-91.97,16.301,0 -91.97,16.30,0</coordinates></LinearRing></outerBoundaryIs></Polygon>"
                "</Placemark></kml>"),
    ],
)
def test_a_plot_boundary_can_be_uploaded_as_geojson_or_kml(world, client_for, name, text):
    from miaf.web.plots.models import Plot

    upload = SimpleUploadedFile(f"parcela.{name}", text.encode(), content_type="application/octet-stream")
    response = client_for(world.carla).post(reverse("plots:create"),
                                            plot_post(world, boundary="", boundary_file=upload))
    assert response.status_code == 302
    assert Plot.objects.get(name="El Potrero").area_ha == pytest.approx(validate_boundary(SQUARE).area_ha, rel=1e-3)


BAD_RINGS = {
    "not_closed": [[-91.98, 16.31], [-91.97, 16.31], [-91.97, 16.32]],
    "too_few_points": [[-91.98, 16.31], [-91.97, 16.31], [-91.98, 16.31]],
    "self_intersects": [[-91.98, 16.31], [-91.97, 16.32], [-91.97, 16.31], [-91.98, 16.32], [-91.98, 16.31]],
    "outside_mexico": [[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.86], [2.35, 48.85]],
    "too_large": [[-92.0, 16.0], [-91.9, 16.0], [-91.9, 16.1], [-92.0, 16.1], [-92.0, 16.0]],
}


@pytest.mark.parametrize("code", sorted(BAD_RINGS))
def test_a_bad_polygon_is_refused_with_its_message_on_the_boundary_field_and_nothing_is_saved(world, client_for,
                                                                                              code):
    from miaf.web.plots.models import Plot, PlotPhase

    polygon = {"type": "Polygon", "coordinates": [BAD_RINGS[code]]}
    with pytest.raises(GeometryError) as err:
        validate_boundary(polygon)
    before = (Plot.objects.count(), PlotPhase.objects.count())
    response = client_for(world.carla).post(reverse("plots:create"), plot_post(world, boundary=json.dumps(polygon)))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["boundary"]
    assert [e.code for e in errors] == [code]  # one message, in Spanish, not repeated by Plot.clean()
    assert errors[0].message == err.value.message("es")
    assert err.value.message("es").split("{")[0][:20] in response.content.decode()
    assert (Plot.objects.count(), PlotPhase.objects.count()) == before


def test_a_plot_without_any_boundary_is_refused(world, client_for):
    response = client_for(world.carla).post(reverse("plots:create"), plot_post(world, boundary=""))
    assert "boundary" in response.context["form"].errors


@pytest.mark.parametrize(
    ("field", "value"),
    [("since", (dt.date.today() + dt.timedelta(days=1)).isoformat()), ("mean_slope_pct", "-5"),
     ("system", "bosque"), ("boundary", "{not json")],
)
def test_bad_plot_fields_are_refused_naming_the_field_and_nothing_is_saved(world, client_for, field, value):
    from miaf.web.plots.models import Plot

    before = Plot.objects.count()
    response = client_for(world.carla).post(reverse("plots:create"), plot_post(world, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Plot.objects.count() == before


def test_editing_a_plot_boundary_recomputes_its_area(world, client_for):
    plot = world.plot_vergel
    data = {"name": "El Cerrito", "boundary": json.dumps(SQUARE), "mean_slope_pct": "40", "soil_depth_class": "shallow",
            "altitude_m": "1450"}
    response = client_for(world.beto).post(reverse("plots:edit", args=[plot.pk]), data)
    assert response.status_code == 302
    plot.refresh_from_db()
    assert plot.area_ha == pytest.approx(validate_boundary(SQUARE).area_ha, rel=1e-3)
    assert (plot.mean_slope_pct, plot.altitude_m) == (40, 1450)


def test_the_edit_form_round_trips_the_stored_boundary_as_geojson_for_the_map_editor(world, client_for):
    response = client_for(world.root).get(reverse("plots:edit", args=[world.plot_ojo.pk]))
    form = response.context["form"]
    html = response.content.decode()
    assert 'data-miaf-editor="id_boundary"' in html and "vendor/leaflet-geoman/leaflet-geoman.js" in html
    assert json.loads(form["boundary"].field.prepare_value(form["boundary"].value())) == world.plot_ojo.boundary


def test_converting_a_traditional_plot_to_miaf_d_keeps_its_history(world, client_for):
    plot = world.plot_vergel
    response = client_for(world.beto).post(reverse("plots:convert", args=[plot.pk]),
                                           {"system": "miaf_d", "on": "2018-06-01", "notes": "con el grupo"})
    assert response.status_code == 302
    plot.refresh_from_db()
    assert plot.system == "miaf_d" and plot.established_on == dt.date(2018, 6, 1)
    assert list(plot.phases.order_by("started_on").values_list("system", "ended_on")) == [
        ("traditional", dt.date(2018, 6, 1)), ("miaf_d", None)]


@pytest.mark.parametrize(
    ("data", "field"),
    [({"system": "miaf_d", "on": "2019-01-01"}, "system"),  # already MIAF-D
     ({"system": "miaf", "on": "2010-01-01"}, "on"),  # before the current phase began (2012-05-15)
     ({"system": "miaf", "on": (dt.date.today() + dt.timedelta(days=5)).isoformat()}, "on")],
)
def test_a_bad_conversion_is_refused_naming_the_field(world, client_for, data, field):
    plot = world.plot_ojo
    response = client_for(world.carla).post(reverse("plots:convert", args=[plot.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert plot.phases.count() == 2


# -------------------------------------------------------------------------------------------------- home


def test_the_home_page_names_systems_and_links_the_lists_by_role(world, client_for):
    html = client_for(world.carla).get("/").content.decode()
    assert "MIAF-D" in html and "milpa tradicional" in html and 'href="/familias/"' in html
    analyst = client_for(world.diego).get("/").content.decode()
    assert 'href="/grupos/"' in analyst and 'href="/familias/"' not in analyst


# ------------------------------------------------------------------------------------- static and browser

STATIC_DIR = Path(miaf.web.__file__).parent / "static"


def test_the_vendored_static_files_are_found_by_the_site_settings():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/leaflet/leaflet.js") and finders.find("miaf/map.js")


def test_the_vendored_libraries_carry_their_licences_and_versions():
    for folder in ("leaflet", "leaflet-geoman", "htmx"):
        assert (STATIC_DIR / "vendor" / folder / "LICENSE").is_file()
    versions = (STATIC_DIR / "vendor" / "VERSIONS.md").read_text()
    assert "1.9.4" in versions and "2.20.2" in versions and "2.0.11" in versions


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium (make browsers)")
def test_a_promoter_draws_a_plot_with_geoman_offline_and_filters_families_with_htmx(
        transactional_db, world, live_server, settings, monkeypatch):  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    from miaf.web.plots.models import Plot
    from tests.conftest import PASSWORD

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    settings.STATICFILES_DIRS = [STATIC_DIR]
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(locale="es-MX")
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda route: route.abort() if "localhost" not in route.request.url else route.continue_())
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", "ana")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.goto(live_server.url + reverse("plots:detail", args=[world.plot_ojo.pk]))
        page.wait_for_selector("#plot-map path.leaflet-interactive", timeout=10000)

        page.goto(live_server.url + reverse("plots:create") + f"?familia={world.fam_ojo.pk}")
        page.wait_for_selector(".leaflet-pm-toolbar", timeout=10000)
        page.click(".leaflet-pm-icon-polygon")
        box = page.locator("#plot-editor").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        corners = [(cx - 60, cy - 40), (cx + 60, cy - 40), (cx + 60, cy + 40), (cx - 60, cy + 40)]
        for x, y in [*corners, corners[0]]:
            page.mouse.click(x, y)
        drawn = json.loads(page.input_value("#id_boundary"))
        assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5
        page.fill("#id_name", "Dibujada")
        page.fill("#id_since", "2016-03-01")
        page.click("form.form button[type=submit]")
        page.wait_for_url("**/parcelas/*/", timeout=10000)
        assert validate_boundary(Plot.objects.get(name="Dibujada").boundary).area_ha < 1

        page.goto(live_server.url + reverse("registry:family_list"))
        page.fill("input[type=search]", "zzz")
        page.wait_for_selector("td.empty", timeout=5000)
        assert "q=zzz" in page.url  # htmx pushed the filtered URL
        browser.close()
    assert errors == []
