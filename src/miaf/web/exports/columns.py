"""Column specifications of every export: the single source the data dictionary reads.

Each table lists its columns in order with a machine name (the CSV/XLSX/GeoPackage header), labels in
Spanish and English, the meaning (``meaning`` in English, ``meaning_es`` in Spanish), the unit and whether the
column is personal data. ``source`` is the ORM lookup (or annotation name) the table reads with
``values_list``; ``choices`` names a model field ("app.Model.field") whose codes the dictionary lists. This module imports nothing from Django so that the
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
    #: the meaning in Spanish (``meaning`` is the English one); the dictionary shows the user's language.
    meaning_es: str = ""

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name}: dtype {self.dtype!r} is not one of {DTYPES}")

    @property
    def lookup(self) -> str:
        return self.source or self.name

    def label(self, lang: str) -> str:
        """The label in ``lang`` ("es…" or "en…"; any other language gets the Spanish one)."""
        return self.label_en if lang.startswith("en") else self.label_es

    def meaning_in(self, lang: str) -> str:
        """The meaning in ``lang`` ("en…": English; any other language: Spanish)."""
        return self.meaning if lang.startswith("en") else self.meaning_es


@dataclass(frozen=True)
class TableSpec:
    slug: str
    name_en: str
    title_es: str
    title_en: str
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    open_data: bool = False
    #: the description in Spanish (``description`` is the English one).
    description_es: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def header(self, labels: bool = False, lang: str = "es") -> list[str]:
        """The header row of a CSV/XLSX file: the stable codes (``names``, for programs; the default) or, with
        ``labels``, the columns' labels in ``lang`` (for people; they change with the language)."""
        return [c.label(lang) for c in self.columns] if labels else self.names

    def title(self, lang: str) -> str:
        return self.title_en if lang.startswith("en") else self.title_es

    def description_in(self, lang: str) -> str:
        return self.description if lang.startswith("en") else self.description_es

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


C = Column

FAMILY_CODE = C("family_code", "código de la familia", "family code",
                "Programme code of the household (unique); links every table of the export.", personal=True,
                source="family__code",
                meaning_es="Código de la familia en el programa (único); enlaza todas las tablas de la "
                           "exportación.")
MUNICIPALITY = C("municipality", "municipio", "municipality", "INEGI municipality of the household's locality.",
                 source="locality__municipality__name",
                 meaning_es="Municipio INEGI de la localidad de la familia.")
MUNICIPALITY_CODE = C("municipality_code", "clave INEGI del municipio", "INEGI municipality key",
                      "Five-digit INEGI key: two digits of the state, three of the municipality.",
                      source="municipality_code",
                      meaning_es="Clave INEGI de cinco dígitos: dos de la entidad y tres del municipio.")

FAMILIES = TableSpec(
    "familias", "families", "Familias", "Families",
    "One row per household within the user's reach, with its current working group.",
    (
        C("family_code", "código", "code", "Programme code of the household (unique).", personal=True, source="code",
          meaning_es="Código de la familia en el programa (único)."),
        C("family_name", "nombre de la familia", "family name", "Name of the household as registered.",
          personal=True, source="name",
          meaning_es="Nombre de la familia tal como se registró."),
        C("locality", "localidad", "locality", "Locality (village) where the household lives.", personal=True,
          source="locality__name",
          meaning_es="Localidad (comunidad) donde vive la familia."),
        MUNICIPALITY, MUNICIPALITY_CODE,
        C("group", "grupo de trabajo", "working group", "Working group of the current (open) membership.",
          source="group_name",
          meaning_es="Grupo de trabajo de la membresía actual (abierta)."),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation of the current working group.", source="organisation_name",
          meaning_es="Organización de productores del grupo de trabajo actual."),
        C("n_members", "integrantes", "members", "Number of registered household members.", "persons",
          dtype="integer",
          meaning_es="Número de integrantes registrados de la familia."),
        C("n_plots", "parcelas", "plots", "Number of registered plots.", "plots", dtype="integer",
          meaning_es="Número de parcelas registradas."),
        C("area_ha", "superficie", "area", "Total area of the household's plots.", "ha", dtype="real",
          meaning_es="Superficie total de las parcelas de la familia."),
        C("anyone_migrated", "¿alguien migró?", "anyone migrated",
          "Whether any household member has migrated for work (true/false).", dtype="boolean",
          meaning_es="Si algún integrante de la familia ha migrado por trabajo (true/false)."),
    ),
    description_es="Una fila por familia al alcance del usuario, con su grupo de trabajo actual.",
)

MEMBERS = TableSpec(
    "integrantes", "members", "Integrantes", "Household members",
    "One row per registered household member.",
    (
        FAMILY_CODE,
        C("member_name", "nombre", "name", "Name of the household member.", personal=True, source="name",
          meaning_es="Nombre del integrante de la familia."),
        C("sex", "sexo", "sex", "Sex as declared.", choices="registry.Member.sex",
          meaning_es="Sexo según lo declarado."),
        C("birth_year", "año de nacimiento", "birth year", "Year of birth as declared.", "year", personal=True,
          dtype="integer",
          meaning_es="Año de nacimiento según lo declarado."),
        C("role", "parentesco", "relationship", "Relationship to the head of household.",
          choices="registry.Member.role",
          meaning_es="Parentesco con la persona jefa de familia."),
        C("languages", "lenguas", "languages", "Languages spoken, ISO 639-3 codes separated by ';'.",
          choices="registry.Language",
          meaning_es="Lenguas que habla, códigos ISO 639-3 separados por ';'."),
        C("migrated", "migró", "migrated", "Whether this member has migrated for work (true/false).",
          dtype="boolean",
          meaning_es="Si este integrante ha migrado por trabajo (true/false)."),
    ),
    description_es="Una fila por integrante registrado de la familia.",
)

