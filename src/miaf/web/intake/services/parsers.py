"""Readers for the submission exports of ODK Central and KoboToolbox. No Django here.

Formats read (see docs/forms.md for examples):

* **ODK Central CSV** (``Download → CSV``, a zip, or its files given one by one): the main table
  ``<formId>.csv`` with ``SubmissionDate``, the questions under their group path joined by ``-``
  (``household-family_code``), ``meta-instanceID``, ``KEY``, ``SubmitterID``, ``SubmitterName``, ``Status``,
  ``ReviewState``, ``Edits``, ``FormVersion`` …; and one file per repeat group ``<formId>-<repeat>.csv``
  whose rows carry ``PARENT_KEY`` (the main row's ``KEY``) and their own ``KEY``
  (``uuid:…/sales[1]``).
* **KoboToolbox CSV**: one table, group paths joined by ``/``, ``meta/instanceID``, ``_id``, ``_uuid``,
  ``_submission_time``, ``__version__``, ``_index``…, separated by ``;`` or ``,``. Kobo's CSV export
  carries no repeat groups, so such an import leaves the repeat records of known submissions alone.
* **KoboToolbox XLSX**: the main sheet plus one sheet per repeat group, linked by ``_index`` (main) and
  ``_parent_index`` (repeat).

The root instance id that keys a submission across edits: ODK Central's ``KEY`` (the id of the first
version, which Central keeps when a submission is edited; ``meta-instanceID`` is the current version);
KoboToolbox's ``meta/rootUuid`` when the export has it, else ``_uuid``. ``meta/deprecatedID`` (the version
an edit replaced) is kept too, so an edit is recognised even when the root id is not in the export; and
Kobo's ``_id`` (``source_id``), which no edit changes, recognises an edit whose export has neither.
Ids are stored without their ``uuid:`` prefix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miaf import limits as _limits

ODK_SYSTEM = {
    "SubmissionDate", "KEY", "PARENT_KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "instanceID",
    "deprecatedID", "instanceName", "rootUuid",
}
KOBO_SYSTEM_PREFIX = "_"


class ExportError(ValueError):
    """A file that cannot be read as an export of the form. Carries a Spanish and an English message."""

    def __init__(self, es: str, en: str) -> None:
        self.es, self.en = es, en
        super().__init__(en)

    def message(self, lang: str = "es") -> str:
        return self.es if lang.startswith("es") else self.en


@dataclass
class Submission:
    row_number: int
    root_id: str
    instance_id: str
    deprecated_id: str
    form_version: str
    fields: dict[str, Any]
    #: repeat name → rows; ``None`` when the export does not carry repeat groups (Kobo CSV).
    repeats: dict[str, list[dict[str, Any]]] | None
    submitted_at: str = ""
    #: The server's id that survives edits (KoboToolbox ``_id`` as ``kobo:<_id>``; empty for ODK Central).
    source_id: str = ""

    def raw(self) -> dict[str, Any]:
        return {
            "root_id": self.root_id, "instance_id": self.instance_id, "deprecated_id": self.deprecated_id,
            "form_version": self.form_version, "submitted_at": self.submitted_at,
            "fields": self.fields, "repeats": self.repeats, "source_id": self.source_id,
        }

    @classmethod
    def from_raw(cls, raw: dict[str, Any], row_number: int = 0) -> Submission:
        return cls(
            row_number=row_number, root_id=raw.get("root_id", ""), instance_id=raw.get("instance_id", ""),
            deprecated_id=raw.get("deprecated_id", ""), form_version=str(raw.get("form_version", "")),
            fields=dict(raw.get("fields") or {}), repeats=raw.get("repeats"),
            submitted_at=raw.get("submitted_at", ""), source_id=raw.get("source_id", ""),
        )


@dataclass
class Export:
    format: str
    file_names: list[str]
    main_columns: set[str]
    repeat_columns: dict[str, set[str]] | None
    rows: Iterator[Submission]
    form_versions: set[str] = field(default_factory=set)


def strip_uuid(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return text[5:] if text.lower().startswith("uuid:") else text


def cell_text(value: Any) -> str:
    """An XLSX cell as the text the CSV export would have had."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------- sniffing
