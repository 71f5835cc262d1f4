"""Catalogue and places: species (read-only), municipalities (read-only), localities.

Not personal data: every role, analysts included, may read them.
"""

# No ``from __future__ import annotations``: django-ninja must see the query schema classes themselves.

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import Path, Query, Router
from ninja.pagination import paginate

from miaf.web.api.crud import Ref, Resource, register
from miaf.web.api.schemas import (
    LocalityIn,
    LocalityOut,
    MunicipalityOut,
    Pagination,
    SpeciesOut,
    filters,
    responses,
)
from miaf.web.catalogue.models import Species
from miaf.web.registry.models import Locality, Municipality
from miaf.web.registry.services import can_change_locality
from miaf.web.registry.services import save_locality as services_save_locality

router = Router(tags=["catalogue and places"])
SpeciesFilters = filters("SpeciesFilters", "q")


@router.get("/species", response=responses(200, list[SpeciesOut], 401, 422), operation_id="species_list",
            summary="List the species catalogue")
@paginate(Pagination)
def list_species(request: HttpRequest, filters: SpeciesFilters = Query(...)):  # noqa: ANN201, B008
    qs = Species.objects.order_by("stratum", "name_es", "pk")
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(name_es__icontains=filters.q) | Q(scientific_name__icontains=filters.q))
    return qs


@router.get("/species/{code}", response=responses(200, SpeciesOut, 401, 404), operation_id="species_get",
            summary="Get one species by its catalogue code")
def get_species(request: HttpRequest, code: str = Path(..., min_length=1, max_length=40)):  # noqa: ANN201
    species = Species.objects.filter(code=code).first()
    if species is None:
        raise Http404(_("No hay especie con el código «%(code)s» en el catálogo.") % {"code": code})
    return species


def everyone(user) -> object:  # noqa: ANN001
    return Locality.objects.select_related("municipality")


def administers(user, obj=None) -> bool:  # noqa: ANN001
    return can_change_locality(user)


def save_locality(request: HttpRequest, obj: Locality, data: dict, created: bool) -> Locality:
    for key, value in data.items():
        setattr(obj, key, value)
    return services_save_locality(request.auth, obj)


municipalities = Resource(
    name="municipalities", model=Municipality, out=MunicipalityOut, label=_l("El municipio"),
    queryset=lambda user: Municipality.objects.all(), personal=False,
    search=("name", "state_name"), description="INEGI municipalities with their boundary (GeoJSON) and rainfall normal.",
)
localities = Resource(
    name="localities", model=Locality, out=LocalityOut, label=_l("La localidad"), create=LocalityIn,
    queryset=everyone, personal=False, filters={"municipality": "municipality"}, search=("name", "locality_code"),
    refs={"municipality": Ref(lambda user: Municipality.objects.all(), label=_l("El municipio"))},
    can_change=administers, save=save_locality,
    description="Localities. Promoters may add one; only coordinators and administrators change or delete.",
)


for _resource in (municipalities, localities):
    _sub = Router(tags=["catalogue and places"])
    register(_sub, _resource)
    router.add_router(f"/{_resource.name}", _sub)
