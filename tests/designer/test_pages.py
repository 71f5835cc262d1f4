"""The "Diseñar MIAF-D" pages: role scoping, preview numbers, versioned saves, downloads, errors by field."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from miaf.design import design_plot

pytestmark = pytest.mark.django_db

GPX = "{http://www.topografix.com/GPX/1/1}"


def _value(html: str, key: str) -> float:
    m = re.search(rf'<tr data-key="{key}">.*?data-value="([^"]+)"', html, re.S)
    assert m, f"{key} not in the summary table"
    return float(m.group(1))


def _field_errors(html: str, name: str) -> str:
    m = re.search(rf'<div class="field-errors" id="errors-{name}"[^>]*>(.*?)</div>', html, re.S)
    assert m, f"no error slot for {name}"
    return m.group(1)


def _save(client, plot, data):  # noqa: ANN001, ANN202
    return client.post(reverse("designer:save", args=[plot.pk]), data)


@pytest.mark.parametrize("name", ["carla", "ana", "root"])
def test_design_page_renders_for_users_who_see_the_plot(world, client_for, name):  # noqa: ANN001
    r = client_for(getattr(world, name)).get(reverse("designer:plot", args=[world.plot_ojo.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="species"' in html and 'value="aguacate"' in html
    assert 'value="maiz"' not in html  # only fruit trees go in the rows
    assert "Diseñar MIAF-D" in html
    plot_page = client_for(getattr(world, name)).get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert 'id="diseno"' in plot_page and "aún no tiene un diseño guardado" in plot_page


def test_promoter_of_another_group_gets_404_on_the_design_pages(world, client_for, form_data):  # noqa: ANN001
    design = _save(client_for(world.ana), world.plot_ojo, form_data)
    assert design.status_code == 302
    pk = world.plot_ojo.designs.get().pk
    beto = client_for(world.beto)
    assert beto.get(reverse("designer:plot", args=[world.plot_ojo.pk])).status_code == 404
    assert beto.post(reverse("designer:preview", args=[world.plot_ojo.pk]), form_data).status_code == 404
    assert beto.post(reverse("designer:save", args=[world.plot_ojo.pk]), form_data).status_code == 404
    assert beto.get(reverse("designer:detail", args=[pk])).status_code == 404
    assert beto.get(reverse("designer:gpx", args=[pk])).status_code == 404


def test_analyst_gets_403_and_cannot_save(world, client_for, form_data):  # noqa: ANN001
    diego = client_for(world.diego)
    assert diego.get(reverse("designer:plot", args=[world.plot_ojo.pk])).status_code == 403
    assert _save(diego, world.plot_ojo, form_data).status_code == 403
    assert world.plot_ojo.designs.count() == 0


def test_anonymous_user_is_sent_to_login(world, client):  # noqa: ANN001
    r = client.get(reverse("designer:plot", args=[world.plot_ojo.pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_preview_shows_the_numbers_of_design_plot_for_the_same_inputs(world, client_for, form_data):  # noqa: ANN001
    # deep soil class -> 1.5 m (params/soil.csv), so at 30 % slope the modality is TMV (< 40 %, > 1 m)
    expected = design_plot(world.plot_ojo.boundary, ["aguacate"], slope_pct=30, aspect_deg=180,
                           soil_depth_m=1.5).summary
    r = client_for(world.carla).post(reverse("designer:preview", args=[world.plot_ojo.pk]), form_data)
    html = r.content.decode()
    assert r.status_code == 200
    assert expected.modality == "TMV"
    for key in ("n_trees", "n_tree_rows", "trees_per_ha", "row_spacing_ground_m", "tree_row_length_m",
                "crop_strip_area_ha", "maize_plants", "establishment_person_days"):
        assert _value(html, key) == pytest.approx(getattr(expected, key)), key
    assert 'id="design-map-data"' in html and '"kind": "tree_row"' in html
    assert "Semilla de maíz" in html  # bill of materials in Spanish
    assert world.plot_ojo.designs.count() == 0  # a preview saves nothing


def test_htmx_preview_answers_the_result_and_clears_error_slots_out_of_band(world, client_for, form_data):  # noqa: ANN001
    r = client_for(world.ana).post(reverse("designer:preview", args=[world.plot_ojo.pk]), form_data,
                                   HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "<html" not in html
    assert 'id="errors-species" hx-swap-oob="true"' in html
    assert _field_errors(html, "species").strip() == ""
    assert 'data-key="n_trees"' in html


def test_saving_twice_gives_versions_1_and_2_and_keeps_version_1(world, client_for, form_data):  # noqa: ANN001
    client = client_for(world.ana)
    first = _save(client, world.plot_ojo, form_data)
    second = _save(client, world.plot_ojo, form_data | {"species": ["aguacate", "durazno"]})
    assert first.status_code == second.status_code == 302
    v1, v2 = world.plot_ojo.designs.order_by("version")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.summary["summary"]["species"] == ["aguacate"]
    assert v2.summary["summary"]["species"] == ["aguacate", "durazno"]
    assert v2.created_by == world.ana
    assert second["Location"] == reverse("designer:detail", args=[v2.pk])
    assert v1.parameters["inputs"]["soil_depth_m"] == 1.5
    page = client.get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert reverse("designer:detail", args=[v2.pk]) in page and reverse("designer:detail", args=[v1.pk]) in page
    assert reverse("designer:plot", args=[world.plot_ojo.pk]) in page


def test_htmx_save_redirects_the_browser_to_the_new_version(world, client_for, form_data):  # noqa: ANN001
    r = client_for(world.carla).post(reverse("designer:save", args=[world.plot_ojo.pk]), form_data,
                                     HTTP_HX_REQUEST="true")
    assert r.status_code == 204
    assert r["HX-Redirect"] == reverse("designer:detail", args=[world.plot_ojo.designs.get().pk])


def test_saved_version_page_and_downloads_parse(world, client_for, form_data):  # noqa: ANN001
    client = client_for(world.carla)
    _save(client, world.plot_ojo, form_data)
    design = world.plot_ojo.designs.get()
    n_trees = design.summary["summary"]["n_trees"]
    page = client.get(reverse("designer:detail", args=[design.pk]))
    assert page.status_code == 200 and _value(page.content.decode(), "n_trees") == n_trees

    gj = json.loads(client.get(reverse("designer:geojson", args=[design.pk])).content)
    assert gj["type"] == "FeatureCollection"
    assert sum(f["properties"]["kind"] == "tree" for f in gj["features"]) == n_trees

    gpx = client.get(reverse("designer:gpx", args=[design.pk]))
    assert 'filename="OJO-001_' in gpx["Content-Disposition"]
    waypoints = ET.fromstring(gpx.content).findall(f"{GPX}wpt")
    assert len(waypoints) == n_trees and waypoints[0].find(f"{GPX}name").text == "H01-001"

    svg = ET.fromstring(client.get(reverse("designer:svg", args=[design.pk])).content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"

    pdf = client.get(reverse("designer:pdf", args=[design.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


CASES = [
    # (field, data change, Spanish fragment, English fragment)
    ("species", {"species": ["pitaya"]}, "no está en el catálogo", "is not in the catalogue"),
    ("row_spacing_m", {"row_spacing_m": "0"}, "debe ser un número positivo de metros",
     "must be a positive number of metres"),
    ("tree_spacing_m", {"tree_spacing_m": "-1"}, "debe ser un número positivo de metros",
     "must be a positive number of metres"),
]


@pytest.mark.parametrize(("field", "change", "es", "en"), CASES)
def test_bad_input_is_explained_next_to_its_field_in_spanish_and_english(world, client_for, form_data, field,
                                                                         change, es, en):  # noqa: ANN001
    client = client_for(world.ana)
    url = reverse("designer:preview", args=[world.plot_ojo.pk])
    html = client.post(url, form_data | change).content.decode()
    assert es in _field_errors(html, field)
    client.cookies["django_language"] = "en"
    html = client.post(url, form_data | change).content.decode()
    assert en in _field_errors(html, field)


def test_dem_that_misses_the_plot_is_explained_next_to_the_dem_field(world, client_for, form_data, far_dem):  # noqa: ANN001
    client = client_for(world.ana)
    url = reverse("designer:preview", args=[world.plot_ojo.pk])
    dem = SimpleUploadedFile("lejos.tif", far_dem.read_bytes(), content_type="image/tiff")
    html = client.post(url, form_data | {"dem": dem}).content.decode()
    assert "no cubre la parcela" in _field_errors(html, "dem")
    client.cookies["django_language"] = "en"
    dem = SimpleUploadedFile("lejos.tif", far_dem.read_bytes(), content_type="image/tiff")
    html = client.post(url, form_data | {"dem": dem}, HTTP_HX_REQUEST="true").content.decode()
    assert "does not overlap the plot" in _field_errors(html, "dem")


def test_catalogue_crop_is_refused_as_a_tree_species(world, client_for, form_data):  # noqa: ANN001
    html = client_for(world.ana).post(reverse("designer:preview", args=[world.plot_ojo.pk]),
                                      form_data | {"species": ["maiz"]}).content.decode()
    assert "no es un árbol frutal" in _field_errors(html, "species")


def test_saving_with_a_dem_records_the_file_and_takes_the_slope_from_it(world, client_for, form_data,
                                                                        plane_dem):  # noqa: ANN001
    dem = SimpleUploadedFile("plano.tif", plane_dem.read_bytes(), content_type="image/tiff")
    r = _save(client_for(world.ana), world.plot_ojo, form_data | {"slope_pct": "5", "dem": dem})
    assert r.status_code == 302
    design = world.plot_ojo.designs.get()
    assert design.parameters["inputs"]["dem"]["name"] == "plano.tif"
    assert design.parameters["inputs"]["slope_pct"] is None  # the DEM gives the slope, the 5 % is ignored
    s = design.summary["summary"]
    assert s["mean_slope_pct"] == pytest.approx(30.0, abs=1.0)
    assert s["mean_aspect_deg"] == pytest.approx(180.0, abs=2.0)
    assert s["elevation_min_m"] is not None


def test_redesign_starts_from_a_saved_versions_inputs(world, client_for, form_data):  # noqa: ANN001
    client = client_for(world.ana)
    _save(client, world.plot_ojo, form_data | {"species": ["mango"], "tree_spacing_m": "2"})
    design = world.plot_ojo.designs.get()
    html = client.get(reverse("designer:plot", args=[world.plot_ojo.pk]), {"desde": design.pk}).content.decode()
    assert re.search(r'value="mango"[^>]*checked', html)
    assert re.search(r'name="tree_spacing_m" value="2(\.0)?"', html)
    assert client.get(reverse("designer:plot", args=[world.plot_ojo.pk]), {"desde": "x"}).status_code == 200
