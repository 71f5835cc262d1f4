"""The open-data ZIP is a Frictionless Data package that the real validator accepts (issue 15 item 7), its titles and
descriptions in the user's language (Spanish by default, English after the switch)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from miaf.web.exports.columns import OPEN_DATA_TABLES
from tests.exports.helpers import body

pytestmark = pytest.mark.django_db


def _extract(programme, client_for, tmp_path, query: str = "", lang: str = "es"):  # noqa: ANN001, ANN202
    client = client_for(programme.world.diego)
    if lang != "es":
        client.cookies["django_language"] = lang
    response = client.get(reverse("exports:open_data") + query)
    assert response.status_code == 200
    zipfile.ZipFile(io.BytesIO(body(response))).extractall(tmp_path)
    return json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("query", ["", "?ubicacion=rejilla"])
def test_frictionless_validate_is_clean(programme, client_for, tmp_path, query, lang):
    from frictionless import validate

    descriptor = _extract(programme, client_for, tmp_path, query, lang)
    assert descriptor["language"] == lang
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    # every CSV of the ZIP is described, with the dictionary's columns in order
    described = {r["path"] for r in descriptor["resources"]}
    assert described == {p.name for p in tmp_path.glob("*.csv")}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_schema_comes_from_the_data_dictionary_in_the_users_language(programme, client_for, tmp_path, lang):
    descriptor = _extract(programme, client_for, tmp_path, lang=lang)
    assert descriptor["language"] == lang
    specs = {t.slug: t for t in OPEN_DATA_TABLES}
    for res in descriptor["resources"]:
        slug = res["path"].removesuffix(".csv")
        if slug == "diccionario":
            continue
        spec = specs[slug]
        assert (res["title"], res["description"]) == (spec.title(lang), spec.description_in(lang))
        assert [f["name"] for f in res["schema"]["fields"]] == spec.names
        header = (tmp_path / res["path"]).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        assert header == spec.names
        for f, col in zip(res["schema"]["fields"], spec.columns, strict=True):
            meaning, other = (col.meaning, col.meaning_es) if lang == "en" else (col.meaning_es, col.meaning)
            assert f["description"].startswith(meaning) and other not in f["description"]
            assert f["title"] == col.label(lang)
            if col.unit:
                assert f["description"].endswith(f" {col.unit}.")
