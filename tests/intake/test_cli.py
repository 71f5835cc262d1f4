"""``miaf import`` and ``miaf forms export-choices``, through register() with our own argparse."""

from __future__ import annotations

import argparse
import csv
import json

import pytest

from miaf.web.intake.cli import group_files, register
from miaf.web.records.models import Harvest
from tests.intake.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_import_prints_the_counts_as_json(intake_world, capsys):
    assert run(["import", str(FIXTURES / "odk_miaf_harvest.zip"), "--form", "harvest", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("imported", "updated", "quarantined", "duplicates")} == {
        "imported": 3, "updated": 0, "quarantined": 3, "duplicates": 0}
    assert out["batches"][0]["export_format"] == "odk_central"
    assert Harvest.objects.get(submission_id="a1b2c3d4-0001-4000-8000-000000000001").created_by is None


def test_import_twice_reports_duplicates_and_dry_run_writes_nothing(intake_world, capsys):
    path = str(FIXTURES / "odk_miaf_harvest.zip")
    run(["import", path, "--form", "miaf_harvest", "--dry-run", "--json"])
    assert json.loads(capsys.readouterr().out)["imported"] == 3
    assert Harvest.objects.count() == 0
    run(["import", path, "--form", "harvest"])
    run(["import", path, "--form", "harvest", "--user", "carla"])
    text = capsys.readouterr().out
    assert "imported 3, updated 0, quarantined 3, duplicates 0" in text
    assert "imported 0, updated 0, quarantined 3, duplicates 3" in text
    assert "row 5 (a1b2c3d4-0004-4000-8000-000000000004): family: There is no family with code “XXX-999”" in text


def test_csv_files_given_together_are_one_export(intake_world, capsys):
    paths = sorted((FIXTURES / "odk_miaf_family").glob("*.csv"))
    assert group_files(paths) == [paths]
    run(["import", *map(str, paths), "--form", "family", "--json"])
    assert json.loads(capsys.readouterr().out)["imported"] == 1


def test_bad_input_raises_value_error_for_the_miaf_command_to_report(intake_world, tmp_path):
    bogus = tmp_path / "x.csv"
    bogus.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ValueError, match="x.csv is not a CSV or XLSX file"):
        run(["import", str(bogus), "--form", "harvest"])
    with pytest.raises(ValueError, match="unknown form 'cosecha'"):
        run(["import", str(FIXTURES / "odk_miaf_harvest.zip"), "--form", "cosecha"])
    with pytest.raises(FileNotFoundError):
        run(["import", str(tmp_path / "missing.zip"), "--form", "harvest"])
    with pytest.raises(ValueError, match="may not import"):
        run(["import", str(FIXTURES / "odk_miaf_harvest.zip"), "--form", "harvest", "--user", "diego"])


def test_export_choices_writes_the_catalogue_for_select_one_from_file(intake_world, tmp_path, capsys):
    assert run(["forms", "export-choices", "--out", str(tmp_path)]) == 0
    families = list(csv.DictReader(open(tmp_path / "families.csv", encoding="utf-8")))
    assert [f["name"] for f in families] == ["OJO-001", "OTR-001", "VER-001"]
    plots = {r["name"]: r["family"] for r in csv.DictReader(open(tmp_path / "plots.csv", encoding="utf-8"))}
    assert plots["9001"] == "OJO-001"
    species = {r["name"] for r in csv.DictReader(open(tmp_path / "species.csv", encoding="utf-8"))}
    assert {"maiz", "durazno", "cafe"} <= species
    localities = {r["name"]: r["municipality"] for r in csv.DictReader(open(tmp_path / "localities.csv", encoding="utf-8"))}
    assert localities["9201"] == "07052"


def test_export_choices_for_a_promoter_lists_only_their_families(intake_world, tmp_path):
    run(["forms", "export-choices", "--out", str(tmp_path), "--user", "beto"])
    families = [r["name"] for r in csv.DictReader(open(tmp_path / "families.csv", encoding="utf-8"))]
    assert families == ["VER-001"]
