"""The evidence report: sections, figures that follow from the records, reproducibility, no names."""

from __future__ import annotations

import re

import pytest

from .conftest import NAMES

pytestmark = pytest.mark.django_db

HEADINGS = ("1. Resumen", "2. Descripción del programa", "3. Indicadores por pilar", "4. Métodos y parámetros",
            "5. Incertidumbre", "6. Limitaciones", "7. Diccionario de datos", "8. Anexo: datos anonimizados")  # fmt: skip


def build(user, filters=None):  # noqa: ANN001, ANN201
    from miaf.web.evidence.report import build_report

    return build_report(user, filters or {})


def html_of(report) -> str:  # noqa: ANN001
    from miaf.web.evidence.render import render_html

    return render_html(report)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_html_has_every_section_heading_and_the_cover_records_version_and_filters(small):
    report = build(small.carla, {"year": 2016})
    html = html_of(report)
    text = text_of(html)
    for heading in HEADINGS:
        assert heading in text
    assert re.fullmatch(r"[0-9a-f]{64}", report.data_version)
    assert report.data_version in text
    assert "Año: 2016" in text
    assert text.count("<svg") == 0 and html.count("<svg") >= 3  # map, over-time charts, Monte Carlo bands


def test_key_figures_follow_from_the_records(small):
    report = build(small.carla)
    figures = {k["label"]: k["value"] for k in report.key_figures}
    # carla (PROASUS) aggregates Ojo de Agua and El Vergel: 2 families, 2 groups, 1 municipality
    assert figures["Familias"] == "2" and figures["Grupos de trabajo"] == "2" and figures["Municipios"] == "1"
    # maize on plot_ojo: 150 kg in 2016 (MIAF-D) / 100 kg in 2011 (traditional) − 1 = +50 %
    assert figures["Aumento del rendimiento de maíz (parcelas MIAF-D contra su año base)"] == "+50.0 %"
    # MIAF-D maize: 45 of 150 kg self-consumed = 30 %, 70 % to the market
    assert figures["Autoconsumo/mercado del maíz en cosechas MIAF-D"] == "30/70"
    ojo = [g for g in report.maize_groups if g["group"] == "Ojo de Agua"]
    assert ojo and ojo[0]["gain_text"] == "+50.0 %" and ojo[0]["base_year"] == "2011" and ojo[0]["ref_year"] == "2016"
    # the corridor covers plot_ojo entirely (the layer is illustrative)
    assert figures["Superficie MIAF/MIAF-D dentro del corredor"] == "100.0 %"
    assert any("(ilustrativa)" in name for name in report.map["layers"])


def test_measured_values_are_marked_next_to_their_default(small):
    report = build(small.carla)
    wage = [m for m in report.measured if m["key"] == "wage_mxn_day"]
    # one hired log: 2 days at 250 MXN/day; the default of economics.csv is 300
    assert wage and wage[0]["measured"] == "250.00" and wage[0]["default"] == "300.00"
    economics = next(t for t in report.parameters if t["name"] == "economics.csv")
    rows = {r["key"]: r for r in economics["rows"]}
    assert rows["wage_mxn_day"]["measured"] and not rows["discount_rate"]["measured"]
    assert all(r["source"] for t in report.parameters for r in t["rows"])  # every default with its source
    text = text_of(html_of(report))
    assert "predeterminado; medido en este informe" in text and "medido" in text


def test_limitations_list_estimates_and_indicators_without_data(small):
    report = build(small.carla)
    joined = " ".join(report.limitations)
    assert "son estimaciones" in joined
    assert "sin datos" in joined  # e.g. no training attendance in the small world
    assert "ilustrativa" in joined


def test_same_data_and_filter_give_identical_html_and_version(small):
    a, b = build(small.carla, {"group": "Ojo de Agua"}), build(small.carla, {"group": "Ojo de Agua"})
    assert a.data_version == b.data_version
    assert html_of(a) == html_of(b)


def test_a_different_filter_or_different_data_gives_a_different_version(small):
    import datetime as dt
    from decimal import Decimal

    from miaf.web.catalogue.models import Species
    from miaf.web.records.models import Harvest

    base = build(small.carla).data_version
    assert build(small.carla, {"year": 2016}).data_version != base
    assert build(small.carla, {"system": "miaf_d"}).data_version != base
    Harvest.objects.create(plot=small.plot_vergel, species=Species.objects.get(code="frijol"),
                           harvested_on=dt.date(2016, 10, 1), quantity_kg=Decimal("10"))  # fmt: skip
    assert build(small.carla).data_version != base


def test_report_contains_no_family_or_member_name_or_code(small):
    report = build(small.root)
    html = html_of(report)
    blob = html + "".join(report.annex_csv.values())
    for name in (*NAMES, "Comprador Secreto"):
        assert name not in blob
    assert report.annex["tables"] and all(t["n_rows"] >= 0 for t in report.annex["tables"])
    # 3 families < k = 5 (open_data.csv): the k-anonymity rule drops every row of the annex
    assert all(t["n_rows"] == 0 and t["suppression"]["rows_dropped"] > 0 for t in report.annex["tables"])


def test_analyst_report_holds_the_aggregates_of_their_organisation(small):
    report = build(small.diego)
    figures = {k["label"]: k for k in report.key_figures}
    # Ojo de Agua + El Vergel (not the other organisation's family): 2 families, under k = 5, so the analyst's
    # report hides the figure and says why (issue 14); the coordinator's shows it
    assert figures["Familias"]["value"] == "—" and "menos de 5 familias" in figures["Familias"]["note"]
    assert {k["label"]: k["value"] for k in build(small.carla).key_figures}["Familias"] == "2"


