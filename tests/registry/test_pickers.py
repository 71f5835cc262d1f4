"""Forms that name a family, a group or a locality offer a picker (a text field with at most 20 suggestions of the
user's scope), never a ``<select>`` or a checkbox per row of the whole programme (registry/pickers.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from miaf.web.registry.pickers import MAX_SUGGESTIONS

pytestmark = pytest.mark.django_db

DAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', html)


def datalist(html: str, field: str) -> list[str]:
    """The options of a picker's datalist on a page (``id_<field>-options``)."""
    return option_values(
        re.search(rf'<datalist id="id_{field}-options">(.*?)</datalist>', html, re.S).group(1)
    )


def picker_input(html: str, field: str) -> str:
    return re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)


def assert_picker(html: str, field: str, names: list[str], current: str | None = None) -> None:
    """``field`` is a text picker and the page lists none of ``names`` (the scope's rows)."""
    assert f'type="text" name="{field}"' in picker_input(html, field)
    assert not re.search(rf'<select[^>]*name="{field}"', html)
    assert datalist(html, field) == ([current] if current else [])
    leaked = [n for n in names if n in html]
    assert leaked == [], leaked


@pytest.fixture
def many(world):  # noqa: ANN001, ANN201
    """30 localities, 30 groups of carla's organisation (in those localities) and 30 families of ana's group."""
    from miaf.web.registry.models import Family, Group, Locality, Membership

    localities = Locality.objects.bulk_create(
        [Locality(name=f"Rancho {i:02d}", municipality=world.municipality) for i in range(30)]
    )
    groups = Group.objects.bulk_create(
        [
            Group(name=f"Colectivo {i:02d}", locality=localities[i], producer_organisation=world.org_coffee)
            for i in range(30)
        ]
    )
    families = Family.objects.bulk_create(
        [
            Family(code=f"MUC-{i:03d}", name=f"Familia Muchas {i:02d}", locality=world.locality)
            for i in range(30)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(family=f, group=world.group_ojo, joined_on=dt.date(2020, 1, 1)) for f in families]
    )
    return {
        "localities": [x.name for x in localities],
        "groups": [g.name for g in groups],
        "families": [f.name for f in families],
    }


# ------------------------------------------------------------------------------------- (a) no option per row


def test_the_family_form_offers_locality_and_group_pickers(client_for, world, many):
    html = client_for(world.carla).get("/familias/nueva/").content.decode()
    assert_picker(html, "locality", many["localities"])
    assert_picker(html, "group", many["groups"])


def test_editing_a_family_names_its_locality_only(client_for, world, many):
    html = client_for(world.carla).get(f"/familias/{world.fam_ojo.pk}/editar/").content.decode()
    assert_picker(html, "locality", many["localities"], current=str(world.locality.pk))
    assert "Ojo de Agua · Las Margaritas" in html


def test_the_move_and_group_forms_offer_pickers(client_for, world, many):
    html = client_for(world.carla).get(f"/familias/{world.fam_ojo.pk}/cambiar-grupo/").content.decode()
    assert_picker(html, "group", many["groups"])
    html = client_for(world.carla).get("/grupos/nuevo/").content.decode()
    assert_picker(html, "locality", many["localities"])


def test_the_promoters_groups_are_pickers_holding_her_groups(client_for, world, many):
    html = client_for(world.carla).get(f"/promotores/{world.ana.profile.pk}/grupos/").content.decode()
    inputs = re.findall(r'<input[^>]*name="groups"[^>]*>', html)
    assert len(inputs) == 3 and f'value="{world.group_ojo.pk}"' in inputs[0]  # hers, then two empty ones
    assert 'type="checkbox"' not in html and [n for n in many["groups"] if n in html] == []


def test_the_plot_and_advance_forms_offer_a_family_picker(client_for, world, many):
    html = client_for(world.ana).get("/parcelas/nueva/").content.decode()
    assert_picker(html, "family", many["families"])
    html = client_for(world.ana).get(f"/parcelas/nueva/?familia={world.fam_ojo.pk}").content.decode()
    assert_picker(html, "family", many["families"], current=str(world.fam_ojo.pk))
    html = client_for(world.ana).get("/comercializacion/anticipos/").content.decode()
    assert_picker(html, "family", [])  # the balances table lists families; the form lists none
    assert not [n for n in many["families"] if f">{n}<" in html]


def test_the_training_form_offers_group_invited_groups_and_locality_pickers(client_for, world, many):
    html = client_for(world.carla).get("/campo/capacitaciones/nueva/").content.decode()
    assert_picker(html, "group", many["groups"])
    assert_picker(html, "locality", many["localities"])
    assert len(re.findall(r'<input[^>]*name="groups"', html)) == 2 and 'type="checkbox"' not in html


