"""``miaf export``: register() on an argparse parser, the same scoping and filters as the web."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import zipfile

import pytest
from openpyxl import load_workbook

from miaf.web.exports.cli import register

pytestmark = pytest.mark.django_db


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="miaf")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["export", *argv])
    return args.func(args)


def codes(path) -> set[str]:  # noqa: ANN001
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["family_code"] for r in csv.DictReader(fh)}


def test_register_adds_the_export_command_with_its_options():
    parser = argparse.ArgumentParser(prog="miaf")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", "plots", "--format", "gpkg", "--out", "x.gpkg", "--system", "miaf_d"])
    assert (args.table, args.format, args.out, args.system, args.location) == ("plots", "gpkg", "x.gpkg", "miaf_d",
                                                                              "municipality")
    assert callable(args.func)


def test_without_user_the_cli_exports_everything(records, tmp_path, capsys):
    out = tmp_path / "f.csv"
    assert run("familias", "--out", str(out)) == 0
    assert codes(out) == {"OJO-001", "VER-001", "OTR-001"}
    assert "3 familias" in capsys.readouterr().out


def test_with_user_the_cli_honours_the_role_scope(records, tmp_path):
    out = tmp_path / "h.csv"
    run("harvests", "--out", str(out), "--user", "beto")
    assert codes(out) == {"VER-001"}


def test_filters_accept_names_and_are_checked_against_the_scope(records, tmp_path):
    out = tmp_path / "p.csv"
    run("parcelas", "--out", str(out), "--user", "carla", "--group", "El Vergel")
    assert codes(out) == {"VER-001"}
    run("families", "--out", str(out), "--municipality", "07052", "--q", "Gómez")
    assert codes(out) == {"OJO-001"}
    with pytest.raises(ValueError, match="--group"):
        run("parcelas", "--out", str(out), "--user", "ana", "--group", "El Vergel")


def test_analyst_may_export_open_data_only(records, tmp_path):
    with pytest.raises(ValueError, match="only open-data"):
        run("familias", "--out", str(tmp_path / "f.csv"), "--user", "diego")
    out = tmp_path / "open.zip"
    assert run("open-data", "--out", str(out), "--user", "diego", "--location", "grid") == 0
    assert "README.md" in zipfile.ZipFile(out).namelist()


def test_every_format_is_written(records, tmp_path):
    run("ledger", "--out", str(tmp_path / "l.xlsx"))
    assert load_workbook(tmp_path / "l.xlsx").sheetnames == ["calendario", "diccionario"]
    run("plots", "--out", str(tmp_path / "p.geojson"), "--system", "miaf_d")
    fc = json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
    assert [f["properties"]["family_code"] for f in fc["features"]] == ["OJO-001"]
    run("plots", "--format", "gpkg", "--out", str(tmp_path / "p.gpkg"))
    con = sqlite3.connect(tmp_path / "p.gpkg")
    assert con.execute("SELECT count(*) FROM parcelas").fetchone()[0] == 3
    run("designs", "--out", str(tmp_path / "d.gpkg"))
    con = sqlite3.connect(tmp_path / "d.gpkg")
    assert con.execute("SELECT count(*) FROM disenos_puntos").fetchone()[0] == 2
    run("disenos", "--out", str(tmp_path / "d.geojson"))
    assert json.loads((tmp_path / "d.geojson").read_text())["features"]


@pytest.mark.parametrize(("argv", "message"), [
    (("familias", "--format", "gpkg"), "parcelas and disenos only"),
    (("nada", "--format", "csv"), "unknown table"),
    (("open-data", "--format", "csv"), "ZIP"),
    (("disenos", "--format", "csv"), "geojson or gpkg"),
    (("familias", "--format", "csv", "--user", "nadie"), "no active user"),
    (("grupos", "--format", "csv", "--system", "miaf"), "does not apply"),
])
def test_bad_input_is_a_value_error_with_an_actionable_message(records, tmp_path, argv, message):
    with pytest.raises(ValueError, match=message):
        run(*argv, "--out", str(tmp_path / "x.out"))


def test_csv_file_starts_with_the_bom(records, tmp_path):
    out = tmp_path / "m.csv"
    run("members", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[0] == "family_code"
