"""``miaf scaleup`` end to end: JSON summary keys, Parquet outputs, errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from miaf.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scaleup-chiapas.toml"


def test_cli_json_summary_and_parquet_outputs(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["scaleup", str(EXAMPLE), "--units", "20000", "--draws", "10", "--seed", "5", "--in-process",
                 "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["units"] == 20000 and summary["draws"] == 10 and summary["years"] == 25
    assert len(summary["per_year"]) == 25
    year5 = summary["per_year"][5]
    for key in ("families_enrolled", "hectares", "public_cost_mxn", "co2e_t"):
        for q in ("p10", "p50", "p90"):
            assert f"{key}_{q}" in year5
        assert year5[f"{key}_p10"] <= year5[f"{key}_p50"] <= year5[f"{key}_p90"]
    assert year5["families_enrolled_p50"] > 0 and year5["co2e_t_p50"] > 0
    assert sorted(p.name for p in out.iterdir()) == [
        "by_region_year.parquet", "national_draws.parquet", "strata.parquet", "summary.csv", "summary.json"]
    table = pq.read_table(out / "by_region_year.parquet").to_pydict()
    assert set(table["region"]) == {"Pacífico Sur", "Golfo", "Occidente", "Noreste", "Centro y resto", "Nacional"}
    draws = pq.read_table(out / "national_draws.parquet")
    assert draws.num_rows == 10 * 25
    # only the Pacific South enrols in this scenario
    nat = [v for r, m, y, v in zip(table["region"], table["metric"], table["year"], table["p50"], strict=True)
           if m == "families_enrolled" and y == 24]
    assert max(nat) > 0 and sorted(nat)[:4] == [0.0, 0.0, 0.0, 0.0]


def test_cli_errors_exit_2_and_write_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[enrolment]\ntargets = [-5]\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["scaleup", str(bad), "--out", str(out)]) == 2
    assert "enrolment.targets[0]: must be >= 0" in capsys.readouterr().err
    assert main(["scaleup", str(EXAMPLE), "--units", "5000", "--draws", "2", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", str(out)]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert not out.exists()


def test_science_cli_module_does_not_load_the_web_app():
    code = ("import sys, miaf.scaleup, miaf.scaleup.cli, miaf.scaleup.run; "
            "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'miaf.web'))); "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == ""
