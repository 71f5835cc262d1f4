"""Request and response schemas of the API (pydantic through django-ninja).

Conventions: a reference to another row is its integer id (``plot``, ``family``, ``group`` …), except a
species, referenced by its catalogue code (``"aguacate"``). Money and kilograms are decimals, sent as
numbers or strings and returned as strings (``"12.50"``) so that no cent is lost. Dates are ISO
(``2024-05-31``). Geometries are GeoJSON in WGS84 (longitude, latitude).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, create_model, field_validator

from miaf.web.fieldwork.models import Step, TrainingEvent
from miaf.web.plots.models import SoilDepth, System
from miaf.web.records.models import Destination, LabourLog, LedgerEntry
from miaf.web.registry.models import Language, Member, OrganisationKind

#: The largest id a client may send: a 64-bit signed integer (the database's BigAutoField).
MAX_ID = 2**63 - 1
#: The largest page the list endpoints return.
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
#: Offsets beyond this are refused (422) rather than passed to the database.
MAX_OFFSET = 10**9

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def choice(values: list[str] | tuple[str, ...], blank: bool = False) -> Any:
    """A ``Literal`` of a Django choices list (with ``""`` when the field may be blank)."""
    options = ("", *values) if blank else tuple(values)
    return Literal.__getitem__(options)


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802  (reads as a type)
    return Annotated[str, Field(max_length=max_length, min_length=min_length)]


def Amount(max_digits: int = 12) -> Any:  # noqa: N802
    return Annotated[Decimal, Field(ge=0, max_digits=max_digits, decimal_places=2, allow_inf_nan=False)]


Float = Annotated[float, Field(allow_inf_nan=False)]


# --- errors and pages -------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str = Field(description="What is wrong, in the request's language (Spanish by default).")


class FieldErrorOut(Schema):
    field: str | None = Field(description="The field at fault (dotted for nested: `destinations.0.kg`); null when the whole record is at fault.")
    message: str
    code: str = Field(description="A stable code: `required`, `not_found`, `self_intersects`, `split_exceeds_harvest` …")


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


ERRORS: dict[int, Any] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut,
}


def responses(status: int, schema: Any, *codes: int) -> dict[int, Any]:
    """``{status: schema}`` plus the error responses an operation can give (all, unless ``codes``).

    401 (no or bad token) and 422 (a malformed id, query or body) are always possible; 400 is a body
    that is not JSON at all.
    """
    wanted = set(codes or ERRORS) | {401, 422}
    return {status: schema, **{code: ERRORS[code] for code in sorted(wanted)}}


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` (limit 1–500, default 100); answers ``{"items": [...], "count": N}``."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (at most 500).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def _items_count(self, queryset: Any) -> int:
        """The total from :func:`~miaf.web.core.paging.cached_count` (one scan of the scope per data version)."""
        from django.db.models import QuerySet

        from miaf.web.core.paging import cached_count

        if isinstance(queryset, QuerySet):
            return cached_count(queryset)
        return len(queryset)


# --- payload base -----------------------------------------------------------------------------------


class Payload(Schema):
    """Base of every request body: unknown fields and NUL characters are refused."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise ValueError("text may not contain NUL characters")
        return value


def partial(schema: type[Schema], name: str) -> type[Schema]:
    """The PATCH version of ``schema``: every field optional; only the fields sent are applied."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[field_name] = (annotation | None, Field(None, description=info.description))
    return create_model(name, __base__=Payload, **fields)


class Filters(Schema):
    """Base of the list filters (each list declares only the filters it applies)."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text may not contain NUL characters")
        return value


FILTER_FIELDS: dict[str, tuple[Any, str]] = {
    "q": (Annotated[str, Field(max_length=100)], "Text search (names, codes, notes)."),
    "organisation": (Id, "Producer or accompanying organisation id."),
    "group": (Id, "Working group id."),
    "municipality": (Id, "Municipality id."),
    "system": (choice(System.values), "Production system of the plot."),
    "year": (Annotated[int, Field(ge=1900, le=2100)], "Calendar year of the record."),
    "family": (Id, "Family id."),
    "plot": (Id, "Plot id."),
    "collective": (bool, "true: collective purchases only; false: individual purchases only."),
    "status": (choice(("planned", "done", "cancelled")), "Status of a planned visit."),
    "promoter": (Annotated[str, Field(max_length=150)], "Username of the promoter."),
}


