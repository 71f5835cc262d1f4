"""Generic list/get/create/update/patch/delete endpoints over a role-scoped queryset.

One :class:`Resource` per table says where its rows come from (a function of the user, always from
``miaf.web.accounts.scoping``), which references a body may name and within which scope, which filters
a list accepts, and who may write. :func:`register` turns it into six operations on a ninja router.

Rules, the same as the pages:

* a row outside the user's scope does not exist for them: 404 (a promoter asking for another group's
  family), and a reference to it in a body is a 422 naming the field (code ``not_found``);
* analysts never reach personal data: 403 on every family, member, plot or record operation;
* writes need ``can_edit`` and run in one transaction: a refused nested row leaves nothing half-saved;
* a created row is stamped ``origin="api"`` and ``created_by`` = the token's user.
"""

# No ``from __future__ import annotations`` here on purpose: django-ninja reads the generated view
# functions' signatures at runtime, and their schemas are closure variables that string annotations
# could not resolve.

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from miaf.web.accounts.scoping import can_edit, require_personal_data
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import MAX_ID, Pagination, filters, partial, responses
from miaf.web.core.models import Origin

User = Any
Saver = Callable[[HttpRequest, Model, dict, bool], Model]


@dataclass
class Ref:
    """A reference field of a body: looked up in ``queryset(user)`` by ``lookup``."""

    queryset: Callable[[User], QuerySet]
    lookup: str = "pk"
    label: str = ""


@dataclass
class Resource:
    name: str
    model: type[Model]
    out: type
    queryset: Callable[[User], QuerySet]
    label: str
    create: type | None = None
    update: type | None = None
    personal: bool = True
    filters: dict[str, Any] = field(default_factory=dict)
    search: tuple[str, ...] = ()
    refs: dict[str, Ref] = field(default_factory=dict)
    nested: tuple[str, ...] = ()
    can_create: Callable[[User], bool] = can_edit
    can_change: Callable[[User, Model], bool] = lambda user, obj: can_edit(user)
    save: Saver | None = None
    #: Deletes a row (a domain use case); ``None``: ``obj.delete()``.
    delete: Callable[[HttpRequest, Model], None] | None = None
    list_endpoint: bool = True
    description: str = ""


def guard_read(res: Resource, user: User) -> None:
    if res.personal:
        require_personal_data(user)


def guard_create(res: Resource, user: User) -> None:
    guard_read(res, user)
    if not res.can_create(user):
        raise PermissionDenied(_("Su rol no permite crear %(what)s.") % {"what": res.label})


def ordered(qs: QuerySet) -> QuerySet:
    """A stable order for pagination: the model's own ordering, then the primary key."""
    return qs.order_by(*(qs.query.order_by or qs.model._meta.ordering), "pk")


def apply_filters(res: Resource, qs: QuerySet, values: Any) -> QuerySet:
    conditions = Q()
    for key, lookup in res.filters.items():
        value = getattr(values, key, None)
        if value is None or value == "":
            continue
        conditions &= lookup(value) if callable(lookup) else Q(**{lookup: value})
    q = getattr(values, "q", None)
    if q and res.search:
        text = Q()
        for path in res.search:
            text |= Q(**{f"{path}__icontains": q})
        conditions &= text
    if conditions:
        # A subquery rather than .distinct(): filters through memberships would repeat rows.
        qs = qs.filter(pk__in=res.model.objects.filter(conditions).values("pk"))
    return qs


def get_scoped(res: Resource, user: User, pk: int) -> Model:
    obj = res.queryset(user).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("%(what)s %(id)s no existe o no está a su alcance.") % {"what": res.label, "id": pk})
    return obj


def refuse_nulls(res: Resource, data: dict) -> None:
    """A ``null`` sent for a column that cannot hold one is a 422 (Django's ``full_clean`` lets it pass
    for ``blank=True`` text fields, and the database would refuse it later)."""
    for key, value in data.items():
        if value is not None or key in res.refs:
            continue
        try:
            nullable = res.model._meta.get_field(key).null
        except FieldDoesNotExist:
            continue
        if not nullable:
            raise FieldError(key, _("Este campo no puede ser nulo."), "null")