PLOTS = TableSpec(
    "parcelas", "plots", "Parcelas", "Plots",
    "One row per plot; the GeoJSON and GeoPackage exports carry the boundary polygon (WGS84).",
    (
        C("plot_id", "id de la parcela", "plot id", "Database identifier of the plot (stable).", dtype="integer",
          source="pk",
          meaning_es="Identificador de la parcela en la base de datos (estable)."),
        FAMILY_CODE,
        C("family_name", "familia", "family", "Name of the household that works the plot.", personal=True,
          source="family__name",
          meaning_es="Nombre de la familia que trabaja la parcela."),
        C("plot_name", "nombre de la parcela", "plot name", "Name the family gives the plot.", personal=True,
          source="name",
          meaning_es="Nombre que la familia le da a la parcela."),
        C("municipality", "municipio", "municipality", "INEGI municipality of the household's locality.",
          source="family__locality__municipality__name",
          meaning_es="Municipio INEGI de la localidad de la familia."),
        C("area_ha", "superficie", "area", "Geodesic area of the boundary polygon.", "ha", dtype="real",
          meaning_es="Superficie geodésica del polígono del lindero."),
        C("centroid_lat", "latitud del centroide", "centroid latitude", "Latitude of the polygon centroid (WGS84).",
          "degrees", personal=True, dtype="real",
          meaning_es="Latitud del centroide del polígono (WGS84)."),
        C("centroid_lon", "longitud del centroide", "centroid longitude",
          "Longitude of the polygon centroid (WGS84).", "degrees", personal=True, dtype="real",
          meaning_es="Longitud del centroide del polígono (WGS84)."),
        C("altitude_m", "altitud", "altitude", "Altitude of the plot above sea level.", "m", dtype="real",
          meaning_es="Altitud de la parcela sobre el nivel del mar."),
        C("mean_slope_pct", "pendiente media", "mean slope", "Mean slope of the plot.", "%", dtype="real",
          meaning_es="Pendiente media de la parcela."),
        C("soil_depth_class", "profundidad del suelo", "soil depth", "Soil depth class.",
          choices="plots.Plot.soil_depth_class",
          meaning_es="Clase de profundidad del suelo."),
        C("system", "sistema actual", "current system", "Current production system of the plot.",
          choices="plots.Plot.system",
          meaning_es="Sistema de producción actual de la parcela."),
        C("established_on", "establecido como MIAF-D", "established as MIAF-D",
          "Date the plot was established as MIAF-D (empty if not).", "date", dtype="date",
          meaning_es="Fecha en que la parcela se estableció como MIAF-D (vacía si no lo es)."),
    ),
    description_es="Una fila por parcela; las exportaciones GeoJSON y GeoPackage llevan el polígono del "
                   "lindero (WGS84).",
)

HARVESTS = TableSpec(
    "cosechas", "harvests", "Cosechas", "Harvests",
    "One row per recorded harvest, with how much was kept for the household and how much was sold.",
    (
        C("harvest_id", "id de la cosecha", "harvest id", "Database identifier of the harvest record.",
          dtype="integer", source="pk",
          meaning_es="Identificador del registro de cosecha en la base de datos."),
        C("family_code", "código de la familia", "family code", "Programme code of the household.", personal=True,
          source="plot__family__code",
          meaning_es="Código de la familia en el programa."),
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot (see the plots table).",
          dtype="integer",
          meaning_es="Identificador de la parcela (véase la tabla de parcelas)."),
        C("species", "especie", "species", "Species code of the catalogue (src/miaf/params/species.csv).",
          source="species__code",
          meaning_es="Código de la especie en el catálogo (src/miaf/params/species.csv)."),
        C("harvested_on", "fecha de cosecha", "harvest date", "Date of the harvest.", "date", dtype="date",
          meaning_es="Fecha de la cosecha."),
        C("quantity_kg", "cantidad", "quantity", "Harvested mass.", "kg", dtype="real",
          meaning_es="Masa cosechada."),
        C("self_consumption_kg", "autoconsumo", "self-consumption", "Mass kept for the household.", "kg",
          dtype="real",
          meaning_es="Masa que se quedó para la familia."),
        C("sold_kg", "vendido", "sold", "Mass sold (organisation, intermediary, local market or other).", "kg",
          dtype="real",
          meaning_es="Masa vendida (organización, intermediario, mercado local u otro)."),
        C("sales_mxn", "ingreso por venta", "sales income", "Sum of sold mass times price over the destinations.",
          "MXN", personal=True, dtype="real",
          meaning_es="Suma de la masa vendida por el precio en cada destino."),
    ),
    description_es="Una fila por cosecha registrada, con cuánto se quedó para la familia y cuánto se "
                   "vendió.",
)

LEDGER = TableSpec(
    "calendario", "ledger", "Calendario económico", "Household economy calendar",
    "One row per monthly income or expense entry of a household.",
    (
        FAMILY_CODE,
        C("year", "año", "year", "Calendar year of the entry.", "year", dtype="integer",
          meaning_es="Año calendario del registro."),
        C("month", "mes", "month", "Calendar month of the entry (1-12).", "month", dtype="integer",
          meaning_es="Mes calendario del registro (1-12)."),
        C("kind", "tipo", "kind", "Income or expense.", choices="records.LedgerEntry.kind",
          meaning_es="Ingreso o gasto."),
        C("category", "fuente o destino", "category", "Source of the income or destination of the expense.",
          choices="records.LedgerEntry.category",
          meaning_es="Fuente del ingreso o destino del gasto."),
        C("species", "cultivo", "crop", "Species code for crop sales (empty otherwise).", source="species__code",
          meaning_es="Código de la especie en ventas de cosecha (vacío en otro caso)."),
        C("amount_mxn", "monto", "amount", "Amount of the entry.", "MXN", personal=True, dtype="real",
          meaning_es="Monto del registro."),
        C("notes", "notas", "notes", "Free-text notes (may name people).", personal=True,
          meaning_es="Notas en texto libre (pueden nombrar a personas)."),
    ),
    description_es="Una fila por registro mensual de ingreso o gasto de una familia.",
)

LABOUR = TableSpec(
    "mano-de-obra", "labour", "Mano de obra", "Labour",
    "One row per monthly labour record of a household (family or hired), by activity.",
    (
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot (empty if not recorded).",
          dtype="integer",
          meaning_es="Identificador de la parcela (vacío si no se registró)."),
        C("year", "año", "year", "Calendar year of the work.", "year", dtype="integer",
          meaning_es="Año calendario del trabajo."),
        C("month", "mes", "month", "Calendar month of the work (1-12).", "month", dtype="integer",
          meaning_es="Mes calendario del trabajo (1-12)."),
        C("activity", "actividad", "activity", "Activity of the MIAF-D model.", choices="records.LabourLog.activity",
          meaning_es="Actividad del modelo MIAF-D."),
        C("labour_kind", "tipo de mano de obra", "labour kind", "Family or hired labour.", source="kind",
          choices="records.LabourLog.kind",
          meaning_es="Mano de obra familiar o contratada."),
        C("person_days", "jornales", "person-days", "Labour in person-days of about eight hours.", "person-days",
          dtype="real",
          meaning_es="Trabajo en jornales de unas ocho horas."),
        C("worker_sex", "sexo de quien trabajó", "worker sex", "Sex of the worker where recorded (F/M).",
          choices="records.LabourLog.worker_sex",
          meaning_es="Sexo de quien trabajó, cuando se registró (F/M)."),
        C("member_id", "id del integrante", "member id",
          "Household member who did the family labour, where recorded (links to the members table).",
          personal=True, dtype="integer",
          meaning_es="Integrante de la familia que hizo el trabajo familiar, cuando se registró (enlaza "
                     "con la tabla de integrantes)."),
        C("wage_mxn_per_day", "jornal pagado", "daily wage", "Wage paid for hired labour.", "MXN/person-day",
          personal=True, dtype="real",
          meaning_es="Jornal pagado por la mano de obra contratada."),
    ),
    description_es="Una fila por registro mensual de mano de obra de una familia (familiar o contratada), "
                   "por actividad.",
)