def filters(name: str, *keys: str) -> type[Schema]:
    fields = {
        key: (FILTER_FIELDS[key][0] | None, Field(None, description=FILTER_FIELDS[key][1])) for key in keys
    }
    return create_model(name, __base__=Filters, **fields)


class StampedOut(Schema):
    origin: str = Field(description="manual, import, demo or api")
    created_at: dt.datetime
    updated_at: dt.datetime


# --- catalogue and places ---------------------------------------------------------------------------


class SpeciesOut(Schema):
    code: str
    scientific_name: str
    name_es: str
    name_en: str
    name_local: str
    stratum: str
    perennial: bool
    native: bool
    years_to_first_harvest: int
    years_to_full_yield: int
    harvest_months: list[int]
    unit: str
    default_price_mxn_kg: Decimal
    default_yield_kg_ha: float | None
    mature_yield_kg_per_tree: float | None
    in_row_spacing_m: float | None
    wood_density_g_cm3: float | None
    tag: str
    source: str


class MunicipalityOut(Schema):
    id: int
    state_code: str
    code: str
    inegi_code: str
    name: str
    state_name: str
    rainfall_normal_mm: float | None
    boundary: dict[str, Any] | None = Field(description="GeoJSON geometry (WGS84), simplified.")


class LocalityIn(Payload):
    name: Text(160, 1)
    municipality: Id
    locality_code: Text(4) = ""
    latitude: Float | None = Field(None, description="[degrees] 14–33")
    longitude: Float | None = Field(None, description="[degrees] −119 to −86")
    altitude_m: Float | None = None


class LocalityOut(Schema):
    id: int
    name: str
    municipality: int = Field(validation_alias="municipality_id")
    locality_code: str
    latitude: float | None
    longitude: float | None
    altitude_m: float | None


class OrganisationIn(Payload):
    name: Text(200, 1)
    short_name: Text(40) = ""
    kind: choice(OrganisationKind.values)
    accompanied_by: Id | None = Field(None, description="Accompanying organisation (required for a producer organisation).")


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    accompanied_by: int | None = Field(validation_alias="accompanied_by_id")


class GroupIn(Payload):
    name: Text(160, 1)
    locality: Id
    producer_organisation: Id
    formed_on: dt.date | None = None


class GroupOut(Schema):
    id: int
    name: str
    locality: int = Field(validation_alias="locality_id")
    municipality: int = Field(validation_alias="locality.municipality_id")
    producer_organisation: int = Field(validation_alias="producer_organisation_id")
    formed_on: dt.date | None


# --- families ----------------------------------------------------------------------------------------


class MemberIn(Payload):
    id: Id | None = Field(None, description="Id of an existing member to update; omit to add one.")
    name: Text(160, 1)
    sex: choice(Member.Sex.values)
    birth_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    role: choice(Member.Role.values)
    languages: list[choice(Language.values)] = Field(default_factory=list)
    migrated: bool = False


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int | None
    role: str
    languages: list[str]
    migrated: bool


class MembershipOut(Schema):
    id: int
    group: int = Field(validation_alias="group_id")
    joined_on: dt.date
    left_on: dt.date | None


class FamilyIn(Payload):
    code: Text(32, 1)
    name: Text(160, 1)
    locality: Id
    group: Id = Field(description="Working group the family belongs to now (must be within your reach).")
    joined_on: dt.date = Field(description="Date the family joined that group.")
    anyone_migrated: bool = False
    migration_notes: Text(5000) = ""
    notes: Text(5000) = ""
    members: list[MemberIn] = Field(
        default_factory=list,
        description="On update, the full list: members sent with an id are updated, without an id added, "
        "members not listed are removed.",
    )


class FamilyOut(StampedOut):
    id: int
    code: str
    name: str
    locality: int = Field(validation_alias="locality_id")
    municipality: int = Field(validation_alias="locality.municipality_id")
    group: int | None = Field(description="Current working group (open membership).")
    anyone_migrated: bool
    migration_notes: str
    notes: str
    members: list[MemberOut]
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_group(obj: Any) -> int | None:
        open_ = [m for m in obj.memberships.all() if m.left_on is None]
        return open_[0].group_id if open_ else None


