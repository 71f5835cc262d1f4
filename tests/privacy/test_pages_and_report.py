"""Finding 1 of issue 14 on the pages: the analyst's dashboard (figures, map table, series) and evidence
report do not show the one-family figures; the coordinator's do."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# the api fixture (a bearer token per persona) is in conftest.py

# gross income per family of fam_ojo alone, as the dashboard (_fmt) and the report (fmt_value) print it
SECRET_TEXTS = ("12,346", "12345.67", "12,345.67")


def dashboard(client_for, user, **query):  # noqa: ANN001, ANN003, ANN201
    return client_for(user).get("/tablero/", {k: str(v) for k, v in query.items()})


def figure(response, code: str) -> dict:  # noqa: ANN001
    return next(f for p in response.context["view"].data.pillars for f in p["figures"] if f["code"] == code)


def test_the_analyst_dashboard_hides_the_one_family_cell_and_says_why(client_for, programme):
    r = dashboard(client_for, programme.diego, group=programme.group_ojo.pk, head_sex="F", year=2014)
    assert r.status_code == 200
    html = r.content.decode()
    for secret in SECRET_TEXTS:
        assert secret not in html, secret
    f = figure(r, "gross_income_per_family")
    assert f["value"] is None and f["suppressed"] == "small_cell"
    assert "— (menos de 5 familias)" in html
    assert figure(r, "families")["value"] is None


def test_the_coordinator_dashboard_still_shows_it(client_for, programme):
    r = dashboard(client_for, programme.carla, group=programme.group_ojo.pk, head_sex="F", year=2014)
    assert "12,346" in r.content.decode()
    assert figure(r, "gross_income_per_family")["suppressed"] == ""
    assert figure(r, "families")["value"] == 1


def test_the_analyst_dashboard_hides_a_differencing_neighbour(client_for, programme):
    r = dashboard(client_for, programme.diego, group=programme.group_ojo.pk, head_sex="M", year=2014)
    assert figure(r, "gross_income_per_family")["suppressed"] == "differencing"
    assert figure(dashboard(client_for, programme.diego, group=programme.group_ojo.pk, year=2014),
                  "gross_income_per_family")["value"] is not None


def test_the_analyst_map_table_hides_the_small_municipality_and_its_complement(client_for, programme):
    r = dashboard(client_for, programme.diego, year=2014)
    rows = {row["name"]: row for row in r.context["view"].data.map["table"]}
    assert rows["La Trinidad"]["suppressed"] == "small_cell"
    assert rows["Comitán de Domínguez"]["suppressed"] == "complementary"  # else 14 − 8 − 5 = 1 would show
    assert rows["Las Margaritas"]["display"] == "8"
    assert rows["La Trinidad"]["display"].startswith("— (")
    # the same layer unprotected (coordinators see plots on their map, not this table) holds the small cells
    from miaf.web.dashboard.maplayers import municipality_layer
    from miaf.web.dashboard.services import DashboardFilters
    from miaf.web.evidence.extract import load_tables

    full = municipality_layer(load_tables(programme.diego), DashboardFilters(year=2014), "families", protected=False)
    rows = {row["name"]: row for row in full["table"]}
    assert rows["La Trinidad"]["display"] == "1" and rows["Comitán de Domínguez"]["display"] == "5"


def test_the_analyst_series_leave_out_the_years_of_too_few_families(client_for, programme):
    # fam_ojo alone has labour, ledger and harvests outside 2014 in no year; the analyst's series for the
    # one-family filter hold no point at all, the coordinator's do
    r = dashboard(client_for, programme.diego, group=programme.group_ojo.pk, head_sex="F")
    rows = r.context["view"].data.series["rows"]
    assert rows["maize"] == [] and rows["side_selling"] == [] and rows["area"] == []
    assert r.context["view"].data.series["suppressed"] > 0
    carla = dashboard(client_for, programme.carla, group=programme.group_ojo.pk, head_sex="F")
    assert carla.context["view"].data.series["rows"]["side_selling"]


def test_the_analyst_evidence_report_hides_the_small_cell(programme):
    from miaf.web.evidence.render import render_html
    from miaf.web.evidence.report import build_report

    filters = {"group": programme.group_ojo.pk, "head_sex": "F", "year": 2014}
    report = build_report(programme.diego, filters)
    html = render_html(report)
    for secret in SECRET_TEXTS:
        assert secret not in html, secret
    figures = {k["label"]: k for k in report.key_figures}
    assert figures["Familias"]["value"] == "—" and "menos de 5 familias" in figures["Familias"]["note"]
    assert report.disclosure["indicators_suppressed"] > 0 and "Privacidad" in html
    assert report.uncertainty == {"available": False, "withheld": True}
    assert all(t["n_rows"] == 0 for t in report.annex["tables"])
    pillar_rows = {r["code"]: r for p in report.pillars for r in p["indicators"]}
    assert pillar_rows["gross_income_per_family"]["value"] == "—"
    assert pillar_rows["gross_income_per_family"]["status"] == "oculto"

    coordinator = build_report(programme.carla, filters)
    assert "12,346" in render_html(coordinator)


def test_the_programme_environment_page_hides_small_system_rows_for_the_analyst(client_for, programme):
    # PROASUS: fam_ojo is the only family with a MIAF-D plot (1 family) → that row is hidden and so is its
    # complement; the coordinator sees both rows
    r = client_for(programme.diego).get("/ambiente/programa/")
    rows = {row["system"]: row for row in r.context["env"]["erosion"]["by_system"]}
    assert "suppressed" in rows["miaf-d"] and "suppressed" in rows["traditional"]
    assert 'data-suppressed="1"' in r.content.decode()
    carla = client_for(programme.carla).get("/ambiente/programa/")
    assert all("suppressed" not in row for row in carla.context["env"]["erosion"]["by_system"])


def test_the_programme_environment_api_hides_the_same_rows(api, programme):
    body = api("diego", "environment/programme").json()
    rows = {row["system"]: row for row in body["erosion"]["by_system"]}
    assert rows["miaf-d"]["suppressed_reason"] == "small_cell" and "soil_loss_t_ha_yr" not in rows["miaf-d"]
    carla = api("carla", "environment/programme").json()
    assert all("suppressed" not in row for row in carla["erosion"]["by_system"])
