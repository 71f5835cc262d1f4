"""Error pages (403, 404, 500, CSRF) in the site's layout, in the user's language, with a way back (issue 15)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from miaf.web.core import errors

pytestmark = pytest.mark.django_db


def _in_layout(html: str) -> None:
    assert 'name="viewport"' in html
    assert 'class="topbar"' in html
    assert f'href="{reverse("home")}"' in html


def test_404_is_in_the_layout_in_spanish_with_the_menu(client, world):
    client.force_login(world.ana)
    r = client.get("/no-existe-esta-pagina/")
    assert r.status_code == 404
    html = r.content.decode()
    _in_layout(html)
    assert "Página no encontrada" in html and "Volver al inicio" in html
    assert 'id="mainnav"' in html  # the menu of a logged-in user is there
    assert "Not Found" not in html


def test_404_in_english_when_chosen(client, world):
    client.force_login(world.ana)
    client.cookies["django_language"] = "en"
    r = client.get("/no-existe-esta-pagina/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "Page not found" in html and "Back to the home page" in html
    assert "Página no encontrada" not in html


def test_403_for_a_promoter_on_a_coordinator_page(client, world):
    client.force_login(world.ana)
    r = client.get(reverse("audit:family_history", args=[world.fam_vergel.pk]))
    assert r.status_code == 403
    html = r.content.decode()
    _in_layout(html)
    assert "Acceso no permitido" in html


def test_404_for_an_anonymous_visitor_offers_login(db):
    r = Client().get("/no-existe-esta-pagina/")
    html = r.content.decode()
    assert r.status_code == 404
    assert reverse("login") in html


def test_csrf_failure_is_a_friendly_page(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.ana)
    r = c.post(reverse("logout"))
    assert r.status_code == 403
    html = r.content.decode()
    _in_layout(html)
    assert "El formulario caducó" in html and "Forbidden" not in html


def test_500_renders_even_without_a_working_request_context(world):
    request = RequestFactory().get("/")
    request.user = world.ana
    r = errors.server_error(request)
    assert r.status_code == 500
    html = r.content.decode()
    _in_layout(html)
    assert "Error del servidor" in html
    assert r["Cache-Control"] == "no-store"
