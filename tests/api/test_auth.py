"""Authentication: Bearer tokens (issued per user, revocable), the browser session with CSRF, the schema."""

from __future__ import annotations

import argparse
import json

import pytest
from django.test import Client

from miaf.web.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

EVERY_PATH = {
    "/stats", "/species", "/species/{code}", "/municipalities", "/municipalities/{id}",
    "/localities", "/localities/{id}", "/organisations", "/organisations/{id}", "/groups", "/groups/{id}",
    "/families", "/families/{id}", "/plots", "/plots/{id}", "/plots/{id}/phases",
    "/plantings", "/plantings/{id}", "/harvests", "/harvests/{id}", "/labour", "/labour/{id}",
    "/ledger", "/ledger/{id}", "/visits", "/visits/{id}", "/trainings", "/trainings/{id}", "/design",
    "/plots/{id}/environment", "/environment/programme", "/indicators",
    "/inputs", "/inputs/{id}", "/trainings/{id}/attendance", "/trainings/{id}/attendance/{attendance_id}",
    "/plots/{id}/designs", "/plots/{id}/designs/{version}",
    "/promoters", "/promoters/{id}", "/promoters/{id}/groups",
    "/visit-plans", "/visit-plans/{id}", "/visit-plans/{id}/cancel", "/staff-trainings", "/staff-trainings/{id}",
    "/process/stages", "/process/steps", "/process/steps/{record_id}", "/process/start", "/process/complete",
    "/process/steps/{record_id}/ticks", "/process/advance", "/process/commitments",
    "/process/commitments/{commitment_id}", "/process/inventories", "/process/ideas", "/process/board",
    "/market/buyers", "/market/buyers/{id}", "/market/demands", "/market/demands/{id}",
    "/market/demands/{id}/matches", "/market/offer", "/market/offer/plots/{id}", "/market/track-record",
    "/trade/advances", "/trade/groups/{id}/needs", "/trade/prices", "/trade/purchases", "/trade/quotes",
    "/trade/repayments", "/trade/sidesell",
}


def test_openapi_schema_is_served_without_a_token_and_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = {p.removeprefix("/api/v1") for p in schema["paths"]}
    assert paths == EVERY_PATH
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "DjangoSession"}


def test_request_without_credentials_is_a_json_401_that_says_how_to_authenticate(api_as, world):
    response = api_as(None).get("/families")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_a_401(client, world):
    response = client.get("/api/v1/stats", HTTP_AUTHORIZATION="Bearer miaf_not-a-real-token")
    assert response.status_code == 401


def test_a_valid_token_authenticates_and_records_its_last_use(api_as, world):
    assert ApiToken.objects.get(user=world.ana).last_used_at is None
    response = api_as("ana").get("/families")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=world.ana).last_used_at is not None


def test_a_revoked_token_gets_401(api_as, world):
    assert api_as("carla").get("/families").status_code == 200
    ApiToken.objects.get(user=world.carla).revoke()
    response = api_as("carla").get("/families")
    assert response.status_code == 401


def test_the_token_of_a_deactivated_user_gets_401(api_as, world):
    world.beto.is_active = False
    world.beto.save()
    assert api_as("beto").get("/families").status_code == 401


def test_a_bad_token_is_refused_even_with_a_logged_in_session(client, world):
    client.force_login(world.root)
    assert client.get("/api/v1/stats").status_code == 200
    assert client.get("/api/v1/stats", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_the_browser_session_reads_without_csrf_but_needs_it_to_write(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.carla)
    assert browser.get("/api/v1/families").status_code == 200
    body = json.dumps({"name": "Nueva", "municipality": world.municipality.pk})
    refused = browser.post("/api/v1/localities", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/cuenta/tokens/")  # sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/localities", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_a_token_sees_what_its_users_role_sees(api_as, world):
    # root sees the 3 families, carla the 2 of PROASUS, ana only hers, olga only the other OSC's.
    counts = {name: api_as(name).get("/families").json()["count"] for name in ("root", "carla", "ana", "olga")}
    assert counts == {"root": 3, "carla": 2, "ana": 1, "olga": 1}


# --- token management: CLI and page ---------------------------------------------------------------


def run_cli(*argv: str) -> int:
    from miaf.web.api.cli import register

    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_cli_creates_a_token_that_authenticates_and_revokes_it_by_prefix(client, world, capsys):
    assert run_cli("token", "create", "ana", "portátil de campo") == 0
    token = capsys.readouterr().out.splitlines()[0]
    assert token.startswith("miaf_")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/families", **auth).json()["count"] == 1
    assert run_cli("token", "list", "ana") == 0
    assert "portátil de campo" in capsys.readouterr().out
    assert run_cli("token", "revoke", token[5:13]) == 0
    assert client.get("/api/v1/families", **auth).status_code == 401


def test_cli_refuses_an_unknown_user_and_an_unknown_prefix(world):
    with pytest.raises(ValueError, match="not found"):
        run_cli("token", "create", "nadie", "x")
    with pytest.raises(ValueError, match="no active token"):
        run_cli("token", "revoke", "abcdefgh")
    with pytest.raises(ValueError, match="8 characters"):
        run_cli("token", "revoke", "abc")


def test_token_page_shows_a_new_token_once_and_revokes_it(client_for, world):
    page = client_for(world.diego)
    response = page.post("/cuenta/tokens/", {"name": "cuaderno de análisis"})
    assert response.status_code == 200
    token = response.context["new_token"]
    assert token in response.content.decode()
    assert page.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    again = page.get("/cuenta/tokens/")
    assert token not in again.content.decode() and "cuaderno de análisis" in again.content.decode()
    obj = ApiToken.objects.get(user=world.diego)
    assert page.post(f"/cuenta/tokens/{obj.pk}/revocar/").status_code == 302
    assert page.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_nobody_can_revoke_someone_elses_token_from_the_page(client_for, world):
    obj, _token = ApiToken.issue(world.ana, "de ana")
    assert client_for(world.beto).post(f"/cuenta/tokens/{obj.pk}/revocar/").status_code == 404
    obj.refresh_from_db()
    assert obj.revoked_at is None


def test_token_page_refuses_an_empty_name(client_for, world):
    response = client_for(world.ana).post("/cuenta/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=world.ana).exists()
