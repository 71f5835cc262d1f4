"""Source of truth of the MIAF field forms: writes one XLSForm workbook per form into ``forms/``.

Run ``.venv/bin/python forms/build_forms.py`` after editing this file and commit both the script and the
generated ``.xlsx`` files. Each workbook has the ``survey``, ``choices`` and ``settings`` sheets that
pyxform (ODK Central, KoboToolbox) reads, with labels in Spanish and English and an empty Tseltal column
for every translatable text: the programme fills ``TSELTAL`` below (question name or ``list/choice`` →
text). We do not invent words we do not know.

pyxform and translation columns (checked with pyxform 4.5):

* a language that has a ``label`` column but lacks the matching ``hint`` or ``constraint_message`` column
  gives the warning "Language 'X' is missing the survey columns …", so every translatable column is
  written for all three languages;
* a language column that is entirely empty is dropped from the XForm (no warning);
* a language column that is only partly filled is padded by pyxform with "-", which the phone would show.
  So when ``TSELTAL`` has some labels but not all, the missing ones are filled with the Spanish text.

Choice lists that change with the programme (families, plots, species, municipalities, localities,
working groups) are ``select_one_from_file`` CSVs exported from the database with
``miaf forms export-choices --out DIR``; upload them to the server as form attachments.

Every form carries a ``form_version`` calculate field equal to its settings ``version`` so that both ODK
Central and KoboToolbox exports say which version of the form a row was filled with.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from miaf.codes import FAMILY_CODE_REGEX

HERE = Path(__file__).resolve().parent

LANGS = ("Español (es)", "English (en)", "Tseltal (tzh)")
ES, EN, TZH = LANGS
#: Tseltal texts supplied by the programme: question name or "list_name/choice_name" → text.
TSELTAL: dict[str, dict[str, str]] = {
    "miaf_family": {},
    "miaf_plot": {},
    "miaf_economy": {},
    "miaf_harvest": {},
    "miaf_visit": {},
    "miaf_event": {},
    "miaf_labour": {},
    "miaf_inputs": {},
    "miaf_planting": {},
    "miaf_process": {},
}

SURVEY_COLUMNS = (
    ["type", "name"]
    + [f"label::{lang}" for lang in LANGS]
    + [f"hint::{lang}" for lang in LANGS]
    + ["required"]
    + [f"required_message::{lang}" for lang in LANGS]
    + ["constraint"]
    + [f"constraint_message::{lang}" for lang in LANGS]
    + ["relevant", "calculation", "choice_filter", "appearance", "default", "parameters"]
)
CHOICE_COLUMNS = ["list_name", "name"] + [f"label::{lang}" for lang in LANGS]

REQUIRED_ES = "Esta respuesta es obligatoria."
REQUIRED_EN = "This answer is required."


@dataclass
class Q:
    """One survey row. ``es``/``en`` are the label; ``hint``/``cmsg`` are (es, en) pairs."""

    type: str
    name: str = ""
    es: str = ""
    en: str = ""
    hint: tuple[str, str] = ("", "")
    required: bool = False
    constraint: str = ""
    cmsg: tuple[str, str] = ("", "")
    relevant: str = ""
    calculation: str = ""
    choice_filter: str = ""
    appearance: str = ""
    default: str = ""
    parameters: str = ""


@dataclass
class Form:
    form_id: str
    title_es: str
    version: str
    survey: list[Q]
    choices: list[tuple[str, str, str, str]] = field(default_factory=list)  # list, name, es, en

    @property
    def file_name(self) -> str:
        return f"{self.form_id}.xlsx"


def end(kind: str) -> Q:
    return Q(type=f"end_{kind}")


def family_select(name: str = "family") -> Q:
    return Q(
        "select_one_from_file families.csv", name, "Familia", "Family", required=True,
        hint=("Busque por código o nombre.", "Search by code or name."), appearance="search",
    )


def meta_rows(form_version: str) -> list[Q]:
    return [
        Q("start", "start"),
        Q("end", "end"),
        Q("username", "username"),
        Q("calculate", "form_version", calculation=f"'{form_version}'"),
    ]


YES_NO = [("yes_no", "yes", "Sí", "Yes"), ("yes_no", "no", "No", "No")]
SYSTEMS = [
    ("system", "traditional", "Milpa tradicional", "Traditional milpa"),
    ("system", "miaf", "MIAF", "MIAF"),
    ("system", "miaf_d", "MIAF-D", "MIAF-D"),
    ("system", "other", "Otro", "Other"),
]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
MONTHS = [("month", str(i + 1), MONTHS_ES[i], MONTHS_EN[i]) for i in range(12)]
DATE_NOT_FUTURE = ". <= today()"
DATE_MSG = ("La fecha no puede estar en el futuro.", "The date cannot be in the future.")

# ---------------------------------------------------------------------------------------------------------
FAMILY = Form(
    "miaf_family", "Registro de la familia y línea base", "2025061001",
    survey=[
        *meta_rows("2025061001"),
        Q("begin_group", "household", "Familia", "Household"),
        Q("text", "family_code", "Código de la familia", "Family code", required=True,
          hint=("Ejemplo: OJO-001 (grupo y número).", "Example: OJO-001 (group and number)."),
          constraint=f"regex(., '{FAMILY_CODE_REGEX}')",
          cmsg=("Use letras mayúsculas, un guion y un número, p. ej. OJO-001.",
                "Use capital letters, a dash and a number, e.g. OJO-001.")),
        Q("text", "family_name", "Nombre de la familia", "Family name", required=True),
        Q("select_one_from_file municipalities.csv", "municipality", "Municipio", "Municipality", required=True),
        Q("select_one_from_file localities.csv", "locality", "Localidad", "Locality", required=True,
          choice_filter="municipality=${municipality}"),
        Q("select_one_from_file groups.csv", "group", "Grupo de trabajo", "Working group", required=True),
        Q("date", "joined_on", "Fecha de ingreso al grupo", "Date of joining the group", required=True,
          constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        end("group"),
        Q("begin_repeat", "members", "Integrante", "Household member"),
        Q("text", "member_name", "Nombre", "Name", required=True),
        Q("select_one sex", "sex", "Sexo", "Sex", required=True),
        Q("integer", "birth_year", "Año de nacimiento", "Year of birth",
          constraint=". >= 1900 and . <= format-date(today(), '%Y')",
          cmsg=("Entre 1900 y este año.", "Between 1900 and this year.")),
        Q("select_one relation", "relation", "Parentesco", "Relation to the head", required=True),
        Q("select_multiple language", "member_languages", "Lenguas que habla", "Languages spoken", required=True),
        Q("select_one yes_no", "member_migrated", "¿Ha migrado para trabajar?", "Has migrated for work?",
          required=True),
        end("repeat"),
        Q("begin_group", "migration", "Migración", "Migration"),
        Q("select_one yes_no", "anyone_migrated", "¿Alguien de la familia migró en los últimos 5 años?",
          "Did anyone in the family migrate in the last 5 years?", required=True),
        Q("text", "migration_notes", "¿Quién, a dónde y por cuánto tiempo?", "Who, where to and for how long?",
          relevant="${anyone_migrated} = 'yes'"),
        end("group"),
        Q("begin_repeat", "baseline_plots", "Parcela declarada", "Declared plot"),
        Q("text", "bp_name", "Nombre de la parcela", "Plot name", required=True),
        Q("decimal", "bp_area_ha", "Superficie aproximada [ha]", "Approximate area [ha]",
          constraint=". > 0 and . <= 100", cmsg=("Entre 0 y 100 ha.", "Between 0 and 100 ha.")),
        Q("select_one system", "bp_system", "Sistema actual", "Current system", required=True),
        end("repeat"),
        Q("text", "notes", "Notas", "Notes", appearance="multiline"),
    ],
    choices=[
        ("sex", "F", "Mujer", "Woman"), ("sex", "M", "Hombre", "Man"), ("sex", "X", "Otro / no dice", "Other / not said"),
        ("relation", "head", "Jefa o jefe de familia", "Head of household"),
        ("relation", "spouse", "Cónyuge", "Spouse"), ("relation", "child", "Hija o hijo", "Daughter or son"),
        ("relation", "parent", "Madre o padre", "Mother or father"), ("relation", "other", "Otro", "Other"),
        ("language", "es", "Español", "Spanish"), ("language", "tzh", "Tseltal", "Tseltal"),
        ("language", "tzo", "Tsotsil", "Tsotsil"), ("language", "toj", "Tojolabal", "Tojolabal"),
        ("language", "ctu", "Ch'ol", "Ch'ol"), ("language", "zoq", "Zoque", "Zoque"), ("language", "mam", "Mam", "Mam"),
        ("language", "other", "Otra", "Other"),
        *YES_NO, *SYSTEMS,
    ],
)

PLOT = Form(
    "miaf_plot", "Registro de parcela", "2025061001",
    survey=[
        *meta_rows("2025061001"),
        family_select(),
        Q("text", "plot_name", "Nombre de la parcela", "Plot name", required=True),
        Q("geoshape", "boundary", "Contorno: camine alrededor de la parcela", "Boundary: walk around the plot",
          required=True, hint=("Marque un punto en cada esquina; al menos 3 puntos.",
                               "Mark a point at each corner; at least 3 points.")),
        Q("begin_repeat", "slope_readings", "Lectura con el aparato A", "A-frame reading"),
        Q("decimal", "slope_pct", "Pendiente medida [%]", "Measured slope [%]", required=True,
          hint=("Desnivel entre las patas del aparato A dividido entre su abertura, por 100.",
                "Height difference between the A-frame legs divided by its span, times 100."),
          constraint=". >= 0 and . <= 300", cmsg=("Entre 0 y 300 %.", "Between 0 and 300 %.")),
        end("repeat"),
        Q("select_one soil_depth", "soil_depth", "Profundidad del suelo", "Soil depth", required=True),
        Q("decimal", "altitude_m", "Altitud [m]", "Altitude [m]",
          constraint=". >= -10 and . <= 5700", cmsg=("Entre -10 y 5700 m.", "Between -10 and 5700 m.")),
        Q("select_one system", "system", "Sistema actual", "Current system", required=True),
        Q("date", "system_since", "¿Desde cuándo tiene ese sistema?", "Since when has it had that system?",
          required=True, constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
    ],
    choices=[
        ("soil_depth", "shallow", "Somero (< 0.5 m)", "Shallow (< 0.5 m)"),
        ("soil_depth", "medium", "Medio (0.5–1 m)", "Medium (0.5–1 m)"),
        ("soil_depth", "deep", "Profundo (> 1 m)", "Deep (> 1 m)"),
        *SYSTEMS,
    ],
)

ECONOMY = Form(
    "miaf_economy", "Calendario económico familiar", "2025061001",
    survey=[
        *meta_rows("2025061001"),
        family_select(),
        Q("integer", "year", "Año", "Year", required=True,
          constraint=". >= 1990 and . <= format-date(today(), '%Y')",
          cmsg=("Entre 1990 y este año.", "Between 1990 and this year.")),
        Q("begin_repeat", "entries", "Ingreso o gasto del mes", "Income or expense of the month"),
        Q("select_one month", "month", "Mes", "Month", required=True),
        Q("select_one kind", "kind", "¿Ingreso o gasto?", "Income or expense?", required=True),
        Q("select_one category", "category", "Fuente o destino", "Source or destination", required=True,
          choice_filter="kind=${kind}"),
        Q("select_one_from_file species.csv", "crop", "Cultivo vendido", "Crop sold",
          relevant="${category} = 'crop_sale'"),
        Q("decimal", "amount_mxn", "Monto [MXN]", "Amount [MXN]", required=True,
          constraint=". >= 0", cmsg=("No puede ser negativo.", "Cannot be negative.")),
        Q("text", "entry_notes", "Notas", "Notes"),
        end("repeat"),
    ],
    choices=[
        *MONTHS,
        ("kind", "income", "Ingreso", "Income"), ("kind", "expense", "Gasto", "Expense"),
    ],
)
# category choices carry a `kind` column for the choice_filter; written specially below.
ECONOMY_CATEGORIES = [
    ("crop_sale", "income", "Venta de cosecha", "Crop sale"),
    ("wages", "income", "Jornales y salarios", "Wages"),
    ("remittances", "income", "Remesas", "Remittances"),
    ("transfers", "income", "Programas de gobierno", "Government programmes"),
    ("other_income", "income", "Otro ingreso", "Other income"),
    ("food", "expense", "Alimentación", "Food"),
    ("production", "expense", "Producción", "Production"),
    ("health", "expense", "Salud", "Health"),
    ("education", "expense", "Educación", "Education"),
    ("debt", "expense", "Deudas", "Debts"),
    ("other_expense", "expense", "Otro gasto", "Other expense"),
]

HARVEST = Form(
    "miaf_harvest", "Cosecha y venta", "2026120501",
    survey=[
        *meta_rows("2026120501"),
        family_select(),
        Q("select_one_from_file plots.csv", "plot", "Parcela", "Plot", required=True,
          choice_filter="family=${family}"),
        Q("select_one_from_file species.csv", "crop", "Cultivo", "Crop", required=True),
        Q("date", "harvested_on", "Fecha de cosecha", "Harvest date", required=True,
          constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("decimal", "quantity_kg", "Cantidad cosechada [kg]", "Quantity harvested [kg]", required=True,
          constraint=". > 0 and . <= 100000", cmsg=("Entre 0 y 100 000 kg.", "Between 0 and 100,000 kg.")),
        Q("begin_repeat", "sales", "Destino de la cosecha", "Where the harvest went"),
        Q("select_one destination", "destination", "Destino", "Destination", required=True),
        Q("decimal", "sale_kg", "Cantidad [kg]", "Quantity [kg]", required=True,
          constraint=". > 0 and ${sold_kg_total} <= ${quantity_kg}",
          cmsg=("Mayor que 0, y los destinos no pueden sumar más que lo cosechado.",
                "More than 0, and destinations cannot add up to more than the harvest.")),
        Q("decimal", "price_mxn_kg", "Precio [MXN/kg]", "Price [MXN/kg]",
          required=False, relevant="${destination} != 'self'",
          constraint=". > 0 and . <= 10000",
          cmsg=("Mayor que 0 y hasta 10 000 MXN/kg.", "More than 0 and up to 10,000 MXN/kg.")),
        Q("text", "buyer", "Comprador", "Buyer", relevant="${destination} != 'self'"),
        Q("date", "paid_on", "¿Cuándo llegó el dinero?", "When did the money arrive?",
          relevant="${destination} != 'self'"),
        Q("decimal", "transport_mxn_kg", "Transporte pagado por la familia [MXN/kg]",
          "Transport paid by the family [MXN/kg]", relevant="${destination} != 'self'",
          constraint=". >= 0 and . <= 10000", cmsg=("Entre 0 y 10 000 MXN/kg.", "Between 0 and 10,000 MXN/kg.")),
        Q("decimal", "quality_discount_pct", "Descuento por calidad o merma [%]",
          "Discount for quality or weighing [%]", relevant="${destination} != 'self'",
          constraint=". >= 0 and . <= 100", cmsg=("Entre 0 y 100 %.", "Between 0 and 100 %.")),
        end("repeat"),
        Q("calculate", "sold_kg_total", calculation="sum(${sale_kg})"),
        Q("note", "split_check", "Los destinos suman ${sold_kg_total} kg de ${quantity_kg} kg.",
          "Destinations add up to ${sold_kg_total} kg of ${quantity_kg} kg."),
        Q("text", "harvest_notes", "Notas", "Notes"),
    ],
    choices=[
        ("destination", "self", "Autoconsumo", "Own consumption"),
        ("destination", "organisation", "Organización de productores", "Producer organisation"),
        ("destination", "intermediary", "Intermediario (coyote)", "Intermediary (coyote)"),
        ("destination", "local_market", "Mercado local", "Local market"),
        ("destination", "other", "Otro", "Other"),
    ],
)

VISIT = Form(
    "miaf_visit", "Visita de seguimiento", "2025061001",
    survey=[
        *meta_rows("2025061001"),
        family_select(),
        Q("select_one_from_file plots.csv", "plot", "Parcela", "Plot", choice_filter="family=${family}"),
        Q("date", "visited_on", "Fecha de la visita", "Visit date", required=True,
          constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("select_one step", "step", "Paso del modelo de acompañamiento", "Accompaniment step", default="11"),
        Q("text", "observations", "Observaciones", "Observations", appearance="multiline"),
        Q("decimal", "tree_survival_pct", "Sobrevivencia de árboles [%]", "Tree survival [%]",
          constraint=". >= 0 and . <= 100", cmsg=("Entre 0 y 100 %.", "Between 0 and 100 %.")),
        Q("begin_repeat", "trees", "Árbol medido", "Measured tree"),
        Q("select_one_from_file species.csv", "tree_species", "Especie", "Species", required=True),
        Q("integer", "row_number", "Hilera", "Row", constraint=". >= 1", cmsg=("Desde 1.", "From 1.")),
        Q("integer", "tree_number", "Árbol", "Tree", constraint=". >= 1", cmsg=("Desde 1.", "From 1.")),
        Q("select_one yes_no", "alive", "¿Está vivo?", "Is it alive?", required=True),
        Q("decimal", "diameter_cm", "Diámetro [cm]", "Diameter [cm]", relevant="${alive} = 'yes'",
          constraint=". >= 0 and . <= 300", cmsg=("Entre 0 y 300 cm.", "Between 0 and 300 cm.")),
        Q("decimal", "height_m", "Altura [m]", "Height [m]", relevant="${alive} = 'yes'",
          constraint=". >= 0 and . <= 40", cmsg=("Entre 0 y 40 m.", "Between 0 and 40 m.")),
        end("repeat"),
        Q("text", "agreements", "Acuerdos", "Agreements", appearance="multiline"),
    ],
    choices=[
        *YES_NO,
        ("step", "1", "1. Capital relacional", "1. Relational capital"),
        ("step", "2", "2. Promoción", "2. Promotion"),
        ("step", "3", "3. Identificación de recursos", "3. Identifying resources"),
        ("step", "4", "4. Priorización", "4. Prioritisation"),
        ("step", "5", "5. Intercambio de experiencias", "5. Exchange of experiences"),
        ("step", "6", "6. Formalización de relaciones de trabajo", "6. Formalising working relations"),
        ("step", "7", "7. Concepción del proyecto", "7. Project conception"),
        ("step", "8", "8. Gestión", "8. Management"),
        ("step", "9", "9. Ejecución del proyecto", "9. Project implementation"),
        ("step", "10", "10. Capacitación", "10. Training"),
        ("step", "11", "11. Seguimiento y monitoreo", "11. Follow-up and monitoring"),
        ("step", "12", "12. Comercialización", "12. Marketing"),
    ],
)

EVENT = Form(
    "miaf_event", "Capacitación o intercambio: asistencia", "2025061001",
    survey=[
        *meta_rows("2025061001"),
        Q("select_one event_kind", "event_kind", "Tipo de evento", "Kind of event", required=True),
        Q("text", "title", "Título", "Title", required=True),
        Q("text", "topic", "Tema", "Topic"),
        Q("date", "held_on", "Fecha", "Date", required=True, constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("select_one_from_file groups.csv", "group", "Grupo anfitrión", "Host group", required=True),
        Q("begin_repeat", "attendees", "Asistente", "Attendee"),
        Q("select_one_from_file families.csv", "att_family", "Familia", "Family", required=True,
          appearance="search"),
        Q("text", "att_member", "Nombre de quien asistió", "Name of the person who attended"),
        end("repeat"),
    ],
    choices=[
        ("event_kind", "training", "Capacitación", "Training"),
        ("event_kind", "exchange", "Intercambio de experiencias", "Exchange of experiences"),
    ],
)

# Records that had no form before December 2026: labour, input purchases, plantings. One record per submission.
RECORDS_VERSION = "2026120401"
YEAR_Q = dict(constraint=". >= 1990 and . <= format-date(today(), '%Y')",
              cmsg=("Entre 1990 y este año.", "Between 1990 and this year."))


def plot_select(required: bool = False) -> Q:
    hint = ("", "") if required else ("Déjela vacía si no fue en una parcela.", "Leave it empty if it was not on a plot.")
    return Q("select_one_from_file plots.csv", "plot", "Parcela", "Plot", required=required,
             choice_filter="family=${family}", hint=hint)


LABOUR = Form(
    "miaf_labour", "Mano de obra", RECORDS_VERSION,
    survey=[
        *meta_rows(RECORDS_VERSION),
        family_select(),
        plot_select(),
        Q("integer", "year", "Año", "Year", required=True, **YEAR_Q),
        Q("select_one month", "month", "Mes", "Month", required=True),
        Q("select_one activity", "activity", "Actividad", "Activity", required=True),
        Q("select_one labour_kind", "labour_kind", "¿Mano de obra familiar o contratada?", "Family or hired labour?",
          required=True),
        Q("text", "member", "¿Quién de la familia trabajó?", "Which household member worked?",
          relevant="${labour_kind} = 'family'",
          hint=("Nombre como está registrado; vacío si fueron varias personas.",
                "Name as registered; empty if several people worked.")),
        Q("select_one worker_sex", "worker_sex", "Sexo de quien trabajó", "Sex of the worker"),
        Q("decimal", "person_days", "Jornales", "Person-days", required=True,
          constraint=". > 0 and . <= 10000", cmsg=("Entre 0 y 10 000 jornales.", "Between 0 and 10,000 person-days.")),
        Q("decimal", "wage_mxn_day", "Jornal pagado [MXN/día]", "Wage paid [MXN/day]",
          relevant="${labour_kind} = 'hired'",
          constraint=". >= 0 and . <= 10000", cmsg=("Entre 0 y 10 000 MXN.", "Between 0 and 10,000 MXN.")),
    ],
    choices=[
        *MONTHS,
        ("activity", "contour", "Trazo de curvas a nivel", "Laying out contour lines"),
        ("activity", "digging", "Cepas", "Digging planting holes"),
        ("activity", "planting", "Plantación", "Tree planting"),
        ("activity", "sowing", "Siembra de milpa", "Sowing the milpa"),
        ("activity", "weeding", "Deshierbe", "Weeding"),
        ("activity", "fertilising", "Abonado", "Fertilising"),
        ("activity", "pruning", "Poda", "Pruning"),
        ("activity", "filter", "Filtro de escurrimiento", "Runoff filter"),
        ("activity", "harvest", "Cosecha", "Harvest"),
        ("activity", "other", "Otra", "Other"),
        ("labour_kind", "family", "Familiar", "Family"),
        ("labour_kind", "hired", "Contratada", "Hired"),
        ("worker_sex", "F", "Mujer", "Woman"), ("worker_sex", "M", "Hombre", "Man"),
    ],
)

INPUTS = Form(
    "miaf_inputs", "Compra de insumos", RECORDS_VERSION,
    survey=[
        *meta_rows(RECORDS_VERSION),
        family_select(),
        plot_select(),
        Q("date", "purchased_on", "Fecha de compra", "Purchase date", required=True,
          constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("text", "item", "Insumo", "Input", required=True,
          hint=("Por ejemplo: planta de durazno, abono, alambre.", "For example: peach seedlings, compost, wire.")),
        Q("decimal", "quantity", "Cantidad", "Quantity", required=True,
          constraint=". > 0 and . <= 1000000", cmsg=("Mayor que 0.", "More than 0.")),
        Q("text", "unit", "Unidad", "Unit", required=True,
          hint=("plantas, kg, bultos, metros…", "plants, kg, sacks, metres…")),
        Q("decimal", "cost_mxn", "Costo total [MXN]", "Total cost [MXN]", required=True,
          constraint=". >= 0 and . <= 10000000", cmsg=("No puede ser negativo.", "Cannot be negative.")),
        Q("text", "supplier", "Proveedor", "Supplier"),
        Q("select_one yes_no", "collective", "¿Compra colectiva con el grupo?", "Bought together with the group?",
          required=True),
    ],
    choices=[*YES_NO],
)

PLANTING = Form(
    "miaf_planting", "Siembra o plantación", RECORDS_VERSION,
    survey=[
        *meta_rows(RECORDS_VERSION),
        family_select(),
        plot_select(required=True),
        Q("select_one_from_file species.csv", "species", "Especie", "Species", required=True),
        Q("date", "planted_on", "Fecha de siembra o plantación", "Sowing or planting date", required=True,
          constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("decimal", "quantity", "Cantidad", "Quantity", required=True,
          constraint=". > 0 and . <= 1000000", cmsg=("Mayor que 0.", "More than 0.")),
        Q("select_one planting_unit", "unit", "Unidad", "Unit", required=True),
        Q("integer", "row_number", "Hilera", "Row", constraint=". >= 1", cmsg=("Desde 1.", "From 1.")),
        Q("text", "planting_notes", "Notas", "Notes"),
    ],
    choices=[
        ("planting_unit", "plants", "Plantas", "Plants"),
        ("planting_unit", "kg_seed", "kg de semilla", "kg of seed"),
    ],
)

def _process_choices() -> list[tuple[str, str, str, str]]:
    """Stages and checklist items of the global 12-step model, read from the process app's CSV files (the
    same rows the database is seeded with); checklist item ``s5_2`` is item 2 of step 5."""
    import csv

    data = HERE.parent / "src" / "miaf" / "web" / "process" / "data"
    with open(data / "stages.csv", encoding="utf-8", newline="") as fh:
        stages = [("stage", r["number"], f"{r['number']}. {r['name']}", f"{r['number']}. {r['name_en']}")
                  for r in csv.DictReader(fh)]
    with open(data / "checklist.csv", encoding="utf-8", newline="") as fh:
        items = [("checklist", f"s{r['stage']}_{r['order']}", r["text"], r["text_en"]) for r in csv.DictReader(fh)]
    return [*stages, *items]


PROCESS_VERSION = "2026120401"
PROCESS = Form(
    "miaf_process", "Evidencia de un paso del proceso", PROCESS_VERSION,
    survey=[
        *meta_rows(PROCESS_VERSION),
        Q("select_one_from_file groups.csv", "group", "Grupo de trabajo", "Working group", required=True,
          appearance="search"),
        Q("select_one stage", "stage", "Paso del proceso", "Process step", required=True),
        Q("select_one step_status", "status", "¿Qué pasó con el paso?", "What happened to the step?", required=True),
        Q("date", "on", "Fecha", "Date", required=True, constraint=DATE_NOT_FUTURE, cmsg=DATE_MSG),
        Q("text", "out_of_order_reason", "Motivo si el paso anterior no está terminado",
          "Reason if the previous step is not done", relevant="${status} = 'done' or ${status} = 'skipped'",
          hint=("Obligatorio al cerrar un paso antes del anterior; queda en el historial.",
                "Required when closing a step before the previous one; it is kept.")),
        Q("select_multiple checklist", "checklist", "Puntos verificados", "Checklist items done",
          choice_filter="starts-with(name, concat('s', ${stage}, '_'))", relevant="${stage} != ''"),
        Q("text", "notes", "Notas", "Notes", appearance="multiline"),
        Q("image", "photo", "Foto de evidencia", "Evidence photo", parameters="max-pixels=1600"),
    ],
    choices=[
        *_process_choices(),
        ("step_status", "in_progress", "Se inició", "Started"),
        ("step_status", "done", "Se terminó", "Done"),
        ("step_status", "skipped", "Se omitió", "Skipped"),
    ],
)

FORMS: tuple[Form, ...] = (FAMILY, PLOT, ECONOMY, HARVEST, VISIT, EVENT, LABOUR, INPUTS, PLANTING, PROCESS)


def _tzh(form: Form, key: str, spanish: str) -> str:
    texts = TSELTAL.get(form.form_id, {})
    if not texts or not spanish:
        return ""
    # Partly translated: fill the gaps with Spanish so the phone never shows pyxform's "-".
    return texts.get(key, spanish)


def survey_rows(form: Form) -> list[list[str]]:
    rows = []
    for q in form.survey:
        label = [q.es, q.en, _tzh(form, q.name, q.es)]
        hint = [q.hint[0], q.hint[1], _tzh(form, f"{q.name}:hint", q.hint[0])]
        req = [REQUIRED_ES, REQUIRED_EN, _tzh(form, "required", REQUIRED_ES)] if q.required else ["", "", ""]
        cmsg = [q.cmsg[0], q.cmsg[1], _tzh(form, f"{q.name}:constraint", q.cmsg[0])]
        rows.append(
            [q.type, q.name, *label, *hint, "yes" if q.required else "", *req, q.constraint, *cmsg,
             q.relevant, q.calculation, q.choice_filter, q.appearance, q.default, q.parameters]
        )
    return rows


def choice_rows(form: Form) -> tuple[list[str], list[list[str]]]:
    header = list(CHOICE_COLUMNS)
    rows = [[ln, name, es, en, _tzh(form, f"{ln}/{name}", es)] for ln, name, es, en in form.choices]
    if form is ECONOMY:
        header.append("kind")
        rows = [r + [""] for r in rows]
        rows += [["category", n, es, en, _tzh(form, f"category/{n}", es), kind] for n, kind, es, en in ECONOMY_CATEGORIES]
    return header, rows


def write_workbook(form: Form, out_dir: Path = HERE) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in survey_rows(form):
        survey.append(row)
    choices = wb.create_sheet("choices")
    header, rows = choice_rows(form)
    choices.append(header)
    for row in rows:
        choices.append(row)
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "allow_choice_duplicates"])
    settings.append([form.title_es, form.form_id, form.version, ES, "no"])
    for sheet in wb.worksheets:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    path = out_dir / form.file_name
    # A fixed creation date keeps the committed workbooks byte-stable when nothing changed.
    import datetime as dt

    wb.properties.created = wb.properties.modified = dt.datetime(2025, 6, 10)
    wb.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else HERE
    out.mkdir(parents=True, exist_ok=True)
    for form in FORMS:
        print(write_workbook(form, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