def sniff(path: Path) -> str:
    """``"zip"``, ``"xlsx"`` or ``"csv"``; refuses anything else with a clear message."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
            # Limits before reading: members, uncompressed size, ratio, and an XLSX sheet's declared size.
            (_limits.check_xlsx if "xl/workbook.xml" in names else _limits.check_zip)(path, path.name)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as exc:
            raise ExportError(f"{path.name}: el archivo ZIP está dañado ({exc}).",
                              f"{path.name}: the ZIP file is damaged ({exc}).") from exc
        except _limits.LimitError as exc:
            raise ExportError(exc.es, exc.en) from exc
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"\xd0\xcf\x11\xe0")):
        raise ExportError(
            f"{path.name} no es un archivo CSV ni XLSX. Exporte los envíos desde ODK Central (CSV o ZIP) "
            "o KoboToolbox (CSV o XLSX).",
            f"{path.name} is not a CSV or XLSX file. Export the submissions from ODK Central (CSV or ZIP) "
            "or KoboToolbox (CSV or XLSX).",
        )
    try:
        head.decode("utf-8-sig") if len(head) < 65536 else head[:65000].decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path.name} no es un CSV en UTF-8 ({exc.reason} en el byte {exc.start}).",
                          f"{path.name} is not a UTF-8 CSV ({exc.reason} at byte {exc.start}).") from exc
    first_line = head.split(b"\n", 1)[0]
    if b"," not in first_line and b";" not in first_line and b"\t" not in first_line:
        raise ExportError(f"{path.name} no parece un CSV: su primera línea no tiene columnas.",
                          f"{path.name} does not look like a CSV: its first line has no columns.")
    return "csv"


def _check_columns(header: list[Any], name: str) -> None:
    lim = _limits.LIMITS.columns
    if len(header) > lim:
        raise ExportError(f"{name}: tiene {len(header):,} columnas; el máximo es {lim:,}.",
                          f"{name}: it has {len(header):,} columns; the limit is {lim:,}.")


def _too_many_rows(name: str) -> ExportError:
    lim = _limits.LIMITS.rows
    return ExportError(f"{name}: tiene más de {lim:,} filas; el máximo es {lim:,}. Exporte por partes (por fechas).",
                       f"{name}: it has more than {lim:,} rows; the limit is {lim:,}. Export it in parts (by date).")


def _csv_reader(stream: io.TextIOBase) -> tuple[list[str], Iterator[list[str]]]:
    first = stream.readline()
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter)) if first else []
    _check_columns(header, Path(str(getattr(stream, "name", "") or "CSV")).name)  # never the server's path
    return [h.strip() for h in header], csv.reader(stream, delimiter=delimiter)


# ---------------------------------------------------------------------------------------------- ODK Central
def _odk_leaf(column: str) -> str:
    return column.rsplit("-", 1)[-1]


def _repeat_name_from_key(key: str) -> str:
    # uuid:abc/sales[2] → sales ; uuid:abc/trees[1]/parts[3] → parts
    last = key.rsplit("/", 1)[-1]
    return re.sub(r"\[\d+\]$", "", last)


def _read_odk_repeat(stream: io.TextIOBase, file_name: str) -> tuple[str, set[str], dict[str, list[dict[str, str]]]]:
    header, reader = _csv_reader(stream)
    if "PARENT_KEY" not in header or "KEY" not in header:
        raise ExportError(f"{file_name}: falta la columna PARENT_KEY o KEY de un grupo repetido.",
                          f"{file_name}: the PARENT_KEY or KEY column of a repeat group is missing.")
    pk_i, key_i = header.index("PARENT_KEY"), header.index("KEY")
    cols = [(i, _odk_leaf(h)) for i, h in enumerate(header) if h not in ODK_SYSTEM and not h.startswith("SET-OF-")]
    by_parent: dict[str, list[dict[str, str]]] = defaultdict(list)
    name = ""
    for n, row in enumerate(reader, start=1):
        if n > _limits.LIMITS.rows:
            raise _too_many_rows(file_name)
        if not row:
            continue
        if not name:
            name = _repeat_name_from_key(row[key_i])
        by_parent[strip_uuid(row[pk_i])].append({leaf: row[i] if i < len(row) else "" for i, leaf in cols})
    if not name:  # an empty repeat file: its name comes from the file name <formId>-<repeat>.csv
        name = Path(file_name).stem.rsplit("-", 1)[-1]
    return name, {leaf for _, leaf in cols}, by_parent


def _odk_rows(header: list[str], reader: Iterator[list[str]], repeats: dict[str, dict[str, list[dict[str, str]]]]) -> Iterator[Submission]:
    idx = {h: i for i, h in enumerate(header)}
    cols = [(i, _odk_leaf(h)) for i, h in enumerate(header) if h not in ODK_SYSTEM
            and not h.startswith("SET-OF-") and _odk_leaf(h) not in ODK_SYSTEM]

    def get(row: list[str], name: str) -> str:
        i = idx.get(name)
        return row[i] if i is not None and i < len(row) else ""

    for n, row in enumerate(reader, start=2):
        if not row or not any(row):
            continue
        key = strip_uuid(get(row, "KEY"))
        instance = strip_uuid(get(row, "meta-instanceID")) or key
        fields = {leaf: row[i] if i < len(row) else "" for i, leaf in cols}
        version = get(row, "FormVersion") or fields.get("form_version", "")
        yield Submission(
            row_number=n, root_id=key or instance, instance_id=instance,
            deprecated_id=strip_uuid(get(row, "meta-deprecatedID")), form_version=version, fields=fields,
            repeats={name: rows.get(key, []) for name, rows in repeats.items()},
            submitted_at=get(row, "SubmissionDate"),
        )


def read_odk(members: list[tuple[str, io.TextIOBase]]) -> Export:
    """ODK Central CSV export: the main table and its repeat tables, as (file name, text stream) pairs."""
    main: tuple[str, list[str], Iterator[list[str]]] | None = None
    repeats: dict[str, dict[str, list[dict[str, str]]]] = {}
    repeat_columns: dict[str, set[str]] = {}
    for name, stream in members:
        # Peek at the header to tell the main table from the repeat tables.
        header, reader = _csv_reader(stream)
        if "PARENT_KEY" in header:
            text = io.StringIO()
            csv.writer(text).writerow(header)
            text.seek(0)
            rname, cols, rows = _read_odk_repeat(_Chain(text, stream), name)
            repeats[rname], repeat_columns[rname] = rows, cols
        elif "KEY" in header:
            if main is not None:
                raise ExportError(f"Hay dos tablas principales: {main[0]} y {name}. Importe un formulario a la vez.",
                                  f"There are two main tables: {main[0]} and {name}. Import one form at a time.")
            main = (name, header, reader)
        else:
            raise ExportError(f"{name}: no tiene la columna KEY de ODK Central ni PARENT_KEY.",
                              f"{name}: it has neither ODK Central's KEY column nor PARENT_KEY.")
    if main is None:
        raise ExportError("No se encontró la tabla principal (el CSV con la columna KEY y sin PARENT_KEY).",
                          "The main table (the CSV with a KEY column and no PARENT_KEY) was not found.")
    name, header, reader = main
    cols = {_odk_leaf(h) for h in header if h not in ODK_SYSTEM and not h.startswith("SET-OF-")}
    return Export("odk_central", [n for n, _ in members], cols, repeat_columns, _odk_rows(header, reader, repeats))


class _Chain(io.TextIOBase):
    """A text stream that reads ``first`` and then ``rest`` (to re-read a header already consumed)."""

    def __init__(self, first: io.TextIOBase, rest: io.TextIOBase) -> None:
        self.first, self.rest = first, rest

    def readline(self, size: int = -1) -> str:  # noqa: ARG002
        return self.first.readline() or self.rest.readline()

    def __iter__(self) -> Iterator[str]:
        yield from self.first
        yield from self.rest

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


# ---------------------------------------------------------------------------------------------- Kobo
def _kobo_columns(header: list[str]) -> list[tuple[int, str]]:
    """(index, leaf) of question columns: group paths joined by '/', without Kobo's '_' system columns and
    without the one-column-per-option expansion of select_multiple questions (``langs/es`` next to ``langs``)."""
    full = set(header)
    out = []
    for i, h in enumerate(header):
        leaf = h.rsplit("/", 1)[-1]
        prefix = h.rsplit("/", 1)[0] if "/" in h else ""
        if not h or leaf.startswith(KOBO_SYSTEM_PREFIX) or h.startswith(KOBO_SYSTEM_PREFIX):
            continue
        if prefix and prefix in full:  # select_multiple option column
            continue
        if leaf in ("instanceID", "deprecatedID", "rootUuid", "instanceName"):
            continue
        out.append((i, leaf))
    return out


def _kobo_submission(n: int, header_idx: dict[str, int], cols: list[tuple[int, str]], row: list[Any],
                     repeats: dict[str, list[dict[str, Any]]] | None) -> Submission:
    def get(*names: str) -> str:
        for name in names:
            i = header_idx.get(name)
            if i is not None and i < len(row) and row[i] not in (None, ""):
                return cell_text(row[i])
        return ""

    fields = {leaf: cell_text(row[i]) if i < len(row) else "" for i, leaf in cols}
    instance = strip_uuid(get("meta/instanceID", "instanceID")) or strip_uuid(get("_uuid"))
    root = strip_uuid(get("meta/rootUuid", "rootUuid", "_uuid")) or instance
    # Kobo gives an edited submission a new _uuid, and formpack exports carry no meta/deprecatedID (nor, before
    # late 2025, meta/rootUuid): its _id, the server's row id, is what stays the same across edits.
    kobo_id = get("_id").removesuffix(".0")
    return Submission(
        row_number=n, root_id=root, instance_id=instance,
        deprecated_id=strip_uuid(get("meta/deprecatedID", "deprecatedID")),
        form_version=fields.get("form_version", "") or get("__version__"), fields=fields, repeats=repeats,
        submitted_at=get("_submission_time"), source_id=f"kobo:{kobo_id}" if kobo_id else "",
    )


def read_kobo_csv(name: str, stream: io.TextIOBase) -> Export:
    header, reader = _csv_reader(stream)
    if "_uuid" not in header and "meta/instanceID" not in header:
        raise ExportError(f"{name}: no tiene la columna _uuid ni meta/instanceID de KoboToolbox.",
                          f"{name}: it has neither KoboToolbox's _uuid nor meta/instanceID column.")
    cols = _kobo_columns(header)
    idx = {h: i for i, h in enumerate(header)}

    def rows() -> Iterator[Submission]:
        for n, row in enumerate(reader, start=2):
            if row and any(row):
                yield _kobo_submission(n, idx, cols, row, None)

    return Export("kobo_csv", [name], {leaf for _, leaf in cols}, None, rows())


def read_kobo_xlsx(name: str, path: Path) -> Export:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ExportError(f"{name}: no se pudo abrir el libro XLSX ({exc}).",
                          f"{name}: the XLSX workbook could not be opened ({exc}).") from exc
    main_ws = None
    repeats: dict[str, dict[str, list[dict[str, Any]]]] = {}
    repeat_columns: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        it = ws.iter_rows(values_only=True)
        header = [cell_text(h).strip() for h in next(it, ())]
        _check_columns(header, f"{name} ({ws.title})")
        if "_parent_index" in header:
            cols = _kobo_columns(header)
            paths = [header[i] for i, _ in cols if "/" in header[i]]
            rname = paths[0].rsplit("/", 2)[-2] if paths else ws.title
            p_i = header.index("_parent_index")
            by_parent: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for n, row in enumerate(it, start=1):
                if n > _limits.LIMITS.rows:
                    raise _too_many_rows(f"{name} ({ws.title})")
                if row and any(v not in (None, "") for v in row):
                    by_parent[cell_text(row[p_i])].append({leaf: cell_text(row[i]) if i < len(row) else "" for i, leaf in cols})
            repeats[rname], repeat_columns[rname] = by_parent, {leaf for _, leaf in cols}
        elif "_uuid" in header and main_ws is None:
            main_ws = (ws, header)
    if main_ws is None:
        raise ExportError(f"{name}: ninguna hoja tiene la columna _uuid de KoboToolbox.",
                          f"{name}: no sheet has KoboToolbox's _uuid column.")
    ws, header = main_ws
    cols = _kobo_columns(header)
    idx = {h: i for i, h in enumerate(header)}
    index_i = idx.get("_index")

    def rows() -> Iterator[Submission]:
        it = ws.iter_rows(values_only=True)
        next(it, None)
        for n, row in enumerate(it, start=2):
            if not row or all(v in (None, "") for v in row):
                continue
            key = cell_text(row[index_i]) if index_i is not None else str(n - 1)
            yield _kobo_submission(n, idx, cols, list(row), {r: by.get(key, []) for r, by in repeats.items()})
        wb.close()

    return Export("kobo_xlsx", [name], {leaf for _, leaf in cols}, repeat_columns, rows())


# ---------------------------------------------------------------------------------------------- entry point
def _text(path: Path) -> io.TextIOBase:
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed with the export)


def read_export(paths: list[Path], names: list[str] | None = None) -> Export:
    """Open the files of one export (a zip, an XLSX, or a main CSV with its repeat CSVs).

    Raises only :class:`ExportError`, also while its rows are iterated: a file over a reading limit
    (:mod:`miaf.limits`), not UTF-8, or malformed is refused with a message naming the file and the row.
    """
    label = ", ".join(names or [p.name for p in paths]) or "?"
    try:
        export = _read_export(paths, names)
    except _MALFORMED as exc:
        raise _malformed(label, None, exc) from exc
    export.rows = _guarded(export.rows, label)
    return export


#: What a damaged file raises while it is read (a bad byte, a broken zip stream, a short row).
_MALFORMED = (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, IndexError)


def _malformed(label: str, row: int | None, exc: Exception) -> ExportError:
    if isinstance(exc, UnicodeDecodeError):
        es_what, en_what = f"no está en UTF-8 ({exc.reason})", f"is not UTF-8 ({exc.reason})"
    else:
        es_what = en_what = f"{type(exc).__name__}: {exc}"
        es_what, en_what = f"está dañado ({es_what})", f"is damaged ({en_what})"
    where_es = f" después de la fila {row}" if row else ""
    where_en = f" after row {row}" if row else ""
    return ExportError(f"{label}{where_es}: el archivo {es_what}.", f"{label}{where_en}: the file {en_what}.")


def _guarded(rows: Iterator[Submission], label: str) -> Iterator[Submission]:
    """The rows, at most ``rows`` of them, with decoding and CSV errors turned into :class:`ExportError`."""
    last = 0
    count = 0
    try:
        for sub in rows:
            count += 1
            if count > _limits.LIMITS.rows:
                raise _too_many_rows(label)
            last = sub.row_number
            yield sub
    except ExportError:
        raise
    except _MALFORMED as exc:
        raise _malformed(label, last, exc) from exc


def _read_export(paths: list[Path], names: list[str] | None = None) -> Export:
    if not paths:
        raise ExportError("No se dio ningún archivo.", "No file was given.")
    names = names or [p.name for p in paths]
    kinds = [sniff(p) for p in paths]
    if len(paths) > 1 and any(k != "csv" for k in kinds):
        raise ExportError("Dé un ZIP o un XLSX solo, o varios CSV de la misma exportación.",
                          "Give one ZIP or one XLSX alone, or several CSV files of the same export.")
    if kinds[0] == "xlsx":
        return read_kobo_xlsx(names[0], paths[0])
    if kinds[0] == "zip":
        zf = zipfile.ZipFile(paths[0])
        members = [(m, io.TextIOWrapper(zf.open(m), encoding="utf-8-sig", newline=""))
                   for m in zf.namelist() if m.lower().endswith(".csv") and "/" not in m.strip("/")]
        if not members:
            raise ExportError(f"{names[0]}: el ZIP no contiene archivos CSV.", f"{names[0]}: the ZIP holds no CSV file.")
        export = read_odk(members)
        export.file_names = [names[0]]
        return export
    streams = [(n, _text(p)) for n, p in zip(names, paths, strict=True)]
    header, _ = _csv_reader(streams[0][1])
    streams[0][1].seek(0)
    is_kobo = "_uuid" in header or ("meta/instanceID" in header and "KEY" not in header)
    if is_kobo:
        if len(streams) > 1:
            raise ExportError("Un CSV de KoboToolbox se importa solo (use XLSX para los grupos repetidos).",
                              "A KoboToolbox CSV is imported alone (use XLSX for repeat groups).")
        return read_kobo_csv(*streams[0])
    return read_odk(streams)
