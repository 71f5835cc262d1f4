"""The open-data ZIP is a Frictionless Data package that the real validator accepts (issue 15 item 7)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from miaf.web.exports.columns import OPEN_DATA_TABLES
from tests.exports.helpers import body

pytestmark = pytest.mark.django_db


def _extract(programme, client_for, tmp_path, query: str = ""):  # noqa: ANN001, ANN202
    client = client_for(programme.world.diego)
    response = client.get(reverse("exports:open_data") + query)
    assert response.status_code == 200
    zipfile.ZipFile(io.BytesIO(body(response))).extractall(tmp_path)
    return json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("query", ["", "?location=grid"])
def test_frictionless_validate_is_clean(programme, client_for, tmp_path, query):
    from frictionless import validate

    descriptor = _extract(programme, client_for, tmp_path, query)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    # every CSV of the ZIP is described, with the dictionary's columns in order
    described = {r["path"] for r in descriptor["resources"]}
    assert described == {p.name for p in tmp_path.glob("*.csv")}


def test_the_schema_comes_from_the_data_dictionary(programme, client_for, tmp_path):
    descriptor = _extract(programme, client_for, tmp_path)
    specs = {t.slug: t for t in OPEN_DATA_TABLES}
    for res in descriptor["resources"]:
        slug = res["path"].removesuffix(".csv")
        if slug == "diccionario":
            continue
        spec = specs[slug]
        assert [f["name"] for f in res["schema"]["fields"]] == spec.names
        header = (tmp_path / res["path"]).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        assert header == spec.names
        for f, col in zip(res["schema"]["fields"], spec.columns, strict=True):
            assert col.meaning in f["description"]
            if col.unit:
                assert col.unit in f["description"]
