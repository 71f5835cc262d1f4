"""The registry of programme indicators: one definition per indicator, read by the computation, the
report and the data dictionary (``python -m miaf.indicators.docs``).

Indicators are grouped by FAO's three climate-smart agriculture pillars (productivity and income;
adaptation and resilience; mitigation) plus a social section (reach and participation).

References
----------
FAO, Climate-Smart Agriculture Sourcebook, 2nd ed., Rome, 2017 (module A1: the three pillars).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import environment as env
from . import production as prod
from . import social as soc
from .context import Context, Outcome

__all__ = ["PILLARS", "REGISTRY", "Indicator", "get"]

PILLARS: dict[str, tuple[str, str]] = {
    "productivity": ("Productivity and income", "Productividad e ingresos"),
    "adaptation": ("Adaptation and resilience", "Adaptación y resiliencia"),
    "mitigation": ("Mitigation", "Mitigación"),
    "social": ("Social: reach and participation", "Social: alcance y participación"),
}


@dataclass(frozen=True)
class Indicator:
    """Definition of one programme indicator.

    ``formula``/``missing_data`` in English, ``formula_es``/``missing_data_es`` in Spanish; ``compute``
    takes a :class:`~miaf.indicators.context.Context` and returns an Outcome.
    """

    code: str
    pillar: str
    name_es: str
    name_en: str
    formula: str
    unit: str
    source_records: str
    missing_data: str
    compute: Callable[[Context], Outcome]
    formula_es: str = ""
    missing_data_es: str = ""

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("code", "pillar", "name_es", "name_en", "formula", "formula_es", "unit",
                                              "source_records", "missing_data", "missing_data_es")}  # fmt: skip


_I = Indicator
_DEFS: tuple[Indicator, ...] = (
    # ---------------------------------------------------------------- productivity and income
    _I("maize_yield_gain", "productivity", "Aumento del rendimiento de maíz", "Maize yield gain",
       "Σ kg maize on MIAF-D plot-years in year Y / Σ kg maize on the same plots in their baseline year − 1 "
       "(kg/ha use the plot area, which cancels: same plots, same area)", "fraction",
       "harvests (species maiz), plot phases, plots.area_ha",
       "Baseline year = the plot's latest year with a maize harvest under the traditional phase, before Y. "
       "Plots without a baseline or without a MIAF-D harvest in Y are left out. Ignores the system filter.",
       prod.maize_yield_gain,
       "Σ kg de maíz en parcelas-año MIAF-D del año Y / Σ kg de maíz de las mismas parcelas en su año base − 1",
       "Año base: el último año con cosecha de maíz en fase tradicional antes de Y. Se omiten parcelas sin año "
       "base o sin cosecha MIAF-D en Y. No aplica el filtro de sistema."),
    _I("yield_gain_vs_baseline", "productivity", "Rendimiento contra la línea base, por cultivo",
       "Yield against the plot's baseline, by crop",
       "per crop: Σ kg MIAF-D plot-years / Σ kg same plots in their baseline traditional year − 1", "fraction",
       "harvests, plot phases, plots.area_ha",
       "As maize_yield_gain, for every crop harvested in both periods; crops without a baseline are omitted.",
       prod.yield_gain_vs_baseline,
       "por cultivo: Σ kg parcelas-año MIAF-D / Σ kg de las mismas parcelas en su año base tradicional − 1",
       "Como maize_yield_gain para cada cultivo cosechado en ambos periodos; los cultivos sin base se omiten."),
    _I("yield_vs_traditional", "productivity", "Rendimiento contra parcelas tradicionales, por cultivo",
       "Yield against traditional plots, by crop",
       "per crop: (Σ kg / Σ ha on MIAF-D plot-years) / (Σ kg / Σ ha on traditional plot-years) − 1, over the "
       "years with both", "fraction", "harvests, plot phases, plots.area_ha",
       "Only crop-years harvested on both systems count. Ignores the system filter.",
       prod.yield_vs_traditional,
       "por cultivo: (Σ kg / Σ ha en parcelas-año MIAF-D) / (Σ kg / Σ ha en parcelas-año tradicionales) − 1",
       "Sólo cuentan los cultivo-años cosechados en ambos sistemas. No aplica el filtro de sistema."),
    _I("yield_by_crop", "productivity", "Rendimiento por cultivo y sistema", "Yield by crop and system",
       "per crop and system at harvest date: Σ kg / Σ ha of the plot-years that harvested it", "kg/ha",
       "harvests, plot phases, plots.area_ha",
       "Whole-plot area (the crop-strip share is not applied). Plot-years without the crop do not count as 0.",
       prod.yield_by_crop, "por cultivo y sistema: Σ kg / Σ ha de las parcelas-año que lo cosecharon",
       "Superficie de toda la parcela (no la franja de cultivo). Las parcelas-año sin el cultivo no cuentan como 0."),
    _I("gross_income_per_ha", "productivity", "Ingreso bruto por hectárea", "Gross income per hectare",
       "Σ (kg × price) of sales (destinations other than self) / Σ ha of plot-years with a harvest", "MXN/ha/yr",
       "harvest destinations, harvests, plots.area_ha",
       "Sales without a price are left out (their kg reported as sold_kg_without_price).",
       prod.gross_income_per_ha, "Σ (kg × precio) de las ventas / Σ ha de parcelas-año con cosecha",
       "Las ventas sin precio se omiten (sus kg se informan en sold_kg_without_price)."),
    _I("gross_income_per_family", "productivity", "Ingreso bruto por familia", "Gross income per family",
       "Σ (kg × price) of sales / number of family-years with a harvest", "MXN/family/yr",
       "harvest destinations, harvests", "Sales without a price are left out.", prod.gross_income_per_family,
       "Σ (kg × precio) de las ventas / número de familia-años con cosecha", "Las ventas sin precio se omiten."),
    _I("months_with_income", "productivity", "Meses con ingreso", "Months with income",
       "mean over family-years in the ledger of the number of months with income > 0 "
       "(miaf.household.calendar); breakdown: share of family-years by number of months", "months/yr",
       "ledger entries (household economy calendar)",
       "Family-years with only expense rows count as 0 months; families without ledger rows are not counted.",
       prod.months_with_income,
       "promedio por familia-año del calendario económico del número de meses con ingreso > 0",
       "Familia-años con sólo gastos cuentan 0 meses; las familias sin calendario no cuentan."),
    _I("npv_per_ha", "productivity", "Valor actual neto por hectárea (registros)", "Net present value per hectare (records)",
       "Σ_plots NPV(r, incremental flows) / Σ ha (miaf.economics.records.record_economics). Per MIAF-D plot and "
       "year since establishment: MIAF-D (sales + self-consumption × the plot's sale price × replacement factor − "
       "input purchases − hired labour − family days × wage) minus the traditional milpa on the same area "
       "(miaf.economics.cashflow.milpa_counterfactual, the plot model's baseline); year 0 carries the bill of "
       "materials for the trees planted or the recorded year-0 purchases if larger; details.npv_cash_per_ha_mxn "
       "leaves family days unpaid", "MXN/ha",
       "harvests and destinations, plantings (trees), input purchases, labour logs, plots (economics.csv discount "
       "rate, wage, replacement price factor, bill-of-materials prices, milpa defaults)",
       "Counted years: year 0 and the years with a harvest record (other years are unknown, left out and "
       "counted in skipped_plot_years). A counted year without purchase records takes the modelled inputs, "
       "without labour records the modelled days (never zero). Plots without any purchase record are listed "
       "(plots_without_cost_records) and named in the reason.",
       prod.npv_per_ha,
       "Σ_parcelas VAN(r, flujos incrementales) / Σ ha; por parcela MIAF-D y año desde el establecimiento: MIAF-D "
       "(ventas + autoconsumo − compras − jornales contratados − jornales familiares al jornal) menos la milpa "
       "tradicional en la misma superficie; el año 0 lleva la lista de materiales de los árboles plantados o las "
       "compras registradas de ese año si son mayores (la vista de caja, sin pagar los jornales familiares, en "
       "npv_cash_per_ha_mxn)",
       "Cuentan el año 0 y los años con cosecha registrada (los demás se desconocen y se omiten). Un año contado "
       "sin compras registradas usa los insumos modelados, sin jornales registrados los jornales modelados (nunca "
       "cero). Las parcelas sin ninguna compra registrada se informan (plots_without_cost_records)."),
    _I("payback_years", "productivity", "Periodo de recuperación (registros)", "Payback period (records)",
       "median over every MIAF-D plot of miaf.economics.finance.payback_years(incremental flows), a plot not yet "
       "paid back counting as longer than any other; None (reason given) when fewer than half have paid back",
       "yr", "as npv_per_ha",
       "As npv_per_ha. share_reached = share of plots paid back; details give the median among those paid back, "
       "the cash view's median and the plots without cost records.",
       prod.payback_years,
       "mediana sobre todas las parcelas MIAF-D del periodo de recuperación de los flujos incrementales; una "
       "parcela que aún no recupera cuenta como la más larga; sin valor si menos de la mitad ha recuperado",
       "Como npv_per_ha. share_reached = proporción de parcelas que ya recuperaron."),
    _I("self_consumption_share", "productivity", "Autoconsumo por cultivo", "Self-consumption share by crop",
       "per crop: kg to destination 'self' / Σ kg of all destinations", "fraction", "harvest destinations",
       "Harvest kg without a destination record are not counted.", prod.self_consumption_share,
       "por cultivo: kg con destino 'autoconsumo' / Σ kg de todos los destinos",
       "Los kg cosechados sin destino registrado no cuentan."),
    _I("market_share", "productivity", "Venta al mercado por cultivo", "Market share by crop",
       "per crop: kg to destinations other than 'self' / Σ kg of all destinations", "fraction",
       "harvest destinations", "As self_consumption_share (the two add up to 1).", prod.market_share,
       "por cultivo: kg con destino distinto de autoconsumo / Σ kg de todos los destinos",
       "Como self_consumption_share (ambos suman 1)."),
    # ---------------------------------------------------------------- adaptation and resilience
    _I("product_diversity", "adaptation", "Diversidad de productos", "Diversity of products",
       "mean over family-years of the number of distinct species harvested (kg > 0)", "products/family/yr",
       "harvests", "Families without harvest records that year are not counted.", soc.product_diversity,
       "promedio por familia-año del número de especies distintas cosechadas (kg > 0)",
       "Las familias sin cosechas ese año no cuentan."),
    _I("side_selling_share", "adaptation", "Venta a intermediarios", "Side-selling share",
       "kg to destination 'intermediary' / Σ kg sold (destinations other than 'self'); breakdown by crop",
       "fraction", "harvest destinations", "Self-consumption is not part of the denominator.",
       soc.side_selling_share, "kg con destino 'intermediario' / Σ kg vendidos (destinos distintos de autoconsumo)",
       "El autoconsumo no entra en el denominador."),
    _I("soil_loss", "adaptation", "Pérdida de suelo", "Soil loss",
       "area-weighted mean over plots of A = R·K·LS·C·P (miaf.environment.erosion.soil_loss_closed_form: "
       "Cortés R from the plot's CHIRPS rainfall normal, McCool LS from the plot's mean slope and a slope length "
       "from its area, MIAF-D rows by ls_contour_rows, C and P by system, slope and age since the plot became "
       "MIAF-D); details give the plots' distribution and a Monte Carlo interval", "t/ha/yr",
       "plots (mean slope, area, soil depth class, establishment date, phases), plantings, municipality rainfall "
       "(indicators.csv K default and range)",
       "Plots without slope or rainfall are left out and counted; MIAF-D plots without any date count at age 0. "
       "K is a programme default and the slope length comes from the area, not from plot measurements.",
       env.soil_loss,
       "promedio ponderado por superficie de A = R·K·LS·C·P (RUSLE, forma cerrada)",
       "Se omiten (y cuentan) parcelas sin pendiente o lluvia; MIAF-D sin fecha cuenta con edad 0. K es un valor "
       "por omisión y la longitud de pendiente sale de la superficie."),
    _I("soil_loss_within_tolerable", "adaptation", "Superficie dentro de la pérdida tolerable",
       "Area within the tolerable soil loss",
       "Σ ha of plots with A ≤ T / Σ ha; T by soil depth class (miaf.environment.rusle.tolerable_loss)",
       "fraction", "as soil_loss", "As soil_loss; unknown depth uses the deep-soil tolerance.",
       env.soil_loss_within_tolerable, "Σ ha de parcelas con A ≤ T / Σ ha; T según la profundidad del suelo",
       "Como soil_loss; la profundidad desconocida usa la tolerancia de suelo profundo."),
    _I("native_species", "adaptation", "Especies nativas", "Native species",
       "mean over plots with plantings of the number of distinct native species planted (species.csv native)",
       "species/plot", "plantings, species catalogue",
       "Species not in the catalogue are not counted (reported). Plantings after the reference year are ignored.",
       env.native_species, "promedio por parcela con siembras del número de especies nativas distintas",
       "Las especies fuera del catálogo no cuentan (se informan)."),
    # ---------------------------------------------------------------- mitigation
    _I("carbon_stock", "mitigation", "Carbono almacenado", "Carbon stock",
       "area-weighted mean over MIAF/MIAF-D plots of the IPCC Tier 1 stock (trees + residues + soil, "
       "miaf.environment.carbon.evaluate_carbon) at the reference year; trees grow on a Chapman-Richards curve "
       "to the IPCC Table 5.1 stock at maturity (reached at 20 years), scaled by stocking = "
       "min(1, trees / (ha × reference density)); IPCC climate zone per plot from altitude and rainfall; "
       "tillage of the strips from the design modality (TMV or no design: conventional)", "t C/ha",
       "plots (altitude, municipality rainfall, latest design modality), tree plantings (dominant species, "
       "number, date), carbon.csv",
       "Plots without tree plantings are left out. Tier 1 only: tree measurements are not used yet.",
       env.carbon_stock, "promedio ponderado por superficie del carbono Tier 1 de IPCC (árboles, residuos y suelo)",
       "Se omiten las parcelas sin plantación de árboles. Sólo Tier 1."),
    _I("carbon_change", "mitigation", "Cambio anual de carbono", "Annual carbon change",
       "area-weighted mean of the annual stock change of the same chain", "t C/ha/yr", "as carbon_stock",
       "As carbon_stock.", env.carbon_change, "promedio ponderado del cambio anual del mismo cálculo",
       "Como carbon_stock."),
    # ---------------------------------------------------------------- social
    _I("families", "social", "Familias", "Families", "number of families in scope (membership overlapping the year)",
       "families", "families, memberships", "None.", soc.families, "número de familias en el alcance", "Ninguno."),
    _I("members_by_sex", "social", "Integrantes por sexo", "Members by sex", "count of members; breakdown by sex",
       "persons", "members", "None.", soc.members_by_sex, "número de integrantes; desglose por sexo", "Ninguno."),
    _I("members_by_language", "social", "Integrantes por lengua", "Members by language",
       "share of members who speak a language other than Spanish; breakdown: members per language (a member "
       "counts once per language)", "fraction", "members.languages",
       "Members without languages recorded are excluded from the share (reported).", soc.members_by_language,
       "proporción de integrantes que hablan una lengua distinta del español; desglose por lengua",
       "Se excluyen los integrantes sin lengua registrada."),
    _I("groups", "social", "Grupos de trabajo", "Working groups", "distinct groups of the families in scope",
       "groups", "families (current membership)", "None.", soc.groups, "grupos distintos de las familias",
       "Ninguno."),
    _I("municipalities", "social", "Municipios", "Municipalities", "distinct municipalities of the families",
       "municipalities", "families (locality)", "Families without a municipality are not counted.",
       soc.municipalities, "municipios distintos de las familias", "Las familias sin municipio no cuentan."),
    _I("area_by_system", "social", "Superficie por sistema", "Area by system",
       "Σ plots.area_ha by system (on 31 December of the filter year, or now)", "ha", "plots, plot phases",
       "Plots that did not exist at the reference date are not counted.", soc.area_by_system,
       "Σ superficie de las parcelas por sistema", "Las parcelas que no existían a la fecha no cuentan."),
    _I("area_by_establishment_year", "social", "Superficie por año de establecimiento",
       "Area by year of establishment",
       "Σ ha of MIAF/MIAF-D plots by the year they became MIAF-D (miaf.history.miaf_start: plots.established_on, "
       "else the first MIAF phase, else the first fruit-tree planting)", "ha", "plots, plot phases, plantings",
       "Plots without any of these dates are reported under 'unknown'.", soc.area_by_establishment_year,
       "Σ ha de parcelas MIAF/MIAF-D por año en que se volvieron MIAF-D (fecha de establecimiento, si no la "
       "primera fase MIAF, si no la primera plantación de frutales)",
       "Las parcelas sin ninguna de esas fechas van en 'unknown'."),
    _I("area_share_in_layers", "social", "Superficie dentro de capas de referencia", "Area share inside reference layers",
       "per layer: Σ (plot share inside the layer × plot ha) / Σ ha of MIAF/MIAF-D plots; value = the corridor "
       "layer's share", "fraction", "plot × layer overlap (miaf.environment.layers, geodesic areas)",
       "Plots without an overlap row count as outside. Value is None when there is not exactly one corridor.",
       soc.area_share_in_layers, "por capa: Σ (proporción dentro × ha) / Σ ha de parcelas MIAF/MIAF-D",
       "Las parcelas sin fila de traslape cuentan como fuera."),
    _I("labour_ratio", "social", "Razón de mano de obra MIAF-D / tradicional", "Labour ratio MIAF-D / traditional",
       "(Σ person-days / Σ ha on MIAF-D plot-years) / (Σ person-days / Σ ha on traditional plot-years); a "
       "plot-year counts only if one system covers the whole year", "ratio", "labour logs, plot phases, plots",
       "Traditional set: the same year when it has traditional plot-years ('comparison'), else every "
       "traditional plot-year of the families ('baseline'). Labour not tied to a plot and transition years are "
       "left out. Ignores the system filter.", soc.labour_ratio,
       "(Σ jornales / Σ ha en parcelas-año MIAF-D) / (Σ jornales / Σ ha en parcelas-año tradicionales)",
       "Conjunto tradicional: el mismo año si lo hay, si no todos los años tradicionales. Se omiten los años "
       "de transición y la mano de obra sin parcela."),
    _I("labour_by_kind", "social", "Mano de obra familiar y contratada", "Family and hired labour",
       "hired person-days / Σ person-days; breakdown: days and days per ha by kind", "fraction",
       "labour logs, plots", "Per-ha figures use plot-tied labour only.", soc.labour_by_kind,
       "jornales contratados / Σ jornales; desglose por tipo", "Las cifras por ha usan sólo la mano de obra con parcela."),
    _I("women_labour_share", "social", "Participación de las mujeres en el trabajo", "Women's share of labour",
       "Σ person-days with worker_sex F / Σ person-days with worker_sex recorded", "fraction", "labour logs",
       "Rows without the worker's sex are excluded (their days reported).", soc.women_labour_share,
       "Σ jornales de mujeres / Σ jornales con sexo registrado", "Se excluyen los registros sin sexo."),
    _I("women_training_share", "social", "Participación de las mujeres en capacitaciones",
       "Women's share of training attendance", "attendances by female members / attendances with a member",
       "fraction", "attendance, members", "Attendances recorded for a family without a member are excluded.",
       soc.women_training_share, "asistencias de mujeres / asistencias con integrante registrado",
       "Se excluyen las asistencias sin integrante."),
    _I("migration", "social", "Migración", "Migration", "share of families with anyone_migrated", "fraction",
       "families, members", "None (the flag defaults to no).", soc.migration,
       "proporción de familias con algún integrante que migró", "Ninguno."),
)

REGISTRY: dict[str, Indicator] = {i.code: i for i in _DEFS}
assert len(REGISTRY) == len(_DEFS), "duplicate indicator code"
assert all(i.pillar in PILLARS for i in _DEFS)


def get(code: str) -> Indicator:
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValueError(f"unknown indicator {code!r}; known: {', '.join(REGISTRY)}") from None
