"""The import use case: read an export, check every row, write the good ones, quarantine the bad ones.

Guarantees:

* **One transaction per batch, held briefly.** The batch row, the records, the ledger and the quarantine are
  written in one ``transaction.atomic``; a crash or a ``kill -9`` half-way leaves the database as it was.
  The slow work happens before it, while other users keep writing: the file is read, each submission's
  digest computed and its values checked, and the bulk path's rows built (adapted, keys counted from 0),
  chunk by chunk into a spool file on disk (:class:`Spool`, so memory stays bounded). The write transaction
  then replays the spool: it looks the ledger up again (what changed meanwhile is classified afresh, and a
  submission checked as a duplicate before but not any more is checked then) and writes. On SQLite this is
  what holds the single write lock (docs/forms.md, "Imports and concurrent edits").
* **Good rows land, bad rows wait.** Each submission is validated in Python against the catalogue loaded
  once per batch. Valid new submissions are written in chunks under a savepoint (bulk inserts keep
  100,000 submissions within a minute); if the database refuses a chunk, the chunk is rolled back to its
  savepoint and written again row by row, each under its own savepoint, so only the refused row goes to
  quarantine. Updates are written row by row under a savepoint.
* **Idempotent.** A submission is keyed by (form, root instance id) in :class:`ImportedSubmission`, with
  a digest of its values: the same submission again is a duplicate and changes nothing; an edited one (new
  ``meta/instanceID``, same root or a ``deprecatedID`` pointing at a known version) updates its records; an
  older version than the one imported is ignored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import can_edit, families_for, groups_for, role_of
from miaf.web.audit.history import IMPORT, acting
from miaf.web.catalogue.models import Species
from miaf.web.intake.models import ImportBatch, ImportedSubmission, QuarantinedRow
from miaf.web.intake.services import values as v
from miaf.web.intake.services.fastinsert import Prepared, fast_path_available, prepare_rows
from miaf.web.intake.services.handlers import HANDLERS, provenance
from miaf.web.intake.services.parsers import Export, ExportError, Submission, read_export
from miaf.web.intake.services.specs import FormSpec, Lookups, get_form, validate
from miaf.web.plots.models import Plot
from miaf.web.registry.models import Family, Group, Locality, Municipality

CHUNK = 500
PREVIEW_REASONS = 20
#: Test hook for the kill test: after this many rows, touch MIAF_INTAKE_PAUSE_FILE and sleep.
PAUSE_ENV, PAUSE_FILE_ENV = "MIAF_INTAKE_PAUSE_AFTER", "MIAF_INTAKE_PAUSE_FILE"


class ImportRefused(ExportError):
    """The whole file is refused (wrong format, missing columns, no permission). Nothing was written."""


@dataclass
class ImportReport:
    form: str
    file_names: list[str]
    export_format: str = ""
    batch_id: int | None = None
    dry_run: bool = False
    rows: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)  # the first rows' reasons
    updates: list[dict[str, Any]] = field(default_factory=list)  # the first updates: what they will change
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def add(self, other: ImportReport) -> None:
        for name in ("rows", "imported", "updated", "duplicates", "quarantined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def sha256_of(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def digest(form: FormSpec, sub: Submission) -> str:
    """``<values>:<repeats>`` SHA-256s of the values the importer reads (``-`` when repeats are absent).

    Values are joined with the ASCII unit/record separators, which do not occur in form answers.
    """
    fields = sub.fields
    main = "\x1f".join(str(fields.get(f.name, "") or "").strip() for f in form.fields)
    head = hashlib.sha256(main.encode()).hexdigest()
    if sub.repeats is None:
        return f"{head}:-"
    parts = []
    for name, specs in form.repeats.items():
        parts.append(name)
        for r in sub.repeats.get(name) or []:
            parts.append("\x1f".join(str(r.get(f.name, "") or "").strip() for f in specs))
    return f"{head}:{hashlib.sha256(chr(30).join(parts).encode()).hexdigest()}"


def same_content(stored: str, new: str) -> bool:
    s_head, _, s_rep = stored.partition(":")
    n_head, _, n_rep = new.partition(":")
    return s_head == n_head and (n_rep == "-" or s_rep == n_rep)


def build_lookups(user: Any) -> Lookups:
    role = role_of(user) if user is not None else Role.ADMINISTRATOR
    if user is not None and not can_edit(user):
        raise ImportRefused("Su rol no permite importar datos.", "Your role may not import data.")
    scoped = role != Role.ADMINISTRATOR
    return Lookups(
        today=timezone.localdate(),
        families=dict(Family.objects.values_list("code", "id")),
        family_codes=dict(Family.objects.values_list("id", "code")),
        allowed_families=set(families_for(user).values_list("id", flat=True)) if scoped else None,
        promoter=role == Role.PROMOTER,
        plots={str(pk): (pk, fam) for pk, fam in Plot.objects.values_list("id", "family_id")},
        species=dict(Species.objects.values_list("code", "id")),
        groups={
            str(pk): (pk, org, loc)
            for pk, org, loc in Group.objects.values_list("id", "producer_organisation__accompanied_by", "locality_id")
        },
        allowed_groups=set(groups_for(user).values_list("id", flat=True)) if scoped else None,
        municipalities={s + c: pk for pk, s, c in Municipality.objects.values_list("id", "state_code", "code")},
        localities={
            str(pk): (pk, s + c)
            for pk, s, c in Locality.objects.values_list("id", "municipality__state_code", "municipality__code")
        },
    )


def check_columns(form: FormSpec, export: Export) -> None:
    missing = sorted(form.columns - export.main_columns)
    if missing and any(" " in c.strip() for c in export.main_columns):
        # XML names never hold spaces: headers with spaces are question labels (KoboToolbox's default
        # "Labels" export, or a label-headed download from another tool). Say which setting to choose.
        raise ImportRefused(
            "El archivo usa las etiquetas de las preguntas como encabezados (la exportación predeterminada de "
            "KoboToolbox). Vuelva a exportarlo en KoboToolbox → Datos → Descargas con «Formato de valores y "
            "encabezados» = «Valores y encabezados XML» (Value and header format: XML values and headers), "
            "«Incluir grupos en los encabezados» marcado y separador de grupos «/».",
            "The file uses the question labels as headers (KoboToolbox's default export). Export it again in "
            "KoboToolbox → Data → Downloads with “Value and header format” = “XML values and headers”, "
            "“Include groups in headers” ticked and group separator “/”.",
        )
    problems_es, problems_en = [], []
    if missing:
        problems_es.append(f"faltan las columnas {', '.join(missing)}")
        problems_en.append(f"columns {', '.join(missing)} are missing")
    if export.repeat_columns is not None:
        for name, specs in form.repeats.items():
            cols = export.repeat_columns.get(name)
            if cols is None:
                problems_es.append(f"falta la tabla del grupo repetido «{name}» ({form.form_id}-{name}.csv u hoja {name})")
                problems_en.append(f"the table of repeat group “{name}” is missing ({form.form_id}-{name}.csv or sheet {name})")
                continue
            lost = sorted({f.name for f in specs if not f.added_in} - cols)
            if lost:
                problems_es.append(f"al grupo repetido «{name}» le faltan {', '.join(lost)}")
                problems_en.append(f"repeat group “{name}” lacks {', '.join(lost)}")
    if problems_es:
        raise ImportRefused(
            f"El archivo no es una exportación del formulario {form.form_id}: {'; '.join(problems_es)}. "
            "¿Eligió el formulario correcto?",
            f"The file is not an export of form {form.form_id}: {'; '.join(problems_en)}. "
            "Did you choose the right form?",
        )


@dataclass
class _Seen:
    """What the batch remembers of a ledger row it wrote with the fast path."""

    submission_id: str
    instance_id: str
    digest: str
    superseded_ids: tuple[str, ...] = ()
    source_id: str = ""
    pk: None = None


@dataclass
class Staged:
    """What staging learnt of one chunk: per submission ``(digest,)`` (a duplicate then) or ``(digest, clean,
    reasons)``; and the bulk path's prepared rows for the submissions that looked new (``create_ids``)."""

    checks: list[tuple[Any, ...]]
    create_ids: list[str] | None = None
    handler_rows: Any = None
    ledger_rows: Prepared | None = None
    ledger: dict[str, ImportedSubmission] | None = None  # the ledger rows read while staging
    #: Spooled without the values of the submissions staged as creates (their rows are prepared already).
    light: bool = False