GROUPS = TableSpec(
    "grupos", "groups", "Grupos de trabajo", "Working groups",
    "One row per working group within the user's reach, with counts only.",
    (
        C("group_id", "id del grupo", "group id", "Database identifier of the group.", dtype="integer", source="pk",
          meaning_es="Identificador del grupo en la base de datos."),
        C("group", "grupo", "group", "Name of the working group.", source="name",
          meaning_es="Nombre del grupo de trabajo."),
        C("locality", "localidad", "locality", "Locality where the group meets.", source="locality__name",
          meaning_es="Localidad donde se reúne el grupo."),
        C("municipality", "municipio", "municipality", "INEGI municipality of the locality.",
          source="locality__municipality__name",
          meaning_es="Municipio INEGI de la localidad."),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation the group belongs to.", source="producer_organisation__name",
          meaning_es="Organización de productores a la que pertenece el grupo."),
        C("formed_on", "formado el", "formed on", "Date the group was formed.", "date", dtype="date",
          meaning_es="Fecha en que se formó el grupo."),
        C("n_families", "familias", "families", "Families with an open membership of the group.", "families",
          dtype="integer",
          meaning_es="Familias con membresía abierta en el grupo."),
    ),
    description_es="Una fila por grupo de trabajo al alcance del usuario, solo con conteos.",
)

# --- fieldwork: visits, planned visits, trainings and their attendance ------------------------------------

VISITS = TableSpec(
    "visitas", "visits", "Visitas de seguimiento", "Follow-up visits",
    "One row per done visit to a household, with its tree measurements counted.",
    (
        C("visit_id", "id de la visita", "visit id", "Database identifier of the visit.", dtype="integer", source="pk",
          meaning_es="Identificador de la visita en la base de datos."),
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot visited (empty if not recorded).",
          dtype="integer",
          meaning_es="Identificador de la parcela visitada (vacío si no se registró)."),
        C("promoter", "promotor(a)", "promoter", "Username of the promoter who made the visit.", personal=True,
          source="promoter__username",
          meaning_es="Nombre de usuario del promotor(a) que hizo la visita."),
        C("visited_on", "fecha", "date", "Date of the visit (never in the future).", "date", dtype="date",
          meaning_es="Fecha de la visita (nunca en el futuro)."),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model the visit served.",
          dtype="integer", choices="fieldwork.Visit.step",
          meaning_es="Paso (1-12) del modelo de acompañamiento al que sirvió la visita."),
        C("tree_survival_pct", "sobrevivencia de árboles", "tree survival",
          "Share of planted trees alive, as estimated at the visit.", "%", dtype="real",
          meaning_es="Proporción de árboles plantados vivos, según se estimó en la visita."),
        C("n_trees_measured", "árboles medidos", "trees measured", "Tree measurements recorded at the visit.",
          "trees", dtype="integer",
          meaning_es="Mediciones de árboles registradas en la visita."),
        C("n_trees_alive", "árboles vivos medidos", "measured trees alive", "Measured trees found alive.", "trees",
          dtype="integer",
          meaning_es="Árboles medidos que se encontraron vivos."),
        C("observations", "observaciones", "observations", "Free text (may name people).", personal=True,
          meaning_es="Texto libre (puede nombrar a personas)."),
        C("agreements", "acuerdos", "agreements", "Agreements with the family (free text).", personal=True,
          meaning_es="Acuerdos con la familia (texto libre)."),
        C("next_steps", "siguientes pasos", "next steps", "Next steps agreed (free text).", personal=True,
          meaning_es="Siguientes pasos acordados (texto libre)."),
        C("next_visit_on", "próxima visita", "next visit", "Date of the next visit, when one was planned.", "date",
          dtype="date",
          meaning_es="Fecha de la próxima visita, cuando se planeó una."),
    ),
    description_es="Una fila por visita realizada a una familia, con el número de mediciones de árboles.",
)

VISIT_PLANS = TableSpec(
    "visitas-planeadas", "visit_plans", "Visitas planeadas", "Planned visits",
    "One row per planned visit: open (planned), done (closed by a visit) or cancelled (with its reason).",
    (
        C("plan_id", "id de la visita planeada", "plan id", "Database identifier of the plan.", dtype="integer",
          source="pk",
          meaning_es="Identificador de la visita planeada en la base de datos."),
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Plot to visit (empty if not given).", dtype="integer",
          meaning_es="Parcela por visitar (vacía si no se indicó)."),
        C("promoter", "promotor(a)", "promoter", "Username of the promoter who is to visit.", personal=True,
          source="promoter__username",
          meaning_es="Nombre de usuario del promotor(a) que hará la visita."),
        C("due_on", "fecha prevista", "due on", "Date the visit is due.", "date", dtype="date",
          meaning_es="Fecha prevista de la visita."),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model.", dtype="integer",
          choices="fieldwork.VisitPlan.step",
          meaning_es="Paso (1-12) del modelo de acompañamiento."),
        C("purpose", "propósito", "purpose", "Purpose of the visit (free text).", personal=True,
          meaning_es="Propósito de la visita (texto libre)."),
        C("status", "estado", "status", "planned, done or cancelled.", choices="fieldwork.VisitPlan.status",
          meaning_es="planned (planeada), done (cumplida) o cancelled (cancelada)."),
        C("done_visit_id", "visita que la cumplió", "done by visit", "The visit that closed the plan.",
          dtype="integer",
          meaning_es="La visita que cerró el plan."),
        C("cancel_reason", "motivo de cancelación", "cancel reason", "Why the plan was cancelled.", personal=True,
          meaning_es="Por qué se canceló el plan."),
    ),
    description_es="Una fila por visita planeada: abierta (planeada), cumplida (cerrada por una visita) o "
                   "cancelada (con su motivo).",
)

