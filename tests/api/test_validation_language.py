"""422 validation messages in the request's language (issue 15, item 7): pydantic's English messages are
replaced, through the one handler of miaf.web.api.errors, by messages in Spanish (the default) or English
(``Accept-Language: en`` or the language switch's cookie), led by the field's location; the codes stay
pydantic's, stable for machines."""

from __future__ import annotations

import pytest

from miaf.web.api.errors import pydantic_message
from miaf.web.records.models import InputPurchase

pytestmark = pytest.mark.django_db


def input_body(world, **extra) -> dict:  # noqa: ANN001, ANN003
    body = {"family": world.fam_ojo.pk, "plot": world.plot_ojo.pk, "purchased_on": "2023-03-15",
            "item": "Planta de aguacate Hass", "quantity": "25", "unit": "plantas", "cost_mxn": 1562.5,
            "supplier": "Vivero Comitán", "collective": True}
    return {**body, **extra}


def details(response) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    assert response.status_code == 422, response.content
    return {e["field"]: (e["code"], e["message"]) for e in response.json()["detail"]}


BAD = {"cost_mxn": -1, "item": "", "purchased_on": "15/03/2023", "collective": "quizá", "quantity": "mucho"}


def test_a_bad_body_is_refused_in_spanish_by_default_with_the_field_and_pydantics_code(api_as, world):
    response = api_as("ana").post("/inputs", input_body(world, **BAD))
    assert details(response) == {
        "cost_mxn": ("greater_than_equal", "cost_mxn: debe ser mayor o igual que 0."),
        "item": ("string_too_short", "item: debe tener al menos 1 carácter."),
        "purchased_on": ("date_from_datetime_parsing", "purchased_on: debe ser una fecha AAAA-MM-DD."),
        "collective": ("bool_parsing", "collective: debe ser verdadero o falso (true/false)."),
        "quantity": ("decimal_parsing", "quantity: debe ser un número."),
    }
    assert not InputPurchase.objects.exists()


def test_accept_language_en_gives_the_same_errors_in_english(api_as, world, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = api_as("ana").post("/inputs", input_body(world, **BAD))
    assert details(response) == {
        "cost_mxn": ("greater_than_equal", "cost_mxn: must be greater than or equal to 0."),
        "item": ("string_too_short", "item: must have at least 1 character."),
        "purchased_on": ("date_from_datetime_parsing", "purchased_on: must be a date YYYY-MM-DD."),
        "collective": ("bool_parsing", "collective: must be true or false."),
        "quantity": ("decimal_parsing", "quantity: must be a number."),
    }


def test_the_language_switch_cookie_chooses_english_too(api_as, world, client):
    client.cookies["django_language"] = "en"
    response = api_as("ana").post("/inputs", {k: v for k, v in input_body(world).items() if k != "item"})
    assert details(response) == {"item": ("missing", "item: is required.")}


def test_unknown_fields_query_limits_and_choices_are_translated(api_as, world, client):
    es = details(api_as("ana").post("/inputs", input_body(world, colour="rojo")))
    assert es == {"colour": ("extra_forbidden", "colour: no es un campo admitido.")}
    es = details(api_as("ana").get("/families", limit=0))
    assert es == {"limit": ("greater_than_equal", "limit: debe ser mayor o igual que 1.")}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    en = details(api_as("ana").get("/families", limit="many"))
    assert en == {"limit": ("int_parsing", "limit: must be a whole number.")}
    en = details(api_as("ana").get("/families", limit=501))
    assert en == {"limit": ("less_than_equal", "limit: must be less than or equal to 500.")}


def test_choices_are_listed_without_pydantics_english_or(settings):  # noqa: ANN001
    from django.utils import translation

    ctx = {"expected": "'traditional', 'miaf_d' or 'other'"}
    with translation.override("es"):
        assert pydantic_message("literal_error", ctx, "system") == "system: debe ser uno de: traditional, miaf_d, other."
        assert pydantic_message("too_long", {"max_length": 12}, None) == "Debe tener como máximo 12 elementos."
        assert pydantic_message("some_new_pydantic_type", {}, "x") == "x: no es válido."
    with translation.override("en"):
        assert pydantic_message("literal_error", ctx, "system") == "system: must be one of: traditional, miaf_d, other."
        assert pydantic_message("missing", {}, None) == "Is required."
