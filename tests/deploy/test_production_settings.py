"""Production settings come from the environment; `miaf manage check --deploy` is clean with the documented
production environment (docs/deploy.md), and `miaf serve` refuses an unsafe configuration."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIAF = [sys.executable, "-m", "miaf.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIAF_") and k != "DATABASE_URL"}
    env.update(MIAF_VAR_DIR=str(tmp_path / "var"), MIAF_HOME=str(tmp_path), **extra)
    return env


def _production(tmp_path: Path) -> dict[str, str]:
    """The environment of docs/deploy.md (with SQLite under tmp_path instead of PostgreSQL)."""
    return _env(tmp_path, MIAF_DEBUG="false", MIAF_SECRET_KEY=secrets.token_urlsafe(50),
                MIAF_ALLOWED_HOSTS="miaf.example.org", MIAF_CSRF_TRUSTED_ORIGINS="https://miaf.example.org",
                MIAF_HTTPS="true", MIAF_BEHIND_PROXY="true")  # fmt: skip


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*MIAF, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = _run(["manage", "check", "--deploy", "--fail-level", "WARNING"], _production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_reports_https_settings_left_out(tmp_path):
    env = _production(tmp_path)
    del env["MIAF_HTTPS"]
    result = _run(["manage", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_check_deploy_refuses_a_demo_database_on_a_public_host(tmp_path):
    env = _production(tmp_path)
    env["MIAF_DEMO_DATABASE"] = "true"
    result = _run(["manage", "check", "--deploy"], env)
    assert result.returncode != 0
    assert "miaf.E003" in result.stderr


def test_a_setting_that_is_not_true_or_false_is_refused(tmp_path):
    result = _run(["manage", "check"], _env(tmp_path, MIAF_HTTPS="yes please"))
    assert result.returncode != 0
    assert "MIAF_HTTPS must be true or false" in result.stderr


def test_a_hsts_duration_that_is_not_a_number_is_refused(tmp_path):
    result = _run(["manage", "check"], _env(tmp_path, MIAF_HSTS_SECONDS="one year"))
    assert result.returncode != 0
    assert "MIAF_HSTS_SECONDS must be a whole number" in result.stderr


def test_a_trusted_origin_without_a_scheme_is_refused(tmp_path):
    result = _run(["manage", "check"], _env(tmp_path, MIAF_CSRF_TRUSTED_ORIGINS="miaf.example.org"))
    assert result.returncode != 0
    assert "MIAF_CSRF_TRUSTED_ORIGINS" in result.stderr


@pytest.mark.parametrize(
    ("drop", "message"),
    [("MIAF_SECRET_KEY", "development secret key"), ("MIAF_ALLOWED_HOSTS", "MIAF_ALLOWED_HOSTS")],
)
def test_serve_refuses_to_start_outside_debug_without_a_secret_key_or_allowed_hosts(tmp_path, drop, message):
    env = _production(tmp_path)
    del env[drop]
    result = _run(["serve", "--no-migrate", "--port", "1"], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("miaf serve: error: refusing to serve")
    assert message in lines[0]


def test_serve_refuses_a_short_secret_key(tmp_path):
    env = _production(tmp_path)
    env["MIAF_SECRET_KEY"] = "short"
    result = _run(["serve", "--no-migrate", "--port", "1"], env)
    assert result.returncode == 2
    assert "secret key" in result.stderr


def test_serve_checks_pass_in_production_and_in_debug(settings, monkeypatch):
    from miaf.web.cli import refuse_unsafe_serving

    settings.DEBUG = True  # on one's own computer the development key is fine
    refuse_unsafe_serving()
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    monkeypatch.setenv("MIAF_ALLOWED_HOSTS", "miaf.example.org")
    assert refuse_unsafe_serving() is None