TRAININGS = TableSpec(
    "capacitaciones", "trainings", "Capacitaciones e intercambios", "Trainings and exchanges",
    "One row per training or exchange of experience within the user's reach, with its attendance counted.",
    (
        C("event_id", "id del evento", "event id", "Database identifier of the event.", dtype="integer", source="pk",
          meaning_es="Identificador del evento en la base de datos."),
        C("kind", "tipo", "kind", "Training or exchange of experience.", choices="fieldwork.TrainingEvent.kind",
          meaning_es="Capacitación o intercambio de experiencias."),
        C("title", "título", "title", "Title of the event.",
          meaning_es="Título del evento."),
        C("topic", "tema", "topic", "Topic of the event.",
          meaning_es="Tema del evento."),
        C("held_on", "fecha", "date", "Date the event was held.", "date", dtype="date",
          meaning_es="Fecha en que se realizó el evento."),
        C("step", "paso del modelo", "model step", "Step (1-12) of the accompaniment model.", dtype="integer",
          choices="fieldwork.TrainingEvent.step",
          meaning_es="Paso (1-12) del modelo de acompañamiento."),
        C("organisation", "organización", "organisation", "Organisation that held the event.",
          source="organisation__name",
          meaning_es="Organización que realizó el evento."),
        C("group", "grupo anfitrión", "host group", "Working group that hosted the event (empty: all the "
          "organisation's groups).", source="group__name",
          meaning_es="Grupo de trabajo anfitrión del evento (vacío: todos los grupos de la organización)."),
        C("n_invited_groups", "grupos invitados", "invited groups", "Groups invited besides the host.", "groups",
          dtype="integer",
          meaning_es="Grupos invitados además del anfitrión."),
        C("locality", "localidad", "locality", "Locality where the event was held.", source="locality__name",
          meaning_es="Localidad donde se realizó el evento."),
        C("place", "lugar", "place", "Place of the event (free text).",
          meaning_es="Lugar del evento (texto libre)."),
        C("facilitator", "facilitador(a)", "facilitator", "Who facilitated the event.", personal=True,
          meaning_es="Quién facilitó el evento."),
        C("language", "lengua", "language", "Language the event was held in.", choices="fieldwork.TrainingEvent.language",
          meaning_es="Lengua en que se realizó el evento."),
        C("n_attendees", "asistentes", "attendees", "Rows of the attendance list.", "persons", dtype="integer",
          meaning_es="Filas de la lista de asistencia."),
        C("n_women", "mujeres asistentes", "women attending", "Attendees recorded as women.", "persons",
          dtype="integer",
          meaning_es="Asistentes registradas como mujeres."),
    ),
    description_es="Una fila por capacitación o intercambio de experiencias al alcance del usuario, con el "
                   "número de asistentes.",
)

ATTENDANCE = TableSpec(
    "asistencia", "attendance", "Asistencia a capacitaciones", "Training attendance",
    "One row per person (or family, when the person is not known) on an event's attendance list.",
    (
        C("event_id", "id del evento", "event id", "Identifier of the event (see the trainings table).",
          dtype="integer", source="event_id",
          meaning_es="Identificador del evento (véase la tabla de capacitaciones)."),
        C("held_on", "fecha", "date", "Date of the event.", "date", dtype="date", source="event__held_on",
          meaning_es="Fecha del evento."),
        C("kind", "tipo", "kind", "Training or exchange.", source="event__kind", choices="fieldwork.TrainingEvent.kind",
          meaning_es="Capacitación o intercambio."),
        FAMILY_CODE,
        C("member_name", "integrante", "member", "Name of the person who attended (empty: the family only).",
          personal=True, source="member__name",
          meaning_es="Nombre de la persona que asistió (vacío: solo la familia)."),
        C("sex", "sexo", "sex", "Sex of the person (F, M, X).", source="member__sex", choices="registry.Member.sex",
          meaning_es="Sexo de la persona (F, M, X)."),
        C("birth_year", "año de nacimiento", "birth year", "Birth year of the person.", "year", personal=True,
          dtype="integer", source="member__birth_year",
          meaning_es="Año de nacimiento de la persona."),
    ),
    description_es="Una fila por persona (o por familia, cuando no se sabe quién asistió) en la lista de "
                   "asistencia de un evento.",
)

DESIGN_PROPERTIES = TableSpec(
    "disenos", "designs", "Diseños MIAF-D", "MIAF-D designs",
    "GeoJSON/GeoPackage of the latest saved design of each plot: plot outline, tree rows, trees and crop "
    "strips (WGS84). Each feature carries these properties besides those of the design itself.",
    (
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot.", dtype="integer",
          meaning_es="Identificador de la parcela."),
        C("family_code", "código de la familia", "family code", "Programme code of the household.", personal=True,
          meaning_es="Código de la familia en el programa."),
        C("design_version", "versión del diseño", "design version", "Version number of the saved design.",
          dtype="integer",
          meaning_es="Número de versión del diseño guardado."),
        C("kind", "elemento", "feature kind", "plot, tree_row, tree or crop_strip.",
          meaning_es="plot (parcela), tree_row (hilera de árboles), tree (árbol) o crop_strip (franja de "
                     "cultivo)."),
        C("row_number", "hilera", "row", "Number of the tree row (rows and trees).", dtype="integer",
          meaning_es="Número de la hilera de árboles (hileras y árboles)."),
        C("species", "especie(s)", "species", "Species code(s) of the tree or of the row, comma-separated.",
          meaning_es="Código(s) de especie del árbol o de la hilera, separados por comas."),
    ),
    description_es="GeoJSON/GeoPackage del último diseño guardado de cada parcela: contorno de la parcela, "
                   "hileras de árboles, árboles y franjas de cultivo (WGS84). Cada elemento lleva estas "
                   "propiedades además de las del propio diseño.",
)

# ---------------------------------------------------------------------------------------------- open data

PSEUDONYM_NOTE = "Random-looking but stable pseudonym (HMAC-SHA256 of the record key with the server secret)."
PSEUDONYM_NOTE_ES = ("Seudónimo de apariencia aleatoria pero estable (HMAC-SHA256 de la clave del registro con el "
                     "secreto del servidor).")

def _open_location(grid_cell: str, grid_cell_es: str) -> tuple[Column, ...]:
    """The coarsened location columns of an open-data table (``grid_cell``, ``grid_cell_es``: what the grid cell
    locates, in English and Spanish)."""
    return (
        C("state", "entidad", "state", "State (empty when suppressed).",
          meaning_es="Entidad federativa (vacía cuando se suprime)."),
        C("municipality_code", "clave INEGI del municipio", "INEGI municipality key",
          "Five-digit INEGI key (empty when suppressed or in grid mode).",
          meaning_es="Clave INEGI de cinco dígitos (vacía cuando se suprime o en modo cuadrícula)."),
        C("municipality", "municipio", "municipality", "Municipality name (empty when suppressed or in grid mode).",
          meaning_es="Nombre del municipio (vacío cuando se suprime o en modo cuadrícula)."),
        C("grid_cell", "celda de 1 km", "1 km grid cell", grid_cell, meaning_es=grid_cell_es),
        C("location_suppressed", "ubicación suprimida", "location suppressed",
          "true when the location unit had fewer families than the k-anonymity threshold.", dtype="boolean",
          meaning_es="true cuando la unidad de ubicación tenía menos familias que el umbral de "
                     "k-anonimato."),
    )


