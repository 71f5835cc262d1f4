"""Content-Security-Policy without inline scripts, and ``Cache-Control: no-store`` on personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from miaf.web.accounts.models import ApiToken

WEB = Path(__file__).resolve().parents[2] / "src" / "miaf" / "web"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _csp(response) -> dict[str, str]:  # noqa: ANN001
    return {part.split()[0]: part for part in (p.strip() for p in response["Content-Security-Policy"].split(";")) if part}


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in sorted(WEB.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(WEB)}: {m.group(0)[:60]}" for m in INLINE_SCRIPT.finditer(text)]
        offenders += [f"{path.relative_to(WEB)}: {m.group(0)[:60]}" for m in INLINE_HANDLER.finditer(text)]
    assert offenders == []


def test_pages_send_a_content_security_policy_that_forbids_inline_scripts(world, client, client_for):
    anonymous = client.get(reverse("login"))
    page = client_for(world.carla).get(reverse("registry:family_detail", args=[world.fam_ojo.pk]))
    for response in (anonymous, page):
        policy = _csp(response)
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["script-src"].split()[1] == "'self'"
        assert policy["object-src"] == "object-src 'none'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"


def test_the_base_page_loads_its_behaviours_from_a_static_file(world, client_for):
    html = client_for(world.ana).get(reverse("home"), follow=True).content.decode()
    assert "miaf/ui.js" in html
    assert "data-menu-toggle" in html and "data-autosubmit" in html
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html)


@pytest.mark.parametrize("page", ["family", "plot", "records", "export", "plot_list"])
def test_pages_with_personal_data_are_not_stored_by_browsers_or_proxies(world, client_for, page):
    url = {
        "family": reverse("registry:family_detail", args=[world.fam_ojo.pk]),
        "plot": reverse("plots:detail", args=[world.plot_ojo.pk]),
        "records": reverse("records:family", args=[world.fam_ojo.pk]),
        "export": reverse("exports:table", args=["familias", "csv"]),
        "plot_list": reverse("plots:list"),
    }[page]
    response = client_for(world.carla).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_responses_to_a_token_are_not_stored(world, client):
    _obj, token = ApiToken.issue(world.carla, "sync")
    response = client.get("/api/v1/families", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_anonymous_login_page_still_has_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
