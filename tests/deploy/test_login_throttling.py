"""Failed logins are throttled per account and per address: the login page, the admin and API tokens.

Before the fix (issue 14), 30 wrong passwords and then the right one logged in.
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from miaf.web.accounts.models import ApiToken
from tests.conftest import PASSWORD

LOCKED = "Demasiados intentos fallidos"


def _login(client, username, password, address="10.0.0.1", url=None, **extra):  # noqa: ANN001, ANN202
    return client.post(url or reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address, **extra)  # fmt: skip


def _logged_in(client) -> bool:  # noqa: ANN001
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_spanish_message(world, client):
    for _ in range(30):
        assert _login(client, "carla", "wrong").status_code == 200
    response = _login(client, "carla", PASSWORD)
    assert not _logged_in(client)
    assert LOCKED in response.content.decode()
    assert "15 minutos" in response.content.decode()


def test_a_few_wrong_passwords_do_not_lock_the_account(world, client, settings):
    for _ in range(settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT - 1):
        _login(client, "carla", "wrong")
    response = _login(client, "carla", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_account_stays_locked_when_the_attacker_changes_address(world, client, settings):
    for i in range(settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "ana", "wrong", address=f"10.0.1.{i}")
    response = _login(client, "ana", PASSWORD, address="10.9.9.9")
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)


def test_one_address_guessing_many_accounts_is_locked_out_for_every_account(world, client, settings):
    for i in range(settings.MIAF_LOGIN_FAILURES_PER_ADDRESS):
        _login(client, f"nobody{i}", "wrong", address="10.0.2.1")
    assert LOCKED in _login(client, "beto", PASSWORD, address="10.0.2.1").content.decode()
    assert not _logged_in(client)
    # Another address is not affected.
    assert _login(client, "beto", PASSWORD, address="10.0.2.2").status_code == 302


def test_a_successful_login_clears_the_account_counter(world, client, settings):
    limit = settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT
    for _ in range(limit - 1):
        _login(client, "diego", "wrong")
    assert _login(client, "diego", PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        _login(client, "diego", "wrong")
    assert _login(client, "diego", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_window(world, client, settings):
    settings.MIAF_LOGIN_LOCKOUT_S = 1
    for _ in range(settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "carla", "wrong")
    assert LOCKED in _login(client, "carla", PASSWORD).content.decode()
    time.sleep(1.2)
    assert _login(client, "carla", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(world, client, settings):
    url = reverse("admin:login")
    for _ in range(settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT):
        _login(client, "root", "wrong", url=url)
    response = _login(client, "root", PASSWORD, url=url)
    assert LOCKED in response.content.decode()
    assert not _logged_in(client)


def test_behind_the_proxy_the_forwarded_client_address_is_counted(world, client, settings):
    settings.MIAF_BEHIND_PROXY = True
    for i in range(settings.MIAF_LOGIN_FAILURES_PER_ADDRESS):
        _login(client, f"nobody{i}", "wrong", address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    locked = _login(client, "beto", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert LOCKED in locked.content.decode()
    # Another client behind the same nginx still logs in.
    other = _login(client, "beto", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 302


@pytest.mark.parametrize("language", ["es", "en"])
def test_guessing_api_tokens_is_answered_429_even_for_a_valid_token(world, client, settings, language):
    _obj, token = ApiToken.issue(world.carla, "sync")
    for i in range(settings.MIAF_LOGIN_FAILURES_PER_ADDRESS):
        wrong = client.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer miaf_{i:04d}gues-x", REMOTE_ADDR="10.0.3.1")
        assert wrong.status_code == 401
    response = client.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.0.3.1",
                          HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
    assert response.status_code == 429
    assert response.json()["detail"]
    assert client.get("/api/v1/stats", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR="10.0.3.2").status_code == 200
