"""Production and household records: plantings, harvests (with destinations), input purchases, labour, ledger.

Personal data (analysts get 403); rows are scoped through their family (``scoped(user, Model)``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Router

from miaf.web.accounts.scoping import families_for, plots_for, scoped
from miaf.web.api.crud import Ref, Resource, default_save, register
from miaf.web.api.errors import FieldError
from miaf.web.api.nested import clean_nested
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
from miaf.web.records.models import (
    Harvest,
    HarvestDestination,
    InputPurchase,
    LabourLog,
    LedgerEntry,
    Planting,
)

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


def save_with_family_plot(request: HttpRequest, obj, data: dict, created: bool):  # noqa: ANN001, ANN201
    """Default save, refusing a plot that belongs to another family than the record's."""
    for key, value in data.items():
        setattr(obj, key, value)
    if obj.plot_id is not None and obj.family_id is not None and obj.plot.family_id != obj.family_id:
        raise FieldError("plot", _("La parcela no es de esta familia."), "other_family")
    return default_save(request, obj, {}, created)


def save_harvest(request: HttpRequest, harvest: Harvest, data: dict, created: bool) -> Harvest:
    """Save a harvest and (when sent) replace its destinations; splits above the harvest are refused."""
    destinations = data.pop("destinations", None)
    for key, value in data.items():
        setattr(harvest, key, value)
    harvest.full_clean()
    rows = None
    if destinations is not None:
        rows = [HarvestDestination(**d) for d in destinations]
        for i, row in enumerate(rows):
            clean_nested(row, f"destinations.{i}.", exclude=["harvest"])
    try:
        if rows is not None:
            harvest.check_destinations([row.kg for row in rows])
        elif not created:
            harvest.check_destinations()
    except ValidationError as exc:
        message = exc.message_dict.get("destinations", exc.messages)[0]
        raise FieldError("destinations", message, "split_exceeds_harvest") from exc
    harvest.save()
    if rows is not None:
        harvest.destinations.all().delete()
        for row in rows:
            row.harvest = harvest
        HarvestDestination.objects.bulk_create(rows)
    return harvest


plantings = Resource(
    name="plantings", model=Planting, out=PlantingOut, label=_l("La siembra"), create=PlantingIn,
    queryset=lambda user: scoped(user, Planting).select_related("species"),
    filters={**family_filters("plot__family", "planted_on__year"), "system": "plot__system"},
    search=("notes", "species__code", "species__name_es"), refs={"plot": PLOT, "species": SPECIES},
)
harvests = Resource(
    name="harvests", model=Harvest, out=HarvestOut, label=_l("La cosecha"), create=HarvestIn,
    queryset=lambda user: scoped(user, Harvest).select_related("species").prefetch_related("destinations"),
    filters={**family_filters("plot__family", "harvested_on__year"), "system": "plot__system"},
    search=("notes", "species__code", "species__name_es", "destinations__buyer"),
    refs={"plot": PLOT, "species": SPECIES}, nested=("destinations",), save=save_harvest,
    description="Harvests with their destinations (self-consumption, organisation, intermediary …). "
    "Destinations adding up to more kg than the harvest are refused (422, field `destinations`).",
)
inputs = Resource(
    name="inputs", model=InputPurchase, out=InputPurchaseOut, label=_l("La compra de insumos"),
    create=InputPurchaseIn, queryset=lambda user: scoped(user, InputPurchase),
    filters={**family_filters("family", "purchased_on__year"), "plot": "plot", "collective": "collective"},
    search=("item", "supplier", "unit"), refs={"family": FAMILY, "plot": PLOT}, save=save_with_family_plot,
    description="Input purchases of a family (seedlings, seed, compost, tools …), optionally for one of its "
    "plots; `collective` marks a purchase made together through the group or organisation. "
    "`cost_mxn` is the total paid [MXN].",
)
labour = Resource(
    name="labour", model=LabourLog, out=LabourOut, label=_l("El registro de mano de obra"), create=LabourIn,
    queryset=lambda user: scoped(user, LabourLog),
    filters=family_filters("family", "year"), search=("activity",),
    refs={"family": FAMILY, "plot": PLOT}, save=save_with_family_plot,
)
ledger = Resource(
    name="ledger", model=LedgerEntry, out=LedgerOut, label=_l("El movimiento"), create=LedgerIn,
    queryset=lambda user: scoped(user, LedgerEntry).select_related("species"),
    filters={k: v for k, v in family_filters("family", "year").items() if k != "system"},
    search=("notes", "category"), refs={"family": FAMILY, "species": SPECIES},
    description="The household economy calendar: income by source, expenses by destination, by month.",
)

for _resource in (plantings, harvests, inputs, labour, ledger):
    _sub = Router(tags=[_resource.name])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)

__all__ = ["router"]