# ------------------------------------------------------------------------------- (b) the suggestion endpoint


def test_family_suggestions_are_the_promoters_own_and_at_most_twenty(client_for, world, many):
    ana = option_values(client_for(world.ana).get("/opciones/familias/", {"q": "familia"}).content.decode())
    assert len(ana) == MAX_SUGGESTIONS == 20
    assert str(world.fam_vergel.pk) not in ana and str(world.fam_other.pk) not in ana
    beto = client_for(world.beto).get("/opciones/familias/", {"family": "muchas"}).content.decode()
    assert option_values(beto) == []  # another group's families: none
    by_code = client_for(world.beto).get("/opciones/familias/", {"q": "ver-0"}).content.decode()
    assert option_values(by_code) == [str(world.fam_vergel.pk)] and "VER-001 · Familia López Díaz" in by_code
    assert option_values(client_for(world.diego).get("/opciones/familias/").content.decode()) == []  # analyst


def test_group_and_locality_suggestions_are_scoped_and_at_most_twenty(client_for, world, many):
    carla = option_values(
        client_for(world.carla).get("/opciones/grupos/", {"groups": "colectivo"}).content.decode()
    )
    assert len(carla) == 20
    assert (
        option_values(client_for(world.olga).get("/opciones/grupos/", {"q": "colectivo"}).content.decode())
        == []
    )
    localities = client_for(world.ana).get("/opciones/localidades/", {"q": "rancho"}).content.decode()
    assert len(option_values(localities)) == 20 and "Rancho 00 · Las Margaritas" in localities
    by_municipality = option_values(
        client_for(world.ana).get("/opciones/localidades/", {"q": "margaritas"}).content.decode()
    )
    assert len(by_municipality) == 20
    # a promoter's events are held in her groups' localities only
    hers = option_values(client_for(world.ana).get("/opciones/localidades-de-grupos/").content.decode())
    assert hers == [str(world.locality.pk)]


def test_an_unknown_source_is_not_found_and_anonymous_users_sign_in(client_for, world):
    from django.test import Client

    assert client_for(world.carla).get("/opciones/socios/").status_code == 404
    assert Client().get("/opciones/familias/").status_code == 302


# ------------------------------------------------------------------------------------- (c) out-of-scope ids


def test_a_plot_for_another_groups_family_is_refused(client_for, world):
    r = client_for(world.ana).post("/parcelas/nueva/", {"family": world.fam_vergel.pk, "name": "Intrusa"})
    assert r.status_code == 200
    assert r.context["form"].errors["family"] == [
        "No hay una familia con ese número, código o nombre entre las suyas."
    ]


def test_a_plot_takes_the_family_code_typed_by_hand(world):
    from miaf.web.plots.forms import PlotCreateForm

    form = PlotCreateForm({"family": "ojo-001"}, user=world.ana)
    form.is_valid()
    assert "family" not in form.errors and form.cleaned_data["family"] == world.fam_ojo