# --- plots -------------------------------------------------------------------------------------------

BOUNDARY_DOC = (
    "GeoJSON Polygon geometry in WGS84 (longitude, latitude), closed ring, inside Mexico, not "
    "self-intersecting, at most 1000 ha. Validated by miaf.geo.validate_boundary; a refusal is a 422 "
    "with field `boundary` and a code such as `not_closed`, `self_intersects`, `outside_mexico`."
)
EXAMPLE_POLYGON = {
    "type": "Polygon",
    "coordinates": [[[-91.98, 16.31], [-91.979, 16.31], [-91.979, 16.3109], [-91.98, 16.3109], [-91.98, 16.31]]],
}


class PlotUpdate(Payload):
    family: Id
    name: Text(120, 1)
    boundary: dict[str, Any] = Field(description=BOUNDARY_DOC, examples=[EXAMPLE_POLYGON])
    altitude_m: Float | None = Field(None, description="[m] −10 to 5700")
    mean_slope_pct: Float | None = Field(None, description="[%] 0–300")
    soil_depth_class: choice(SoilDepth.values, blank=True) = ""
    established_on: dt.date | None = None


class PlotIn(PlotUpdate):
    system: choice(System.values) = Field(System.TRADITIONAL.value, description="System of the first phase; change it later with POST /plots/{id}/phases.")
    since: dt.date | None = Field(None, description="Start of the first phase (default: established_on, else today).")


class PlotOut(StampedOut):
    id: int
    family: int = Field(validation_alias="family_id")
    name: str
    boundary: dict[str, Any] = Field(description="GeoJSON Polygon (WGS84).")
    area_ha: float = Field(description="[ha] geodesic area on the WGS84 ellipsoid")
    centroid_lat: float
    centroid_lon: float
    altitude_m: float | None
    mean_slope_pct: float | None
    soil_depth_class: str
    system: str
    established_on: dt.date | None


class Feature(Schema):
    type: Literal["Feature"] = "Feature"
    id: int
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    count: int = Field(description="Plots matching the filters (all pages).")
    features: list[Feature]


class PlotPage(Schema):
    items: list[PlotOut]
    count: int


class PhaseIn(Payload):
    system: choice(System.values)
    on: dt.date = Field(description="Date of the change: closes the open phase and opens the new one.")
    notes: Text(5000) = ""


class PhaseOut(Schema):
    id: int
    system: str
    started_on: dt.date
    ended_on: dt.date | None
    notes: str


# --- records -----------------------------------------------------------------------------------------

SpeciesCode = Annotated[str, Field(min_length=1, max_length=40, description="Catalogue code, e.g. aguacate")]


class PlantingIn(Payload):
    plot: Id
    species: SpeciesCode
    planted_on: dt.date
    quantity: Amount()
    unit: Literal["plants", "kg_seed"]
    row_number: Annotated[int, Field(ge=0, le=100000)] | None = None
    notes: Text(5000) = ""


class PlantingOut(StampedOut):
    id: int
    plot: int = Field(validation_alias="plot_id")
    species: str = Field(validation_alias="species.code")
    planted_on: dt.date
    quantity: Decimal
    unit: str
    row_number: int | None
    notes: str


class DestinationIn(Payload):
    destination: choice(Destination.values)
    kg: Amount()
    price_mxn_per_kg: Amount(10) | None = Field(None, description="[MXN/kg], required for a sale")
    buyer: Text(160) = ""
    paid_on: dt.date | None = None
    transport_mxn_per_kg: Amount(8) | None = Field(None, description="[MXN/kg] paid by the family to deliver")
    quality_discount_pct: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2,
                                                   allow_inf_nan=False)] | None = Field(
        None, description="[%] of the price discounted for quality")


class DestinationOut(Schema):
    id: int
    destination: str
    kg: Decimal
    price_mxn_per_kg: Decimal | None
    buyer: str
    paid_on: dt.date | None
    transport_mxn_per_kg: Decimal | None
    quality_discount_pct: Decimal | None


class HarvestIn(Payload):
    plot: Id
    species: SpeciesCode
    harvested_on: dt.date
    quantity_kg: Amount()
    notes: Text(5000) = ""
    destinations: list[DestinationIn] = Field(
        default_factory=list,
        description="Where the harvest went; the kg may not add up to more than quantity_kg. On update the "
        "list replaces the stored destinations.",
    )


