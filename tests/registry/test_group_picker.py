"""The group filter of list pages, the dashboard and the report is a text field with at most 20 suggestions from
the user's scope, not a ``<select>`` of every group (issue 14: 6,682 options on every list page at scale)."""

from __future__ import annotations

import re

import pytest

from miaf.web.registry.pickers import MAX_SUGGESTIONS

pytestmark = pytest.mark.django_db


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', html)


def picker_options(html: str) -> list[str]:
    """The options of the group picker's datalist on a page."""
    return option_values(re.search(r'<datalist id="id_group-options">(.*?)</datalist>', html, re.S).group(1))


def group_input(html: str) -> str:
    return re.search(r'<input[^>]*name="group"[^>]*>', html).group(0)


def test_the_family_list_renders_no_option_per_group_but_a_text_field(client_for, world):
    html = client_for(world.carla).get("/familias/").content.decode()
    assert 'type="text" name="group"' in group_input(html)
    assert 'list="id_group-options"' in group_input(html)
    assert picker_options(html) == []  # no group is listed until the user types (or picks one)
    assert 'select name="group"' not in html and "Grupo ajeno" not in html


def test_filtering_by_the_group_number_still_works_and_names_the_chosen_group(client_for, world):
    r = client_for(world.carla).get("/familias/", {"group": world.group_ojo.pk})
    html = r.content.decode()
    assert [f.code for f in r.context["rows"]] == ["OJO-001"]
    assert f'value="{world.group_ojo.pk}"' in group_input(html)
    assert picker_options(html) == [str(world.group_ojo.pk)]  # the chosen one only, with its label
    assert "Ojo de Agua · Las Margaritas" in html


def test_without_javascript_a_typed_group_name_filters_too(client_for, world):
    r = client_for(world.carla).get("/parcelas/", {"group": "el vergel"})
    assert [p.name for p in r.context["rows"]] == ["El Cerrito"]


def test_a_group_outside_the_promoters_scope_is_ignored_not_leaked(client_for, world):
    for value in (world.group_vergel.pk, "El Vergel", "Grupo ajeno"):
        r = client_for(world.ana).get("/familias/", {"group": value})
        assert [f.code for f in r.context["rows"]] == ["OJO-001"], value  # the filter is dropped
        assert "El Vergel ·" not in r.content.decode() and picker_options(r.content.decode()) == []


def test_an_ambiguous_name_asks_for_the_number(world):
    from miaf.web.registry.forms import ScopedFilterForm
    from miaf.web.registry.models import Group, Locality, Municipality

    mun = Municipality.objects.create(state_code="07", code="019", name="Comitán de Domínguez")
    loc = Locality.objects.create(name="Otro", municipality=mun, latitude=16.2, longitude=-92.1)
    other = world.org_coffee.__class__.objects.create(name="Otra cooperativa", kind="producer",
                                                      accompanied_by=world.proasus)
    Group.objects.create(name="Ojo de Agua", locality=loc, producer_organisation=other)
    form = ScopedFilterForm({"group": "Ojo de agua"}, user=world.carla)
    assert form.value("group") is None and form.errors["group"][0].startswith("Hay varios grupos")
    assert ScopedFilterForm({"group": str(world.group_ojo.pk)}, user=world.carla).value("group") == world.group_ojo


def test_suggestions_are_scoped_to_the_user(client_for, world):
    url = "/grupos/opciones/"
    carla = option_values(client_for(world.carla).get(url, {"group": "a"}).content.decode())
    assert sorted(carla) == sorted([str(world.group_ojo.pk), str(world.group_vergel.pk)])  # not "Grupo ajeno"
    assert option_values(client_for(world.ana).get(url).content.decode()) == [str(world.group_ojo.pk)]
    assert option_values(client_for(world.olga).get(url, {"q": "Ojo"}).content.decode()) == []
    assert option_values(client_for(world.carla).get(url, {"q": str(world.group_other.pk)}).content.decode()) == []
    by_municipality = client_for(world.carla).get(url, {"q": "margaritas"}).content.decode()
    assert "El Vergel · Las Margaritas" in by_municipality and "Ojo de Agua · Las Margaritas" in by_municipality


def test_suggestions_are_at_most_twenty_and_need_a_login(client_for, world):
    from django.test import Client

    from miaf.web.registry.models import Group

    Group.objects.bulk_create([Group(name=f"Grupo {i:02d}", locality=world.locality,
                                     producer_organisation=world.org_coffee) for i in range(30)])
    r = client_for(world.carla).get("/grupos/opciones/", {"q": "grupo"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    assert len(option_values(r.content.decode())) == MAX_SUGGESTIONS == 20
    assert Client().get("/grupos/opciones/").status_code == 302  # anonymous: to the login page


def test_the_dashboard_group_filter_is_the_picker_and_still_filters(client_for, world):
    r = client_for(world.carla).get("/tablero/", {"group": world.group_ojo.pk})
    html = r.content.decode()
    assert 'type="text" name="group"' in group_input(html)
    assert r.context["view"].form.filters().group == world.group_ojo.pk
    other = client_for(world.carla).get("/tablero/", {"group": world.group_other.pk})
    assert other.context["view"].form.filters().group is None  # another organisation's group: dropped


def test_the_report_form_takes_the_group_number(world):
    from miaf.web.evidence.forms import ReportForm

    form = ReportForm({"group": str(world.group_vergel.pk), "format": "pdf"}, user=world.beto)
    assert form.is_valid(), form.errors
    assert form.filters() == {"group": world.group_vergel.pk}
    assert not ReportForm({"group": str(world.group_ojo.pk), "format": "pdf"}, user=world.beto).is_valid()
