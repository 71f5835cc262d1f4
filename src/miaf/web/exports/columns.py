"""Column specifications of every export: the single source the data dictionary reads.

Each table lists its columns in order with a machine name (the CSV/XLSX/GeoPackage header), labels in
Spanish and English, the meaning, the unit and whether the column is personal data. ``source`` is the
ORM lookup (or annotation name) the table reads with ``values_list``; ``choices`` names a model field
("app.Model.field") whose codes the dictionary lists. This module imports nothing from Django so that the
dictionary can be generated anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DTYPES = ("text", "integer", "real", "date", "boolean")


@dataclass(frozen=True)
class Column:
    name: str
    label_es: str
    label_en: str
    meaning: str
    unit: str = ""
    personal: bool = False
    dtype: str = "text"
    source: str = ""
    choices: str = ""

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} is not one of {DTYPES}")

    @property
    def lookup(self) -> str:
        return self.source or self.name


@dataclass(frozen=True)
class TableSpec:
    slug: str
    name_en: str
    title_es: str
    title_en: str
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    open_data: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

FAMILY_CODE = C("family_code", "código de la familia", "family code",
                "Programme code of the household (unique); links every table of the export.", personal=True,
                source="family__code")
MUNICIPALITY = C("municipality", "municipio", "municipality", "INEGI municipality of the household's locality.",
                 source="locality__municipality__name")
MUNICIPALITY_CODE = C("municipality_code", "clave INEGI del municipio", "INEGI municipality key",
                      "Five-digit INEGI key: two digits of the state, three of the municipality.",
                      source="municipality_code")

FAMILIES = TableSpec(
    "familias", "families", "Familias", "Families",
    "One row per household within the user's reach, with its current working group.",
    (
        C("family_code", "código", "code", "Programme code of the household (unique).", personal=True, source="code"),
        C("family_name", "nombre de la familia", "family name", "Name of the household as registered.",
          personal=True, source="name"),
        C("locality", "localidad", "locality", "Locality (village) where the household lives.", personal=True,
          source="locality__name"),
        MUNICIPALITY, MUNICIPALITY_CODE,
        C("group", "grupo de trabajo", "working group", "Working group of the current (open) membership.",
          source="group_name"),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation of the current working group.", source="organisation_name"),
        C("n_members", "integrantes", "members", "Number of registered household members.", "persons",
          dtype="integer"),
        C("n_plots", "parcelas", "plots", "Number of registered plots.", "plots", dtype="integer"),
        C("area_ha", "superficie", "area", "Total area of the household's plots.", "ha", dtype="real"),
        C("anyone_migrated", "¿alguien migró?", "anyone migrated",
          "Whether any household member has migrated for work (true/false).", dtype="boolean"),
    ),
)

MEMBERS = TableSpec(
    "integrantes", "members", "Integrantes", "Household members",
    "One row per registered household member.",
    (
        FAMILY_CODE,
        C("member_name", "nombre", "name", "Name of the household member.", personal=True, source="name"),
        C("sex", "sexo", "sex", "Sex as declared.", choices="registry.Member.sex"),
        C("birth_year", "año de nacimiento", "birth year", "Year of birth as declared.", "year", personal=True,
          dtype="integer"),
        C("role", "parentesco", "relationship", "Relationship to the head of household.",
          choices="registry.Member.role"),
        C("languages", "lenguas", "languages", "Languages spoken, ISO 639-3 codes separated by ';'.",
          choices="registry.Language"),
        C("migrated", "migró", "migrated", "Whether this member has migrated for work (true/false).",
          dtype="boolean"),
    ),
)

PLOTS = TableSpec(
    "parcelas", "plots", "Parcelas", "Plots",
    "One row per plot; the GeoJSON and GeoPackage exports carry the boundary polygon (WGS84).",
    (
        C("plot_id", "id de la parcela", "plot id", "Database identifier of the plot (stable).", dtype="integer",
          source="pk"),
        FAMILY_CODE,
        C("family_name", "familia", "family", "Name of the household that works the plot.", personal=True,
          source="family__name"),
        C("plot_name", "nombre de la parcela", "plot name", "Name the family gives the plot.", personal=True,
          source="name"),
        C("municipality", "municipio", "municipality", "INEGI municipality of the household's locality.",
          source="family__locality__municipality__name"),
        C("area_ha", "superficie", "area", "Geodesic area of the boundary polygon.", "ha", dtype="real"),
        C("centroid_lat", "latitud del centroide", "centroid latitude", "Latitude of the polygon centroid (WGS84).",
          "degrees", personal=True, dtype="real"),
        C("centroid_lon", "longitud del centroide", "centroid longitude",
          "Longitude of the polygon centroid (WGS84).", "degrees", personal=True, dtype="real"),
        C("altitude_m", "altitud", "altitude", "Altitude of the plot above sea level.", "m", dtype="real"),
        C("mean_slope_pct", "pendiente media", "mean slope", "Mean slope of the plot.", "%", dtype="real"),
        C("soil_depth_class", "profundidad del suelo", "soil depth", "Soil depth class.",
          choices="plots.Plot.soil_depth_class"),
        C("system", "sistema actual", "current system", "Current production system of the plot.",
          choices="plots.Plot.system"),
        C("established_on", "establecido como MIAF-D", "established as MIAF-D",
          "Date the plot was established as MIAF-D (empty if not).", "date", dtype="date"),
    ),
)

HARVESTS = TableSpec(
    "cosechas", "harvests", "Cosechas", "Harvests",
    "One row per recorded harvest, with how much was kept for the household and how much was sold.",
    (
        C("harvest_id", "id de la cosecha", "harvest id", "Database identifier of the harvest record.",
          dtype="integer", source="pk"),
        C("family_code", "código de la familia", "family code", "Programme code of the household.", personal=True,
          source="plot__family__code"),
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot (see the plots table).",
          dtype="integer"),
        C("species", "especie", "species", "Species code of the catalogue (src/miaf/params/species.csv).",
          source="species__code"),
        C("harvested_on", "fecha de cosecha", "harvest date", "Date of the harvest.", "date", dtype="date"),
        C("quantity_kg", "cantidad", "quantity", "Harvested mass.", "kg", dtype="real"),
        C("self_consumption_kg", "autoconsumo", "self-consumption", "Mass kept for the household.", "kg",
          dtype="real"),
        C("sold_kg", "vendido", "sold", "Mass sold (organisation, intermediary, local market or other).", "kg",
          dtype="real"),
        C("sales_mxn", "ingreso por venta", "sales income", "Sum of sold mass times price over the destinations.",
          "MXN", personal=True, dtype="real"),
    ),
)

LEDGER = TableSpec(
    "calendario", "ledger", "Calendario económico", "Household economy calendar",
    "One row per monthly income or expense entry of a household.",
    (
        FAMILY_CODE,
        C("year", "año", "year", "Calendar year of the entry.", "year", dtype="integer"),
        C("month", "mes", "month", "Calendar month of the entry (1-12).", "month", dtype="integer"),
        C("kind", "tipo", "kind", "Income or expense.", choices="records.LedgerEntry.kind"),
        C("category", "fuente o destino", "category", "Source of the income or destination of the expense.",
          choices="records.LedgerEntry.category"),
        C("species", "cultivo", "crop", "Species code for crop sales (empty otherwise).", source="species__code"),
        C("amount_mxn", "monto", "amount", "Amount of the entry.", "MXN", personal=True, dtype="real"),
        C("notes", "notas", "notes", "Free-text notes (may name people).", personal=True),
    ),
)

LABOUR = TableSpec(
    "mano-de-obra", "labour", "Mano de obra", "Labour",
    "One row per monthly labour record of a household (family or hired), by activity.",
    (
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot (empty if not recorded).",
          dtype="integer"),
        C("year", "año", "year", "Calendar year of the work.", "year", dtype="integer"),
        C("month", "mes", "month", "Calendar month of the work (1-12).", "month", dtype="integer"),
        C("activity", "actividad", "activity", "Activity of the MIAF-D model.", choices="records.LabourLog.activity"),
        C("labour_kind", "tipo de mano de obra", "labour kind", "Family or hired labour.", source="kind",
          choices="records.LabourLog.kind"),
        C("person_days", "jornales", "person-days", "Labour in person-days of about eight hours.", "person-days",
          dtype="real"),
        C("worker_sex", "sexo de quien trabajó", "worker sex", "Sex of the worker where recorded (F/M).",
          choices="records.LabourLog.worker_sex"),
        C("member_id", "id del integrante", "member id",
          "Household member who did the family labour, where recorded (links to the members table).",
          personal=True, dtype="integer"),
        C("wage_mxn_per_day", "jornal pagado", "daily wage", "Wage paid for hired labour.", "MXN/person-day",
          personal=True, dtype="real"),
    ),
)

GROUPS = TableSpec(
    "grupos", "groups", "Grupos de trabajo", "Working groups",
    "One row per working group within the user's reach, with counts only.",
    (
        C("group_id", "id del grupo", "group id", "Database identifier of the group.", dtype="integer", source="pk"),
        C("group", "grupo", "group", "Name of the working group.", source="name"),
        C("locality", "localidad", "locality", "Locality where the group meets.", source="locality__name"),
        C("municipality", "municipio", "municipality", "INEGI municipality of the locality.",
          source="locality__municipality__name"),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation the group belongs to.", source="producer_organisation__name"),
        C("formed_on", "formado el", "formed on", "Date the group was formed.", "date", dtype="date"),
        C("n_families", "familias", "families", "Families with an open membership of the group.", "families",
          dtype="integer"),
    ),
)

# --- fieldwork: visits, planned visits, trainings and their attendance ------------------------------------

VISITS = TableSpec(
    "visitas", "visits", "Visitas de seguimiento", "Follow-up visits",
    "One row per done visit to a household, with its tree measurements counted.",
    (
        C("visit_id", "id de la visita", "visit id", "Database identifier of the visit.", dtype="integer", source="pk"),
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot visited (empty if not recorded).",
          dtype="integer"),
        C("promoter", "promotor(a)", "promoter", "Username of the promoter who made the visit.", personal=True,
          source="promoter__username"),
        C("visited_on", "fecha", "date", "Date of the visit (never in the future).", "date", dtype="date"),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model the visit served.",
          dtype="integer", choices="fieldwork.Visit.step"),
        C("tree_survival_pct", "sobrevivencia de árboles", "tree survival",
          "Share of planted trees alive, as estimated at the visit.", "%", dtype="real"),
        C("n_trees_measured", "árboles medidos", "trees measured", "Tree measurements recorded at the visit.",
          "trees", dtype="integer"),
        C("n_trees_alive", "árboles vivos medidos", "measured trees alive", "Measured trees found alive.", "trees",
          dtype="integer"),
        C("observations", "observaciones", "observations", "Free text (may name people).", personal=True),
        C("agreements", "acuerdos", "agreements", "Agreements with the family (free text).", personal=True),
        C("next_steps", "siguientes pasos", "next steps", "Next steps agreed (free text).", personal=True),
        C("next_visit_on", "próxima visita", "next visit", "Date of the next visit, when one was planned.", "date",
          dtype="date"),
    ),
)

VISIT_PLANS = TableSpec(
    "visitas-planeadas", "visit_plans", "Visitas planeadas", "Planned visits",
    "One row per planned visit: open (planned), done (closed by a visit) or cancelled (with its reason).",
    (
        C("plan_id", "id de la visita planeada", "plan id", "Database identifier of the plan.", dtype="integer",
          source="pk"),
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Plot to visit (empty if not given).", dtype="integer"),
        C("promoter", "promotor(a)", "promoter", "Username of the promoter who is to visit.", personal=True,
          source="promoter__username"),
        C("due_on", "fecha prevista", "due on", "Date the visit is due.", "date", dtype="date"),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model.", dtype="integer",
          choices="fieldwork.VisitPlan.step"),
        C("purpose", "propósito", "purpose", "Purpose of the visit (free text).", personal=True),
        C("status", "estado", "status", "planned, done or cancelled.", choices="fieldwork.VisitPlan.status"),
        C("done_visit_id", "visita que la cumplió", "done by visit", "The visit that closed the plan.",
          dtype="integer"),
        C("cancel_reason", "motivo de cancelación", "cancel reason", "Why the plan was cancelled.", personal=True),
    ),
)

TRAININGS = TableSpec(
    "capacitaciones", "trainings", "Capacitaciones e intercambios", "Trainings and exchanges",
    "One row per training or exchange of experience within the user's reach, with its attendance counted.",
    (
        C("event_id", "id del evento", "event id", "Database identifier of the event.", dtype="integer", source="pk"),
        C("kind", "tipo", "kind", "Training or exchange of experience.", choices="fieldwork.TrainingEvent.kind"),
        C("title", "título", "title", "Title of the event."),
        C("topic", "tema", "topic", "Topic of the event."),
        C("held_on", "fecha", "date", "Date the event was held.", "date", dtype="date"),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model.", dtype="integer",
          choices="fieldwork.TrainingEvent.step"),
        C("organisation", "organización", "organisation", "Organisation that held the event.",
          source="organisation__name"),
        C("group", "grupo anfitrión", "host group", "Working group that hosted the event (empty: all the "
          "organisation's groups).", source="group__name"),
        C("n_invited_groups", "grupos invitados", "invited groups", "Groups invited besides the host.", "groups",
          dtype="integer"),
        C("locality", "localidad", "locality", "Locality where the event was held.", source="locality__name"),
        C("place", "lugar", "place", "Place of the event (free text)."),
        C("facilitator", "facilitador(a)", "facilitator", "Who facilitated the event.", personal=True),
        C("language", "lengua", "language", "Language the event was held in.", choices="fieldwork.TrainingEvent.language"),
        C("n_attendees", "asistentes", "attendees", "Rows of the attendance list.", "persons", dtype="integer"),
        C("n_women", "mujeres asistentes", "women attending", "Attendees recorded as women.", "persons",
          dtype="integer"),
    ),
)

ATTENDANCE = TableSpec(
    "asistencia", "attendance", "Asistencia a capacitaciones", "Training attendance",
    "One row per person (or family, when the person is not known) on an event's attendance list.",
    (
        C("event_id", "id del evento", "event id", "Identifier of the event (see the trainings table).",
          dtype="integer", source="event_id"),
        C("held_on", "fecha", "date", "Date of the event.", "date", dtype="date", source="event__held_on"),
        C("kind", "tipo", "kind", "Training or exchange.", source="event__kind", choices="fieldwork.TrainingEvent.kind"),
        FAMILY_CODE,
        C("member_name", "integrante", "member", "Name of the person who attended (empty: the family only).",
          personal=True, source="member__name"),
        C("sex", "sexo", "sex", "Sex of the person (F, M, X).", source="member__sex", choices="registry.Member.sex"),
        C("birth_year", "año de nacimiento", "birth year", "Birth year of the person.", "year", personal=True,
          dtype="integer", source="member__birth_year"),
    ),
)

DESIGN_PROPERTIES = TableSpec(
    "disenos", "designs", "Diseños MIAF-D", "MIAF-D designs",
    "GeoJSON/GeoPackage of the latest saved design of each plot: plot outline, tree rows, trees and crop "
    "strips (WGS84). Each feature carries these properties besides those of the design itself.",
    (
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot.", dtype="integer"),
        C("family_code", "código de la familia", "family code", "Programme code of the household.", personal=True),
        C("design_version", "versión del diseño", "design version", "Version number of the saved design.",
          dtype="integer"),
        C("kind", "elemento", "feature kind", "plot, tree_row, tree or crop_strip."),
        C("row_number", "hilera", "row", "Number of the tree row (rows and trees).", dtype="integer"),
        C("species", "especie(s)", "species", "Species code(s) of the tree or of the row, comma-separated."),
    ),
)

# ---------------------------------------------------------------------------------------------- open data

PSEUDONYM_NOTE = "Random-looking but stable pseudonym (HMAC-SHA256 of the record key with the server secret)."

def _open_location(grid_cell: str) -> tuple[Column, ...]:
    """The coarsened location columns of an open-data table (``grid_cell``: what the grid cell locates)."""
    return (
        C("state", "entidad", "state", "State (empty when suppressed)."),
        C("municipality_code", "clave INEGI del municipio", "INEGI municipality key",
          "Five-digit INEGI key (empty when suppressed or in grid mode)."),
        C("municipality", "municipio", "municipality", "Municipality name (empty when suppressed or in grid mode)."),
        C("grid_cell", "celda de 1 km", "1 km grid cell", grid_cell),
        C("location_suppressed", "ubicación suprimida", "location suppressed",
          "true when the location unit had fewer families than the k-anonymity threshold.", dtype="boolean"),
    )


OPEN_PLOT_YEARS = TableSpec(
    "parcelas_anio", "plot_years", "Parcelas por año (datos abiertos)", "Plot-years (open data)",
    "One row per plot and year with records (harvest or labour); anonymised.",
    (
        C("plot_pid", "seudónimo de la parcela", "plot pseudonym", PSEUDONYM_NOTE),
        C("family_pid", "seudónimo de la familia", "family pseudonym", PSEUDONYM_NOTE),
        C("year", "año", "year", "Calendar year.", "year", dtype="integer"),
        *_open_location("Grid cell of the plot centroid in EPSG:6372 (Mexico ITRF2008 LCC): 'E<x km>N<y km>' "
                        "(grid mode)."),
        C("system", "sistema", "system", "Production system of the plot in that year (from its history).",
          choices="plots.Plot.system"),
        C("established_year", "año de establecimiento", "year established", "Year the plot became MIAF-D.", "year",
          dtype="integer"),
        C("area_ha", "superficie", "area", "Plot area, rounded to 0.1 ha.", "ha", dtype="real"),
        C("slope_class", "clase de pendiente", "slope class", "Mean slope binned (see README)."),
        C("soil_depth_class", "profundidad del suelo", "soil depth", "Soil depth class.",
          choices="plots.Plot.soil_depth_class"),
        C("harvest_kg", "cosecha", "harvest", "Total harvested mass in the year, rounded to kg.", "kg",
          dtype="integer"),
        C("n_species_harvested", "especies cosechadas", "species harvested", "Distinct species harvested.",
          dtype="integer"),
        C("sold_share_pct", "porcentaje vendido", "share sold", "Share of the harvested mass sold, rounded.", "%",
          dtype="integer"),
        C("sales_bin_mxn", "ingreso por venta (rango)", "sales income (bin)",
          "Harvest sales income in the year, binned.", "MXN/yr"),
        C("family_labour_days", "jornales familiares", "family labour", "Family labour in the year, rounded.",
          "person-days", dtype="integer"),
        C("hired_labour_days", "jornales contratados", "hired labour", "Hired labour in the year, rounded.",
          "person-days", dtype="integer"),
    ),
    open_data=True,
)

OPEN_FAMILY_YEARS = TableSpec(
    "familias_anio", "family_years", "Familias por año (datos abiertos)", "Family-years (open data)",
    "One row per household and year with economy calendar entries; anonymised.",
    (
        C("family_pid", "seudónimo de la familia", "family pseudonym", PSEUDONYM_NOTE),
        C("year", "año", "year", "Calendar year.", "year", dtype="integer"),
        *_open_location("Grid cell of the locality in EPSG:6372: 'E<x km>N<y km>' (grid mode)."),
        C("household_size", "integrantes", "household size", "Registered household members.", "persons",
          dtype="integer"),
        C("n_women", "mujeres", "women", "Registered female household members.", "persons", dtype="integer"),
        C("anyone_migrated", "¿alguien migró?", "anyone migrated", "Whether any member migrated for work.",
          dtype="boolean"),
        C("n_plots", "parcelas", "plots", "Registered plots.", "plots", dtype="integer"),
        C("area_ha", "superficie", "area", "Total plot area, rounded to 0.1 ha.", "ha", dtype="real"),
        C("income_bin_mxn", "ingreso anual (rango)", "annual income (bin)",
          "Sum of the year's income entries, binned.", "MXN/yr"),
        C("expense_bin_mxn", "gasto anual (rango)", "annual expense (bin)",
          "Sum of the year's expense entries, binned.", "MXN/yr"),
        C("crop_income_share_pct", "ingreso por cosechas", "crop income share",
          "Share of the year's income from crop sales, rounded to 10 %.", "%", dtype="integer"),
        C("months_in_deficit", "meses en déficit", "months in deficit",
          "Months of the year with expenses above income.", "months", dtype="integer"),
    ),
    open_data=True,
)

# --- the accompaniment process (miaf.web.process) -------------------------------------------------------

PROCESS_STEPS = TableSpec(
    "pasos-del-proceso", "process_steps", "Pasos del proceso", "Process steps",
    "One row per step record of a working group (family empty) or of one of its families (individual steps "
    "3, 4 and 6), with its dates, status and the reason kept when it was closed out of order.",
    (
        C("record_id", "id del registro", "record id", "Database identifier of the step record.", dtype="integer",
          source="pk"),
        C("group_id", "id del grupo", "group id", "Identifier of the working group.", dtype="integer"),
        C("group", "grupo", "group", "Name of the working group.", source="group__name"),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation of the group.", source="group__producer_organisation__name"),
        C("municipality", "municipio", "municipality", "INEGI municipality of the group's locality.",
          source="group__locality__municipality__name"),
        C("family_code", "código de la familia", "family code",
          "Household of an individual step; empty for the group's own record.", personal=True, source="family__code"),
        C("step", "paso", "step", "Number (1-12) of the step in the accompaniment model.", dtype="integer",
          source="stage__number"),
        C("step_name", "nombre del paso", "step name", "Name of the step (Spanish).", source="stage__name"),
        C("status", "estado", "status", "planned, in_progress, done or skipped.", choices="process.StepRecord.status"),
        C("started_on", "iniciado el", "started on", "Date the step was started.", "date", dtype="date"),
        C("due_on", "fecha límite", "due on", "Date the step should be done by (start + expected duration).", "date",
          dtype="date"),
        C("completed_on", "terminado el", "completed on", "Date the step was closed (done or skipped).", "date",
          dtype="date"),
        C("overdue", "atrasado", "overdue", "True when the due date has passed and the step is not closed.",
          dtype="boolean"),
        C("responsible", "responsable", "responsible", "Username of the person responsible.", personal=True,
          source="responsible__username"),
        C("out_of_order_reason", "motivo fuera de orden", "out-of-order reason",
          "Why the step was closed before the step it depends on (kept; empty when closed in order).",
          personal=True),
        C("n_checklist_ticked", "puntos verificados", "checklist items ticked",
          "Checklist items whose latest tick is done.", "items", dtype="integer"),
        C("n_evidence", "evidencias", "evidence items", "Notes, photos and documents attached to the step.", "items",
          dtype="integer"),
    ),
)

INPUT_PURCHASES = TableSpec(
    "compras", "input_purchases", "Compras de insumos", "Input purchases",
    "One row per purchase of inputs (seedlings, seed, compost, tools …) by a household, individual or made "
    "together through the group or organisation (step 9 of the accompaniment model).",
    (
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot the inputs were for (empty if none).",
          dtype="integer"),
        C("purchased_on", "fecha", "purchase date", "Date of the purchase.", "date", dtype="date"),
        C("item", "insumo", "item", "What was bought, as recorded."),
        C("quantity", "cantidad", "quantity", "Quantity bought, in `unit`.", dtype="real"),
        C("unit", "unidad", "unit", "Unit of the quantity, as recorded."),
        C("cost_mxn", "costo", "cost", "Total paid for the purchase.", "MXN", personal=True, dtype="real"),
        C("supplier", "proveedor", "supplier", "Who sold the inputs, as recorded."),
        C("collective", "compra colectiva", "collective purchase",
          "True when bought together through the group or organisation.", dtype="boolean"),
    ),
)

PLANTINGS = TableSpec(
    "siembras", "plantings", "Siembras y plantaciones", "Plantings",
    "One row per planting or sowing recorded on a plot: trees planted in the rows, or seed sown in the strips.",
    (
        C("family_code", "código de la familia", "family code", FAMILY_CODE.meaning, personal=True,
          source="plot__family__code"),
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot.", dtype="integer"),
        C("species", "especie", "species", "Catalogue code of the species.", source="species__code"),
        C("planted_on", "fecha de siembra", "planting date", "Date of the planting or sowing.", "date", dtype="date"),
        C("quantity", "cantidad", "quantity", "Quantity planted, in `unit`.", dtype="real"),
        C("unit", "unidad", "unit", "plants or kg_seed.", choices="records.Planting.unit"),
        C("row_number", "hilera", "row", "Tree row of the design, where recorded.", dtype="integer"),
    ),
)

# -- trade (issue 12: the organisation's offer, advances, collective purchases; querysets in miaf.web.trade.exports)
ORGANISATION_PRICES = TableSpec(
    "precios_organizacion", "organisation_prices", "Precios de compra de la organización", "Organisation prices",
    "One row per product and month: what the producer organisation pays its members and how many days later "
    "(issue 12, the organisation's offer; compared with intermediaries' prices in the side-selling analysis).",
    (
        C("organisation", "organización", "organisation", "Producer organisation.", source="organisation__name"),
        C("product", "producto", "product", "Catalogue code of the product.", source="species__code"),
        C("year", "año", "year", "Year of the price.", dtype="integer"),
        C("month", "mes", "month", "Month of the price (1-12).", dtype="integer"),
        C("price_mxn_per_kg", "precio", "price", "Purchase price paid to members.", "MXN/kg", personal=True,
          dtype="real"),
        C("payment_delay_days", "días hasta el pago", "payment delay", "Days between delivery and payment.", "day",
          dtype="integer"),
    ),
)

ADVANCES = TableSpec(
    "anticipos", "advances", "Anticipos y créditos", "Advances and credit",
    "One row per advance or credit the organisation gave a household, with what was repaid and the balance.",
    (
        FAMILY_CODE,
        C("organisation", "organización", "organisation", "Organisation that gave it.", source="organisation__name"),
        C("kind", "tipo", "kind", "advance (on the harvest) or credit.", choices="trade.Advance.kind"),
        C("given_on", "fecha", "date", "Date it was given.", "date", dtype="date"),
        C("amount_mxn", "monto", "amount", "Amount given.", "MXN", personal=True, dtype="real"),
        C("monthly_rate_pct", "interés mensual", "monthly interest", "Monthly interest charged (empty: none).",
          "%/month", dtype="real"),
        C("repaid_mxn", "pagado", "repaid", "Sum of the repayments recorded.", "MXN", personal=True, dtype="real"),
        C("balance_mxn", "saldo", "balance", "Amount less repayments (interest not accrued).", "MXN", personal=True,
          dtype="real"),
    ),
)

PURCHASE_SHARES = TableSpec(
    "compras_colectivas", "collective_purchase_shares", "Compras colectivas por familia",
    "Collective purchases per household",
    "One row per household and collective purchase: its part of the quantity and the cost (step 9: quality "
    "inputs at the lowest price). Each part is also an input purchase with collective = true.",
    (
        FAMILY_CODE,
        C("group", "grupo", "group", "Working group that bought together.", source="purchase__group__name"),
        C("purchased_on", "fecha", "purchase date", "Date of the purchase.", "date", dtype="date",
          source="purchase__purchased_on"),
        C("item", "insumo", "item", "What was bought.", source="purchase__item"),
        C("unit", "unidad", "unit", "Unit of the quantity.", source="purchase__unit"),
        C("supplier", "proveedor", "supplier", "Supplier chosen.", source="purchase__supplier"),
        C("unit_price_mxn", "precio por unidad", "unit price", "Price per unit paid by the group.", "MXN/unit",
          personal=True, dtype="real", source="purchase__unit_price_mxn"),
        C("quantity", "cantidad", "quantity", "The household's part of the quantity, in `unit`.", dtype="real"),
        C("cost_mxn", "costo", "cost", "The household's part of the cost.", "MXN", personal=True, dtype="real"),
    ),
)

#: Tables downloadable as CSV/XLSX, by URL slug.
TABLES: dict[str, TableSpec] = {t.slug: t for t in (FAMILIES, MEMBERS, PLOTS, HARVESTS, LEDGER, LABOUR, GROUPS,
                                                    INPUT_PURCHASES, PLANTINGS, VISITS, VISIT_PLANS, TRAININGS, ATTENDANCE, PROCESS_STEPS,
                                                    ORGANISATION_PRICES, ADVANCES, PURCHASE_SHARES)}
#: English aliases of the slugs (for the CLI).
ALIASES: dict[str, str] = {t.name_en: t.slug for t in (*TABLES.values(), DESIGN_PROPERTIES)}
OPEN_DATA_TABLES: tuple[TableSpec, ...] = (OPEN_PLOT_YEARS, OPEN_FAMILY_YEARS)
#: Every table the dictionary documents, in order.
ALL_TABLES: tuple[TableSpec, ...] = (*TABLES.values(), DESIGN_PROPERTIES, *OPEN_DATA_TABLES)
