"""API tokens stop working when their user's password changes, whatever the path of the change."""

from __future__ import annotations

from django.urls import reverse

from miaf.web.accounts.models import ApiToken
from tests.conftest import PASSWORD

NEW_PASSWORD = "otra-milpa-con-frutales-2026"


def _get(client, token):  # noqa: ANN001, ANN202
    return client.get("/api/v1/families", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_is_revoked_when_its_user_changes_the_password_on_the_page(world, client, client_for):
    obj, token = ApiToken.issue(world.ana, "sync")
    assert _get(client, token).status_code == 200
    browser = client_for(world.ana)
    response = browser.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                         "new_password2": NEW_PASSWORD})  # fmt: skip
    assert response.status_code == 302
    browser.logout()
    assert _get(client, token).status_code == 401
    obj.refresh_from_db()
    assert obj.revoked_at is not None


def test_a_token_is_revoked_when_an_administrator_sets_a_new_password(world, client):
    obj, token = ApiToken.issue(world.beto, "sync")
    world.beto.set_password(NEW_PASSWORD)
    world.beto.save()
    assert _get(client, token).status_code == 401
    obj.refresh_from_db()
    assert obj.revoked_at is not None


def test_a_token_survives_logins_and_profile_edits(world, client):
    _obj, token = ApiToken.issue(world.carla, "sync")
    client.login(username="carla", password=PASSWORD)  # updates last_login
    world.carla.first_name = "Carla"
    world.carla.save()
    client.logout()
    assert _get(client, token).status_code == 200


def test_a_token_issued_after_the_change_works(world, client):
    world.diego.set_password(NEW_PASSWORD)
    world.diego.save()
    _obj, token = ApiToken.issue(world.diego, "new")
    assert client.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
