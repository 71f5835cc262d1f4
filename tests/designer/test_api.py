"""``POST /api/v1/design``: multipart payload JSON + optional GeoTIFF, summary and GeoJSON back, 422 by field.

Tested through the project's API (``miaf.web.api.main``), with its authentication and error handlers.
"""

from __future__ import annotations

import json

import pytest

from miaf.design import design_plot
from tests.conftest import OJO_POLYGON

pytestmark = [pytest.mark.django_db]

URL = "/api/v1/design"
SUMMARY_KEYS = {"area_ha", "modality", "n_tree_rows", "n_trees", "trees_by_species", "trees_per_ha",
                "row_spacing_ground_m", "vertical_interval_m", "crop_strip_area_ha", "establishment_person_days"}


@pytest.fixture
def post(client, world):  # noqa: ANN001, ANN201
    """``post(payload, user=world.carla, dem=None, lang=None)`` → response (session auth, CSRF not enforced)."""

    def send(payload, user=world.carla, dem=None, lang=None):  # noqa: ANN001, ANN202
        if user is not None:
            client.force_login(user)
        data = {"payload": payload if isinstance(payload, str) else json.dumps(payload)}
        if dem is not None:
            data["dem"] = dem.open("rb")
        headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
        return client.post(URL, data, **headers)

    return send


def _detail(response) -> dict:  # noqa: ANN001
    assert response.status_code == 422, response.content
    (err,) = response.json()["detail"]
    return err