class HarvestOut(StampedOut):
    id: int
    plot: int = Field(validation_alias="plot_id")
    species: str = Field(validation_alias="species.code")
    harvested_on: dt.date
    quantity_kg: Decimal
    notes: str
    destinations: list[DestinationOut]


class LabourIn(Payload):
    family: Id
    plot: Id | None = Field(None, description="A plot of the same family.")
    member: Id | None = Field(None, description="For family labour: the member of the same family who worked.")
    year: Annotated[int, Field(ge=1990, le=2100)]
    month: Annotated[int, Field(ge=1, le=12)]
    activity: choice(LabourLog.Activity.values)
    kind: choice(LabourLog.Kind.values)
    person_days: Amount(8)
    worker_sex: Literal["", "F", "M"] = ""
    wage_mxn_per_day: Amount(8) | None = None


class LabourOut(StampedOut):
    id: int
    family: int = Field(validation_alias="family_id")
    plot: int | None = Field(validation_alias="plot_id")
    member: int | None = Field(validation_alias="member_id")
    year: int
    month: int
    activity: str
    kind: str
    person_days: Decimal
    worker_sex: str
    wage_mxn_per_day: Decimal | None


class LedgerIn(Payload):
    family: Id
    year: Annotated[int, Field(ge=1990, le=2100)]
    month: Annotated[int, Field(ge=1, le=12)]
    kind: choice(LedgerEntry.Kind.values)
    category: choice(LedgerEntry.Category.values)
    species: SpeciesCode | None = None
    amount_mxn: Amount(14)
    notes: Text(255) = ""


class LedgerOut(StampedOut):
    id: int
    family: int = Field(validation_alias="family_id")
    year: int
    month: int
    kind: str
    category: str
    species: str | None
    amount_mxn: Decimal
    notes: str

    @staticmethod
    def resolve_species(obj: Any) -> str | None:
        return obj.species.code if obj.species_id else None


class InputPurchaseIn(Payload):
    family: Id
    plot: Id | None = Field(None, description="A plot of the same family (optional).")
    purchased_on: dt.date = Field(description="Date of the purchase (not in the future).")
    item: Text(160, 1) = Field(description="What was bought (seedlings, compost, tools …).")
    quantity: Amount()
    unit: Text(20, 1) = Field(description="Unit of the quantity as the family counts it (kg, plantas, bultos …).")
    cost_mxn: Amount(14) = Field(description="[MXN] total paid")
    supplier: Text(160) = ""
    collective: bool = Field(False, description="Bought collectively through the group or organisation.")


class InputPurchaseOut(StampedOut):
    id: int
    family: int = Field(validation_alias="family_id")
    plot: int | None = Field(validation_alias="plot_id")
    purchased_on: dt.date
    item: str
    quantity: Decimal
    unit: str
    cost_mxn: Decimal = Field(description="[MXN]")
    supplier: str
    collective: bool


# --- fieldwork ---------------------------------------------------------------------------------------


class MeasurementIn(Payload):
    species: SpeciesCode
    row_number: Annotated[int, Field(ge=0, le=100000)] | None = None
    tree_number: Annotated[int, Field(ge=0, le=100000)] | None = None
    diameter_cm: Annotated[float, Field(ge=0, le=300, allow_inf_nan=False)] | None = None
    height_m: Annotated[float, Field(ge=0, le=40, allow_inf_nan=False)] | None = None
    alive: bool = True


class MeasurementOut(Schema):
    id: int
    species: str = Field(validation_alias="species.code")
    row_number: int | None
    tree_number: int | None
    diameter_cm: float | None
    height_m: float | None
    alive: bool


class VisitIn(Payload):
    family: Id
    plot: Id | None = Field(None, description="A plot of the same family.")
    visited_on: dt.date
    step: Annotated[int, Field(ge=1, le=12, description="Step of the 12-step accompaniment model.")] = Step.FOLLOW_UP.value
    observations: Text(20000) = ""
    agreements: Text(20000) = ""
    tree_survival_pct: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    next_steps: Text(20000) = ""
    next_visit_on: dt.date | None = Field(None, description="Plans the next visit (a visit plan) on this date.")
    measurements: list[MeasurementIn] = Field(default_factory=list, description="Replaces the stored ones on update.")


