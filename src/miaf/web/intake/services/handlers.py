"""Writing a validated submission into the registry and records, one handler per form.

A handler creates the records of a new submission and updates those of an edited one. Each record keeps
its provenance (``origin="import"``, ``source_file``, ``submission_id`` = the root instance id,
``created_by``, ``imported_at``). Repeat groups are replaced as a whole on update; when the export does not
carry repeat groups (KoboToolbox CSV, ``_repeats is None``) they are left as they are.
"""

from __future__ import annotations

import statistics
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from miaf.web.accounts.models import Role
from miaf.web.accounts.scoping import role_of, scoped
from miaf.web.audit import history as audit
from miaf.web.core.models import Origin
from miaf.web.fieldwork.models import TrainingEvent, Visit
from miaf.web.fieldwork.services import (
    Attendee,
    check_training_in_reach,
    eligible_families_groups,
    record_training,
    record_visit,
)
from miaf.web.intake.services import values as v
from miaf.web.intake.services.fastinsert import fast_path_available, next_id, prepare_rows
from miaf.web.plots.models import Plot, PlotPhase
from miaf.web.plots.services import convert_plot
from miaf.web.process.models import StepEvent
from miaf.web.records import services as records
from miaf.web.records.models import (
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)
from miaf.web.registry.models import Family, Group, Member
from miaf.web.registry.services import register_family, update_family

Prov = dict[str, Any]


def provenance(source_file: str, submission_id: str, user: Any, when: Any) -> Prov:
    return {"origin": Origin.IMPORT, "source_file": source_file[:255], "submission_id": submission_id,
            "created_by": user, "imported_at": when}