OPEN_PLOT_YEARS = TableSpec(
    "parcelas_anio", "plot_years", "Parcelas por año (datos abiertos)", "Plot-years (open data)",
    "One row per plot and year with records (harvest or labour); anonymised.",
    (
        C("plot_pid", "seudónimo de la parcela", "plot pseudonym", PSEUDONYM_NOTE, meaning_es=PSEUDONYM_NOTE_ES),
        C("family_pid", "seudónimo de la familia", "family pseudonym", PSEUDONYM_NOTE, meaning_es=PSEUDONYM_NOTE_ES),
        C("year", "año", "year", "Calendar year.", "year", dtype="integer",
          meaning_es="Año calendario."),
        *_open_location("Grid cell of the plot centroid in EPSG:6372 (Mexico ITRF2008 LCC): 'E<x km>N<y km>' "
                        "(grid mode).",
                        "Celda de la cuadrícula del centroide de la parcela en EPSG:6372 (México ITRF2008 LCC): "
                        "'E<x km>N<y km>' (modo cuadrícula)."),
        C("system", "sistema", "system", "Production system of the plot in that year (from its history).",
          choices="plots.Plot.system",
          meaning_es="Sistema de producción de la parcela en ese año (según su historial)."),
        C("established_year", "año de establecimiento", "year established", "Year the plot became MIAF-D.", "year",
          dtype="integer",
          meaning_es="Año en que la parcela pasó a ser MIAF-D."),
        C("area_ha", "superficie", "area", "Plot area, rounded to 0.1 ha.", "ha", dtype="real",
          meaning_es="Superficie de la parcela, redondeada a 0.1 ha."),
        C("slope_class", "clase de pendiente", "slope class", "Mean slope binned (see README).",
          meaning_es="Pendiente media agrupada en rangos (véase el README)."),
        C("soil_depth_class", "profundidad del suelo", "soil depth", "Soil depth class.",
          choices="plots.Plot.soil_depth_class",
          meaning_es="Clase de profundidad del suelo."),
        C("harvest_kg", "cosecha", "harvest", "Total harvested mass in the year, rounded to kg.", "kg",
          dtype="integer",
          meaning_es="Masa total cosechada en el año, redondeada al kg."),
        C("n_species_harvested", "especies cosechadas", "species harvested", "Distinct species harvested.",
          dtype="integer",
          meaning_es="Número de especies distintas cosechadas."),
        C("sold_share_pct", "porcentaje vendido", "share sold", "Share of the harvested mass sold, rounded.", "%",
          dtype="integer",
          meaning_es="Porcentaje de la masa cosechada que se vendió, redondeado."),
        C("sales_bin_mxn", "ingreso por venta (rango)", "sales income (bin)",
          "Harvest sales income in the year, binned.", "MXN/yr",
          meaning_es="Ingreso por venta de cosechas en el año, en rangos."),
        C("family_labour_days", "jornales familiares", "family labour", "Family labour in the year, rounded.",
          "person-days", dtype="integer",
          meaning_es="Mano de obra familiar en el año, redondeada."),
        C("hired_labour_days", "jornales contratados", "hired labour", "Hired labour in the year, rounded.",
          "person-days", dtype="integer",
          meaning_es="Mano de obra contratada en el año, redondeada."),
    ),
    open_data=True,
    description_es="Una fila por parcela y año con registros (cosecha o mano de obra); anonimizada.",
)

OPEN_FAMILY_YEARS = TableSpec(
    "familias_anio", "family_years", "Familias por año (datos abiertos)", "Family-years (open data)",
    "One row per household and year with economy calendar entries; anonymised.",
    (
        C("family_pid", "seudónimo de la familia", "family pseudonym", PSEUDONYM_NOTE, meaning_es=PSEUDONYM_NOTE_ES),
        C("year", "año", "year", "Calendar year.", "year", dtype="integer",
          meaning_es="Año calendario."),
        *_open_location("Grid cell of the locality in EPSG:6372: 'E<x km>N<y km>' (grid mode).",
                        "Celda de la cuadrícula de la localidad en EPSG:6372: 'E<x km>N<y km>' (modo cuadrícula)."),
        C("household_size", "integrantes", "household size", "Registered household members.", "persons",
          dtype="integer",
          meaning_es="Integrantes registrados de la familia."),
        C("n_women", "mujeres", "women", "Registered female household members.", "persons", dtype="integer",
          meaning_es="Mujeres integrantes registradas de la familia."),
        C("anyone_migrated", "¿alguien migró?", "anyone migrated", "Whether any member migrated for work.",
          dtype="boolean",
          meaning_es="Si algún integrante migró por trabajo."),
        C("n_plots", "parcelas", "plots", "Registered plots.", "plots", dtype="integer",
          meaning_es="Parcelas registradas."),
        C("area_ha", "superficie", "area", "Total plot area, rounded to 0.1 ha.", "ha", dtype="real",
          meaning_es="Superficie total de las parcelas, redondeada a 0.1 ha."),
        C("income_bin_mxn", "ingreso anual (rango)", "annual income (bin)",
          "Sum of the year's income entries, binned.", "MXN/yr",
          meaning_es="Suma de los ingresos registrados en el año, en rangos."),
        C("expense_bin_mxn", "gasto anual (rango)", "annual expense (bin)",
          "Sum of the year's expense entries, binned.", "MXN/yr",
          meaning_es="Suma de los gastos registrados en el año, en rangos."),
        C("crop_income_share_pct", "ingreso por cosechas", "crop income share",
          "Share of the year's income from crop sales, rounded to 10 %.", "%", dtype="integer",
          meaning_es="Porcentaje del ingreso del año que viene de la venta de cosechas, redondeado a 10 %."),
        C("months_in_deficit", "meses en déficit", "months in deficit",
          "Months of the year with expenses above income.", "months", dtype="integer",
          meaning_es="Meses del año en que los gastos superaron a los ingresos."),
    ),
    open_data=True,
    description_es="Una fila por familia y año con registros del calendario económico; anonimizada.",
)

# --- the accompaniment process (miaf.web.process) -------------------------------------------------------

