"""Writing a validated submission into the registry and records, one handler per form.

A handler creates the records of a new submission and updates those of an edited one. Each record keeps
its provenance (``origin="import"``, ``source_file``, ``submission_id`` = the root instance id,
``created_by``, ``imported_at``). Repeat groups are replaced as a whole on update; when the export does not
carry repeat groups (KoboToolbox CSV, ``_repeats is None``) they are left as they are.
"""

from __future__ import annotations

import statistics
from abc import ABC, abstractmethod
from typing import Any

from miaf.web.core.models import Origin
from miaf.web.fieldwork.models import Attendance, TrainingEvent, TreeMeasurement, Visit
from miaf.web.intake.services import values as v
from miaf.web.intake.services.fastinsert import fast_path_available, insert_rows, next_id
from miaf.web.plots.models import Plot, PlotPhase
from miaf.web.plots.services import convert_plot
from miaf.web.records.models import Harvest, HarvestDestination, LedgerEntry
from miaf.web.registry.models import Family, Member, Membership

Prov = dict[str, Any]


def provenance(source_file: str, submission_id: str, user: Any, when: Any) -> Prov:
    return {"origin": Origin.IMPORT, "source_file": source_file[:255], "submission_id": submission_id,
            "created_by": user, "imported_at": when}


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

    def bulk_create(self, items: list[tuple[dict[str, Any], Prov]]) -> None:
        for clean, prov in items:
            self.create(clean, prov)

    def existing(self, sid: str) -> Any:
        return self.model.objects.filter(submission_id=sid, origin=Origin.IMPORT).first()


