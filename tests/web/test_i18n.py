"""Spanish by default, English after the switch in the page header: pages, formats and validation messages."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

import miaf.web
from miaf.geo import GeometryError, validate_boundary

pytestmark = pytest.mark.django_db

LOCALE = Path(miaf.web.__file__).parent / "locale" / "en" / "LC_MESSAGES"
TOO_LARGE = {"type": "Polygon", "coordinates": [[[-92.0, 16.0], [-91.9, 16.0], [-91.9, 16.1], [-92.0, 16.1], [-92.0, 16.0]]]}


@pytest.fixture
def english(client_for, world):  # noqa: ANN001, ANN201
    """Carla's browser after choosing English in the header's language menu."""
    client = client_for(world.carla)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def test_pages_are_in_spanish_by_default(world, client_for):
    html = client_for(world.carla).get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert '<html lang="es">' in html
    assert "Datos de la parcela" in html and "15 de mayo de 2012" in html


def test_the_plot_page_renders_in_english_after_switching(world, english):
    html = english.get(reverse("plots:detail", args=[world.plot_ojo.pk])).content.decode()
    assert '<html lang="en">' in html
    assert "Plot data" in html and "Plot history" in html and "traditional milpa" in html
    assert "May 15, 2012" in html  # English date format
    assert "Datos de la parcela" not in html


@pytest.mark.parametrize(
    ("url", "english_text"),
    [
        ("/", "The programme in figures"),
        ("/grupos/", "Working groups"),
        ("/familias/", "2 families"),
        ("/parcelas/", "2 plots"),
        ("/familias/nueva/", "Register family"),
        ("/parcelas/nueva/", "Register plot"),
    ],
)
def test_list_and_form_pages_render_in_english_after_switching(world, english, url, english_text):
    html = english.get(url).content.decode()
    assert english_text in html
    for spanish in ("Buscar", "Guardar", "Familias", "Parcelas", "Grupos de trabajo", "Inicio"):
        assert f">{spanish}<" not in html, f"{spanish!r} left untranslated on {url}"


def test_the_family_page_renders_in_english_with_translated_choices(world, english):
    html = english.get(reverse("registry:family_detail", args=[world.fam_ojo.pk])).content.decode()
    assert "Members" in html and "head of household" in html and "Tseltal" in html and "woman" in html


def test_a_bad_polygon_is_refused_in_english_after_switching(world, english):
    with pytest.raises(GeometryError) as err:
        validate_boundary(TOO_LARGE)
    response = english.post(reverse("plots:create"), {
        "family": world.fam_ojo.pk, "name": "Big", "system": "traditional", "since": "2015-01-01",
        "boundary": json.dumps(TOO_LARGE),
    })
    assert response.status_code == 200
    assert response.context["form"].errors["boundary"] == [err.value.message("en")]
    assert "more than the 1000 ha a plot may have" in response.content.decode()


def test_a_future_date_and_a_missing_field_are_refused_in_english(world, english):
    response = english.post(reverse("plots:convert", args=[world.plot_vergel.pk]), {"system": "miaf_d", "on": "2999-01-01"})
    assert response.context["form"].errors["on"] == ["The date cannot be in the future."]
    response = english.post(reverse("plots:convert", args=[world.plot_vergel.pk]), {"system": "miaf_d"})
    assert response.context["form"].errors["on"] == ["This field is required."]


def test_a_domain_refusal_is_shown_in_english(world, english):
    # convert_plot's own message (gettext at call time), naming the field.
    response = english.post(reverse("plots:convert", args=[world.plot_ojo.pk]), {"system": "miaf_d", "on": "2020-01-01"})
    assert response.context["form"].errors["system"] == ["The plot is already under that system."]


def test_switching_back_to_spanish_restores_spanish(world, english):
    english.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "El programa en cifras" in english.get("/").content.decode()


# -------------------------------------------------------------------------------------- the catalogue


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (list), flags."""
    def unquote(lines: list[str]) -> str:
        return "".join(json.loads(line) for line in lines)

    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        key = None
        flags = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[key].append(line)
            else:
                key, _, rest = line.partition(" ")
                fields[key] = [rest]
        if "msgid" not in fields:
            continue
        strs = [unquote(v) for k, v in sorted(fields.items()) if re.fullmatch(r"msgstr(\[\d\])?", k)]
        entries.append({"msgid": unquote(fields["msgid"]),
                        "context": unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
                        "plural": unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
                        "msgstr": strs, "fuzzy": "fuzzy" in flags})
    return entries


def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    entries = [e for e in po_entries(LOCALE / "django.po") if e["msgid"]]
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or e["fuzzy"]]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for e in po_entries(LOCALE / "django.po"):
        if not e["msgid"]:
            continue
        if e["plural"]:
            assert catalogue.ngettext(e["msgid"], e["plural"], 1) == e["msgstr"][0]
            assert catalogue.ngettext(e["msgid"], e["plural"], 2) == e["msgstr"][1]
        elif e["context"]:
            assert catalogue.pgettext(e["context"], e["msgid"]) == e["msgstr"][0], e["msgid"]
        else:
            assert catalogue.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]


def test_every_alias_of_a_translation_function_is_one_makemessages_extracts():
    """``gettext_lazy as _l`` hid a whole form's labels from the catalogue until makemessages learnt the alias."""
    from miaf.web.core.management.commands.makemessages import ALIASES, Command

    web = Path(__file__).resolve().parents[2] / "src" / "miaf" / "web"
    pattern = re.compile(r"\b(?:n|p|np)?gettext(?:_lazy|_noop)?\s+as\s+(\w+)")
    found = {(path.relative_to(web).as_posix(), alias) for path in web.rglob("*.py")
             for alias in pattern.findall(path.read_text(encoding="utf-8"))}
    assert found, "no aliased import found: the pattern is wrong"
    assert {(p, a) for p, a in found if a != "_" and a not in ALIASES} == set()
    assert all(f"--keyword={a}" in Command.xgettext_options for a in ALIASES)


def test_no_translation_call_hides_inside_an_f_string():
    """xgettext reads an f-string as one string: ``f"## {_('Licencia')}"`` kept the open-data README's headings
    out of the catalogue, so the English README stayed in Spanish."""
    from miaf.web.core.management.commands.makemessages import ALIASES

    web = Path(__file__).resolve().parents[2] / "src" / "miaf" / "web"
    names = "|".join(re.escape(n) for n in ("_", "gettext", "ngettext", "pgettext", *ALIASES))
    pattern = re.compile(r"""\bf(["'])[^"'\n]*\{(?:""" + names + r")\(")
    hidden = [f"{path.relative_to(web)}:{n}" for path in web.rglob("*.py")
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert hidden == []
