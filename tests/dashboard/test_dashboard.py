"""The dashboard (home page and /tablero/): figures equal the indicator computation for the same scope and
filters, htmx partials, no personal data for analysts, promoters' scope, "¿Cómo se calculó?" everywhere,
and the cache follows the data."""

from __future__ import annotations

import html as htmllib
import json
import math
import re

import pytest
from django.urls import reverse

from miaf.indicators import REGISTRY, compute_indicators
from miaf.web.evidence.extract import load_tables

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<article class="dash-figure[^"]*" data-code="([a-z_]+)" data-value="([^"]*)"')


def shown(html: str) -> dict[str, float | None]:
    return {code: (float(v) if v else None) for code, v in FIGURE.findall(html)}


def map_data(html: str) -> dict:
    m = re.search(r'<script id="dashboard-map-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


@pytest.mark.parametrize("query", ["", "?system=miaf_d&year=2016", "?year=2010&head_sex=F"])
def test_the_figures_shown_equal_compute_indicators_for_the_same_scope_and_filters(records, client_for, query):
    html = client_for(records.carla).get("/" + query).content.decode()
    filters = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
    if "year" in filters:
        filters["year"] = int(filters["year"])
    expected = compute_indicators(load_tables(records.carla), filters)
    got = shown(html)
    assert set(got) == set(REGISTRY)
    for code, value in got.items():
        want = expected.value(code)
        assert (value is None and want is None) or math.isclose(value, want, rel_tol=1e-12), code


def test_the_home_page_and_the_tablero_url_show_the_same_dashboard(records, client_for):
    client = client_for(records.carla)
    assert shown(client.get("/").content.decode()) == shown(client.get(reverse("dashboard:dashboard")).content.decode())


def test_an_htmx_request_gets_only_the_panel_and_a_plain_get_the_whole_page(records, client_for):
    client = client_for(records.carla)
    full = client.get("/?system=miaf_d").content.decode()
    part = client.get("/?system=miaf_d", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full and 'id="dashboard-filters"' in full and 'id="dashboard-panel"' in full
    assert "<html" not in part and 'id="dashboard-filters"' not in part
    assert part.lstrip().startswith('<div id="dashboard-panel"')
    # figures, charts and map travel together in the partial
    assert shown(part) == shown(full) and 'data-vega-spec="dash-chart-maize"' in part and "dashboard-map-data" in part


def test_the_filter_form_is_a_plain_get_with_htmx_attributes(records, client_for):
    html = client_for(records.carla).get("/").content.decode()
    form = re.search(r'<form method="get" action="/"[^>]*id="dashboard-filters"[^>]*>', html, re.S).group(0)
    assert 'hx-get="/"' in form and 'hx-target="#dashboard-panel"' in form
    for name in ("organisation", "municipality", "group", "year", "system", "head_sex", "colour"):
        assert f'name="{name}"' in html


def test_filtering_by_group_counts_only_that_groups_families(records, client_for):
    client = client_for(records.carla)
    assert shown(client.get("/").content.decode())["families"] == 2  # Ojo de Agua + El Vergel (PROASUS)
    one = shown(client.get(f"/?group={records.group_ojo.pk}").content.decode())
    assert one["families"] == 1


def test_an_invalid_filter_value_is_ignored_not_an_error(records, client_for):
    response = client_for(records.carla).get("/?year=abc&system=bogus&group=999999")
    assert response.status_code == 200
    assert shown(response.content.decode())["families"] == 2


def test_every_figure_says_how_it_was_computed(records, client_for):
    html = client_for(records.carla).get("/").content.decode()
    articles = re.findall(r'<article class="dash-figure.*?</article>', html, re.S)
    assert len(articles) == len(REGISTRY)
    for article in articles:
        code = re.search(r'data-code="([a-z_]+)"', article).group(1)
        how = re.search(r'<details class="how"><summary>¿Cómo se calculó\?</summary>(.*?)</details>', article, re.S)
        assert how, code
        body = htmllib.unescape(how.group(1))
        ind = REGISTRY[code]
        from miaf.web.core.units import unit_label

        # the unit in the page's language (issue 15: no "MXN/family/yr" on a Spanish page); the source tables by
        # their names, shown as code
        assert (ind.formula_es or ind.formula) in body and ind.source_records in body, code
        assert str(unit_label(ind.unit)) in body, code
        assert re.search(r'<dd class="n">\d+</dd>', how.group(1)), code


def test_the_analyst_page_contains_no_family_or_member_name_code_or_plot_coordinate(records, client_for):
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family, Member

    client = client_for(records.diego)
    pages = [client.get(url).content.decode() for url in
             ("/", "/?colour=area", "/?system=miaf_d&year=2016", reverse("dashboard:dashboard"))]
    pages.append(client.get("/?colour=families", HTTP_HX_REQUEST="true").content.decode())
    secrets = [*Family.objects.values_list("name", flat=True), *Family.objects.values_list("code", flat=True),
               *Member.objects.values_list("name", flat=True), *Plot.objects.values_list("name", flat=True)]
    numbers = []
    for lat, lon, boundary in Plot.objects.values_list("centroid_lat", "centroid_lon", "boundary"):
        numbers += [repr(lat), repr(lon), f"{lat:.4f}", f"{lon:.4f}", f"{lat:.3f}", f"{lon:.3f}"]
        numbers += [repr(x) for ring in boundary["coordinates"] for pt in ring for x in pt]
    for html in pages:
        text = htmllib.unescape(html)
        for s in secrets:
            assert s not in text, s
        for n in numbers:
            assert n not in text, n
        assert map_data(html)["mode"] == "municipalities"
        assert "/parcelas/" not in html.replace('href="/parcelas/"', "")  # no link to any plot page


def test_the_analyst_map_is_a_municipality_choropleth_from_the_inegi_boundary(records, client_for):
    mun = records.municipality
    mun.boundary = {"type": "Polygon", "coordinates": [[[-92.2, 16.1], [-91.9, 16.1], [-91.9, 16.4], [-92.2, 16.1]]]}
    mun.save()
    data = map_data(client_for(records.diego).get("/").content.decode())
    (feature,) = data["features"]["features"]
    # 2 families, under k = 5: the analyst's choropleth draws the municipality without its figure (issue 14)
    assert feature["properties"]["name"] == "Las Margaritas" and feature["properties"]["value"] is None
    assert feature["properties"]["suppressed"] == "small_cell"
    assert feature["properties"]["display"] == "— (menos de 5 familias)"
    assert feature["geometry"] == mun.boundary


def test_coordinators_see_their_plots_coloured_by_system_and_by_indicator(records, client_for):
    client = client_for(records.carla)
    data = map_data(client.get("/").content.decode())
    by_id = {f["properties"]["id"]: f for f in data["features"]["features"]}
    assert set(by_id) == {records.plot_ojo.pk, records.plot_vergel.pk}
    assert by_id[records.plot_ojo.pk]["properties"]["system"] == "MIAF-D"
    assert by_id[records.plot_ojo.pk]["geometry"]["type"] == "Polygon"
    maize = map_data(client.get("/?colour=maize_yield&year=2016").content.decode())
    values = {f["properties"]["id"]: f["properties"]["value"] for f in maize["features"]["features"]}
    # 1000 kg of maize on plot_ojo in 2016 / its area
    assert values[records.plot_ojo.pk] == pytest.approx(1000 / records.plot_ojo.area_ha, abs=0.01)
    assert maize["legend"] and maize["unit"] == "kg/ha"


def test_promoters_see_only_their_groups(records, client_for):
    ana = client_for(records.ana).get(reverse("dashboard:dashboard")).content.decode()
    assert shown(ana)["families"] == 1
    assert {f["properties"]["id"] for f in map_data(ana)["features"]["features"]} == {records.plot_ojo.pk}
    assert "El Vergel" not in ana and "Grupo ajeno" not in ana
    beto = client_for(records.beto).get(reverse("dashboard:dashboard")).content.decode()
    assert {f["properties"]["id"] for f in map_data(beto)["features"]["features"]} == {records.plot_vergel.pk}
    olga = client_for(records.olga).get("/").content.decode()
    assert shown(olga)["families"] == 1 and "Ojo de Agua</option>" not in olga


def test_the_cache_follows_the_data_a_new_family_changes_the_figures_at_once(records, client_for):
    import datetime as dt

    from miaf.web.registry.models import Family, Membership

    client = client_for(records.carla)
    assert shown(client.get("/").content.decode())["families"] == 2
    assert shown(client.get("/").content.decode())["families"] == 2  # served from the cache
    fam = Family.objects.create(code="OJO-002", name="Familia Nueva", locality=records.locality)
    Membership.objects.create(family=fam, group=records.group_ojo, joined_on=dt.date(2015, 1, 1))
    assert shown(client.get("/").content.decode())["families"] == 3


def test_the_data_version_changes_when_a_record_is_saved_and_not_otherwise(records):
    from miaf.web.dashboard.cache import data_version

    v1 = data_version()
    assert data_version() == v1
    records.plot_ojo.mean_slope_pct = 31
    records.plot_ojo.save()
    assert data_version() != v1


def test_the_series_over_time_show_maize_yield_by_system_and_side_selling(records, client_for):
    html = client_for(records.carla).get("/").content.decode()
    spec = json.loads(re.search(r'<script id="dash-chart-maize" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    rows = next(iter(spec["datasets"].values()))
    by = {(r["year"], r["code"]): r["kg_ha"] for r in rows}
    # 2016: plot_ojo MIAF-D 1000 kg, plot_vergel traditional 500 kg. The 2010 harvest is not in the series:
    # the families joined their groups in 2011 and a year counts the families that were members that year.
    assert not any(year == 2010 for year, _code in by)
    assert by[(2016, "miaf_d")] == pytest.approx(1000 / records.plot_ojo.area_ha)
    assert by[(2016, "traditional")] == pytest.approx(500 / records.plot_vergel.area_ha)
    side = json.loads(re.search(r'<script id="dash-chart-side_selling" type="application/json">(.*?)</script>',
                                html, re.S).group(1))
    (row,) = [r for r in next(iter(side["datasets"].values())) if r["year"] == 2016]
    assert row["share"] == pytest.approx(700 / 800)  # 700 kg to the intermediary of 700 + 100 kg sold


def test_the_home_page_renders_in_english_with_english_indicator_names(records, client_for):
    from django.urls import reverse as rev

    client = client_for(records.carla)
    client.post(rev("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Maize yield gain" in html and "Aumento del rendimiento de maíz" not in html