class HarvestHandler(Handler):
    model = Harvest

    @staticmethod
    def _harvest(clean: dict[str, Any], prov: Prov) -> Harvest:
        return Harvest(plot_id=clean["plot"][0], species_id=clean["crop"], harvested_on=clean["harvested_on"],
                       quantity_kg=clean["quantity_kg"], notes=clean["harvest_notes"] or "", **prov)

    @staticmethod
    def _destinations(h: Harvest, clean: dict[str, Any]) -> list[HarvestDestination]:
        return [
            HarvestDestination(harvest=h, destination=s["destination"], kg=s["sale_kg"],
                               price_mxn_per_kg=s["price_mxn_kg"], buyer=s["buyer"] or "", paid_on=s["paid_on"])
            for s in (clean["_repeats"] or {}).get("sales", [])
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        h = self._harvest(clean, prov)
        h.save()
        HarvestDestination.objects.bulk_create(self._destinations(h, clean))

    def bulk_create(self, items: list[tuple[dict[str, Any], Prov]]) -> None:
        if not fast_path_available():
            harvests = Harvest.objects.bulk_create([self._harvest(c, p) for c, p in items])
            HarvestDestination.objects.bulk_create(
                [d for h, (c, _) in zip(harvests, items, strict=True) for d in self._destinations(h, c)]
            )
            return
        first = next_id(Harvest)
        harvests, destinations = [], []
        for i, (c, p) in enumerate(items):
            hid = first + i
            harvests.append({
                "id": hid, "created_at": p["imported_at"], "updated_at": p["imported_at"], "origin": p["origin"],
                "submission_id": p["submission_id"], "source_file": p["source_file"],
                "created_by_id": p["created_by"].pk if p["created_by"] is not None else None,
                "imported_at": p["imported_at"], "plot_id": c["plot"][0], "species_id": c["crop"],
                "harvested_on": c["harvested_on"], "quantity_kg": c["quantity_kg"], "notes": c["harvest_notes"] or "",
            })
            for s in (c["_repeats"] or {}).get("sales", []):
                destinations.append({"harvest_id": hid, "destination": s["destination"], "kg": s["sale_kg"],
                                     "price_mxn_per_kg": s["price_mxn_kg"], "buyer": s["buyer"] or "",
                                     "paid_on": s["paid_on"]})
        insert_rows(Harvest, harvests, with_pk=True)
        insert_rows(HarvestDestination, destinations)

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        h = self.existing(prov["submission_id"])
        new = self._harvest(clean, prov)
        for name in ("plot_id", "species_id", "harvested_on", "quantity_kg", "notes"):
            setattr(h, name, getattr(new, name))
        _touch(h, prov)
        h.save()
        if clean["_repeats"] is not None:
            h.destinations.all().delete()
            HarvestDestination.objects.bulk_create(self._destinations(h, clean))


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
    def _trees(visit: Visit, clean: dict[str, Any]) -> list[TreeMeasurement]:
        return [
            TreeMeasurement(visit=visit, species_id=t["tree_species"], row_number=t["row_number"],
                            tree_number=t["tree_number"], alive=t["alive"] == "yes",
                            diameter_cm=t["diameter_cm"], height_m=t["height_m"])
            for t in (clean["_repeats"] or {}).get("trees", [])
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        visit = Visit.objects.create(**self._fields(clean), promoter=prov["created_by"], **prov)
        TreeMeasurement.objects.bulk_create(self._trees(visit, clean))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        visit = self.existing(prov["submission_id"])
        for name, value in self._fields(clean).items():
            setattr(visit, name, value)
        _touch(visit, prov)
        visit.save()
        if clean["_repeats"] is not None:
            visit.measurements.all().delete()
            TreeMeasurement.objects.bulk_create(self._trees(visit, clean))


class EconomyHandler(Handler):
    model = LedgerEntry

    @staticmethod
    def _entries(clean: dict[str, Any], prov: Prov) -> list[LedgerEntry]:
        return [
            LedgerEntry(family_id=clean["family"], year=clean["year"], month=int(e["month"]), kind=e["kind"],
                        category=e["category"], species_id=e["crop"], amount_mxn=e["amount_mxn"],
                        notes=e["entry_notes"] or "", **prov)
            for e in (clean["_repeats"] or {}).get("entries", [])
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        LedgerEntry.objects.bulk_create(self._entries(clean, prov))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        old = LedgerEntry.objects.filter(submission_id=prov["submission_id"], origin=Origin.IMPORT)
        if clean["_repeats"] is None:
            old.update(family_id=clean["family"], year=clean["year"], imported_at=prov["imported_at"])
            return
        first = old.order_by("created_at").first()
        if first is not None:
            prov = {**prov, "created_by": first.created_by}
        old.delete()
        LedgerEntry.objects.bulk_create(self._entries(clean, prov))


class EventHandler(Handler):
    model = TrainingEvent

    @staticmethod
    def _fields(clean: dict[str, Any]) -> dict[str, Any]:
        group_id, org_id, locality_id = clean["group"]
        return {"organisation_id": org_id, "group_id": group_id, "locality_id": locality_id,
                "kind": clean["event_kind"], "title": clean["title"], "topic": clean["topic"] or "",
                "held_on": clean["held_on"]}

    @staticmethod
    def _attendance(event: TrainingEvent, clean: dict[str, Any]) -> list[Attendance]:
        rows = (clean["_repeats"] or {}).get("attendees", [])
        fam_ids = {a["att_family"] for a in rows}
        members: dict[tuple[int, str], int] = {}
        for m in Member.objects.filter(family_id__in=fam_ids).values("id", "family_id", "name"):
            members.setdefault((m["family_id"], m["name"].casefold().strip()), m["id"])
        return [
            Attendance(event=event, family_id=a["att_family"],
                       member_id=members.get((a["att_family"], (a["att_member"] or "").casefold().strip())))
            for a in rows
        ]

    def create(self, clean: dict[str, Any], prov: Prov) -> None:
        event = TrainingEvent.objects.create(**self._fields(clean), **prov)
        Attendance.objects.bulk_create(self._attendance(event, clean))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        event = self.existing(prov["submission_id"])
        for name, value in self._fields(clean).items():
            setattr(event, name, value)
        _touch(event, prov)
        event.save()
        if clean["_repeats"] is not None:
            event.attendance.all().delete()
            Attendance.objects.bulk_create(self._attendance(event, clean))


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
        fam = Family.objects.create(
            code=clean["family_code"], name=clean["family_name"], locality_id=clean["locality"],
            anyone_migrated=clean["anyone_migrated"] == "yes", migration_notes=clean["migration_notes"] or "",
            notes=self._notes(clean), **prov,
        )
        Membership.objects.create(family=fam, group_id=clean["group"][0], joined_on=clean["joined_on"])
        Member.objects.bulk_create(self._members(fam, clean))

    def update(self, clean: dict[str, Any], prov: Prov) -> None:
        self._check_code(clean, prov["submission_id"])
        fam = self.existing(prov["submission_id"])
        fam.code, fam.name, fam.locality_id = clean["family_code"], clean["family_name"], clean["locality"]
        fam.anyone_migrated = clean["anyone_migrated"] == "yes"
        fam.migration_notes = clean["migration_notes"] or ""
        if clean["_repeats"] is not None:
            fam.notes = self._notes(clean)
        _touch(fam, prov)
        fam.save()
        current = fam.memberships.filter(left_on__isnull=True).first()
        group_id = clean["group"][0]
        if current is None or current.group_id != group_id:
            if current is not None:
                current.left_on = max(clean["joined_on"], current.joined_on)
                current.save(update_fields=["left_on", "updated_at"])
            Membership.objects.create(family=fam, group_id=group_id, joined_on=clean["joined_on"])
        elif current.joined_on != clean["joined_on"]:
            current.joined_on = clean["joined_on"]
            current.save(update_fields=["joined_on", "updated_at"])
        if clean["_repeats"] is not None:
            fam.members.all().delete()
            Member.objects.bulk_create(self._members(fam, clean))


HANDLERS: dict[str, Handler] = {
    "harvest": HarvestHandler(), "visit": VisitHandler(), "economy": EconomyHandler(),
    "event": EventHandler(), "plot": PlotHandler(), "family": FamilyHandler(),
}
