"""Organisations, groups, localities and promoters' groups from the web: role matrix, saves and refusals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from miaf.web.core.menu import menu_for
from miaf.web.registry import services
from miaf.web.registry.models import Group, Locality, Organisation

pytestmark = pytest.mark.django_db

PERSONAS = ("root", "carla", "ana", "beto", "diego", "olga")
OFFICE = {"root", "carla", "olga"}
FIELD = OFFICE | {"ana", "beto"}

# Pages without an object: who gets a 200 (everyone else a 403).
PAGES = {
    "registry:organisation_list": OFFICE,
    "registry:organisation_create": OFFICE,
    "registry:group_create": OFFICE,
    "registry:locality_list": FIELD,
    "registry:locality_create": FIELD,
    "registry:promoter_list": OFFICE,
}


def object_pages(world) -> dict[str, tuple[str, dict[str, int]]]:  # noqa: ANN001
    """``{name: (url, {persona: status})}`` for the pages of one object."""
    office_only = {"ana": 403, "beto": 403, "diego": 403}
    return {
        "registry:organisation_edit": (reverse("registry:organisation_edit", args=[world.org_coffee.pk]),
                                       {"root": 200, "carla": 200, "olga": 404, **office_only}),
        "registry:group_edit": (reverse("registry:group_edit", args=[world.group_ojo.pk]),
                                {"root": 200, "carla": 200, "olga": 404, **office_only}),
        "registry:locality_edit": (reverse("registry:locality_edit", args=[world.locality.pk]),
                                   {"root": 200, "carla": 200, "olga": 200, **office_only}),
        "registry:promoter_groups": (reverse("registry:promoter_groups", args=[world.ana.profile.pk]),
                                     {"root": 200, "carla": 200, "olga": 404, **office_only}),
        "registry:family_move": (reverse("registry:family_move", args=[world.fam_ojo.pk]),
                                 {"root": 200, "carla": 200, "ana": 200, "beto": 404, "olga": 404, "diego": 403}),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_office_pages_answer_each_role_with_the_expected_status(world, client_for, name, persona):
    response = client_for(getattr(world, persona)).get(reverse(name))
    assert response.status_code == (200 if persona in PAGES[name] else 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["registry:organisation_edit", "registry:group_edit", "registry:locality_edit",
                                  "registry:promoter_groups", "registry:family_move"])
def test_object_pages_answer_each_role_with_the_expected_status(world, client_for, name, persona):
    url, expected = object_pages(world)[name]
    assert client_for(getattr(world, persona)).get(url).status_code == expected[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_office_list_a_role_may_open_is_in_its_menu(world, persona):
    user = getattr(world, persona)
    role = "administrator" if persona == "root" else user.profile.role
    linked = {link["name"] for section in menu_for(role) for link in section["links"]}
    for name in ("registry:organisation_list", "registry:locality_list", "registry:promoter_list"):
        assert (name in linked) == (persona in PAGES[name]), name


def test_the_groups_list_links_the_group_form_for_coordinators_only(world, client_for):
    new = reverse("registry:group_create")
    assert new in client_for(world.carla).get(reverse("registry:group_list")).content.decode()
    assert new not in client_for(world.ana).get(reverse("registry:group_list")).content.decode()


def test_the_family_page_links_the_change_group_form(world, client_for):
    page = client_for(world.ana).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert reverse("registry:family_move", args=[world.fam_ojo.pk]) in page


def test_a_coordinator_registers_a_producer_organisation_of_her_own_osc(world, client_for):
    response = client_for(world.carla).post(reverse("registry:organisation_create"), {
        "name": "Mujeres del Café", "short_name": "MUCAF", "kind": "producer", "accompanied_by": world.proasus.pk})
    assert response.status_code == 302
    assert Organisation.objects.get(short_name="MUCAF").accompanied_by == world.proasus


def test_a_coordinator_may_not_register_an_accompanying_organisation(world, client_for):
    response = client_for(world.carla).post(reverse("registry:organisation_create"), {
        "name": "OSC nueva", "kind": "accompanying"})
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    assert not Organisation.objects.filter(name="OSC nueva").exists()
    with pytest.raises(ValidationError) as refused:
        services.save_organisation(world.carla, Organisation(name="OSC nueva", kind="accompanying"))
    assert "kind" in refused.value.message_dict


def test_a_coordinator_registers_and_renames_a_group_through_the_form(world, client_for):
    client = client_for(world.carla)
    response = client.post(reverse("registry:group_create"), {
        "name": "Las Flores", "producer_organisation": world.org_coffee.pk, "locality": world.locality.pk,
        "formed_on": "2023-04-01"})
    assert response.status_code == 302
    group = Group.objects.get(name="Las Flores")
    response = client.post(reverse("registry:group_edit", args=[group.pk]), {
        "name": "Las Flores del Valle", "producer_organisation": world.org_coffee.pk, "locality": world.locality.pk,
        "formed_on": "2023-04-01"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Las Flores del Valle"


def test_a_group_formed_in_the_future_is_refused_naming_the_date(world, client_for):
    response = client_for(world.carla).post(reverse("registry:group_create"), {
        "name": "Futuro", "producer_organisation": world.org_coffee.pk, "locality": world.locality.pk,
        "formed_on": "2999-01-01"})
    assert response.status_code == 200 and response.context["form"].errors["formed_on"]
    assert not Group.objects.filter(name="Futuro").exists()


def test_a_coordinator_of_another_osc_cannot_edit_proasus_groups_organisations_or_promoters(world, api_as):
    world.group_ojo.name = "Renombrado por Olga"
    with pytest.raises(PermissionDenied):
        services.save_group(world.olga, world.group_ojo)
    with pytest.raises(PermissionDenied):
        services.save_organisation(world.olga, world.org_coffee)
    with pytest.raises(PermissionDenied):
        services.assign_promoter(world.olga, world.ana.profile, [world.group_other])
    world.group_ojo.refresh_from_db()
    assert world.group_ojo.name == "Ojo de Agua"
    assert api_as("olga").patch(f"/groups/{world.group_ojo.pk}", {"name": "X"}).status_code == 404


def test_a_coordinator_may_not_put_a_group_under_another_oscs_organisation(world):
    group = Group(name="Infiltrado", locality=world.locality, producer_organisation=world.group_other.producer_organisation)
    with pytest.raises(ValidationError) as refused:
        services.save_group(world.carla, group)
    assert "producer_organisation" in refused.value.message_dict


def test_a_promoter_adds_a_locality_but_may_not_change_one(world, client_for):
    client = client_for(world.ana)
    response = client.post(reverse("registry:locality_create"), {
        "name": "Nuevo San Juan", "municipality": world.municipality.pk, "locality_code": "0123",
        "latitude": "16.3", "longitude": "-91.9"})
    assert response.status_code == 302
    new = Locality.objects.get(name="Nuevo San Juan")
    assert client.get(reverse("registry:locality_edit", args=[new.pk])).status_code == 403
    new.name = "Otro nombre"
    with pytest.raises(PermissionDenied):
        services.save_locality(world.ana, new)


def test_a_locality_outside_mexico_is_refused_naming_the_field(world, client_for):
    response = client_for(world.carla).post(reverse("registry:locality_create"), {
        "name": "Lejos", "municipality": world.municipality.pk, "latitude": "48.8", "longitude": "2.3"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"latitude", "longitude"}


def test_a_coordinator_assigns_groups_to_a_promoter_who_then_sees_their_families(world, client_for):
    response = client_for(world.carla).post(reverse("registry:promoter_groups", args=[world.beto.profile.pk]),
                                            {"groups": [world.group_ojo.pk, world.group_vergel.pk]})
    assert response.status_code == 302
    assert set(world.beto.profile.groups.all()) == {world.group_ojo, world.group_vergel}
    assert client_for(world.beto).get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).status_code == 200


def test_a_promoter_may_not_be_given_a_group_of_an_organisation_her_osc_does_not_accompany(world, client_for):
    response = client_for(world.carla).post(reverse("registry:promoter_groups", args=[world.beto.profile.pk]),
                                            {"groups": [world.group_other.pk]})
    assert response.status_code == 200 and response.context["form"].errors["groups"]
    with pytest.raises(ValidationError) as refused:
        services.assign_promoter(world.root, world.beto.profile, [world.group_other])
    assert "groups" in refused.value.message_dict
    assert list(world.beto.profile.groups.all()) == [world.group_vergel]


def test_promoters_may_not_assign_groups(world):
    with pytest.raises(PermissionDenied):
        services.assign_promoter(world.ana, world.beto.profile, [world.group_ojo])


def test_the_office_pages_fit_a_phone_tables_scroll_and_forms_are_one_column(world, client_for):
    client = client_for(world.carla)
    for name in ("registry:organisation_list", "registry:locality_list", "registry:promoter_list"):
        assert 'class="table-scroll"' in client.get(reverse(name)).content.decode()
    form_page = client.get(reverse("registry:group_create")).content.decode()
    assert 'class="card form office-form narrow-form"' in form_page