PROCESS_STEPS = TableSpec(
    "pasos-del-proceso", "process_steps", "Pasos del proceso", "Process steps",
    "One row per step record of a working group (family empty) or of one of its families (individual steps "
    "3, 4 and 6), with its dates, status and the reason kept when it was closed out of order.",
    (
        C("record_id", "id del registro", "record id", "Database identifier of the step record.", dtype="integer",
          source="pk",
          meaning_es="Identificador del registro del paso en la base de datos."),
        C("group_id", "id del grupo", "group id", "Identifier of the working group.", dtype="integer",
          meaning_es="Identificador del grupo de trabajo."),
        C("group", "grupo", "group", "Name of the working group.", source="group__name",
          meaning_es="Nombre del grupo de trabajo."),
        C("organisation", "organización de productores", "producer organisation",
          "Producer organisation of the group.", source="group__producer_organisation__name",
          meaning_es="Organización de productores del grupo."),
        C("municipality", "municipio", "municipality", "INEGI municipality of the group's locality.",
          source="group__locality__municipality__name",
          meaning_es="Municipio INEGI de la localidad del grupo."),
        C("family_code", "código de la familia", "family code",
          "Household of an individual step; empty for the group's own record.", personal=True, source="family__code",
          meaning_es="Familia de un paso individual; vacío en el registro propio del grupo."),
        C("step", "paso", "step", "Number (1-12) of the step in the accompaniment model.", dtype="integer",
          source="stage__number",
          meaning_es="Número (1-12) del paso en el modelo de acompañamiento."),
        C("step_name", "nombre del paso", "step name", "Name of the step (Spanish).", source="stage__name",
          meaning_es="Nombre del paso (en español)."),
        C("status", "estado", "status", "planned, in_progress, done or skipped.", choices="process.StepRecord.status",
          meaning_es="planned (planeado), in_progress (en curso), done (terminado) o skipped (omitido)."),
        C("started_on", "iniciado el", "started on", "Date the step was started.", "date", dtype="date",
          meaning_es="Fecha en que se inició el paso."),
        C("due_on", "fecha límite", "due on", "Date the step should be done by (start + expected duration).", "date",
          dtype="date",
          meaning_es="Fecha en que el paso debe estar terminado (inicio + duración esperada)."),
        C("completed_on", "terminado el", "completed on", "Date the step was closed (done or skipped).", "date",
          dtype="date",
          meaning_es="Fecha en que se cerró el paso (terminado u omitido)."),
        C("overdue", "atrasado", "overdue", "True when the due date has passed and the step is not closed.",
          dtype="boolean",
          meaning_es="True cuando ya pasó la fecha límite y el paso no está cerrado."),
        C("responsible", "responsable", "responsible", "Username of the person responsible.", personal=True,
          source="responsible__username",
          meaning_es="Nombre de usuario de la persona responsable."),
        C("out_of_order_reason", "motivo fuera de orden", "out-of-order reason",
          "Why the step was closed before the step it depends on (kept; empty when closed in order).",
          personal=True,
          meaning_es="Por qué se cerró el paso antes del paso del que depende (se conserva; vacío cuando "
                     "se cerró en orden)."),
        C("n_checklist_ticked", "puntos verificados", "checklist items ticked",
          "Checklist items whose latest tick is done.", "items", dtype="integer",
          meaning_es="Puntos de la lista de verificación cuya última marca es «hecho»."),
        C("n_evidence", "evidencias", "evidence items", "Notes, photos and documents attached to the step.", "items",
          dtype="integer",
          meaning_es="Notas, fotos y documentos adjuntos al paso."),
    ),
    description_es="Una fila por registro de paso de un grupo de trabajo (familia vacía) o de una de sus "
                   "familias (pasos individuales 3, 4 y 6), con sus fechas, su estado y el motivo guardado "
                   "cuando se cerró fuera de orden.",
)

INPUT_PURCHASES = TableSpec(
    "compras", "input_purchases", "Compras de insumos", "Input purchases",
    "One row per purchase of inputs (seedlings, seed, compost, tools …) by a household, individual or made "
    "together through the group or organisation (step 9 of the accompaniment model).",
    (
        FAMILY_CODE,
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot the inputs were for (empty if none).",
          dtype="integer",
          meaning_es="Identificador de la parcela a la que se destinaron los insumos (vacío si ninguna)."),
        C("purchased_on", "fecha", "purchase date", "Date of the purchase.", "date", dtype="date",
          meaning_es="Fecha de la compra."),
        C("item", "insumo", "item", "What was bought, as recorded.",
          meaning_es="Lo que se compró, tal como se registró."),
        C("quantity", "cantidad", "quantity", "Quantity bought, in `unit`.", dtype="real",
          meaning_es="Cantidad comprada, en `unit`."),
        C("unit", "unidad", "unit", "Unit of the quantity, as recorded.",
          meaning_es="Unidad de la cantidad, tal como se registró."),
        C("cost_mxn", "costo", "cost", "Total paid for the purchase.", "MXN", personal=True, dtype="real",
          meaning_es="Total pagado por la compra."),
        C("supplier", "proveedor", "supplier", "Who sold the inputs, as recorded.",
          meaning_es="Quién vendió los insumos, tal como se registró."),
        C("collective", "compra colectiva", "collective purchase",
          "True when bought together through the group or organisation.", dtype="boolean",
          meaning_es="True cuando se compró en conjunto a través del grupo o la organización."),
    ),
    description_es="Una fila por compra de insumos (plántulas, semilla, composta, herramientas …) de una "
                   "familia, individual o hecha en conjunto a través del grupo o la organización (paso 9 "
                   "del modelo de acompañamiento).",
)

PLANTINGS = TableSpec(
    "siembras", "plantings", "Siembras y plantaciones", "Plantings",
    "One row per planting or sowing recorded on a plot: trees planted in the rows, or seed sown in the strips.",
    (
        C("family_code", "código de la familia", "family code", FAMILY_CODE.meaning, personal=True,
          meaning_es=FAMILY_CODE.meaning_es,
          source="plot__family__code"),
        C("plot_id", "id de la parcela", "plot id", "Identifier of the plot.", dtype="integer",
          meaning_es="Identificador de la parcela."),
        C("species", "especie", "species", "Catalogue code of the species.", source="species__code",
          meaning_es="Código de la especie en el catálogo."),
        C("planted_on", "fecha de siembra", "planting date", "Date of the planting or sowing.", "date", dtype="date",
          meaning_es="Fecha de la plantación o siembra."),
        C("quantity", "cantidad", "quantity", "Quantity planted, in `unit`.", dtype="real",
          meaning_es="Cantidad plantada, en `unit`."),
        C("unit", "unidad", "unit", "plants or kg_seed.", choices="records.Planting.unit",
          meaning_es="plants (plantas) o kg_seed (kg de semilla)."),
        C("row_number", "hilera", "row", "Tree row of the design, where recorded.", dtype="integer",
          meaning_es="Hilera de árboles del diseño, cuando se registró."),
    ),
    description_es="Una fila por plantación o siembra registrada en una parcela: árboles plantados en las "
                   "hileras o semilla sembrada en las franjas.",
)

# -- trade (issue 12: the organisation's offer, advances, collective purchases; querysets in miaf.web.trade.exports)
ORGANISATION_PRICES = TableSpec(
    "precios_organizacion", "organisation_prices", "Precios de compra de la organización", "Organisation prices",
    "One row per product and month: what the producer organisation pays its members and how many days later "
    "(issue 12, the organisation's offer; compared with intermediaries' prices in the side-selling analysis).",
    (
        C("organisation", "organización", "organisation", "Producer organisation.", source="organisation__name",
          meaning_es="Organización de productores."),
        C("product", "producto", "product", "Catalogue code of the product.", source="species__code",
          meaning_es="Código del producto en el catálogo."),
        C("year", "año", "year", "Year of the price.", dtype="integer",
          meaning_es="Año del precio."),
        C("month", "mes", "month", "Month of the price (1-12).", dtype="integer",
          meaning_es="Mes del precio (1-12)."),
        C("price_mxn_per_kg", "precio", "price", "Purchase price paid to members.", "MXN/kg", personal=True,
          dtype="real",
          meaning_es="Precio de compra que se paga a los socios."),
        C("payment_delay_days", "días hasta el pago", "payment delay", "Days between delivery and payment.", "day",
          dtype="integer",
          meaning_es="Días entre la entrega y el pago."),
    ),
    description_es="Una fila por producto y mes: lo que la organización de productores paga a sus socios y "
                   "cuántos días después (issue 12, la oferta de la organización; se compara con los "
                   "precios de los intermediarios en el análisis de ventas por fuera).",
)

