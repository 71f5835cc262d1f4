"""Promoters and their working groups: read and replaced by coordinators (their OSC) and administrators.

Writes go through :func:`miaf.web.registry.services.assign_promoter`, as the web page does. Promoters and
analysts get 403; a promoter of another OSC is 404; a group outside the promoter's OSC is a 422 on ``groups``.
"""

# No ``from __future__ import annotations``: django-ninja reads the signatures at runtime.

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import MAX_ID, Id, Pagination, Payload, responses
from miaf.web.registry import services
from miaf.web.registry.models import Group

router = Router(tags=["promoters"])


class PromoterOut(Schema):
    id: int
    username: str = Field(validation_alias="user.username")
    organisation: int | None = Field(validation_alias="organisation_id")
    groups: list[int]

    @staticmethod
    def resolve_groups(obj) -> list[int]:  # noqa: ANN001
        return sorted(g.pk for g in obj.groups.all())


class PromoterGroupsIn(Payload):
    groups: list[Id] = Field(max_length=1000, description="The promoter's working groups (replacing the current ones).")


def require_manager(user) -> None:  # noqa: ANN001
    if not services.manages(user):
        raise PermissionDenied(_("Sólo la coordinación o una persona administradora puede hacer este cambio."))


def get_promoter(user, pk: int):  # noqa: ANN001, ANN201
    profile = services.promoters_for(user).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("La persona promotora %(id)s no existe o no está a su alcance.") % {"id": pk})
    return profile


@router.get("", response=responses(200, list[PromoterOut], 401, 403, 422), operation_id="promoters_list",
            summary="List promoters with their groups")
@paginate(Pagination)
def list_promoters(request: HttpRequest):  # noqa: ANN201
    require_manager(request.auth)
    return services.promoters_for(request.auth).order_by("user__username", "pk")


@router.get("/{id}", response=responses(200, PromoterOut, 401, 403, 404, 422), operation_id="promoters_get",
            summary="Get one promoter with her groups")
def get_one(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    require_manager(request.auth)
    return get_promoter(request.auth, id)


@router.put("/{id}/groups", response=responses(200, PromoterOut), operation_id="promoters_set_groups",
            summary="Replace a promoter's working groups")
def set_groups(request: HttpRequest, payload: PromoterGroupsIn, id: int = Path(..., ge=1, le=MAX_ID)):  # noqa: A002, ANN201
    require_manager(request.auth)
    profile = get_promoter(request.auth, id)
    wanted = set(payload.groups)
    groups = list(Group.objects.filter(pk__in=wanted))
    missing = wanted - {g.pk for g in groups}
    if missing:
        raise FieldError("groups", _("No existe el grupo %(id)s.") % {"id": min(missing)}, "not_found")
    services.assign_promoter(request.auth, profile, groups)
    return get_promoter(request.auth, id)
