"""The process-step evidence XLSForm: built by forms/build_forms.py, valid for pyxform, in step with the
seeded stages and checklists."""

from __future__ import annotations

import csv
from pathlib import Path

from pyxform.xls2xform import convert

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "miaf" / "web" / "process" / "data"


def test_the_process_form_converts_with_pyxform_without_warnings():
    warnings: list[str] = []
    xform = convert(xlsform=str(ROOT / "forms" / "miaf_process.xlsx"), warnings=warnings).xform
    assert warnings == []
    assert 'id="miaf_process"' in xform
    assert "starts-with(name" in xform  # the checklist shows only the chosen step's items


def test_the_form_offers_every_stage_and_checklist_item_of_the_seed():
    from tests.intake.test_forms_build import build

    choices = {(row[0], row[1]) for row in build.choice_rows(build.PROCESS)[1]}
    with open(DATA / "stages.csv", encoding="utf-8") as fh:
        stages = {("stage", r["number"]) for r in csv.DictReader(fh)}
    with open(DATA / "checklist.csv", encoding="utf-8") as fh:
        items = {("checklist", f"s{r['stage']}_{r['order']}") for r in csv.DictReader(fh)}
    assert stages | items <= choices
    assert len(stages) == 12