class _NeedFull(Exception):
    """A light chunk cannot be written as staged: read its full record from the spool."""


class Spool:
    """Staged chunks pickled into a temporary file, read back once in order (memory stays bounded).

    A chunk whose new submissions have prepared rows is written twice: in full, and light (those
    submissions without their values, which the write no longer needs), so that the write transaction
    unpickles little; the full record is read only when the light one cannot be used (:class:`_NeedFull`).
    """

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="miaf-import-")  # noqa: SIM115 - closed by close()
        self.index: list[tuple[int, int | None]] = []  # per chunk: offset of the record to use, of the full one

    def put(self, subs: list[Submission], staged: Staged) -> None:
        full = self.file.tell()
        pickle.dump((subs, staged), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        if not staged.create_ids:
            self.index.append((full, None))
            return
        stripped = set(staged.create_ids)
        light_subs, light_checks = [], []
        for s, check in zip(subs, staged.checks, strict=True):
            if s.root_id in stripped and len(check) == 3:
                s = dataclasses.replace(s, fields={}, repeats=None)
                check = (check[0], None, [])
            light_subs.append(s)
            light_checks.append(check)
        light = self.file.tell()
        pickle.dump((light_subs, dataclasses.replace(staged, checks=light_checks, light=True)), self.file,
                    protocol=pickle.HIGHEST_PROTOCOL)
        self.index.append((light, full))

    def _load(self, offset: int) -> tuple[list[Submission], Staged]:
        self.file.seek(offset)
        return pickle.load(self.file)  # noqa: S301 - our own file, written just before

    def __iter__(self) -> Iterator[tuple[list[Submission], Staged, int | None]]:
        for first, full in self.index:
            yield (*self._load(first), full)

    def full(self, offset: int) -> tuple[list[Submission], Staged]:
        return self._load(offset)

    def close(self) -> None:
        self.file.close()


class Runner:
    """One batch: classify each submission, write the good ones, quarantine the bad ones."""

    def __init__(self, form: FormSpec, batch: ImportBatch | None, lookups: Lookups, user: Any, report: ImportReport,
                 retry_row: QuarantinedRow | None = None, file_name: str = "") -> None:
        self.form, self.batch, self.lk, self.user, self.report = form, batch, lookups, user, report
        self.file_name = batch.file_name if batch is not None else file_name[:255]
        self.handler = HANDLERS[form.name]
        self.now = timezone.now()
        self.seen: dict[str, ImportedSubmission] = {}
        self.seen_keys: dict[str, ImportedSubmission] = {}  # submission, instance and source ids → seen entry
        #: The ledger's fingerprint when staging began; the staged ledger reads are reused while it holds.
        self.mark: tuple[Any, ...] | None = None
        self.reuse_ledger = False
        #: Whether a quarantined row of this form may wait for resolution (checked once inside the transaction).
        self.any_waiting = True
        self.retry_row = retry_row
        pause = os.environ.get(PAUSE_ENV)
        self.pause_after = int(pause) if pause else None

    # ---------------------------------------------------------------- helpers
    def prov(self, sid: str) -> dict[str, Any]:
        return provenance(self.file_name, sid, self.user, self.now)

    def quarantine(self, sub: Submission, reasons: list[dict[str, str]], existing: dict[str, list[QuarantinedRow]]) -> None:
        self.report.quarantined += 1
        self.any_waiting = True
        if len(self.report.quarantine) < PREVIEW_REASONS:
            self.report.quarantine.append({"row": sub.row_number, "submission_id": sub.root_id, "reasons": reasons})
        raw = sub.raw()
        if self.retry_row is not None:
            self.retry_row.raw, self.retry_row.reasons = raw, reasons
            self.retry_row.save(update_fields=["raw", "reasons"])
            return
        if any(q.raw == raw for q in existing.get(sub.root_id, [])):
            return  # the same bad row is already waiting in quarantine: do not queue it twice
        QuarantinedRow.objects.create(batch=self.batch, row_number=sub.row_number, submission_id=sub.root_id[:100],
                                      raw=raw, reasons=reasons)

    def _find(self, sub: Submission, ledger: dict[str, ImportedSubmission]) -> ImportedSubmission | None:
        for key in (sub.root_id, sub.deprecated_id, sub.instance_id, sub.source_id):
            if key and key in ledger:
                return ledger[key]
        return None

    def _describe_update(self, sub: Submission, entry: ImportedSubmission) -> dict[str, Any] | None:
        """What an update will change (the stored record as it is now) and how the edit was recognised, for the
        report and its preview (the first rows only)."""
        if len(self.report.updates) >= PREVIEW_REASONS:
            return None
        if sub.root_id == entry.submission_id:
            how = ""
        elif sub.source_id and sub.source_id == entry.source_id:
            how = sub.source_id
        else:
            how = sub.deprecated_id or sub.instance_id
        record = self.handler.existing(entry.submission_id)
        return {"row": sub.row_number, "submission_id": entry.submission_id,
                "record": str(record) if record is not None else "", "matched_by": how}

    # ---------------------------------------------------------------- chunks
    def stage(self, subs: Iterator[Submission], spool: Spool) -> None:
        """Before the write transaction: read, check and prepare every chunk into ``spool``."""
        self.mark = self.ledger_mark()
        while True:
            chunk = list(islice(subs, CHUNK))
            if not chunk:
                break
            spool.put(chunk, self.prepare(chunk))

    def run(self, spool: Spool) -> None:
        """Inside the write transaction: write the staged chunks."""
        for chunk, pre, full in spool:
            try:
                self.chunk(chunk, pre)
            except _NeedFull:
                self.chunk(*spool.full(full))
            if self.pause_after is not None and self.report.rows >= self.pause_after:
                Path(os.environ[PAUSE_FILE_ENV]).write_text(str(self.report.rows))
                time.sleep(3600)

    def _remember(self, entry: ImportedSubmission | _Seen) -> None:
        self.seen[entry.submission_id] = entry
        for k in (entry.submission_id, entry.instance_id, entry.source_id):
            if k:
                self.seen_keys[k] = entry

    def ledger_mark(self) -> tuple[Any, ...]:
        """A fingerprint of this form's ledger: it changes when a row is added, deleted or saved."""
        agg = ImportedSubmission.objects.filter(form=self.form.name).aggregate(
            n=Count("id"), top=Max("id"), at=Max("updated_at"))
        return agg["n"], agg["top"], agg["at"]

    def _read_ledger(self, subs: list[Submission], stored: dict[str, ImportedSubmission] | None = None,
                     ) -> tuple[set[str], set[str], dict[str, ImportedSubmission]]:
        """The ledger rows the chunk's submissions may match: from the database (or ``stored``, what staging
        read when the ledger has not changed since), then what this batch wrote."""
        keys = {k for s in subs for k in (s.root_id, s.deprecated_id, s.instance_id) if k}
        sources = {s.source_id for s in subs if s.source_id}
        if stored is not None:
            ledger = dict(stored)
        else:
            ledger = {}
            for entry in ImportedSubmission.objects.filter(form=self.form.name, submission_id__in=keys):
                ledger[entry.submission_id] = entry
            for entry in ImportedSubmission.objects.filter(form=self.form.name, instance_id__in=keys):
                ledger.setdefault(entry.instance_id, entry)
            if sources:
                for entry in ImportedSubmission.objects.filter(form=self.form.name, source_id__in=sources):
                    ledger.setdefault(entry.source_id, entry)
        for k in keys | sources:
            entry = self.seen_keys.get(k)
            if entry is not None and k in (entry.submission_id, entry.instance_id, entry.source_id):
                ledger[k] = entry
        return keys, sources, ledger

    def _duplicate(self, s: Submission, entry: ImportedSubmission | None, dig: str) -> bool:
        return entry is not None and self.retry_row is None and (
            s.instance_id in entry.superseded_ids or same_content(entry.digest, dig))

    def prepare(self, subs: list[Submission]) -> Staged:
        """Digest and check each submission (not the ones the ledger already holds as they are), and build the
        bulk path's rows for the submissions that look new. Reads only: the write transaction checks again."""
        _, _, ledger = self._read_ledger(subs)
        stored = {k: e for k, e in ledger.items() if e.pk is not None}
        checks: list[tuple[Any, ...]] = []
        creates: list[tuple[str, dict[str, Any], str, Submission]] = []
        pending: set[str] = set()
        for s in subs:
            dig = digest(self.form, s)
            entry = self._find(s, ledger)
            if self._duplicate(s, entry, dig):
                checks.append((dig,))
                continue
            clean, reasons = validate(self.form, s, self.lk)
            checks.append((dig, clean, reasons))
            if not reasons and entry is None and s.root_id not in pending:
                pending.add(s.root_id)
                creates.append((s.root_id, clean, dig, s))
        staged = Staged(checks, ledger=stored)
        if creates:
            handler_rows = self.handler.stage([(clean, self.prov(sid)) for sid, clean, _, _ in creates])
            if handler_rows is not None:
                staged.create_ids = [sid for sid, *_ in creates]
                staged.handler_rows = handler_rows
                staged.ledger_rows = self._ledger_rows([(s, d) for _, _, d, s in creates], batch_id=0)
        return staged

    def _ledger_rows(self, items: list[tuple[Submission, str]], batch_id: int) -> Prepared:
        return prepare_rows(ImportedSubmission, [
            {"form": self.form.name, "submission_id": s.root_id, "instance_id": s.instance_id, "digest": d,
             "superseded_ids": [], "batch_id": batch_id, "updated_at": self.now, "source_id": s.source_id}
            for s, d in items])

    def chunk(self, subs: list[Submission], pre: Staged | None = None) -> None:
        """Classify and write one chunk. Raises :class:`_NeedFull` (having written nothing) when ``pre`` was
        spooled light and the submissions to create are no longer those staged."""
        dups = 0
        reuse = pre is not None and pre.ledger is not None and self.reuse_ledger
        keys, sources, ledger = self._read_ledger(subs, pre.ledger if reuse else None)
        learnt: list[ImportedSubmission] = []  # ledger rows imported before their source id was kept
        # A submission identical to the version already imported is a duplicate: it was validated when it
        # was imported, so it is not validated again (a re-import of a large file is mostly this case).
        # The checks made while staging are reused; a submission staged as a duplicate that is not one any more
        # (the ledger changed meanwhile) is checked now.
        checked, digests = [], {}
        for i, s in enumerate(subs):
            early = pre.checks[i] if pre is not None else None
            dig = early[0] if early is not None else digest(self.form, s)
            digests[id(s)] = dig
            entry = self._find(s, ledger)
            if self._duplicate(s, entry, dig):
                dups += 1
                if s.source_id and not entry.source_id and entry.pk is not None and s.instance_id == entry.instance_id:
                    entry.source_id, entry.updated_at = s.source_id, self.now
                    learnt.append(entry)
                continue
            checked.append((s, *(early[1:] if early is not None and len(early) == 3 else validate(self.form, s, self.lk))))
        bad_ids = [s.root_id for s, _, r in checked if r]
        waiting: dict[str, list[QuarantinedRow]] = {}
        if bad_ids and self.retry_row is None:
            for q in QuarantinedRow.objects.filter(batch__form=self.form.name, submission_id__in=bad_ids, resolved=False):
                waiting.setdefault(q.submission_id, []).append(q)

        creates: list[tuple[Submission, dict[str, Any], str]] = []
        updates: list[tuple[Submission, dict[str, Any], str, ImportedSubmission]] = []
        pending: set[str] = set()
        bad: list[tuple[Submission, list]] = []
        for sub, clean, reasons in checked:
            entry = self._find(sub, ledger)
            if reasons:
                if entry is not None and self.retry_row is None and sub.instance_id in (
                        entry.instance_id, *entry.superseded_ids):
                    # This very version was already dealt with (fixed by hand in quarantine, or older).
                    dups += 1
                else:
                    bad.append((sub, reasons))
                continue
            dig = digests[id(sub)]
            if entry is None and sub.root_id in pending:
                dups += 1  # the same new submission twice in one file
                continue
            if entry is None:
                creates.append((sub, clean, dig))
                pending.add(sub.root_id)
            elif sub.instance_id in entry.superseded_ids or same_content(entry.digest, dig):
                dups += 1
            else:
                updates.append((sub, clean, dig, entry))
        if pre is not None and pre.light and pre.create_ids != [sub.root_id for sub, _, _ in creates]:
            raise _NeedFull
        self.report.rows += len(subs)
        self.report.duplicates += dups
        for sub, reasons in bad:
            self.quarantine(sub, reasons, waiting)
        if learnt:
            ImportedSubmission.objects.bulk_update(learnt, ["source_id", "updated_at"])
        self.write_creates(creates, waiting, pre)
        updated = [item[0].root_id for item in updates if self.write_update(*item, waiting=waiting)]
        done = [s.root_id for s, *_ in creates] + updated
        if done and self.any_waiting:
            QuarantinedRow.objects.filter(batch__form=self.form.name, submission_id__in=done, resolved=False).update(
                resolved=True, resolved_at=self.now)

    def _ledger(self, sub: Submission, dig: str) -> ImportedSubmission:
        return ImportedSubmission(form=self.form.name, submission_id=sub.root_id, instance_id=sub.instance_id,
                                  digest=dig, batch=self.batch, source_id=sub.source_id)

    def write_creates(self, creates: list[tuple[Submission, dict[str, Any], str]], waiting: dict,
                      pre: Staged | None = None) -> None:
        if not creates:
            return
        # The rows staged for this chunk are used when the new submissions are still the ones staged.
        same = pre is not None and pre.create_ids == [s.root_id for s, _, _ in creates]
        try:
            with transaction.atomic():
                self.handler.bulk_create([(clean, self.prov(sub.root_id)) for sub, clean, _ in creates],
                                         staged=pre.handler_rows if same else None)
                if fast_path_available():
                    ledger_rows = pre.ledger_rows if same else None
                    (ledger_rows or self._ledger_rows([(s, d) for s, _, d in creates], 0)).execute(
                        add={"batch_id": self.batch.pk})
                    # Unsaved stand-ins for the ledger rows (write_update reloads one if it needs it).
                    entries = [_Seen(s.root_id, s.instance_id, d, source_id=s.source_id) for s, _, d in creates]
                else:
                    entries = ImportedSubmission.objects.bulk_create([self._ledger(s, d) for s, _, d in creates])
            self.report.imported += len(creates)
            for e in entries:
                self._remember(e)
            return
        except (v.Invalid, IntegrityError, DatabaseError, ValueError):
            pass  # the chunk was rolled back to its savepoint: find the refused rows one by one
        for sub, clean, dig in creates:
            try:
                with transaction.atomic():
                    self.handler.create(clean, self.prov(sub.root_id))
                    entry = self._ledger(sub, dig)
                    entry.save()
                self.report.imported += 1
                self._remember(entry)
            except v.Invalid as exc:
                self.quarantine(sub, [v.reason("", exc)], waiting)
            except (IntegrityError, DatabaseError, ValueError) as exc:
                self.quarantine(sub, [v.reason("", v.Invalid("database", detail=str(exc)))], waiting)

    def write_update(self, sub: Submission, clean: dict[str, Any], dig: str, entry: ImportedSubmission,
                     waiting: dict) -> bool:
        """Update the records of a known submission; ``False`` when it went to quarantine instead."""
        if entry.pk is None:  # written by the fast path earlier in this batch: load it
            entry = ImportedSubmission.objects.get(form=self.form.name, submission_id=entry.submission_id)
        if self.handler.outside_scope(self.user, entry.submission_id):
            # The records this submission wrote are not the user's (another group's family): an update through
            # the import may not touch them, whatever group the new version names.
            self.quarantine(sub, [v.reason("", v.Invalid("record_out_of_scope", value=entry.submission_id))], waiting)
            return False
        note = self._describe_update(sub, entry)
        try:
            with transaction.atomic():
                self.handler.update(clean, self.prov(entry.submission_id))
                superseded = list(entry.superseded_ids)
                for old in (entry.instance_id, sub.deprecated_id):
                    if old and old != sub.instance_id and old not in superseded:
                        superseded.append(old)
                entry.instance_id, entry.digest, entry.batch = sub.instance_id, dig, self.batch
                entry.source_id = sub.source_id or entry.source_id
                entry.superseded_ids = superseded
                entry.save()
            if note is not None:
                self.report.updates.append(note)
            self.report.updated += 1
            self._remember(entry)
            return True
        except v.Invalid as exc:
            self.quarantine(sub, [v.reason("", exc)], waiting)
        except (IntegrityError, DatabaseError, ValueError) as exc:
            self.quarantine(sub, [v.reason("", v.Invalid("database", detail=str(exc)))], waiting)
        return False


def _start_batch(form: FormSpec, file_name: str, sha: str, user: Any, imported_by: str, export_format: str) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=file_name[:255], sha256=sha, form=form.name, export_format=export_format, user=user,
        imported_by=(imported_by or (user.get_username() if user is not None else ""))[:150],
        started_at=timezone.now(),
    )