def test_pdf_has_every_section_heading_and_figure_and_is_byte_identical_on_rerun(small, tmp_path, pdftotext):
    import shutil
    import subprocess

    from miaf.web.evidence.render import write_report

    pdf, annex = write_report(build(small.carla), tmp_path / "informe.pdf")
    again, _ = write_report(build(small.carla), tmp_path / "otra-vez.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and annex.name == "informe-anexo.zip"
    assert pdf.read_bytes() == again.read_bytes()  # WeasyPrint writes no creation date
    text = " ".join(pdftotext(pdf).split())
    for heading in HEADINGS:
        assert heading in text
    # chart and map text is real text in the PDF (SVG rendered by WeasyPrint)
    assert "indicadores por año" in text
    assert "Ingreso mensual de un año maduro" in text
    assert "+50.0 %" in text and "30/70" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
        assert len(list(tmp_path.glob("page-*.png"))) == 2


def test_report_of_an_empty_scope_still_renders(small):
    report = build(small.olga, {"year": 2016})  # olga's organisation has a family but no records
    html = html_of(report)
    for heading in HEADINGS:
        assert heading in text_of(html)
    assert report.uncertainty["available"] is False


def with_report_parameters(monkeypatch, **values: str):  # noqa: ANN001, ANN201
    """The evidence report module, reading ``params/report.csv`` with ``values`` in place of the table's."""
    from miaf.params import load_parameters
    from miaf.web.evidence import report as report_module

    def params(name):  # noqa: ANN001, ANN202
        table = dict(load_parameters(name))
        return {**table, **values} if name == "report" else table

    monkeypatch.setattr(report_module, "load_parameters", params)
    return report_module


def test_a_long_maize_table_is_cut_to_the_extremes_with_its_distribution_and_goes_whole_to_the_annex(
        small, monkeypatch):
    report_module = with_report_parameters(monkeypatch, maize_groups_max_rows="4")
    report = build(small.carla)
    # ten groups with changes -40 %, -30 %, …, +50 % (hand-made rows in the shape maize_by_group returns)
    report.maize_groups = [{"group": f"G{i:02d}", "base_year": "2011", "ref_year": "2016", "base_kg_ha": 1000.0,
                            "ref_kg_ha": 1000.0 * (0.6 + i / 10), "gain": -0.4 + i / 10,
                            "gain_text": f"{100 * (-0.4 + i / 10):+.1f} %", "n_plots": 3} for i in range(10)]
    shown = [g["group"] for g in report.maize_groups_shown]
    assert shown == ["G09", "G08", "G01", "G00"]  # the two largest and the two smallest changes
    s = report.maize_groups_summary
    # median of −40 … +50 in steps of 10 = +5 %; quartiles (linear) −17.5 % and +27.5 %; 5 of 10 up (> 0)
    assert (s["groups"], s["shown"], s["median"], s["q1"], s["q3"], s["share_up"]) == (
        10, 4, "+5.0 %", "-17.5 %", "+27.5 %", "50.0 %")
    text = text_of(html_of(report))
    assert "10 grupos: cambio mediano +5.0 %" in text and "maiz_por_grupo.csv" in text
    assert "G09" in text and "G05" not in text
    assert "maiz_por_grupo.csv" not in report.annex_csv  # the small world's own table fitted: nothing added
    report_module.add_cut_tables_annex(report)
    lines = report.annex_csv["maiz_por_grupo.csv"].splitlines()
    assert lines[0] == "group,n_plots,base_year,base_kg_ha,ref_year,ref_kg_ha,gain" and len(lines) == 11


def test_a_long_side_selling_table_is_cut_to_the_extremes_and_goes_whole_to_the_annex(small, monkeypatch):
    """A whole programme has thousands of groups: the PDF keeps the half of ``sidesell_groups_max_rows``
    selling most outside the organisation and the half selling least, says how the rest are spread, and the
    whole table joins the annex; a group under k families (no figures) is in neither."""
    report_module = with_report_parameters(monkeypatch, sidesell_groups_max_rows="4")
    report = build(small.carla)
    assert report.side_selling_groups_summary is None  # the small world's groups fit
    # ten groups selling 5 %, 15 %, …, 95 % outside, and one too small to show (the shape report_section returns)
    groups = [{"group_id": i, "name": f"Grupo {i:02d}", "n_families": 6, "suppressed": False,
               "share_outside": 0.05 + i / 10, "share_explained_by_cash_need": 0.5} for i in range(10)]
    report.side_selling = {**report.side_selling, "groups": [*groups, {"group_id": 99, "name": "Chico", "n_families": 2,
                                                                        "suppressed": True}]}
    assert [g["name"] for g in report.side_selling_groups_shown] == ["Grupo 09", "Grupo 08", "Grupo 01", "Grupo 00"]
    s = report.side_selling_groups_summary
    # median of 5 … 95 % in steps of 10 = 50 %; quartiles (linear) 27.5 % and 72.5 %
    assert (s["groups"], s["shown"], s["median"], s["q1"], s["q3"]) == (10, 4, "50.0 %", "27.5 %", "72.5 %")
    text = text_of(html_of(report))
    assert "10 grupos: venta por fuera mediana 50.0 %" in text and "venta_por_fuera_por_grupo.csv" in text
    assert "Grupo 09" in text and "Grupo 05" not in text and "Chico" not in text
    report.annex_csv.pop("venta_por_fuera_por_grupo.csv", None)
    report_module.add_cut_tables_annex(report)
    lines = report.annex_csv["venta_por_fuera_por_grupo.csv"].splitlines()
    assert lines[0] == "group,n_families,share_outside,share_explained_by_cash_need" and len(lines) == 11
    assert not any("Chico" in line for line in lines)
