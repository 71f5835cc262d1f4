"""The anonymised open-data export: no names, codes or fine coordinates; binned incomes; k-anonymity."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from miaf.web.exports.anonymise import (
    OpenDataSettings,
    bin_label,
    bin_labels,
    build_open_data,
    open_data_families,
    pseudonym,
)
from miaf.web.registry.models import Family, Group, Locality, Member, Organisation
from tests.exports.helpers import body

pytestmark = pytest.mark.django_db

EDGES = (5000.0, 10000.0, 20000.0, 50000.0)
#: A number with three or more decimals: finer than a coordinate to 0.01° (about 1.1 km).
FINE_NUMBER = re.compile(r"\d+\.\d{3,}")


def unzip(data: bytes) -> dict[str, str]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return {n: zf.read(n).decode("utf-8-sig") for n in zf.namelist()}


def table(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"{name}.csv"])))


def download(programme, client_for, query: str = "", persona: str = "root") -> dict[str, str]:  # noqa: ANN001
    client = client_for(getattr(programme.world, persona))
    response = client.get(reverse("exports:open_data") + query)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return unzip(body(response))


def personal_strings() -> set[str]:
    """Every name and code in the database that must never appear in open data."""
    out: set[str] = set()
    out |= set(Family.objects.values_list("code", flat=True)) | set(Family.objects.values_list("name", flat=True))
    out |= set(Member.objects.values_list("name", flat=True))
    from miaf.web.plots.models import Plot

    out |= set(Plot.objects.values_list("name", flat=True))
    out |= set(Locality.objects.values_list("name", flat=True)) | set(Group.objects.values_list("name", flat=True))
    out |= {n for n in Organisation.objects.values_list("short_name", flat=True) if n}
    out |= set(Organisation.objects.values_list("name", flat=True))
    return out


@pytest.mark.parametrize("query", ["", "?ubicacion=rejilla"])
def test_the_zip_contains_no_name_code_or_place_of_the_database(programme, client_for, query):
    files = download(programme, client_for, query)
    assert set(files) == {"README.md", "parcelas_anio.csv", "familias_anio.csv", "diccionario.csv", "datapackage.json"}
    everything = "\n".join(files.values()).casefold()
    leaked = sorted(s for s in personal_strings() if s.casefold() in everything)
    assert leaked == []


@pytest.mark.parametrize("query", ["", "?ubicacion=rejilla"])
def test_no_number_in_the_zip_is_finer_than_two_decimals(programme, client_for, query):
    files = download(programme, client_for, query)
    for name, text in files.items():
        assert FINE_NUMBER.findall(text) == [], name


def test_incomes_are_binned_with_the_hand_computed_bins(programme, client_for):
    rows = {r["family_pid"]: r for r in table(download(programme, client_for), "familias_anio")}
    fams = programme.families
    # 6 months × (1,000 crop sales + 500 wages) = 9,000 MXN → 5k-10k; expenses 6 × 1,200 = 7,200 → 5k-10k
    cmt1 = rows[pseudonym("family", fams["CMT-001"].pk)]
    assert cmt1["income_bin_mxn"] == "5k-10k" and cmt1["expense_bin_mxn"] == "5k-10k"
    # crop share 6,000 / 9,000 = 66.7 % → 70 % in 10 % steps; deficit months: none (1,500 > 1,200)
    assert cmt1["crop_income_share_pct"] == "70" and cmt1["months_in_deficit"] == "0"
    # CMT-006 has 60,000 MXN more: 69,000 → >50k; crop share 6,000 / 69,000 = 8.7 % → 10 %; December in surplus
    cmt6 = rows[pseudonym("family", fams["CMT-006"].pk)]
    assert cmt6["income_bin_mxn"] == ">50k" and cmt6["crop_income_share_pct"] == "10"
    allowed = set(bin_labels(EDGES))
    assert {r["income_bin_mxn"] for r in rows.values()} <= allowed
    assert cmt1["household_size"] == "2" and cmt1["n_women"] == "1"


def test_plot_years_carry_harvest_sales_and_labour_coarsened(programme, client_for):
    rows = table(download(programme, client_for), "parcelas_anio")
    cmt1 = pseudonym("family", programme.families["CMT-001"].pk)
    row = next(r for r in rows if r["family_pid"] == cmt1)
    # 100 kg coffee + 300 kg maize = 400 kg; sold 60 kg → 60 / 400 = 15 %; sales 60 × 50 = 3,000 MXN → 0-5k
    assert row["year"] == "2023" and row["harvest_kg"] == "400" and row["n_species_harvested"] == "2"
    assert row["sold_share_pct"] == "15" and row["sales_bin_mxn"] == "0-5k"
    # labour 12.5 family days → 12 (round half to even), 4 hired days
    assert row["family_labour_days"] == "12" and row["hired_labour_days"] == "4"
    # slope 21 % → 15-30; the plot was traditional since 2010
    assert row["slope_class"] == "15-30" and row["system"] == "traditional"
    assert re.fullmatch(r"\d+\.\d", row["area_ha"]) or row["area_ha"] == "0.0"


def test_the_plot_system_of_a_year_comes_from_its_history(programme, client_for):
    rows = table(download(programme, client_for, "?ubicacion=municipio"), "parcelas_anio")
    ojo = next(r for r in rows if r["plot_pid"] == pseudonym("plot", programme.world.plot_ojo.pk))
    assert ojo["system"] == "miaf_d" and ojo["established_year"] == "2012"


def test_municipalities_with_fewer_than_k_families_are_suppressed_and_pooled(programme, client_for):
    files = download(programme, client_for)
    rows = table(files, "familias_anio")
    by_mun: dict[str, set[str]] = {}
    for r in rows:
        by_mun.setdefault(r["municipality_code"], set()).add(r["family_pid"])
    # root sees Comitán 6 (kept), Las Margaritas 3 and Tila 2 (both < 5: blanked); the pool has 3 + 2 = 5 ≥ 5
    assert set(by_mun) == {"07019", ""}
    assert len(by_mun["07019"]) == 6 and len(by_mun[""]) == 5
    blank = [r for r in rows if r["municipality_code"] == ""]
    assert all(r["location_suppressed"] == "true" and r["municipality"] == "" and r["state"] == "" for r in blank)
    assert "Tila" not in files["familias_anio.csv"] and "Las Margaritas" not in files["parcelas_anio.csv"]
    assert "| familias_anio | 2 | 5 | 0 |" in files["README.md"]


def test_a_pool_of_suppressed_families_smaller_than_k_is_dropped(programme, client_for):
    # carla (PROASUS) sees Comitán 6, Las Margaritas 2 (ojo, vergel) and Tila 2: the pool of 4 < 5 is dropped
    rows = table(download(programme, client_for, persona="carla"), "familias_anio")
    assert {r["municipality_code"] for r in rows} == {"07019"}
    assert len({r["family_pid"] for r in rows}) == 6


def test_grid_mode_gives_1_km_cells_in_epsg_6372_and_no_municipality(programme, client_for):
    rows = table(download(programme, client_for, "?ubicacion=rejilla"), "parcelas_anio")
    assert all(r["municipality"] == "" and r["municipality_code"] == "" for r in rows)
    # the Comitán plots are 300 m apart: no 1 km cell holds 5 families, so every cell is suppressed
    assert rows and all(r["location_suppressed"] == "true" and r["grid_cell"] == "" for r in rows)


def test_grid_cells_are_published_when_the_threshold_allows(programme):
    cfg = dataclasses.replace(OpenDataSettings.from_params(), k=1)
    data = build_open_data(Family.objects.all(), location="grid", cfg=cfg)
    rows = data.tables[0].rows
    cells = {r[data.tables[0].spec.names.index("grid_cell")] for r in rows}
    assert cells and all(re.fullmatch(r"E\d+N\d+", c) for c in cells)
    assert data.suppression["parcelas_anio"]["rows_location_blanked"] == 0


def test_grid_cell_of_a_known_point(settings):  # noqa: ANN001
    from miaf.web.exports.anonymise import _grid_cells

    cfg = OpenDataSettings.from_params()
    # pyproj: (-91.98, 16.31) → EPSG:6372 x = 3,572,456.7 m, y = 518,111.6 m → cell (3572 km, 518 km)
    assert _grid_cells([(16.31, -91.98), (None, None)], cfg) == ["E3572N518", None]


def test_pseudonyms_are_stable_across_two_exports(programme, client_for):
    first = table(download(programme, client_for), "parcelas_anio")
    second = table(download(programme, client_for), "parcelas_anio")
    assert [r["plot_pid"] for r in first] == [r["plot_pid"] for r in second]
    assert len({r["plot_pid"] for r in first}) == len(first)


def test_pseudonyms_depend_on_the_secret_and_do_not_show_the_key():
    a = pseudonym("family", 1)
    assert re.fullmatch(r"F-[0-9a-f]{16}", a) and a != pseudonym("family", 2) and a != pseudonym("plot", 1)
    with override_settings(SECRET_KEY="another-secret-another-secret-another-secret"):
        assert pseudonym("family", 1) != a


def test_readme_states_licence_method_and_thresholds(programme, client_for):
    readme = download(programme, client_for)["README.md"]
    assert "CC BY 4.0" in readme and "k = 5" in readme
    assert "0-5k, 5k-10k, 10k-20k, 20k-50k, >50k" in readme
    assert "HMAC-SHA256" in readme and "`income_bin_mxn`" in readme


def zip_in(lang: str, location: str = "municipality") -> dict[str, str]:
    """The ZIP of every family, built with ``lang`` active (as the view and ``miaf export --lang`` do)."""
    from django.utils import translation

    from miaf.web.exports.anonymise import write_zip

    buf = io.BytesIO()
    with translation.override(lang):
        write_zip(build_open_data(Family.objects.all(), location), buf)
    return unzip(buf.getvalue())


def described_fields(files: dict[str, str]) -> dict[tuple[str, str], dict]:
    package = json.loads(files["datapackage.json"])
    return {(r["path"].removesuffix(".csv"), f["name"]): f for r in package["resources"]
            for f in r["schema"]["fields"]}


def test_the_zip_is_in_spanish_by_default(programme):
    files = zip_in("es")
    readme = files["README.md"]
    for heading in ("# Programa MIAF-D: datos abiertos anonimizados", "## Licencia", "## Archivos", "## Método",
                    "## Supresión en esta publicación", "## Diccionario de datos"):
        assert f"\n{heading}\n" in f"\n{readme}", heading
    assert "Licencia sugerida: Creative Commons Atribución 4.0 Internacional (CC BY 4.0)" in readme
    assert "* No se publican nombres, códigos del programa, localidades, grupos, organizaciones ni coordenadas." in readme
    assert "Ubicación: municipio INEGI de la familia. Una unidad de ubicación con menos de k = 5 familias" in readme
    assert "* Los ingresos, gastos y ventas [MXN/año] se agrupan en intervalos: 0-5k, 5k-10k" in readme
    assert "Limitación: la k-anonimidad se aplica solo a la ubicación" in readme
    assert "| tabla | unidades suprimidas | filas con la ubicación en blanco | filas eliminadas |" in readme
    assert "Licence" not in readme and "Method" not in readme and "binned" not in readme
    # the dictionary section and the data package speak the dictionary's Spanish
    from miaf.web.exports.columns import OPEN_DATA_TABLES

    fields = described_fields(files)
    for t in OPEN_DATA_TABLES:
        assert f"### `{t.slug}`: {t.title_es}\n\n{t.description_es}\n" in readme
        assert f"* `{t.slug}.csv`: {t.description_es} " in readme
        for c in t.columns:
            assert f"| `{c.name}` | {c.label_es} | {c.meaning_es}" in readme
            assert fields[(t.slug, c.name)]["title"] == c.label_es
            assert fields[(t.slug, c.name)]["description"].startswith(c.meaning_es)
            assert c.meaning not in readme
    package = json.loads(files["datapackage.json"])
    assert package["language"] == "es" and package["title"] == "Programa MIAF-D: datos abiertos anonimizados"
    assert "Unidad: MXN/yr." in fields[("familias_anio", "income_bin_mxn")]["description"]


def test_the_grid_location_is_described_in_spanish(programme):
    readme = zip_in("es", "grid")["README.md"]
    assert "Ubicación: celda de una cuadrícula de 1 km en EPSG:6372." in readme


def test_the_zip_follows_english_when_chosen(programme):
    from miaf.web.exports.columns import OPEN_DATA_TABLES

    files = zip_in("en")
    readme, fields = files["README.md"], described_fields(files)
    package = json.loads(files["datapackage.json"])
    assert package["language"] == "en"
    assert "## Data dictionary" in readme and "| Column | " in readme and " | Meaning | Unit | Type | Personal |" in readme
    for t in OPEN_DATA_TABLES:
        assert f"### `{t.slug}`: {t.title_en}\n\n{t.description}\n" in readme
        for c in t.columns:
            assert f"| `{c.name}` | {c.label_en} | {c.meaning}" in readme
            assert fields[(t.slug, c.name)]["title"] == c.label_en
            assert fields[(t.slug, c.name)]["description"].startswith(c.meaning)
            assert c.meaning_es not in readme
    assert "Codes: traditional = traditional milpa;" in readme


def test_the_english_readme_reads_as_it_did_before_translation(programme):
    files = zip_in("en")
    readme = files["README.md"]
    for heading in ("# MIAF-D programme: anonymised open data", "## Licence", "## Files", "## Method",
                    "## Suppression in this release"):
        assert f"\n{heading}\n" in f"\n{readme}", heading
    assert "Suggested licence: Creative Commons Attribution 4.0 International (CC BY 4.0)" in readme
    assert "* No names, programme codes, localities, groups, organisations or coordinates are published." in readme
    assert "* Location: INEGI municipality of the household. A location unit with fewer than k = 5 families" in readme
    assert "* Incomes, expenses and sales [MXN/yr] are binned: 0-5k, 5k-10k, 10k-20k, 20k-50k, >50k." in readme
    assert "| table | units suppressed | rows with location blanked | rows dropped |" in readme
    assert "| Column | Label | Meaning | Unit | Type | Personal |" in readme
    assert "Licencia" not in readme and "Método" not in readme
    package = json.loads(files["datapackage.json"])
    assert package["title"] == "MIAF-D programme: anonymised open data"
    assert package["description"] == "Anonymised MIAF-D programme data; method and suppression in README.md."
    assert "Unit: MXN/yr." in described_fields(files)[("familias_anio", "income_bin_mxn")]["description"]


def test_the_cli_writes_the_zip_in_the_chosen_language(programme, tmp_path):
    from tests.exports.test_cli import run

    for lang in ("es", "en"):
        out = tmp_path / f"open-{lang}.zip"
        assert run("open-data", "--out", str(out), "--lang", lang) == 0
        files = unzip(out.read_bytes())
        assert json.loads(files["datapackage.json"])["language"] == lang
        assert ("## Diccionario de datos" in files["README.md"]) == (lang == "es")


def test_open_data_tables_declare_no_personal_column():
    from miaf.web.exports.columns import OPEN_DATA_TABLES

    assert [c.name for t in OPEN_DATA_TABLES for c in t.columns if c.personal] == []


def test_build_refuses_an_unknown_location_mode(world):
    with pytest.raises(ValueError, match="location"):
        build_open_data(Family.objects.all(), location="street")


def test_an_unknown_location_parameter_is_404(world, client_for):
    assert client_for(world.diego).get(reverse("exports:open_data") + "?ubicacion=calle").status_code == 404


def test_promoter_open_data_holds_only_their_families(programme):
    assert set(open_data_families(programme.world.ana).values_list("code", flat=True)) == {"OJO-001"}


# ---------------------------------------------------------------------------------------------- bins


@pytest.mark.parametrize(("value", "label"), [
    (0, "0-5k"), (4999.99, "0-5k"), (5000, "5k-10k"), (19999, "10k-20k"), (20000, "20k-50k"),
    (50000, ">50k"), (1e7, ">50k"), (None, ""),
])
def test_bin_label_puts_the_lower_edge_in_the_upper_bin(value, label):
    assert bin_label(value, EDGES) == label


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_every_income_falls_in_exactly_one_documented_bin(value):
    assert bin_label(value, EDGES) in bin_labels(EDGES)


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_bins_are_monotonic(a, b):
    labels = bin_labels(EDGES)
    lo, hi = sorted((a, b))
    assert labels.index(bin_label(lo, EDGES)) <= labels.index(bin_label(hi, EDGES))
