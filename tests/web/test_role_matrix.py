"""Role matrix: every page of the registry and plots, for every persona, with the exact status code.

Rules (issue 2): administrator sees all; a coordinator all in their organisation; a promoter only their
groups (others' families and plots are 404, not 403); an analyst aggregates only (family and plot pages
are 403, the home page and the groups list are open but never show a name or a coordinate).
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")

# Which personas see each family (and so its plots); everybody else with personal-data access gets a 404.
SEES = {
    "ojo": {"root", "carla", "ana"},
    "vergel": {"root", "carla", "beto"},
    "other": {"root", "olga"},
}

LIST_PAGES = ["registry:group_list", "registry:family_list", "registry:family_create", "plots:list", "plots:create"]
OPEN_TO_ANALYSTS = {"home", "registry:group_list"}
FAMILY_PAGES = ["registry:family_detail", "registry:family_edit"]
PLOT_PAGES = ["plots:detail", "plots:edit", "plots:convert"]


def expected_for_list(name: str, persona: str) -> int:
    if persona == "diego" and name not in OPEN_TO_ANALYSTS:
        return 403
    return 200


def expected_for_object(which: str, persona: str) -> int:
    if persona == "diego":
        return 403
    return 200 if persona in SEES[which] else 404


def object_url(world, name: str, which: str) -> str:  # noqa: ANN001
    obj = getattr(world, ("plot_" if name.startswith("plots:") else "fam_") + which)
    return reverse(name, args=[obj.pk])


def all_urls(world) -> list[str]:  # noqa: ANN001
    urls = [reverse("home")] + [reverse(n) for n in LIST_PAGES]
    urls += [object_url(world, n, w) for n in FAMILY_PAGES + PLOT_PAGES for w in SEES]
    return urls


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["home", *LIST_PAGES])
def test_list_and_create_pages_answer_each_role_with_the_expected_status(world, client_for, name, persona):
    response = client_for(getattr(world, persona)).get(reverse(name))
    assert response.status_code == expected_for_list(name, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", sorted(SEES))
@pytest.mark.parametrize("name", FAMILY_PAGES + PLOT_PAGES)
def test_family_and_plot_pages_answer_each_role_with_the_expected_status(world, client_for, name, which, persona):
    response = client_for(getattr(world, persona)).get(object_url(world, name, which))
    assert response.status_code == expected_for_object(which, persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", sorted(SEES))
def test_converting_a_plot_is_allowed_exactly_where_the_plot_is_visible(world, client_for, which, persona):
    plot = getattr(world, f"plot_{which}")
    phases_before = plot.phases.count()
    response = client_for(getattr(world, persona)).post(
        reverse("plots:convert", args=[plot.pk]), {"system": "miaf", "on": "2020-02-01", "notes": ""}
    )
    expected = expected_for_object(which, persona)
    assert response.status_code == (302 if expected == 200 else expected)
    assert plot.phases.count() == phases_before + (1 if expected == 200 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", sorted(SEES))
def test_editing_a_family_is_allowed_exactly_where_the_family_is_visible(world, client_for, which, persona):
    family = getattr(world, f"fam_{which}")
    data = {
        "code": family.code, "name": "Nombre cambiado", "locality": family.locality_id, "notes": "",
        "migration_notes": "", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
    }
    response = client_for(getattr(world, persona)).post(reverse("registry:family_edit", args=[family.pk]), data)
    expected = expected_for_object(which, persona)
    assert response.status_code == (302 if expected == 200 else expected)
    family.refresh_from_db()
    assert (family.name == "Nombre cambiado") == (expected == 200)


@pytest.mark.parametrize("persona", ["diego"])
def test_an_analyst_cannot_create_a_family_or_a_plot_by_posting(world, client_for, persona):
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family

    client = client_for(getattr(world, persona))
    families, plots = Family.objects.count(), Plot.objects.count()
    assert client.post(reverse("registry:family_create"), {"code": "X-1", "name": "X"}).status_code == 403
    assert client.post(reverse("plots:create"), {"family": world.fam_ojo.pk, "name": "X"}).status_code == 403
    assert (Family.objects.count(), Plot.objects.count()) == (families, plots)


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_page(world, client):
    for url in all_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_anonymous_posts_are_sent_to_login_and_change_nothing(world, client):
    plot = world.plot_vergel
    response = client.post(reverse("plots:convert", args=[plot.pk]), {"system": "miaf_d", "on": "2020-01-01"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert plot.phases.count() == 1


# ---------------------------------------------------------------------------- the analyst never sees a name

# Member names are "Jefa <family name>" (tests/conftest.py); the bare word "Jefa" would match the
# dashboard's "Jefatura del hogar" filter label.
PERSONAL = ["Familia Gómez Pérez", "Familia López Díaz", "Familia Ajena", "Jefa Familia", "OJO-001", "VER-001", "OTR-001",
            "La Ladera", "El Cerrito", "-91.98", "16.31", "-92.1", "16.2", "/familias/", "/parcelas/"]


@pytest.mark.parametrize("url", ["/", "/grupos/", "/grupos/?q=Ojo", "/grupos/?page=1"])
def test_the_analyst_pages_show_no_family_member_or_coordinate(world, client_for, url):
    response = client_for(world.diego).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for text in PERSONAL:
        assert text not in html, f"{text!r} leaked to the analyst on {url}"


def test_the_analyst_groups_list_shows_group_names_with_counts(world, client_for):
    response = client_for(world.diego).get("/grupos/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Ojo de Agua" in html and "El Vergel" in html
    assert "Grupo ajeno" not in html  # another organisation's group
    rows = {g.name: g for g in response.context["rows"]}
    assert rows["Ojo de Agua"].n_families == 1 and rows["Ojo de Agua"].n_plots == 1


def test_a_promoter_lists_only_the_families_and_plots_of_their_groups(world, client_for):
    client = client_for(world.ana)
    families = [f.code for f in client.get("/familias/").context["rows"]]
    plots = [p.name for p in client.get("/parcelas/").context["rows"]]
    groups = [g.name for g in client.get("/grupos/").context["rows"]]
    assert (families, plots, groups) == (["OJO-001"], ["La Ladera"], ["Ojo de Agua"])


def test_a_promoter_cannot_register_a_family_in_another_group(world, client_for):
    from miaf.web.registry.models import Family

    data = {
        "code": "VER-099", "name": "Intrusa", "locality": world.locality.pk, "group": world.group_vergel.pk,
        "joined_on": "2020-01-01", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
    }
    response = client_for(world.ana).post(reverse("registry:family_create"), data)
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not Family.objects.filter(code="VER-099").exists()


def test_a_promoter_cannot_register_a_plot_for_another_groups_family(world, client_for):
    from miaf.web.plots.models import Plot
    from tests.conftest import OJO_POLYGON

    before = Plot.objects.count()
    response = client_for(world.ana).post(reverse("plots:create"), {
        "family": world.fam_vergel.pk, "name": "Intrusa", "system": "traditional", "since": "2015-01-01",
        "boundary": json.dumps(OJO_POLYGON),
    })
    assert response.status_code == 200
    assert "family" in response.context["form"].errors
    assert Plot.objects.count() == before


def test_the_plot_create_page_ignores_a_family_outside_the_scope_in_its_query(world, client_for):
    response = client_for(world.ana).get(reverse("plots:create") + f"?familia={world.fam_vergel.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["family"] is None
    assert "Familia López Díaz" not in response.content.decode()