ADVANCES = TableSpec(
    "anticipos", "advances", "Anticipos y créditos", "Advances and credit",
    "One row per advance or credit the organisation gave a household, with what was repaid and the balance.",
    (
        FAMILY_CODE,
        C("organisation", "organización", "organisation", "Organisation that gave it.", source="organisation__name",
          meaning_es="Organización que lo otorgó."),
        C("kind", "tipo", "kind", "advance (on the harvest) or credit.", choices="trade.Advance.kind",
          meaning_es="advance (anticipo sobre la cosecha) o credit (crédito)."),
        C("given_on", "fecha", "date", "Date it was given.", "date", dtype="date",
          meaning_es="Fecha en que se otorgó."),
        C("amount_mxn", "monto", "amount", "Amount given.", "MXN", personal=True, dtype="real",
          meaning_es="Monto otorgado."),
        C("monthly_rate_pct", "interés mensual", "monthly interest", "Monthly interest charged (empty: none).",
          "%/month", dtype="real",
          meaning_es="Interés mensual cobrado (vacío: ninguno)."),
        C("repaid_mxn", "pagado", "repaid", "Sum of the repayments recorded.", "MXN", personal=True, dtype="real",
          meaning_es="Suma de los pagos registrados."),
        C("balance_mxn", "saldo", "balance", "Amount less repayments (interest not accrued).", "MXN", personal=True,
          dtype="real",
          meaning_es="Monto menos los pagos (sin intereses devengados)."),
    ),
    description_es="Una fila por anticipo o crédito que la organización dio a una familia, con lo pagado y "
                   "el saldo.",
)

PURCHASE_SHARES = TableSpec(
    "compras_colectivas", "collective_purchase_shares", "Compras colectivas por familia",
    "Collective purchases per household",
    "One row per household and collective purchase: its part of the quantity and the cost (step 9: quality "
    "inputs at the lowest price). Each part is also an input purchase with collective = true.",
    (
        FAMILY_CODE,
        C("group", "grupo", "group", "Working group that bought together.", source="purchase__group__name",
          meaning_es="Grupo de trabajo que compró en conjunto."),
        C("purchased_on", "fecha", "purchase date", "Date of the purchase.", "date", dtype="date",
          source="purchase__purchased_on",
          meaning_es="Fecha de la compra."),
        C("item", "insumo", "item", "What was bought.", source="purchase__item",
          meaning_es="Lo que se compró."),
        C("unit", "unidad", "unit", "Unit of the quantity.", source="purchase__unit",
          meaning_es="Unidad de la cantidad."),
        C("supplier", "proveedor", "supplier", "Supplier chosen.", source="purchase__supplier",
          meaning_es="Proveedor elegido."),
        C("unit_price_mxn", "precio por unidad", "unit price", "Price per unit paid by the group.", "MXN/unit",
          personal=True, dtype="real", source="purchase__unit_price_mxn",
          meaning_es="Precio por unidad que pagó el grupo."),
        C("quantity", "cantidad", "quantity", "The household's part of the quantity, in `unit`.", dtype="real",
          meaning_es="La parte de la cantidad que le toca a la familia, en `unit`."),
        C("cost_mxn", "costo", "cost", "The household's part of the cost.", "MXN", personal=True, dtype="real",
          meaning_es="La parte del costo que le toca a la familia."),
    ),
    description_es="Una fila por familia y compra colectiva: su parte de la cantidad y del costo (paso 9: "
                   "insumos de calidad al menor precio). Cada parte es también una compra de insumos con "
                   "collective = true.",
)

SUPPLIER_QUOTES = TableSpec(
    "cotizaciones", "supplier_quotes", "Cotizaciones de proveedores", "Supplier quotes",
    "One row per supplier's quote of an input for a working group's collective purchase (step 9: compare quality, "
    "price and delivery before buying together).",
    (
        C("group", "grupo", "group", "Working group the quote was asked for.", source="group__name",
          meaning_es="Grupo de trabajo para el que se pidió la cotización."),
        C("quoted_on", "fecha de la cotización", "quote date", "Date of the quote.", "date", dtype="date",
          meaning_es="Fecha de la cotización."),
        C("item", "insumo", "item", "Input quoted, as recorded.",
          meaning_es="Insumo cotizado, tal como se registró."),
        C("unit", "unidad", "unit", "Unit the price is for.",
          meaning_es="Unidad a la que corresponde el precio."),
        C("supplier", "proveedor", "supplier", "Supplier who quoted.",
          meaning_es="Proveedor que cotizó."),
        C("unit_price", "precio por unidad", "unit price", "Price per unit, in `currency`.", "currency/unit",
          dtype="real",
          meaning_es="Precio por unidad, en `currency`."),
        C("currency", "moneda", "currency", "Currency of the price (ISO 4217).", choices="trade.SupplierQuote.currency",
          meaning_es="Moneda del precio (ISO 4217)."),
        C("exchange_rate_mxn", "tipo de cambio", "exchange rate", "MXN per unit of `currency` (empty for MXN).",
          "MXN/currency", dtype="real",
          meaning_es="MXN por unidad de `currency` (vacío en pesos)."),
        C("quality", "calidad", "quality", "Quality of the input as judged when quoted.",
          choices="trade.SupplierQuote.quality",
          meaning_es="Calidad del insumo según se juzgó al cotizar."),
        C("delivery_days", "días de entrega", "delivery days", "Days from order to delivery.", "days",
          dtype="integer",
          meaning_es="Días desde el pedido hasta la entrega."),
        C("n_purchases", "compras con esta cotización", "purchases with this quote",
          "Collective purchases that chose this quote.", "purchases", dtype="integer",
          meaning_es="Compras colectivas que eligieron esta cotización."),
    ),
    description_es="Una fila por cotización de un proveedor para la compra colectiva de un grupo de trabajo "
                   "(paso 9: comparar calidad, precio y entrega antes de comprar en conjunto).",
)