def test_plot_geojson_and_slope_give_the_summary_and_layout(post):  # noqa: ANN001
    r = post({"plot": OJO_POLYGON, "species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180,
              "soil_depth_m": 1.5})
    assert r.status_code == 200, r.content
    body = r.json()
    assert SUMMARY_KEYS <= set(body["summary"])
    expected = design_plot(OJO_POLYGON, ["aguacate"], slope_pct=30, aspect_deg=180, soil_depth_m=1.5).summary
    assert body["summary"]["n_trees"] == expected.n_trees
    assert body["geojson"]["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in body["geojson"]["features"]}
    assert kinds == {"plot", "tree_row", "tree", "crop_strip"}
    assert body["warnings"] == [] and len(body["labour_by_month"]) == 12


def test_plot_id_takes_slope_and_soil_depth_from_the_plot_record(post, world):  # noqa: ANN001
    # plot_ojo: mean_slope_pct 30, soil depth class deep -> 1.5 m -> TMV (30 % < 40 %, 1.5 m > 1 m)
    r = post({"plot_id": world.plot_ojo.pk, "species": "aguacate,durazno", "aspect_deg": 180}, user=world.ana)
    assert r.status_code == 200, r.content
    s = r.json()["summary"]
    assert s["mean_slope_pct"] == pytest.approx(30.0) and s["soil_depth_m"] == 1.5 and s["modality"] == "TMV"
    assert set(s["trees_by_species"]) == {"aguacate", "durazno"}


def test_geotiff_dem_upload_gives_slope_and_aspect_from_the_terrain(post, plane_dem):  # noqa: ANN001
    r = post({"plot": OJO_POLYGON, "species": ["limon"]}, dem=plane_dem)
    assert r.status_code == 200, r.content
    s = r.json()["summary"]
    assert s["mean_slope_pct"] == pytest.approx(30.0, abs=1.0)  # the plane rises 0.30 m per m northwards
    assert s["mean_aspect_deg"] == pytest.approx(180.0, abs=2.0)  # so it faces south
    assert s["elevation_min_m"] is not None and s["n_trees"] > 0


@pytest.mark.parametrize(("payload", "field", "code"), [
    ({"species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180, "row_spacing_m": 0}, "row_spacing_m",
     "spacing_not_positive"),
    ({"species": ["pitaya"], "slope_pct": 30, "aspect_deg": 180}, "species", "species_unknown"),
    ({"species": ["maiz"], "slope_pct": 30, "aspect_deg": 180}, "species", "species_not_fruit_tree"),
    ({"species": ["aguacate"], "slope_pct": 30}, "aspect_deg", "terrain_missing"),
    ({"species": ["aguacate"], "slope_pct": -5, "aspect_deg": 180}, "slope_pct", "slope_invalid"),
    # 1 mm between trees would mean a million trees per hectare: refused before the designer runs
    ({"species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180, "tree_spacing_m": 0.001}, "tree_spacing_m",
     "spacing_out_of_range"),
    ({"species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180, "arrangement": "random"}, "arrangement",
     "arrangement_invalid"),
])
def test_bad_input_answers_422_naming_the_field(post, payload, field, code):  # noqa: ANN001
    err = _detail(post({"plot": OJO_POLYGON} | payload))
    assert (err["field"], err["code"]) == (field, code)
    assert err["message"]


def test_self_intersecting_plot_is_a_422_on_plot(post):  # noqa: ANN001
    bowtie = {"type": "Polygon", "coordinates": [[[-91.98, 16.31], [-91.979, 16.3109], [-91.979, 16.31],
                                                  [-91.98, 16.3109], [-91.98, 16.31]]]}
    err = _detail(post({"plot": bowtie, "species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180}))
    assert (err["field"], err["code"]) == ("plot", "plot_self_intersects")


def test_plot_larger_than_the_online_limit_is_refused(post):  # noqa: ANN001
    # 0.01° x 0.01° at 16° N is about 1.07 km x 1.11 km = 118 ha > 50 ha (params/designer.csv)
    big = {"type": "Polygon", "coordinates": [[[-92.0, 16.3], [-91.99, 16.3], [-91.99, 16.31], [-92.0, 16.31],
                                               [-92.0, 16.3]]]}
    err = _detail(post({"plot": big, "species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180}))
    assert (err["field"], err["code"]) == ("plot", "plot_too_large")


def test_dem_that_misses_the_plot_is_a_422_on_dem_in_the_requested_language(post, far_dem):  # noqa: ANN001
    payload = {"plot": OJO_POLYGON, "species": ["aguacate"]}
    err = _detail(post(payload, dem=far_dem, lang="es"))
    assert (err["field"], err["code"]) == ("dem", "dem_no_overlap") and "no cubre la parcela" in err["message"]
    err = _detail(post(payload, dem=far_dem, lang="en"))
    assert "does not overlap the plot" in err["message"]


def test_malformed_payload_is_a_422_on_payload_or_the_key(post):  # noqa: ANN001
    assert _detail(post("{not json"))["field"] == "payload"
    err = _detail(post({"plot": OJO_POLYGON, "species": ["aguacate"], "slope": 30}))
    assert err["field"] == "slope"  # unknown keys are refused, not silently ignored
    assert _detail(post({"species": ["aguacate"], "slope_pct": 30, "aspect_deg": 180}))["field"] == "plot"


def test_plot_id_follows_role_scoping(post, world, client):  # noqa: ANN001
    payload = {"plot_id": world.plot_ojo.pk, "species": ["aguacate"], "aspect_deg": 180}
    assert post(payload, user=world.beto).status_code == 404
    assert post(payload, user=world.diego).status_code == 403
    client.logout()
    assert post(payload, user=None).status_code == 401


def test_bearer_token_authenticates(client, world):  # noqa: ANN001
    from miaf.web.accounts.models import ApiToken

    _, token = ApiToken.issue(world.ana, "design")
    payload = {"plot_id": world.plot_ojo.pk, "species": ["aguacate"], "aspect_deg": 180}
    r = client.post(URL, {"payload": json.dumps(payload)}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200, r.content


def test_openapi_schema_documents_the_multipart_request():
    from miaf.web.api.main import api

    op = api.get_openapi_schema()["paths"]["/api/v1/design"]["post"]
    content = op["requestBody"]["content"]
    assert "multipart/form-data" in content
    props = content["multipart/form-data"]["schema"]["properties"]
    assert {"payload", "dem"} <= set(props)
    assert {200, 422} <= {int(k) for k in op["responses"]}
