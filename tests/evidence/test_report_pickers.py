"""The report form picks the municipality by name (INEGI key as the value) and the year among the years with
records, from the user's own scope (issue 15, item 4)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_municipalities(small):  # noqa: ANN001, ANN201
    """``small`` plus the outside group moved to Tila (07096) with a 2009 harvest: outside ana's and carla's reach."""
    from miaf.web.catalogue.models import Species
    from miaf.web.dashboard.cache import clear_local
    from miaf.web.records.models import Harvest
    from miaf.web.registry.models import Locality, Municipality

    tila = Municipality.objects.create(state_code="07", code="096", name="Tila")
    small.group_other.locality = Locality.objects.create(name="Petalcingo", municipality=tila, latitude=17.2,
                                                         longitude=-92.4)
    small.group_other.save()
    small.fam_other.locality = small.group_other.locality
    small.fam_other.save()
    Harvest.objects.create(plot=small.plot_other, species=Species.objects.get(code="maiz"),
                           harvested_on=dt.date(2009, 11, 2), quantity_kg=Decimal("90"))
    from django.core.cache import caches

    caches["default"].clear()
    caches["dashboard"].clear()
    clear_local()
    return small


def options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"{name} is not a drop-down"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_the_promoter_picks_her_municipality_by_name_and_only_years_with_records(two_municipalities, client_for):
    html = client_for(two_municipalities.ana).get("/evidencia/").content.decode()
    assert options(html, "municipality") == [("", "todos"), ("07052", "Las Margaritas")]
    years = [v for v, _ in options(html, "year")]
    assert years[0] == "" and {"2011", "2016"} <= set(years) and "2009" not in years
    assert years[1:] == sorted(years[1:], reverse=True)  # newest first
    assert not re.search(r'<input[^>]*name="(municipality|year)"', html)  # no typed key or year any more


def test_the_administrator_sees_both_municipalities_and_the_outside_year(two_municipalities, client_for):
    html = client_for(two_municipalities.root).get("/evidencia/").content.decode()
    assert options(html, "municipality") == [("", "todos"), ("07052", "Las Margaritas"), ("07096", "Tila")]
    assert "2009" in [v for v, _ in options(html, "year")]


def test_the_pickers_are_in_english_when_chosen(two_municipalities, client_for):
    client = client_for(two_municipalities.ana)
    client.cookies["django_language"] = "en"
    html = client.get("/evidencia/").content.decode()
    assert options(html, "municipality")[0] == ("", "all")
    assert options(html, "year")[0] == ("", "all years")


def test_a_picked_municipality_and_year_reach_the_job_and_a_forged_key_is_refused(two_municipalities, client_for,
                                                                                  settings, tmp_path, monkeypatch):
    from miaf.web.evidence import views
    from miaf.web.evidence.models import ReportJob

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "start_job", lambda job: None)  # the job itself is tested in test_jobs_and_pages
    client = client_for(two_municipalities.ana)
    response = client.post("/evidencia/", {"municipality": "07052", "year": "2016", "format": "html"})
    assert response.status_code == 302
    assert ReportJob.objects.get(user=two_municipalities.ana).filters == {"municipality": "07052", "year": 2016}
    response = client.post("/evidencia/", {"municipality": "Tila", "year": "2016", "format": "html"})
    assert response.status_code == 200 and ReportJob.objects.filter(user=two_municipalities.ana).count() == 1
