"""Production and household records: plantings, harvests (with destinations), input purchases, labour, ledger.

Personal data (analysts get 403); rows are scoped through their family (``scoped(user, Model)``).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.scoping import families_for, plots_for, scoped
from miaf.web.api.crud import Ref, Resource, default_save, register
from miaf.web.api.schemas import (
    HarvestIn,
    HarvestOut,
    InputPurchaseIn,
    InputPurchaseOut,
    LabourIn,
    LabourOut,
    LedgerIn,
    LedgerOut,
    PlantingIn,
    PlantingOut,
)
from miaf.web.catalogue.models import Species
from miaf.web.records import services
from miaf.web.records.models import (
    Harvest,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)
from miaf.web.registry.models import Member

router = Router()


def family_filters(path: str, year: str) -> dict:
    """The list filters of a record reached from its family through ``path``."""
    out = {
        "organisation": lambda v: Q(**{f"{path}__memberships__group__producer_organisation": v})
        | Q(**{f"{path}__memberships__group__producer_organisation__accompanied_by": v}),
        "group": f"{path}__memberships__group",
        "municipality": f"{path}__locality__municipality",
        "family": path,
        "year": year,
    }
    out["system"] = "plot__system"
    return out


SPECIES = Ref(lambda user: Species.objects.all(), lookup="code", label=_l("La especie"))
PLOT = Ref(lambda user: plots_for(user), label=_l("La parcela"))
FAMILY = Ref(lambda user: families_for(user), label=_l("La familia"))
MEMBER = Ref(lambda user: Member.objects.filter(family__in=families_for(user).values("pk")), label=_l("La persona"))


def save_with_family_plot(request: HttpRequest, obj, data: dict, created: bool):  # noqa: ANN001, ANN201
    """Default save, refusing a plot that belongs to another family than the record's (fieldwork rows)."""
    for key, value in data.items():
        setattr(obj, key, value)
    services.check_plot_of_family(obj)
    return default_save(request, obj, {}, created)


def save_harvest(request: HttpRequest, harvest: Harvest, data: dict, created: bool) -> Harvest:
    """A harvest and (when sent) its destinations, through the records service."""
    destinations = data.pop("destinations", None)
    return services.save_harvest(request.auth, data, destinations, instance=harvest)


def _through(service):  # noqa: ANN001, ANN202
    """An API saver calling a records use case (the row was already stamped ``origin=api``)."""

    def save(request: HttpRequest, obj, data: dict, created: bool):  # noqa: ANN001, ANN202
        return service(request.auth, data, instance=obj)

    return save


def delete_record(request: HttpRequest, obj) -> None:  # noqa: ANN001
    services.delete_record(request.auth, obj)


plantings = Resource(
    name="plantings", model=Planting, out=PlantingOut, label=_l("La siembra"), create=PlantingIn,
    queryset=lambda user: scoped(user, Planting).select_related("species"),
    filters={**family_filters("plot__family", "planted_on__year"), "system": "plot__system"},
    search=("notes", "species__code", "species__name_es"), refs={"plot": PLOT, "species": SPECIES},
    save=_through(services.save_planting), delete=delete_record,
)
harvests = Resource(
    name="harvests", model=Harvest, out=HarvestOut, label=_l("La cosecha"), create=HarvestIn,
    queryset=lambda user: scoped(user, Harvest).select_related("species").prefetch_related("destinations"),
    filters={**family_filters("plot__family", "harvested_on__year"), "system": "plot__system"},
    search=("notes", "species__code", "species__name_es", "destinations__buyer"),
    refs={"plot": PLOT, "species": SPECIES}, nested=("destinations",), save=save_harvest,
    delete=delete_record,
    description="Harvests with their destinations (self-consumption, organisation, intermediary …). "
    "Destinations adding up to more kg than the harvest are refused (422, field `destinations`).",
)
inputs = Resource(
    name="inputs", model=InputPurchase, out=InputPurchaseOut, label=_l("La compra de insumos"),
    create=InputPurchaseIn, queryset=lambda user: scoped(user, InputPurchase),
    filters={**family_filters("family", "purchased_on__year"), "plot": "plot", "collective": "collective"},
    search=("item", "supplier", "unit"), refs={"family": FAMILY, "plot": PLOT},
    save=_through(services.save_input_purchase), delete=delete_record,
    description="Input purchases of a family (seedlings, seed, compost, tools …), optionally for one of its "
    "plots; `collective` marks a purchase made together through the group or organisation. "
    "`cost_mxn` is the total paid [MXN].",
)
labour = Resource(
    name="labour", model=LabourLog, out=LabourOut, label=_l("El registro de mano de obra"), create=LabourIn,
    queryset=lambda user: scoped(user, LabourLog),
    filters=family_filters("family", "year"), search=("activity",),
    refs={"family": FAMILY, "plot": PLOT, "member": MEMBER}, save=_through(services.save_labour),
    delete=delete_record,
)
ledger = Resource(
    name="ledger", model=LedgerEntry, out=LedgerOut, label=_l("El movimiento"), create=LedgerIn,
    queryset=lambda user: scoped(user, LedgerEntry).select_related("species"),
    filters={k: v for k, v in family_filters("family", "year").items() if k != "system"},
    search=("notes", "category"), refs={"family": FAMILY, "species": SPECIES},
    save=_through(services.save_ledger_entry), delete=delete_record,
    description="The household economy calendar: income by source, expenses by destination, by month.",
)

for _resource in (plantings, harvests, inputs, labour, ledger):
    _sub = Router(tags=[_resource.name])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)

__all__ = ["router"]