def test_a_family_in_another_group_or_an_unknown_locality_is_refused(client_for, world):
    r = client_for(world.ana).post(
        "/familias/nueva/",
        {
            "code": "OJO-777",
            "name": "Nueva",
            "locality": "999999",
            "group": world.group_vergel.pk,
            "joined_on": DAY,
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    errors = r.context["form"].errors
    assert errors["group"] == ["No hay un grupo con ese número o nombre entre los suyos."]
    assert errors["locality"] == ["No hay una localidad con ese número o nombre."]


def test_a_locality_name_shared_by_two_asks_for_its_number(world, many):
    from miaf.web.registry.forms import FamilyForm
    from miaf.web.registry.models import Locality

    Locality.objects.create(name="Rancho 01", municipality=world.municipality)
    form = FamilyForm(
        {"code": "OJO-001", "name": "x", "locality": "rancho 01"}, instance=world.fam_ojo, user=world.ana
    )
    assert form.errors["locality"] == ["Hay varias localidades con ese nombre: escriba su número."]
    form = FamilyForm(
        {"code": "OJO-001", "name": "x", "locality": "rancho 02"}, instance=world.fam_ojo, user=world.ana
    )
    assert "locality" not in form.errors and form.cleaned_data["locality"].name == "Rancho 02"


def test_moving_to_or_assigning_another_osc_group_is_refused(client_for, world):
    r = client_for(world.carla).post(
        f"/familias/{world.fam_ojo.pk}/cambiar-grupo/", {"group": world.group_other.pk, "joined_on": DAY}
    )
    assert r.context["form"].errors["group"] == ["No hay un grupo con ese número o nombre entre los suyos."]
    r = client_for(world.carla).post(
        f"/promotores/{world.ana.profile.pk}/grupos/",
        {"groups": [str(world.group_ojo.pk), str(world.group_other.pk)]},
    )
    assert r.context["form"].errors["groups"] == ["No hay un grupo con ese número o nombre entre los suyos."]
    assert list(world.ana.profile.groups.all()) == [world.group_ojo]


def test_promoter_groups_are_saved_from_several_inputs_or_a_comma_list(client_for, world):
    r = client_for(world.carla).post(
        f"/promotores/{world.ana.profile.pk}/grupos/",
        {"groups": [f"{world.group_ojo.pk}, {world.group_vergel.pk}", "", "el vergel"]},
    )
    assert r.status_code == 302
    assert sorted(g.name for g in world.ana.profile.groups.all()) == ["El Vergel", "Ojo de Agua"]
    r = client_for(world.carla).post(f"/promotores/{world.ana.profile.pk}/grupos/", {"groups": ["", ""]})
    assert r.status_code == 302 and not world.ana.profile.groups.exists()  # all emptied: none assigned


def test_a_training_with_another_groups_host_guests_or_locality_is_refused(client_for, world):
    from miaf.web.fieldwork.models import TrainingEvent
    from miaf.web.registry.models import Locality

    elsewhere = Locality.objects.create(name="Sin grupo", municipality=world.municipality)
    r = client_for(world.ana).post(
        "/campo/capacitaciones/nueva/",
        {
            "kind": "training",
            "title": "Podas",
            "held_on": DAY,
            "organisation": world.proasus.pk,
            "group": world.group_vergel.pk,
            "groups": [str(world.group_other.pk)],
            "locality": elsewhere.pk,
            "language": "es",
        },
    )
    errors = r.context["form"].errors
    assert errors["group"] == errors["groups"] == ["No hay un grupo con ese número o nombre entre los suyos."]
    assert errors["locality"] == ["No hay una localidad de sus grupos con ese número o nombre."]
    assert not TrainingEvent.objects.filter(title="Podas").exists()


def test_a_training_is_saved_with_picked_groups_and_locality(client_for, world):
    from miaf.web.fieldwork.models import TrainingEvent

    r = client_for(world.carla).post(
        "/campo/capacitaciones/nueva/",
        {
            "kind": "exchange",
            "title": "Intercambio",
            "held_on": DAY,
            "organisation": world.org_coffee.pk,
            "group": world.group_ojo.pk,
            "groups": [str(world.group_vergel.pk), ""],
            "locality": world.locality.pk,
            "language": "es",
            "step": "10",
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    event = TrainingEvent.objects.get(title="Intercambio")
    assert event.group == world.group_ojo and event.locality == world.locality
    assert list(event.groups.all()) == [world.group_vergel]
    html = client_for(world.carla).get(f"/campo/capacitaciones/{event.pk}/editar/").content.decode()
    assert f'value="{world.group_vergel.pk}"' in re.findall(r'<input[^>]*name="groups"[^>]*>', html)[0]


def test_an_advance_for_a_family_named_by_hand_but_unknown_is_a_form_error(client_for, world):
    r = client_for(world.ana).post(
        "/comercializacion/anticipos/",
        {"family": "Nadie", "kind": "cash", "given_on": DAY, "amount_mxn": "100"},
    )
    assert r.status_code == 200
    assert r.context["form"].errors["family"] == [
        "No hay una familia con ese número, código o nombre entre las suyas."
    ]
    r = client_for(world.ana).post(
        "/comercializacion/anticipos/",
        {"family": world.fam_vergel.pk, "kind": "cash", "given_on": DAY, "amount_mxn": "100"},
    )
    assert r.status_code == 403  # another group's family by its number: refused as before


def test_moving_a_family_to_its_own_group_says_so(client_for, world):
    r = client_for(world.carla).post(
        f"/familias/{world.fam_ojo.pk}/cambiar-grupo/", {"group": world.group_ojo.pk, "joined_on": DAY}
    )
    assert r.context["form"].errors["group"] == ["La familia ya está en ese grupo."]


def test_a_group_name_with_a_comma_is_one_group_not_two(world):
    from miaf.web.registry.forms_office import PromoterGroupsForm

    world.group_vergel.name = "El Vergel, parte alta"
    world.group_vergel.save()
    form = PromoterGroupsForm(
        {"groups": ["el vergel, parte alta", str(world.group_ojo.pk)]},
        user=world.carla,
        profile=world.ana.profile,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["groups"] == [world.group_vergel, world.group_ojo]
