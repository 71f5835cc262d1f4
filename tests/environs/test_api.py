"""``GET /api/v1/plots/{id}/environment`` and ``GET /api/v1/environment/programme`` (through
the project API, miaf.web.api.main)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db]

API = "/api/v1"
OJO = {"root": 200, "carla": 200, "ana": 200, "beto": 404, "diego": 403, "olga": 404, None: 401}


@pytest.fixture
def get(client, world):  # noqa: ANN001, ANN201
    from miaf.web.accounts.models import ApiToken

    tokens = {name: ApiToken.issue(user, f"token of {name}")[1] for name, user in world.users.items()}

    def call(persona, path, **params):  # noqa: ANN001, ANN003, ANN202
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[persona]}"} if persona else {}
        return client.get(API + path, params, **headers)

    return call


@pytest.mark.parametrize(("persona", "expected"), OJO.items())
def test_plot_environment_follows_the_role_matrix(get, world, persona, expected):
    r = get(persona, f"/plots/{world.plot_ojo.pk}/environment")
    assert r.status_code == expected
    if expected != 200:
        assert isinstance(r.json()["detail"], str)  # the API's error format


@pytest.mark.parametrize("persona", ["root", "carla", "ana", "beto", "diego", "olga"])
def test_programme_environment_is_open_to_every_role_and_anonymous_gets_401(get, world, persona):
    assert get(persona, "/environment/programme").status_code == 200
    assert get(None, "/environment/programme").status_code == 401


def test_plot_environment_json_has_the_panel_content(get, world, env_records):
    from miaf.web.environs.services import plot_environment

    body = get("ana", f"/plots/{world.plot_ojo.pk}/environment", year=2020).json()
    assert set(body) >= {"plot_id", "year", "system", "area_ha", "age_years", "erosion", "erosion_error", "carbon",
                         "carbon_error", "diversity", "layers"}
    e, c = body["erosion"], body["carbon"]
    assert set(e) >= {"soil_loss_t_ha_yr", "tolerable_t_ha_yr", "exceeds_tolerable", "traditional_t_ha_yr",
                      "soil_kept_t_ha_yr", "soil_kept_pct", "r_factor", "r_source", "k_factor", "ls_mean",
                      "c_factor", "p_factor", "sources", "inputs"}
    assert [p["name"] for p in c["pools"]] == ["tree_above_ground", "tree_below_ground", "crop_residues",
                                              "soil_organic_carbon"]
    assert set(c["pools"][0]) >= {"stock_t_c_ha", "low_t_c_ha", "high_t_c_ha", "stock_t_co2e_ha",
                                  "annual_change_t_c_ha_yr", "annual_change_t_co2e_ha_yr", "tier", "method"}
    assert body == plot_environment(world.plot_ojo, 2020)  # same content as the page panel


def test_programme_json_has_totals_by_system_and_no_names(get, world, env_records):
    body = get("carla", "/environment/programme", year=2020).json()
    assert body["plots"] == 2 and [s["system"] for s in body["erosion"]["by_system"]] == ["traditional", "miaf-d"]
    # the analyst's scope (the same 2 families) is under k = 5: only the reason (issue 14, docs/privacy.md)
    hidden = get("diego", "/environment/programme", year=2020).json()
    assert hidden["suppressed_reason"] == "small_cell" and "plots" not in hidden
    assert set(body["carbon"]) >= {"carbon_t_c", "carbon_t_co2e", "carbon_difference_t_c"}
    assert set(body["diversity"]) >= {"species", "native_species"}
    assert "La Ladera" not in str(body) and "Gómez" not in str(body)


@pytest.mark.parametrize("query", [{"year": 1900}, {"year": "abc"}])
def test_a_bad_year_is_a_422_naming_the_field(get, world, query):
    r = get("carla", f"/plots/{world.plot_ojo.pk}/environment", **query)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "year"


def test_a_future_year_is_a_422_naming_the_field(get, world):
    r = get("carla", "/environment/programme", year=2100)
    assert r.status_code == 422 and r.json()["detail"] == [
        {"field": "year", "message": "El año 2100 está en el futuro.", "code": "future_year"}]


def test_the_openapi_schema_documents_both_operations(client, world):
    schema = client.get(API + "/openapi.json").json()
    paths = schema["paths"]
    plot = paths["/api/v1/plots/{id}/environment"]["get"]
    assert plot["operationId"] == "plots_environment"
    assert {"200", "401", "403", "404", "422"} <= set(plot["responses"])
    year = next(p for p in plot["parameters"] if p["name"] == "year")
    assert year["required"] is False
    assert year["schema"]["anyOf"][0] == {"maximum": 2100, "minimum": 1990, "type": "integer"}
    assert paths["/api/v1/environment/programme"]["get"]["operationId"] == "environment_programme"
