"""The demo's records follow its agronomic process, and the seed's inputs (area, municipalities) hold.

Since issue 16 (item 11) nothing is rescaled to the seed article's figures: these tests check the process
(strip yields with the group's gain, self-consumption up to the family's needs, cash-short families selling to
intermediaries, labour with the drawn MIAF-D factor); how close the figures land to the seed's is reported by
`miaf demo --compare` (docs/demo-compare.md). Each test aggregates the stored rows itself.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db.models import Count, F, Q, Sum

pytestmark = pytest.mark.django_db


def miaf_d_at_harvest() -> Q:
    # The harvest date falls inside a MIAF-D phase of its plot (PlotPhase history, as convert_plot writes it).
    return Q(
        harvest__plot__phases__system="miaf_d", harvest__plot__phases__started_on__lte=F("harvest__harvested_on")
    ) & (Q(harvest__plot__phases__ended_on__isnull=True) | Q(harvest__plot__phases__ended_on__gte=F("harvest__harvested_on")))


def test_plot_areas_add_up_to_the_seed_405_hectares(demo):
    from miaf.web.plots.models import Plot

    total = Plot.objects.filter(origin="demo", system="miaf_d").aggregate(a=Sum("area_ha"))["a"]
    assert total == pytest.approx(405, rel=0.01)


def test_groups_work_in_14_distinct_municipalities(demo):
    from miaf.web.registry.models import Group

    municipalities = set(Group.objects.filter(memberships__family__origin="demo").values_list(
        "locality__municipality__code", flat=True))  # fmt: skip
    assert len(municipalities) == 14
    assert {"052", "020", "073", "046", "059", "057"} <= municipalities


def _ojo_maize_kg(year: int) -> tuple[float, float]:
    from miaf.web.plots.models import Plot
    from miaf.web.records.models import Harvest

    plots = Plot.objects.filter(family__memberships__group__name="Ojo de Agua", origin="demo")
    area = float(plots.aggregate(a=Sum("area_ha"))["a"])
    kg = Harvest.objects.filter(plot__in=plots, species__code="maiz", harvested_on__year=year).aggregate(s=Sum("quantity_kg"))["s"]
    return float(kg), area


def test_ojo_de_agua_maize_rose_on_the_strip_by_the_groups_drawn_gain(demo):
    from miaf.design import crop_area_ha, crop_share
    from miaf.web.demo.places import plan_programme
    from miaf.web.plots.models import Plot

    (k0, area), (k1, _) = _ojo_maize_kg(2010), _ojo_maize_kg(2016)
    assert 500 <= k0 / area <= 700  # the traditional hillside range of the source, per ha of plot
    structure = plan_programme(400, 2011)
    gain = structure.group_gain[structure.ojo_group]  # drawn from economics.csv maize_yield_gain_miaf
    # maize's own strips: the design's crop strips at each plot's slope, half of them (miaf.design.crop_area_ha)
    plots = Plot.objects.filter(family__memberships__group__name="Ojo de Agua", origin="demo")
    strip = sum(crop_area_ha(float(a), crop_share(s), "maiz") for a, s in plots.values_list("area_ha", "mean_slope_pct"))
    strip /= area
    assert 0.30 <= strip <= 0.335  # between 0.604 / 2 (steep module) and 0.669 / 2 (gentle module)
    # Ojo de Agua converted in 2011: in 2016 (year 6 after planting) the gain applies; the same families' maize
    # in 2016 per ha of maize strip against 2010 per ha of plot is 1 + gain up to the year-to-year noise (cv 0.1
    # on ~20 families: about 3 %); per ha of plot it is the maize strips' share of that
    assert (k1 / (area * strip)) / (k0 / area) == pytest.approx(1 + gain, abs=0.1)
    assert (k1 / area) / (k0 / area) == pytest.approx(strip * (1 + gain), abs=0.1)
    assert 0.0 <= gain <= 0.667 and gain != pytest.approx(0.667)  # nothing set to the seed's figure


def test_families_eat_their_maize_up_to_their_needs_and_sell_the_rest(demo):
    from miaf.params import load_parameters
    from miaf.web.records.models import Harvest
    from miaf.web.registry.models import Member

    per_person = float(load_parameters("demo")["maize_consumption_kg_person_day"]) * 365
    size = dict(Member.objects.filter(family__origin="demo").values_list("family").annotate(n=Count("id")))
    h = (Harvest.objects.filter(origin="demo", species__code="maiz", harvested_on__year=2016)
         .values("quantity_kg", "plot__family").annotate(own=Sum("destinations__kg", filter=Q(destinations__destination="self"))))
    kept_per_person = []
    for r in h:
        own, kg = float(r["own"] or 0), float(r["quantity_kg"])
        assert own <= kg + 0.01
        if own < kg - 0.01:  # something sold: the family kept its need, no more
            kept_per_person.append(own / size[r["plot__family"]])
    assert kept_per_person
    # what a selling family keeps per person is the per-person need (0.3 kg/day) times the families' spread (cv 0.2)
    assert float(np.median(kept_per_person)) == pytest.approx(per_person, rel=0.15)


def test_families_short_of_maize_sell_more_to_intermediaries(demo):
    from miaf.web.records.models import Harvest, HarvestDestination

    short = set()
    for r in (Harvest.objects.filter(origin="demo", species__code="maiz", harvested_on__year=2016)
              .values("plot__family", "quantity_kg").annotate(own=Sum("destinations__kg",
                                                                      filter=Q(destinations__destination="self")))):
        if float(r["own"] or 0) >= float(r["quantity_kg"]) - 0.01:  # all eaten: the family falls short
            short.add(r["plot__family"])
    sales = (HarvestDestination.objects.filter(harvest__origin="demo", harvest__harvested_on__year=2016)
             .exclude(destination="self").exclude(harvest__species__code__in=["frijol", "maiz"])
             .values_list("harvest__plot__family", "destination", "kg"))
    kg = {True: [0.0, 0.0], False: [0.0, 0.0]}
    for fam, dest, q in sales:
        kg[fam in short][0] += float(q) * (dest == "intermediary")
        kg[fam in short][1] += float(q)
    assert kg[True][1] > 0 and kg[False][1] > 0
    assert kg[True][0] / kg[True][1] > kg[False][0] / kg[False][1] + 0.1


def test_beans_go_to_the_local_market_and_maize_partly_to_intermediaries(demo):
    from miaf.web.records.models import HarvestDestination

    beans = set(HarvestDestination.objects.filter(miaf_d_at_harvest(), harvest__species__code="frijol")
                .values_list("destination", flat=True))  # fmt: skip
    assert beans == {"self", "local_market"}
    maize = HarvestDestination.objects.filter(harvest__species__code="maiz")
    assert maize.filter(destination="intermediary").exists() and maize.filter(destination="organisation").exists()


def test_intermediaries_pay_80_percent_of_the_organisation_price_but_sooner(demo):
    from miaf.web.records.models import HarvestDestination

    sold = HarvestDestination.objects.filter(harvest__species__code="maiz", harvest__harvested_on__year=2016)
    org = sold.filter(destination="organisation").values_list("price_mxn_per_kg", "paid_on", "harvest__harvested_on")
    mid = sold.filter(destination="intermediary").values_list("price_mxn_per_kg", "paid_on", "harvest__harvested_on")
    org_price = np.median([float(p) for p, *_ in org])
    mid_price = np.median([float(p) for p, *_ in mid])
    assert mid_price / org_price == pytest.approx(0.80, abs=0.03)
    assert max((paid - h).days for _, paid, h in mid) < min((paid - h).days for _, paid, h in org)


def test_miaf_d_labour_per_hectare_follows_the_drawn_miaf_d_factor(demo):
    from miaf.web.plots.models import Plot
    from miaf.web.records.models import LabourLog

    def per_ha(year: int, system: str) -> float:
        whole_year = Q(plot__phases__system=system, plot__phases__started_on__lte=dt.date(year, 1, 1)) & (
            Q(plot__phases__ended_on__isnull=True) | Q(plot__phases__ended_on__gte=dt.date(year, 12, 31)))
        logs = LabourLog.objects.filter(whole_year, year=year, origin="demo")
        days = float(logs.aggregate(s=Sum("person_days"))["s"])
        area = Plot.objects.filter(pk__in=logs.values("plot")).aggregate(a=Sum("area_ha"))["a"]
        return days / area

    traditional, miaf_d = per_ha(2010, "traditional"), per_ha(2016, "miaf_d")
    assert 50 <= traditional <= 65  # the derived 50–65 jornales/ha of the parameter table
    # each family's factor is drawn from economics.csv miaf_labour_factor, PERT(1.3, 1.5, 1.7): mean 1.5, and
    # about 400 families; nothing rescales the total (before issue 16 it was forced to exactly 1.5)
    from miaf.params import load_parameters

    row = load_parameters("economics")["miaf_labour_factor"]
    mean = (row.low + 4 * float(row) + row.high) / 6
    assert miaf_d / traditional == pytest.approx(mean, abs=0.05)


def test_about_73_percent_of_the_miaf_d_area_lies_in_the_illustrative_corridor(demo):
    from shapely.geometry import shape

    from miaf.geo import geodesic_area_ha
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import ReferenceLayer

    layer = ReferenceLayer.objects.get(kind="corridor", illustrative=True)
    assert "inventado" in layer.source.lower() or "invent" in layer.source.lower()
    corridor = shape(layer.geometry)
    inside = total = 0.0
    for boundary in Plot.objects.filter(origin="demo").values_list("boundary", flat=True):
        plot = shape(boundary)
        total += geodesic_area_ha(plot)
        part = plot.intersection(corridor)
        for piece in getattr(part, "geoms", [part]):
            if piece.geom_type == "Polygon" and not piece.is_empty:
                inside += geodesic_area_ha(piece)
    assert inside / total == pytest.approx(0.73, abs=0.01)


def test_lean_months_june_to_august_show_in_the_ledgers(demo):
    from miaf.web.records.models import LedgerEntry

    loans = LedgerEntry.objects.filter(origin="demo", category="other_income", notes="Préstamo informal")
    assert set(loans.values_list("month", flat=True)) == {6, 7, 8}
    food = dict(LedgerEntry.objects.filter(origin="demo", category="food", year=2010).values_list("month").annotate(s=Sum("amount_mxn")))
    # Own maize runs out before the new harvest: food spending peaks in the lean months.
    assert min(food[m] for m in (6, 7, 8)) > max(food[m] for m in (9, 10, 11))


def test_compare_sets_the_seeds_figures_beside_the_records_and_payback_is_plausible(demo):
    from miaf.indicators import compute_indicators
    from miaf.web.demo.compare import compare_markdown, compare_rows
    from miaf.web.demo.headlines import compute_headlines
    from miaf.web.evidence.extract import load_tables

    rows = {r["figure"]: r for r in compare_rows()}
    h = compute_headlines()
    assert rows["MIAF-D area"]["kind"] == "input" and rows["MIAF-D area"]["seed"] == "405 ha"
    maize = rows["Maize self-consumption/market, MIAF-D"]
    assert maize["seed"] == "30.0/70.0" and maize["kind"] == "process"  # economics.csv self_consumption_share.maiz
    assert maize["demo"] == f"{100 * h['maize_self_share']:.1f}/{100 - 100 * h['maize_self_share']:.1f}"
    assert compare_markdown().startswith("| figure | seed article |")
    # payback from records, incremental against the milpa (issue 16, item 3): before the fix the demo's median
    # was 0 years (gross flows, no establishment cost); now a number of years a reviewer can believe
    pb = compute_indicators(load_tables(None, with_layers=False), codes=["payback_years"])["payback_years"]
    # about half the plots have paid back within their (median 7) recorded years: 50 % at a 7.5 % replanting
    # share, 49 % at the design's 10 % (issue 16, one row), so the median itself may be "not reached yet";
    # among the plots that paid back it takes a number of years a reviewer can believe, never 0
    assert 0.4 <= pb.breakdown["share_reached"] <= 0.6
    assert 3 <= pb.details["median_among_paid_back"] <= 10
    assert pb.value is None or 3 <= pb.value <= 10
    # every plot now records its establishment purchases (issue 16): none is listed as lacking cost records
    assert pb.details["plots_without_cost_records"] == 0


def test_every_demo_plot_records_its_establishment_purchases_through_the_records_service(demo):
    from django.db.models import Sum

    from miaf.design import replanting_share
    from miaf.economics.cashflow import establishment_cost_mxn
    from miaf.params import load_parameters
    from miaf.web.plots.models import Plot
    from miaf.web.records.models import InputPurchase, Planting

    econ = load_parameters("economics")
    v = {k: float(econ[k]) for k in ("plant_price_mxn", "hole_compost_cost_mxn_tree", "tools_cost_mxn_ha")}
    v["replanting_share"] = float(replanting_share())  # the design's one row
    plots = Plot.objects.filter(origin="demo")
    bought = InputPurchase.objects.filter(plot__in=plots, collective=False)
    assert demo.counts["purchases"] == bought.count() > 3 * plots.count()  # seedlings per species, compost, tools
    assert set(bought.values_list("plot", flat=True)) == set(plots.values_list("pk", flat=True))
    for plot in plots.order_by("pk")[:30]:
        rows = list(bought.filter(plot=plot))
        assert {r.purchased_on.year for r in rows} == {plot.established_on.year}  # the planting year
        n = float(Planting.objects.filter(plot=plot, unit="plants").aggregate(s=Sum("quantity"))["s"])
        # the bill of materials the economics prices: N × 1.10 × 50 + N × 2.12 + A × 1,000 MXN (one price
        # factor per family, cv 0.05, and whole seedlings: within a quarter of it)
        assert sum(float(r.cost_mxn) for r in rows) == pytest.approx(
            establishment_cost_mxn(n, float(plot.area_ha), v), rel=0.25)
        for r in rows:
            r.full_clean()  # written by records.services.save_input_purchase: the web's rules hold
            assert r.origin == "demo"
