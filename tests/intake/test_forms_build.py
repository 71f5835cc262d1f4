"""The XLSForms: built from forms/build_forms.py, converted by pyxform without errors or warnings, and in
step with what the importer reads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from miaf.web.intake.services.specs import FORMS

ROOT = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT / "forms"


def load_build():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("build_forms", FORMS_DIR / "build_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_forms"] = module
    spec.loader.exec_module(module)
    return module


build = load_build()
FORM_IDS = [f.form_id for f in build.FORMS]


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def test_there_is_one_form_per_field_activity_and_record():
    assert FORM_IDS == ["miaf_family", "miaf_plot", "miaf_economy", "miaf_harvest", "miaf_visit", "miaf_event",
                        "miaf_labour", "miaf_inputs", "miaf_planting", "miaf_process"]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_committed_workbook_converts_with_pyxform_without_warnings(form_id):
    warnings: list[str] = []
    result = convert(xlsform=str(FORMS_DIR / f"{form_id}.xlsx"), warnings=warnings)
    assert warnings == []
    assert f'id="{form_id}"' in result.xform
    assert 'lang="Español (es)" default="true()"' in result.xform
    assert 'lang="English (en)"' in result.xform


@pytest.mark.parametrize("form", build.FORMS, ids=FORM_IDS)
def test_committed_workbook_matches_the_build_script(form, tmp_path):
    fresh = build.write_workbook(form, tmp_path)
    for sheet in ("survey", "choices", "settings"):
        assert sheet_rows(fresh, sheet) == sheet_rows(FORMS_DIR / form.file_name, sheet), (
            f"forms/{form.file_name} is stale: run .venv/bin/python forms/build_forms.py")


@pytest.mark.parametrize("form", build.FORMS, ids=FORM_IDS)
def test_every_question_has_a_spanish_and_an_english_label(form):
    for q in form.survey:
        if q.type.startswith(("end_", "calculate", "start", "end", "username")):
            continue
        assert q.es and q.en, f"{form.form_id}:{q.name} lacks a label"


def test_partly_translated_tseltal_column_gives_no_warning_and_no_dash(tmp_path, monkeypatch):
    # pyxform pads missing translations with "-"; the build script fills them with the Spanish text.
    monkeypatch.setitem(build.TSELTAL, "miaf_harvest", {"quantity_kg": "TZH-PRUEBA"})
    path = build.write_workbook(build.HARVEST, tmp_path)
    warnings: list[str] = []
    xform = convert(xlsform=str(path), warnings=warnings).xform
    assert warnings == []
    tzh = xform.split('<translation lang="Tseltal (tzh)">')[1].split("</translation>")[0]
    assert "TZH-PRUEBA" in tzh
    assert "<value>-</value>" not in tzh


def test_every_form_carries_its_version_as_a_calculated_field():
    for form in build.FORMS:
        (calc,) = [q for q in form.survey if q.name == "form_version"]
        assert calc.calculation == f"'{form.version}'"
        assert form.version.isdigit() and len(form.version) == 10  # yyyymmddNN


@pytest.mark.parametrize("name", list(FORMS))
def test_importer_reads_only_questions_the_form_has_with_the_same_choices(name):
    spec = FORMS[name]
    (form,) = [f for f in build.FORMS if f.form_id == spec.form_id]
    assert form.version in spec.versions
    questions = {q.name: q for q in form.survey}
    _, choice_rows = build.choice_rows(form)
    lists: dict[str, set[str]] = {}
    for row in choice_rows:
        lists.setdefault(row[0], set()).add(row[1])
    all_fields = list(spec.fields) + [f for fs in spec.repeats.values() for f in fs]
    for field in all_fields:
        assert field.name in questions, f"{name}: {field.name} is not a question of {form.form_id}"
        if field.kind in ("choice", "choices"):
            list_name = questions[field.name].type.split()[-1]
            assert set(field.choices) == lists[list_name], f"{name}: choices of {field.name} differ"
    for repeat in spec.repeats:
        assert questions[repeat].type == "begin_repeat"