class VisitOut(StampedOut):
    id: int
    family: int = Field(validation_alias="family_id")
    plot: int | None = Field(validation_alias="plot_id")
    promoter: str | None = Field(description="Username of the promoter who made the visit.")
    visited_on: dt.date
    step: int
    observations: str
    agreements: str
    tree_survival_pct: float | None
    next_steps: str
    next_visit_on: dt.date | None
    measurements: list[MeasurementOut]

    @staticmethod
    def resolve_promoter(obj: Any) -> str | None:
        return obj.promoter.username if obj.promoter_id else None


class TrainingIn(Payload):
    organisation: Id
    group: Id | None = None
    locality: Id | None = None
    kind: choice(TrainingEvent.Kind.values)
    title: Text(200, 1)
    topic: Text(200) = ""
    held_on: dt.date
    step: Annotated[int, Field(ge=1, le=12)] = Step.TRAINING.value
    facilitator: Text(160) = ""
    language: choice(Language.values, blank=True) = ""
    place: Text(200) = ""
    groups: list[Id] = Field(default_factory=list, description="Invited groups besides `group` (their families may attend).")


class TrainingOut(StampedOut):
    id: int
    organisation: int = Field(validation_alias="organisation_id")
    group: int | None = Field(validation_alias="group_id")
    locality: int | None = Field(validation_alias="locality_id")
    kind: str
    title: str
    topic: str
    held_on: dt.date
    step: int
    facilitator: str
    language: str
    place: str
    groups: list[int] = Field(description="Invited groups besides `group`.")

    @staticmethod
    def resolve_groups(obj: Any) -> list[int]:
        return sorted(g.pk for g in obj.groups.all())


class AttendanceIn(Payload):
    family: Id = Field(description="A family within your reach.")
    member: Id | None = Field(None, description="A member of that family (omit when only the family is known). "
                              "A member attends an event once.")


class AttendanceOut(Schema):
    id: int
    event: int = Field(validation_alias="event_id")
    family: int = Field(validation_alias="family_id")
    member: int | None = Field(validation_alias="member_id")


# --- plot designs (read-only) -------------------------------------------------------------------------


class PlotDesignSummaryOut(Schema):
    version: int = Field(description="1, 2, … in the order the designs were saved; old versions are kept.")
    created_at: dt.datetime
    created_by: str | None = Field(description="Username of who saved the version.")
    summary: dict[str, Any] = Field(description="Key figures of the design (trees, rows, strip areas, slope …).")


class DesignWarningOut(Schema):
    code: str
    message: str = Field(description="In the request's language.")


class PlotDesignOut(PlotDesignSummaryOut):
    parameters: dict[str, Any] = Field(description="`inputs` the user chose and every `design_parameters` used (value, unit, tag, source).")
    bill_of_materials: list[dict[str, Any]]
    labour_by_month: list[float | None] = Field(description="[person-days] establishment labour, January to December.")
    warnings: list[DesignWarningOut]
    geojson: dict[str, Any] = Field(description="The layout as a GeoJSON FeatureCollection (WGS84): the plot, "
                                    "tree rows, trees and crop strips, each feature with a `kind` property.")


# --- aggregates --------------------------------------------------------------------------------------


class SystemStats(Schema):
    plots: int | None
    area_ha: float | None
    suppressed: str = Field("", description="Why the figures are hidden (roles without personal data): "
                            "small_cell (fewer than k families) or complementary; empty when shown.")


class MunicipalityStats(Schema):
    municipality: int
    name: str
    families: int | None
    plots: int | None
    area_ha: float | None
    suppressed: str = Field("", description="As SystemStats.suppressed.")


class StatsOut(Schema):
    families: int | None
    members: int | None
    women: int | None
    groups: int
    municipalities: int
    plots: int | None
    area_ha: float | None = Field(description="[ha]")
    by_system: dict[str, SystemStats] = Field(description="Plots and hectares by current production system.")
    by_municipality: list[MunicipalityStats]
    disclosure: dict = Field(default_factory=dict, description="Small-cell suppression applied for this role: "
                             "k and the number of hidden rows (docs/privacy.md).")