# -- market (issue 12: the offer calendar, from its own URL /mercado/oferta/exportar/; the buyer directory, on the
# exports page through miaf.web.market.exports.register)
OFFER = TableSpec(
    "oferta", "offer_calendar", "calendario de oferta", "offer calendar",
    "Expected harvest of the MIAF-D plots in scope by unit (total, organisation, municipality or group), product "
    "and month for the coming months, with its Monte Carlo range (miaf.economics.offer). Aggregates only.",
    (
        C("unit", "unidad", "unit", "Aggregation unit: Total, an organisation, a municipality or a group.",
          meaning_es="Unidad de agregación: Total, una organización, un municipio o un grupo."),
        C("product", "producto", "product", "Species code (species.csv).",
          meaning_es="Código de la especie (species.csv)."),
        C("month", "mes", "month", "Calendar month, YYYY-MM.",
          meaning_es="Mes calendario, AAAA-MM."),
        C("kg_central", "kg esperados (valores centrales)", "expected kg (central values)",
          "Harvest with the central value of every parameter.", "kg", dtype="real",
          meaning_es="Cosecha con el valor central de cada parámetro."),
        C("kg_p10", "kg P10", "kg P10", "10th percentile of the harvest over the Monte Carlo draws.", "kg", dtype="real",
          meaning_es="Percentil 10 de la cosecha en las simulaciones Monte Carlo."),
        C("kg_p50", "kg P50", "kg P50", "Median harvest.", "kg", dtype="real",
          meaning_es="Mediana de la cosecha."),
        C("kg_p90", "kg P90", "kg P90", "90th percentile of the harvest.", "kg", dtype="real",
          meaning_es="Percentil 90 de la cosecha."),
        C("sale_kg_p10", "kg para venta P10", "sale kg P10", "Harvest minus self-consumption, 10th percentile.", "kg",
          dtype="real",
          meaning_es="Cosecha menos autoconsumo, percentil 10."),
        C("sale_kg_p50", "kg para venta P50", "sale kg P50", "Harvest minus self-consumption, median.", "kg", dtype="real",
          meaning_es="Cosecha menos autoconsumo, mediana."),
        C("sale_kg_p90", "kg para venta P90", "sale kg P90", "Harvest minus self-consumption, 90th percentile.", "kg",
          dtype="real",
          meaning_es="Cosecha menos autoconsumo, percentil 90."),
        C("value_mxn", "valor esperado [MXN]", "expected value [MXN]", "Sale kg (central) at the central price.", "MXN",
          dtype="real",
          meaning_es="Kg para venta (valor central) al precio central."),
    ),
    description_es="Cosecha esperada de las parcelas MIAF-D del alcance por unidad (total, organización, "
                   "municipio o grupo), producto y mes para los próximos meses, con su rango Monte Carlo "
                   "(miaf.economics.offer). Solo agregados.",
)

BUYERS = TableSpec(
    "compradores", "buyers", "compradores", "buyers",
    "The buyer directory of the user's accompanying organisation (market app; coordinators and promoters, not "
    "analysts). A buyer is not a family: no family data here; the contact person's name, phone and email are "
    "that person's data.",
    (
        C("name", "comprador", "buyer", "Buyer name.",
          meaning_es="Nombre del comprador."),
        C("kind", "tipo", "kind", "What kind of buyer it is.", choices="market.Buyer.kind",
          meaning_es="Qué tipo de comprador es."),
        C("organisation", "directorio de", "directory of", "Accompanying organisation whose directory holds it.",
          source="organisation__name",
          meaning_es="Organización acompañante en cuyo directorio está."),
        C("contact_name", "persona de contacto", "contact person", "Contact at the buyer.", personal=True,
          meaning_es="Persona de contacto del comprador."),
        C("phone", "teléfono", "phone", "Contact phone.", personal=True,
          meaning_es="Teléfono de contacto."),
        C("email", "correo", "email", "Contact email.", personal=True,
          meaning_es="Correo de contacto."),
        C("place", "lugar", "place", "Town or municipality of the buyer.",
          meaning_es="Población o municipio del comprador."),
        C("products", "productos", "products", "Species codes the buyer buys, separated by ';'.",
          meaning_es="Códigos de las especies que compra el comprador, separados por ';'."),
        C("certifications_wanted", "certificaciones que pide", "certifications wanted",
          "organic, pgs, fair_trade, gap, none; separated by ';'.",
          meaning_es="organic (orgánica), pgs (sistema participativo de garantía), fair_trade (comercio "
                     "justo), gap (buenas prácticas agrícolas), none (ninguna); separados por ';'."),
        C("payment_delay_days", "plazo de pago", "payment delay", "Days from delivery to payment.", "days",
          dtype="integer",
          meaning_es="Días desde la entrega hasta el pago."),
        C("advance_share", "anticipo", "advance share", "Share of the value paid in advance.", "fraction",
          dtype="real",
          meaning_es="Proporción del valor que se paga por adelantado."),
        C("active", "activo", "active", "Whether the buyer is still in business with the organisation.",
          dtype="boolean",
          meaning_es="Si el comprador sigue haciendo negocios con la organización."),
    ),
    description_es="El directorio de compradores de la organización acompañante del usuario (app de "
                   "mercado; coordinadores y promotores, no analistas). Un comprador no es una familia: "
                   "aquí no hay datos de familias; el nombre, el teléfono y el correo de la persona de "
                   "contacto son datos de esa persona.",
)

DEMANDS = TableSpec(
    "demandas", "demands", "demandas de compradores", "buyer demands",
    "What each buyer of the directory asks for: product, kg, months, price, quality, certifications (no family "
    "data; the offer that can supply it is an aggregate).",
    (
        C("buyer", "comprador", "buyer", "Buyer name.", source="buyer__name",
          meaning_es="Nombre del comprador."),
        C("product", "producto", "product", "Species code.", source="product__code",
          meaning_es="Código de la especie."),
        C("quantity_kg", "cantidad", "quantity", "Kilograms asked for over the months.", "kg", dtype="real",
          meaning_es="Kilogramos pedidos en el conjunto de los meses."),
        C("months", "meses", "months", "Months 1–12 separated by ';'.",
          meaning_es="Meses 1–12 separados por ';'."),
        C("price_mxn_kg", "precio", "price", "Price offered.", "MXN/kg", dtype="real",
          meaning_es="Precio ofrecido."),
        C("quality", "calidad", "quality", "Quality asked for.",
          meaning_es="Calidad que se pide."),
        C("certifications", "certificaciones", "certifications", "Certifications asked for, separated by ';'.",
          meaning_es="Certificaciones que se piden, separadas por ';'."),
    ),
    description_es="Lo que pide cada comprador del directorio: producto, kg, meses, precio, calidad, "
                   "certificaciones (sin datos de familias; la oferta que puede surtirlo es un agregado).",
)

#: Tables downloadable as CSV/XLSX, by URL slug.
TABLES: dict[str, TableSpec] = {t.slug: t for t in (FAMILIES, MEMBERS, PLOTS, HARVESTS, LEDGER, LABOUR, GROUPS,
                                                    INPUT_PURCHASES, PLANTINGS, VISITS, VISIT_PLANS, TRAININGS, ATTENDANCE, PROCESS_STEPS,
                                                    ORGANISATION_PRICES, ADVANCES, PURCHASE_SHARES)}
#: English aliases of the slugs (for the CLI).
ALIASES: dict[str, str] = {t.name_en: t.slug for t in (*TABLES.values(), DESIGN_PROPERTIES)}
OPEN_DATA_TABLES: tuple[TableSpec, ...] = (OPEN_PLOT_YEARS, OPEN_FAMILY_YEARS)
#: Every table the dictionary documents, in order.
#: The market's tables: exported by the market app (its own offer URL; the directory registered at start-up).
MARKET_TABLES: tuple[TableSpec, ...] = (OFFER, BUYERS, DEMANDS)
ALL_TABLES: tuple[TableSpec, ...] = (*TABLES.values(), *MARKET_TABLES, DESIGN_PROPERTIES, *OPEN_DATA_TABLES)