def _finish(batch: ImportBatch, report: ImportReport, versions: set[str]) -> None:
    batch.rows, batch.imported, batch.updated = report.rows, report.imported, report.updated
    batch.duplicates, batch.quarantined = report.duplicates, report.quarantined
    batch.form_version = ", ".join(sorted(versions))[:40]
    batch.status, batch.finished_at = ImportBatch.Status.DONE, timezone.now()
    batch.message = "\n".join(w["message_es"] for w in report.warnings)
    batch.save()


class _Rollback(Exception):
    pass


def _versions(subs: Iterator[Submission], seen: set[str]) -> Iterator[Submission]:
    for s in subs:
        if s.form_version:
            seen.add(s.form_version)
        yield s


def import_files(paths: list[Path], form_name: str, *, user: Any = None, names: list[str] | None = None,
                 dry_run: bool = False, imported_by: str = "") -> ImportReport:
    """Import the files of one export of ``form_name``; with ``dry_run`` report what would happen only."""
    started = time.perf_counter()
    form = get_form(form_name)
    paths = [Path(p) for p in paths]
    names = names or [p.name for p in paths]
    report = ImportReport(form=form.name, file_names=names, dry_run=dry_run)
    lookups = build_lookups(user)
    export = read_export(paths, names)
    report.export_format = export.format
    check_columns(form, export)
    if export.repeat_columns is None and form.repeats:
        report.warnings.append({
            "message_es": "La exportación CSV de KoboToolbox no trae los grupos repetidos "
                          f"({', '.join(form.repeats)}); se importan solo las preguntas principales. Use la "
                          "exportación XLSX para traerlos.",
            "message_en": "KoboToolbox's CSV export has no repeat groups "
                          f"({', '.join(form.repeats)}); only the main questions are imported. Use the XLSX "
                          "export to bring them.",
        })
    sha = sha256_of(paths)
    versions: set[str] = set()
    runner = Runner(form, None, lookups, user, report, file_name=", ".join(names))
    spool = Spool()
    try:
        runner.stage(_versions(export.rows, versions), spool)  # no write transaction yet: others keep writing
        with transaction.atomic(), acting(user, IMPORT):  # history rows name the batch's user
            batch = _start_batch(form, ", ".join(names), sha, user, imported_by, export.format)
            report.batch_id = batch.pk
            runner.batch = batch
            runner.reuse_ledger = runner.ledger_mark() == runner.mark  # nothing imported meanwhile
            runner.any_waiting = QuarantinedRow.objects.filter(batch__form=form.name, resolved=False).exists()
            runner.run(spool)
            _finish(batch, report, versions)
            if dry_run:
                raise _Rollback
    except _Rollback:
        report.batch_id = None
    finally:
        spool.close()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def reimport_row(row: QuarantinedRow, user: Any, raw: dict[str, Any] | None = None) -> ImportReport:
    """Import one quarantined row again (after its values, or the catalogue, were fixed)."""
    form = get_form(row.batch.form)
    sub = Submission.from_raw(raw if raw is not None else row.raw, row.row_number)
    report = ImportReport(form=form.name, file_names=[row.batch.file_name], export_format="quarantine")
    lookups = build_lookups(user)
    with transaction.atomic(), acting(user, IMPORT):
        batch = _start_batch(form, f"{row.batch.file_name} (cuarentena #{row.pk})", row.batch.sha256, user, "",
                             "quarantine")
        report.batch_id = batch.pk
        Runner(form, batch, lookups, user, report, retry_row=row).chunk([sub])
        if report.quarantined == 0:
            row.raw, row.resolved, row.resolved_at = sub.raw(), True, timezone.now()
            row.save(update_fields=["raw", "resolved", "resolved_at"])
        _finish(batch, report, {sub.form_version} if sub.form_version else set())
    return report
