"""Writers of submission exports in the real formats of ODK Central and KoboToolbox.

Used to build the committed fixtures (``python -m tests.intake.exportwriters``), the per-case bad-input
files of the tests and the 100,000-row benchmark. Column layouts follow the exports:

* ODK Central ``<formId>.csv``: ``SubmissionDate``, questions with group paths joined by ``-`` (no column
  for a repeat group: current Central writes none, only ODK Briefcase/Aggregate wrote ``SET-OF-<repeat>``; see
  getodk/central-backend ``lib/data/briefcase.js``), ``meta-instanceID``, ``KEY``, ``SubmitterID``, ``SubmitterName``,
  ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``,
  ``FormVersion``; ``<formId>-<repeat>.csv``: repeat questions, ``PARENT_KEY``, ``KEY`` (``uuid:…/rep[i]``).
* KoboToolbox: group paths joined by ``/``, ``meta/instanceID``, ``_id``, ``_uuid``, ``_submission_time``,
  ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``__version__``, ``_tags``,
  ``_index``; repeat sheets with ``_index``, ``_parent_table_name``, ``_parent_index``,
  ``_submission__id``, ``_submission__uuid``…; the CSV is ``;``-separated with every field quoted.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ODK_TAIL = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
            "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
KOBO_TAIL = ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
             "_submitted_by", "__version__", "_tags", "_index"]
KOBO_REPEAT_TAIL = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
                    "_submission__submission_time", "_submission__validation_status", "_submission__notes",
                    "_submission__status", "_submission__submitted_by", "_submission___version__",
                    "_submission__tags"]
META = ["start", "end", "username", "form_version"]


@dataclass
class Sub:
    """One submission: values by question path (``household/family_code``) and repeat rows."""

    uuid: str
    values: dict[str, Any]
    repeats: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deprecated: str = ""
    root: str = ""  # ODK Central KEY when the submission was edited (the first version's id)
    version: str = "2025061001"
    submitted: str = "2025-06-12T15:04:05.123Z"
    kobo_id: int | None = None  # Kobo's _id, the same for every version of one submission


def kobo_id(s: Sub) -> int:
    """The submission's Kobo ``_id``: given, or derived from its first version's id (as stable as Kobo's own)."""
    if s.kobo_id is not None:
        return s.kobo_id
    return int(hashlib.sha256((s.root or s.deprecated or s.uuid).encode()).hexdigest()[:12], 16)  # 48 bits: exact in XLSX


@dataclass
class FormLayout:
    form_id: str
    title: str
    questions: list[str]  # paths with '/' for groups, in form order, repeats as "@repeat"
    repeats: dict[str, list[str]]  # repeat name → question names inside it
    select_multiple: dict[str, list[str]] = field(default_factory=dict)  # path → options (Kobo expands them)


def _meta(sub: Sub) -> dict[str, str]:
    return {"start": "2025-06-12T09:00:00.000-06:00", "end": "2025-06-12T09:20:00.000-06:00",
            "username": "ana", "form_version": sub.version}


# --------------------------------------------------------------------------------------------- ODK Central
def odk_tables(layout: FormLayout, subs: list[Sub]) -> dict[str, str]:
    """``{file name: CSV text}`` of an ODK Central CSV export."""
    header = ["SubmissionDate", *META]
    for q in layout.questions:
        if not q.startswith("@"):  # a repeat ("@name") has no column in the main table
            header.append(q.replace("/", "-"))
    header += ODK_TAIL
    main = io.StringIO()
    w = csv.writer(main, lineterminator="\n")
    w.writerow(header)
    rep_buf = {r: io.StringIO() for r in layout.repeats}
    rep_w = {r: csv.writer(b, lineterminator="\n") for r, b in rep_buf.items()}
    for r, qs in layout.repeats.items():
        rep_w[r].writerow([*qs, "PARENT_KEY", "KEY"])
    for s in subs:
        key = f"uuid:{s.root or s.uuid}"
        vals = {**_meta(s), **s.values}
        row = [s.submitted, *(vals.get(m, "") for m in META)]
        row += [vals.get(q, "") for q in layout.questions if not q.startswith("@")]
        row += [f"uuid:{s.uuid}", key, "5", "ana", "0", "0", "", "approved" if not s.deprecated else "edited", "",
                "1" if s.deprecated else "0", s.version]
        w.writerow(row)
        for r, qs in layout.repeats.items():
            for i, rr in enumerate(s.repeats.get(r, []), start=1):
                rep_w[r].writerow([*(rr.get(q, "") for q in qs), key, f"{key}/{r}[{i}]"])
        if s.deprecated:
            pass
    out = {f"{layout.form_id}.csv": main.getvalue()}
    out.update({f"{layout.form_id}-{r}.csv": b.getvalue() for r, b in rep_buf.items()})
    return out


def write_odk_zip(path: Path, layout: FormLayout, subs: list[Sub]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in odk_tables(layout, subs).items():
            zf.writestr(name, text)
    return path


def write_odk_csvs(folder: Path, layout: FormLayout, subs: list[Sub]) -> list[Path]:
    paths = []
    for name, text in odk_tables(layout, subs).items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


# --------------------------------------------------------------------------------------------- Kobo
def _kobo_main_header(layout: FormLayout) -> list[str]:
    header = list(META)
    for q in layout.questions:
        if q.startswith("@"):
            continue
        header.append(q)
        for opt in layout.select_multiple.get(q, []):
            header.append(f"{q}/{opt}")
    return header + KOBO_TAIL


def _kobo_main_row(layout: FormLayout, header: list[str], s: Sub, n: int) -> list[Any]:
    vals = {**_meta(s), **s.values}
    sys = {"meta/instanceID": f"uuid:{s.uuid}", "_id": kobo_id(s), "_uuid": s.root or s.uuid,
           "_submission_time": s.submitted[:19], "_validation_status": "", "_notes": "", "_status": "submitted_via_web",
           "_submitted_by": "ana", "__version__": "vGqLkZ8dFzW3", "_tags": "", "_index": n}
    if s.deprecated:
        sys["meta/deprecatedID"] = f"uuid:{s.deprecated}"
    row = []
    for h in header:
        if h in sys:
            row.append(sys[h])
        elif "/" in h and h.rsplit("/", 1)[0] in layout.select_multiple:
            q, opt = h.rsplit("/", 1)
            row.append(1 if opt in str(vals.get(q, "")).split() else 0)
        else:
            row.append(vals.get(h, ""))
    return row


def write_kobo_csv(path: Path, layout: FormLayout, subs: list[Sub]) -> Path:
    header = _kobo_main_header(layout)
    if any(s.deprecated for s in subs):
        header.insert(header.index("_id"), "meta/deprecatedID")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for n, s in enumerate(subs, start=1):
            w.writerow(_kobo_main_row(layout, header, s, n))
    return path


def write_kobo_xlsx(path: Path, layout: FormLayout, subs: list[Sub]) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    main = wb.create_sheet(layout.title[:31])
    header = _kobo_main_header(layout)
    if any(s.deprecated for s in subs):
        header.insert(header.index("_id"), "meta/deprecatedID")
    main.append(header)
    for n, s in enumerate(subs, start=1):
        main.append(_kobo_main_row(layout, header, s, n))
    counter = 0
    for r, qs in layout.repeats.items():
        sheet = wb.create_sheet(r[:31])
        cols = []
        for q in qs:
            cols.append(f"{r}/{q}")
            cols += [f"{r}/{q}/{opt}" for opt in layout.select_multiple.get(f"{r}/{q}", [])]
        sheet.append(cols + KOBO_REPEAT_TAIL)
        for n, s in enumerate(subs, start=1):
            for rr in s.repeats.get(r, []):
                counter += 1
                row = []
                for c in cols:
                    parts = c.split("/")
                    if len(parts) == 3:
                        row.append(1 if parts[2] in str(rr.get(parts[1], "")).split() else 0)
                    else:
                        row.append(rr.get(parts[1], ""))
                sheet.append(row + [counter, layout.title[:31], n, kobo_id(s), s.root or s.uuid, s.submitted[:19],
                                    "", "", "submitted_via_web", "ana", "vGqLkZ8dFzW3", ""])
    wb.save(path)
    return path


# --------------------------------------------------------------------------------------------- the forms
HARVEST = FormLayout(
    "miaf_harvest", "Cosecha y venta",
    ["family", "plot", "crop", "harvested_on", "quantity_kg", "@sales", "sold_kg_total", "harvest_notes"],
    {"sales": ["destination", "sale_kg", "price_mxn_kg", "buyer", "paid_on"]},
)
FAMILY = FormLayout(
    "miaf_family", "Registro de la familia y línea base",
    ["household/family_code", "household/family_name", "household/municipality", "household/locality",
     "household/group", "household/joined_on", "@members", "migration/anyone_migrated",
     "migration/migration_notes", "@baseline_plots", "notes"],
    {"members": ["member_name", "sex", "birth_year", "relation", "member_languages", "member_migrated"],
     "baseline_plots": ["bp_name", "bp_area_ha", "bp_system"]},
    select_multiple={"members/member_languages": ["es", "tzh", "tzo", "toj", "ctu", "zoq", "mam", "other"]},
)
PLOT = FormLayout(
    "miaf_plot", "Registro de parcela",
    ["family", "plot_name", "boundary", "@slope_readings", "soil_depth", "altitude_m", "system", "system_since"],
    {"slope_readings": ["slope_pct"]},
)
ECONOMY = FormLayout(
    "miaf_economy", "Calendario económico familiar", ["family", "year", "@entries"],
    {"entries": ["month", "kind", "category", "crop", "amount_mxn", "entry_notes"]},
)
VISIT = FormLayout(
    "miaf_visit", "Visita de seguimiento",
    ["family", "plot", "visited_on", "step", "observations", "tree_survival_pct", "@trees", "agreements"],
    {"trees": ["tree_species", "row_number", "tree_number", "alive", "diameter_cm", "height_m"]},
)
EVENT = FormLayout(
    "miaf_event", "Capacitación o intercambio: asistencia",
    ["event_kind", "title", "topic", "held_on", "group", "@attendees"],
    {"attendees": ["att_family", "att_member"]},
)

# Ids the fixtures refer to; tests/intake/conftest.py creates these rows with these primary keys.
PLOT_OJO, PLOT_VERGEL, GROUP_OJO, LOCALITY = "9001", "9002", "9101", "9201"
SQUARE = "16.3100 -91.9800 1500 3.5;16.3100 -91.9790 1501 3.2;16.3109 -91.9790 1502 3.9;16.3109 -91.9800 1500 4.1;16.3100 -91.9800 1500 3.5"


def harvest_subs() -> list[Sub]:
    sale = {"destination": "intermediary", "sale_kg": "300", "price_mxn_kg": "7.50", "buyer": "Don Chepe",
            "paid_on": "2025-02-10"}
    return [
        Sub("a1b2c3d4-0001-4000-8000-000000000001",
            {"family": "OJO-001", "plot": PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-20", "quantity_kg": "850",
             "sold_kg_total": "800", "harvest_notes": "Buena cosecha"},
            {"sales": [{"destination": "self", "sale_kg": "500"}, sale]}),
        Sub("a1b2c3d4-0002-4000-8000-000000000002",
            {"family": "OJO-001", "plot": PLOT_OJO, "crop": "durazno", "harvested_on": "2024-07-15",
             "quantity_kg": "120.5", "sold_kg_total": "100"},
            {"sales": [{"destination": "organisation", "sale_kg": "100", "price_mxn_kg": "18", "buyer": "Cooperativa",
                        "paid_on": "2024-08-30"}]}),
        Sub("a1b2c3d4-0003-4000-8000-000000000003",
            {"family": "VER-001", "plot": PLOT_VERGEL, "crop": "frijol", "harvested_on": "2024-11-02",
             "quantity_kg": "95", "sold_kg_total": "0"}),
        # A family code that does not exist.
        Sub("a1b2c3d4-0004-4000-8000-000000000004",
            {"family": "XXX-999", "plot": PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-21", "quantity_kg": "10",
             "sold_kg_total": "0"}),
        # Text in a number column and a date that does not exist.
        Sub("a1b2c3d4-0005-4000-8000-000000000005",
            {"family": "OJO-001", "plot": PLOT_OJO, "crop": "maiz", "harvested_on": "31/02/2025",
             "quantity_kg": "mucho", "sold_kg_total": "0"}),
        # A submission of an older version of the form.
        Sub("a1b2c3d4-0006-4000-8000-000000000006",
            {"family": "OJO-001", "plot": PLOT_OJO, "crop": "maiz", "harvested_on": "2025-01-22", "quantity_kg": "40",
             "sold_kg_total": "0"}, version="2024010101"),
    ]


def harvest_edited_subs() -> list[Sub]:
    """Submission 1 edited in ODK Central: new instanceID, deprecatedID = the first one, KEY unchanged."""
    subs = harvest_subs()
    first = subs[0]
    subs[0] = Sub("a1b2c3d4-0001-4000-8000-00000000e001", {**first.values, "quantity_kg": "900"},
                  first.repeats, deprecated=first.uuid, root=first.uuid, submitted="2025-06-13T10:00:00.000Z")
    return subs


def family_subs() -> list[Sub]:
    base = {"household/municipality": "07052", "household/locality": LOCALITY, "household/group": GROUP_OJO,
            "household/joined_on": "2024-02-01", "migration/anyone_migrated": "yes",
            "migration/migration_notes": "El hijo mayor trabaja en Cancún desde 2022"}
    return [
        Sub("f0000000-0001-4000-8000-000000000001",
            {**base, "household/family_code": "OJO-010", "household/family_name": "Familia Hernández Ruiz"},
            {"members": [
                {"member_name": "María Hernández", "sex": "F", "birth_year": "1978", "relation": "head",
                 "member_languages": "es tzh", "member_migrated": "no"},
                {"member_name": "Pedro Hernández", "sex": "M", "birth_year": "2001", "relation": "child",
                 "member_languages": "es", "member_migrated": "yes"}],
             "baseline_plots": [{"bp_name": "El Pozo", "bp_area_ha": "0.75", "bp_system": "traditional"}]}),
        # A member born in a year that is text.
        Sub("f0000000-0002-4000-8000-000000000002",
            {**base, "household/family_code": "OJO-011", "household/family_name": "Familia Santiz"},
            {"members": [{"member_name": "Juan Santiz", "sex": "M", "birth_year": "setenta", "relation": "head",
                          "member_languages": "tzh", "member_migrated": "no"}]}),
    ]


def plot_subs() -> list[Sub]:
    return [
        Sub("b0000000-0001-4000-8000-000000000001",
            {"family": "OJO-001", "plot_name": "La Loma", "boundary": SQUARE, "soil_depth": "medium",
             "altitude_m": "1500", "system": "traditional", "system_since": "2010-01-01"},
            {"slope_readings": [{"slope_pct": "30"}, {"slope_pct": "36"}]}),
        # A geoshape with two points.
        Sub("b0000000-0002-4000-8000-000000000002",
            {"family": "OJO-001", "plot_name": "La Raya", "boundary": "16.31 -91.98 0 0;16.311 -91.98 0 0",
             "soil_depth": "deep", "system": "traditional", "system_since": "2010-01-01"},
            {"slope_readings": [{"slope_pct": "20"}]}),
    ]


def economy_subs() -> list[Sub]:
    return [
        Sub("e0000000-0001-4000-8000-000000000001", {"family": "OJO-001", "year": "2024"},
            {"entries": [
                {"month": "1", "kind": "income", "category": "crop_sale", "crop": "cafe", "amount_mxn": "4200"},
                {"month": "1", "kind": "expense", "category": "food", "amount_mxn": "1800.50"},
                {"month": "2", "kind": "income", "category": "remittances", "amount_mxn": "3000",
                 "entry_notes": "Envío del hijo"}]}),
    ]


def visit_subs() -> list[Sub]:
    return [
        Sub("d0000000-0001-4000-8000-000000000001",
            {"family": "OJO-001", "plot": PLOT_OJO, "visited_on": "2025-03-04", "step": "11",
             "observations": "Los duraznos brotaron bien", "tree_survival_pct": "92", "agreements": "Podar en mayo"},
            {"trees": [
                {"tree_species": "durazno", "row_number": "1", "tree_number": "3", "alive": "yes",
                 "diameter_cm": "4.2", "height_m": "1.6"},
                {"tree_species": "aguacate", "row_number": "2", "tree_number": "1", "alive": "no"}]}),
    ]


def event_subs() -> list[Sub]:
    return [
        Sub("c0000000-0001-4000-8000-000000000001",
            {"event_kind": "exchange", "title": "Intercambio sobre filtros de escurrimiento", "topic": "Filtros",
             "held_on": "2025-04-10", "group": GROUP_OJO},
            {"attendees": [{"att_family": "OJO-001", "att_member": "Jefa Familia Gómez Pérez"},
                           {"att_family": "VER-001", "att_member": "Don Lupe"}]}),
    ]


def write_fixtures(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = [
        write_odk_zip(folder / "odk_miaf_harvest.zip", HARVEST, harvest_subs()),
        write_odk_zip(folder / "odk_miaf_harvest_edited.zip", HARVEST, harvest_edited_subs()),
        write_kobo_xlsx(folder / "kobo_miaf_harvest.xlsx", HARVEST, harvest_subs()[:3]),
        write_kobo_csv(folder / "kobo_miaf_harvest.csv", HARVEST, harvest_subs()[:3]),
        write_kobo_xlsx(folder / "kobo_miaf_family.xlsx", FAMILY, family_subs()),
        write_kobo_xlsx(folder / "kobo_miaf_plot.xlsx", PLOT, plot_subs()),
        write_kobo_xlsx(folder / "kobo_miaf_economy.xlsx", ECONOMY, economy_subs()),
        write_odk_zip(folder / "odk_miaf_visit.zip", VISIT, visit_subs()),
        write_odk_zip(folder / "odk_miaf_event.zip", EVENT, event_subs()),
    ]
    odk_family = folder / "odk_miaf_family"
    odk_family.mkdir(exist_ok=True)
    out += write_odk_csvs(odk_family, FAMILY, family_subs())
    return out


if __name__ == "__main__":
    for p in write_fixtures(Path(__file__).parent / "fixtures"):
        print(p)