@contextmanager
def refusals_as_invalid() -> Iterator[None]:
    """A use case's refusal (Django ``ValidationError``/``PermissionDenied``) as an import reason, so the
    submission goes to quarantine with the same message the web and the API give."""
    try:
        yield
    except ValidationError as exc:
        raise v.Invalid("refused", es=" ".join(exc.messages), en=" ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise v.Invalid("refused", es=str(exc), en=str(exc)) from exc


def _touch(obj: Any, prov: Prov) -> None:
    # An update keeps who first imported the record, and records the file and time of the latest change.
    obj.source_file = prov["source_file"]
    obj.imported_at = prov["imported_at"]


class Handler(ABC):
    """Writes the records of one form's submissions; every form's handler defines create and update."""

    model: type

    @abstractmethod
    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        """Insert the records of one new submission."""

    @abstractmethod
    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        """Rewrite the records of an edited submission (same instance id)."""

    def bulk_create(self, items: list[tuple[dict[str, Any], Prov]], staged: Any = None) -> None:
        """Insert many new submissions; ``staged`` is what :meth:`stage` prepared for these very items."""
        for clean, prov in items:
            self.create(clean, prov)

    def stage(self, items: list[tuple[dict[str, Any], Prov]]) -> Any:
        """Prepare, before the write transaction, what :meth:`bulk_create` will write (``None``: nothing)."""
        return None

    def existing(self, sid: str) -> Any:
        return self.model.objects.filter(submission_id=sid, origin=Origin.IMPORT).first()

    def outside_scope(self, user: Any, sid: str) -> bool:
        """Whether a record submission ``sid`` wrote lies outside ``user``'s reach (``None``: the system). The
        importer asks before an update, whatever the new version says: the stored rows decide."""
        if user is None or role_of(user) == Role.ADMINISTRATOR:
            return False
        rows = self.model.objects.filter(submission_id=sid, origin=Origin.IMPORT)
        return rows.exclude(pk__in=scoped(user, self.model).values("pk")).exists()


class HarvestHandler(Handler):
    """Harvests go through :func:`miaf.web.records.services.save_harvest`; the bulk path shares its row builders."""

    model = Harvest

    @staticmethod
    def _data(clean: dict[str, Any]) -> dict[str, Any]:
        return {"plot_id": clean["plot"][0], "species_id": clean["crop"], "harvested_on": clean["harvested_on"],
                "quantity_kg": clean["quantity_kg"], "notes": clean["harvest_notes"] or ""}

    @staticmethod
    def _destinations(clean: dict[str, Any]) -> list[dict[str, Any]] | None:
        if clean["_repeats"] is None:
            return None
        return [{"destination": s["destination"], "kg": s["sale_kg"], "price_mxn_per_kg": s["price_mxn_kg"],
                 "buyer": s["buyer"], "paid_on": s["paid_on"], "transport_mxn_per_kg": s.get("transport_mxn_kg"),
                 "quality_discount_pct": s.get("quality_discount_pct")} for s in clean["_repeats"].get("sales", [])]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        with refusals_as_invalid():
            records.save_harvest(None, self._data(clean), self._destinations(clean) or [], provenance=prov)

    #: Below this many new submissions a chunk goes through the service one by one (full validation, the
    #: same path as the web form and the API); above, through the bulk path for speed.
    bulk_threshold = 200

    def stage(self, items: list[tuple[dict[str, Any], Prov]]) -> Any:
        """The rows of the bulk path, adapted, with harvest ids counted from 0 (SQLite only)."""
        if len(items) < self.bulk_threshold or not fast_path_available():
            return None
        harvests, destinations = [], []
        for i, (c, p) in enumerate(items):
            harvests.append({
                "id": i, "created_at": p["imported_at"], "updated_at": p["imported_at"], "origin": p["origin"],
                "submission_id": p["submission_id"], "source_file": p["source_file"],
                "created_by_id": p["created_by"].pk if p["created_by"] is not None else None,
                "imported_at": p["imported_at"], **self._data(c),
            })
            destinations.extend(records.harvest_destination_rows(i, self._destinations(c) or []))
        return prepare_rows(Harvest, harvests, with_pk=True), prepare_rows(HarvestDestination, destinations)

    def bulk_create(self, items: list[tuple[dict[str, Any], Prov]], staged: Any = None) -> None:
        if len(items) < self.bulk_threshold:
            for clean, prov in items:
                self.create(clean, prov)
            return
        # The submissions were checked by the form's spec (the same rules, from records.rules); the rows are
        # built by the service's row builder so that both paths write the same columns.
        if not fast_path_available():
            harvests = Harvest.objects.bulk_create([Harvest(**self._data(c), **p) for c, p in items])
            HarvestDestination.objects.bulk_create([
                HarvestDestination(**row) for h, (c, _) in zip(harvests, items, strict=True)
                for row in records.harvest_destination_rows(h.pk, self._destinations(c) or [])
            ])
            return
        harvests, destinations = staged if staged is not None else self.stage(items)
        first = next_id(Harvest)  # inside the batch's write transaction: no one else inserts meanwhile
        harvests.execute(add={"id": first})
        destinations.execute(add={"harvest_id": first})

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        h = self.existing(prov["submission_id"])
        with refusals_as_invalid():
            records.save_harvest(None, self._data(clean), self._destinations(clean), instance=h, provenance=prov)


class VisitHandler(Handler):
    model = Visit

    @staticmethod
    def _fields(clean: dict[str, Any]) -> dict[str, Any]:
        return {
            "family_id": clean["family"], "plot_id": clean["plot"][0] if clean["plot"] else None,
            "visited_on": clean["visited_on"], "step": int(clean["step"] or 11),
            "observations": clean["observations"] or "", "agreements": clean["agreements"] or "",
            "tree_survival_pct": clean["tree_survival_pct"],
        }

    @staticmethod
    def _tree_items(clean: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"species": t["tree_species"], "row_number": t["row_number"], "tree_number": t["tree_number"],
             "alive": t["alive"] == "yes", "diameter_cm": t["diameter_cm"], "height_m": t["height_m"]}
            for t in (clean["_repeats"] or {}).get("trees", [])
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        visit = Visit(**self._fields(clean), promoter=prov["created_by"], **prov)
        with refusals_as_invalid():
            record_visit(prov["created_by"], visit, self._tree_items(clean))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        visit = self.existing(prov["submission_id"])
        for name, value in self._fields(clean).items():
            setattr(visit, name, value)
        _touch(visit, prov)
        with refusals_as_invalid():
            record_visit(prov["created_by"], visit, self._tree_items(clean) if clean["_repeats"] is not None else None)


class EconomyHandler(Handler):
    """Ledger lines go through :func:`miaf.web.records.services.save_ledger_entry`."""

    model = LedgerEntry

    @staticmethod
    def _entries(clean: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"family_id": clean["family"], "year": clean["year"], "month": int(e["month"]), "kind": e["kind"],
             "category": e["category"], "species_id": e["crop"], "amount_mxn": e["amount_mxn"],
             "notes": e["entry_notes"] or ""}
            for e in (clean["_repeats"] or {}).get("entries", [])
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        with refusals_as_invalid():
            for entry in self._entries(clean):
                records.save_ledger_entry(None, entry, provenance=prov)

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        old = LedgerEntry.objects.filter(submission_id=prov["submission_id"], origin=Origin.IMPORT)
        if clean["_repeats"] is None:
            old.update(family_id=clean["family"], year=clean["year"], imported_at=prov["imported_at"])
            return
        first = old.order_by("created_at").first()
        if first is not None:
            prov = {**prov, "created_by": first.created_by}
        for line in old:
            records.delete_record(None, line)
        self.create(clean, prov)


class EventHandler(Handler):
    model = TrainingEvent

    def outside_scope(self, user: Any, sid: str) -> bool:
        # The same rule as deleting the event: hosted by one of the user's groups, no attendance beyond reach.
        for event in self.model.objects.filter(submission_id=sid, origin=Origin.IMPORT):
            try:
                check_training_in_reach(user, event)
            except PermissionDenied:
                return True
        return False

    @staticmethod
    def _fields(clean: dict[str, Any]) -> dict[str, Any]:
        group_id, org_id, locality_id = clean["group"]
        return {"organisation_id": org_id, "group_id": group_id, "locality_id": locality_id,
                "kind": clean["event_kind"], "title": clean["title"], "topic": clean["topic"] or "",
                "held_on": clean["held_on"]}

    @staticmethod
    def _attendees(clean: dict[str, Any]) -> list[Attendee]:
        rows = (clean["_repeats"] or {}).get("attendees", [])
        fam_ids = {a["att_family"] for a in rows}
        members: dict[tuple[int, str], int] = {}
        for m in Member.objects.filter(family_id__in=fam_ids).values("id", "family_id", "name"):
            members.setdefault((m["family_id"], m["name"].casefold().strip()), m["id"])
        return [
            Attendee(a["att_family"], members.get((a["att_family"], (a["att_member"] or "").casefold().strip())))
            for a in rows
        ]

    @staticmethod
    def _invited(event: TrainingEvent, attendees: list[Attendee]) -> list[int]:
        # The form has no list of invited groups: the groups of the listed families (on the event's date) that
        # belong to the event's organisation are taken as invited; a family of another organisation is refused.
        return list(eligible_families_groups(event, {a.family_id for a in attendees}))

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        event = TrainingEvent(**self._fields(clean), **prov)
        attendees = self._attendees(clean)
        with refusals_as_invalid():
            record_training(prov["created_by"], event, attendees, invited=self._invited(event, attendees))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        event = self.existing(prov["submission_id"])
        for name, value in self._fields(clean).items():
            setattr(event, name, value)
        _touch(event, prov)
        attendees = self._attendees(clean) if clean["_repeats"] is not None else None
        with refusals_as_invalid():
            record_training(prov["created_by"], event, attendees,
                            invited=self._invited(event, attendees) if attendees is not None else None)


class PlotHandler(Handler):
    model = Plot

    @staticmethod
    def _slope(clean: dict[str, Any]) -> float | None:
        readings = [r["slope_pct"] for r in (clean["_repeats"] or {}).get("slope_readings", [])]
        return round(statistics.fmean(readings), 2) if readings else None

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        plot = Plot(family_id=clean["family"], name=clean["plot_name"], boundary={},
                    soil_depth_class=clean["soil_depth"], altitude_m=clean["altitude_m"], system=clean["system"],
                    mean_slope_pct=self._slope(clean), **prov)
        plot.apply_geometry(clean["boundary"])
        if clean["system"] in ("miaf", "miaf_d"):
            plot.established_on = clean["system_since"]
        plot.save()
        PlotPhase.objects.create(plot=plot, system=plot.system, started_on=clean["system_since"])

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        plot = self.existing(prov["submission_id"])
        plot.family_id, plot.name = clean["family"], clean["plot_name"]
        plot.soil_depth_class, plot.altitude_m = clean["soil_depth"], clean["altitude_m"]
        plot.apply_geometry(clean["boundary"])
        if clean["_repeats"] is not None:
            plot.mean_slope_pct = self._slope(clean)
        _touch(plot, prov)
        plot.save()
        if clean["system"] != plot.system:
            convert_plot(plot, clean["system"], clean["system_since"])


class FamilyHandler(Handler):
    model = Family

    @staticmethod
    def _notes(clean: dict[str, Any]) -> str:
        notes = clean["notes"] or ""
        plots = (clean["_repeats"] or {}).get("baseline_plots") or []
        if plots:
            listed = "; ".join(
                f"{p['bp_name']} ({p['bp_area_ha'] if p['bp_area_ha'] is not None else '?'} ha, {p['bp_system']})"
                for p in plots
            )
            notes = (notes + "\n" if notes else "") + f"Parcelas declaradas en la línea base: {listed}"
        return notes

    @staticmethod
    def _members(family: Family, clean: dict[str, Any]) -> list[Member]:
        return [
            Member(family=family, name=m["member_name"], sex=m["sex"], birth_year=m["birth_year"],
                   role=m["relation"], languages=m["member_languages"], migrated=m["member_migrated"] == "yes")
            for m in (clean["_repeats"] or {}).get("members", [])
        ]

    def _check_code(self, clean: dict[str, Any], sid: str) -> None:
        other = Family.objects.filter(code=clean["family_code"]).exclude(submission_id=sid, origin=Origin.IMPORT)
        if other.exists():
            raise v.Invalid("family_code_taken", value=clean["family_code"])

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        self._check_code(clean, prov["submission_id"])
        fam = Family(
            code=clean["family_code"], name=clean["family_name"], locality_id=clean["locality"],
            anyone_migrated=clean["anyone_migrated"] == "yes", migration_notes=clean["migration_notes"] or "",
            notes=self._notes(clean),
        )
        with refusals_as_invalid():
            register_family(prov["created_by"], fam, group=Group.objects.get(pk=clean["group"][0]),
                            joined_on=clean["joined_on"], members=self._members(fam, clean), provenance=prov)

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        self._check_code(clean, prov["submission_id"])
        fam = self.existing(prov["submission_id"])
        fam.code, fam.name, fam.locality_id = clean["family_code"], clean["family_name"], clean["locality"]
        fam.anyone_migrated = clean["anyone_migrated"] == "yes"
        fam.migration_notes = clean["migration_notes"] or ""
        if clean["_repeats"] is not None:
            fam.notes = self._notes(clean)
        _touch(fam, prov)

        def replace_members(family: Family) -> None:
            family.members.all().delete()
            audit.bulk_create(Member, self._members(family, clean))  # one history row each

        with refusals_as_invalid():
            update_family(prov["created_by"], fam, group=Group.objects.get(pk=clean["group"][0]),
                          joined_on=clean["joined_on"],
                          members=replace_members if clean["_repeats"] is not None else None)


class RecordHandler(Handler):
    """One record per submission, written by a :mod:`miaf.web.records.services` use case (the same validation
    as the web form and the API). ``save`` is that use case; ``data`` maps a clean submission to its fields."""

    save: Any

    @abstractmethod
    def data(self, clean: dict[str, Any]) -> dict[str, Any]:
        """The record's field values from one clean submission."""

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        with refusals_as_invalid():
            type(self).save(None, self.data(clean), provenance=prov)

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        with refusals_as_invalid():
            type(self).save(None, self.data(clean), instance=self.existing(prov["submission_id"]), provenance=prov)


class LabourHandler(RecordHandler):
    model = LabourLog
    save = staticmethod(records.save_labour)

    def data(self, clean: dict[str, Any]) -> dict[str, Any]:
        member_id = None
        if clean["member"]:
            names = {m.name.casefold().strip(): m.pk for m in Member.objects.filter(family_id=clean["family"])}
            member_id = names.get(clean["member"].casefold().strip())
            if member_id is None:
                raise v.Invalid("unknown_member", value=clean["member"])
        return {"family_id": clean["family"], "plot_id": clean["plot"][0] if clean["plot"] else None,
                "member_id": member_id, "year": clean["year"], "month": int(clean["month"]),
                "activity": clean["activity"], "kind": clean["labour_kind"], "person_days": clean["person_days"],
                "worker_sex": clean["worker_sex"] or "", "wage_mxn_per_day": clean["wage_mxn_day"]}


class InputPurchaseHandler(RecordHandler):
    model = InputPurchase
    save = staticmethod(records.save_input_purchase)

    def data(self, clean: dict[str, Any]) -> dict[str, Any]:
        return {"family_id": clean["family"], "plot_id": clean["plot"][0] if clean["plot"] else None,
                "purchased_on": clean["purchased_on"], "item": clean["item"], "quantity": clean["quantity"],
                "unit": clean["unit"], "cost_mxn": clean["cost_mxn"], "supplier": clean["supplier"] or "",
                "collective": clean["collective"] == "yes"}


class PlantingHandler(RecordHandler):
    model = Planting
    save = staticmethod(records.save_planting)

    def data(self, clean: dict[str, Any]) -> dict[str, Any]:
        return {"plot_id": clean["plot"][0], "species_id": clean["species"], "planted_on": clean["planted_on"],
                "quantity": clean["quantity"], "unit": clean["unit"], "row_number": clean["row_number"],
                "notes": clean["planting_notes"] or ""}


class ProcessStepHandler(Handler):
    """A process-step submission (``miaf_process``) goes through the process use cases: start or close the
    step (out of order only with its reason), tick the checklist items, keep the notes as evidence. The
    step history is append-only, so an edited submission is refused (send a new one). The photo stays on
    the ODK server: attachments are not part of the exported rows."""

    model = StepEvent

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        from miaf.web.process import services as process
        from miaf.web.process.cli import operator

        user = prov["created_by"] or operator()  # no user: the operator of the command line
        group = Group.objects.select_related("producer_organisation").get(pk=clean["group"][0])
        number, on = int(clean["stage"]), clean["on"]
        with refusals_as_invalid():
            if clean["status"] == "in_progress":
                record = process.start_step(user, group, number, on, notes=clean["notes"] or "")
            else:
                record = process.complete_step(user, group, number, on, reason=clean["out_of_order_reason"] or "",
                                               notes=clean["notes"] or "", skip=clean["status"] == "skipped")
            items = {f"s{number}_{i.order}": i for i in record.stage.checklist.all()}
            for code in clean["checklist"] or []:
                if code not in items:
                    raise v.Invalid("refused", es=f"El punto {code} no es del paso {number}.",
                                    en=f"Checklist item {code} is not of step {number}.")
                process.tick_checklist(user, record, items[code], True, on)
            if clean["notes"]:
                process.add_evidence(user, record, "note", clean["notes"])

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        raise v.Invalid("refused", es="El historial del proceso no se reescribe: envíe un formulario nuevo.",
                        en="The process history is not rewritten: send a new submission.")

    def existing(self, sid: str) -> Any:
        return None

    def outside_scope(self, user: Any, sid: str) -> bool:
        return False  # an update is refused anyway (the history is append-only)


HANDLERS: dict[str, Handler] = {
    "harvest": HarvestHandler(), "visit": VisitHandler(), "economy": EconomyHandler(),
    "event": EventHandler(), "plot": PlotHandler(), "family": FamilyHandler(),
    "labour": LabourHandler(), "inputs": InputPurchaseHandler(), "planting": PlantingHandler(),
    "process": ProcessStepHandler(),
}