def resolve_refs(res: Resource, user: User, data: dict) -> dict:
    """Replace reference ids in ``data`` by rows within the user's scope (422 ``not_found`` otherwise)."""
    for key, ref in res.refs.items():
        if key not in data:
            continue
        value = data[key]
        if value is None:
            try:
                nullable = res.model._meta.get_field(key).null
            except FieldDoesNotExist:
                nullable = False
            if not nullable:
                raise FieldError(key, _("Este campo es obligatorio."), "required")
            continue
        found = ref.queryset(user).filter(**{ref.lookup: value}).first()
        if found is None:
            raise FieldError(
                key,
                _("%(what)s «%(value)s» no existe o no está a su alcance.") % {"what": ref.label or key, "value": value},
                "not_found",
            )
        data[key] = found
    return data


def default_save(request: HttpRequest, obj: Model, data: dict, created: bool) -> Model:
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj


def stamp(obj: Model, user: User) -> None:
    """Provenance of a row created through the API."""
    names = {f.name for f in obj._meta.get_fields()}
    if "origin" in names:
        obj.origin = Origin.API
    if "created_by" in names:
        obj.created_by = user


def write(res: Resource, request: HttpRequest, obj: Model, data: dict, created: bool) -> Model:
    user = request.auth
    refuse_nulls(res, data)
    with transaction.atomic():
        data = resolve_refs(res, user, data)
        if created:
            stamp(obj, user)
        saver = res.save or (lambda req, o, d, c: default_save(req, o, {k: v for k, v in d.items() if k not in res.nested}, c))
        obj = saver(request, obj, data, created)
    return res.queryset(user).filter(pk=obj.pk).first() or obj


def register(router: Router, res: Resource) -> None:
    """Add list/get (and create/put/patch/delete when ``res.create``) operations for ``res`` to ``router``."""
    name = res.name
    title = name.replace("_", " ")
    filter_keys = list(res.filters) + (["q"] if res.search else [])
    filter_schema = filters(f"{res.out.__name__.removesuffix('Out')}Filters", *filter_keys)
    read_codes = (401, 403, 422) if res.personal else (401, 422)
    desc = res.description

    if res.list_endpoint:

        @router.get("", response=responses(200, list[res.out], *read_codes), operation_id=f"{name}_list",
                    summary=f"List {title}", description=desc)
        @paginate(Pagination)
        def list_(request: HttpRequest, filters: filter_schema = Query(...)):  # noqa: ANN202, B008
            guard_read(res, request.auth)
            return ordered(apply_filters(res, res.queryset(request.auth), filters))

    @router.get("/{id}", response=responses(200, res.out, *read_codes, 404), operation_id=f"{name}_get",
                summary=f"Get one of {title}", description=desc)
    def get_(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN202
        guard_read(res, request.auth)
        return get_scoped(res, request.auth, id)

    if res.create is None:
        return
    create_schema = res.create
    update_schema = res.update or res.create
    patch_schema = partial(update_schema, f"{update_schema.__name__}Patch")

    @router.post("", response=responses(201, res.out), operation_id=f"{name}_create", summary=f"Create in {title}")
    def create_(request: HttpRequest, payload: create_schema):  # noqa: ANN202
        guard_create(res, request.auth)
        obj = write(res, request, res.model(), payload.model_dump(), created=True)
        return Status(201, obj)

    def change(request: HttpRequest, id: int, data: dict) -> Model:  # noqa: A002
        guard_read(res, request.auth)
        obj = get_scoped(res, request.auth, id)
        if not res.can_change(request.auth, obj):
            raise PermissionDenied(_("Su rol no permite modificar %(what)s.") % {"what": res.label})
        return write(res, request, obj, data, created=False)

    @router.put("/{id}", response=responses(200, res.out), operation_id=f"{name}_update", summary=f"Replace one of {title}")
    def update_(request: HttpRequest, payload: update_schema, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN202
        return change(request, id, payload.model_dump())

    @router.patch("/{id}", response=responses(200, res.out), operation_id=f"{name}_patch",
                  summary=f"Change some fields of one of {title}")
    def patch_(request: HttpRequest, payload: patch_schema, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN202
        return change(request, id, payload.model_dump(exclude_unset=True))

    @router.delete("/{id}", response=responses(204, None, 401, 403, 404, 409), operation_id=f"{name}_delete",
                   summary=f"Delete one of {title}")
    def delete_(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN202
        guard_read(res, request.auth)
        obj = get_scoped(res, request.auth, id)
        if not res.can_change(request.auth, obj):
            raise PermissionDenied(_("Su rol no permite borrar %(what)s.") % {"what": res.label})
        with transaction.atomic():
            if res.delete is not None:
                res.delete(request, obj)
            else:
                obj.delete()
        return Status(204, None)
