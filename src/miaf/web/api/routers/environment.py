"""Environmental evidence as JSON: a plot's soil loss, carbon, diversity and layer shares; programme totals.

``GET /plots/{id}/environment`` is personal data (analysts 403, outside the user's reach 404), the same
content as the plot page's panel. ``GET /environment/programme`` aggregates the user's scope (open to
analysts; ids and numbers only). Both take ``year`` (default: this year). Register with
``api.add_router("", environment.router)``.
"""

# No ``from __future__ import annotations``: django-ninja must see the parameter types themselves.

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from miaf.web.accounts.scoping import plots_for, require_personal_data
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import MAX_ID, responses
from miaf.web.environs import services

router = Router(tags=["environment"])

YEAR_MIN, YEAR_MAX = 1990, 2100


def _year(year: int | None) -> int | None:
    if year is not None and year > timezone.localdate().year:
        raise FieldError("year", _("El año %(y)s está en el futuro.") % {"y": year}, "future_year")
    return year


@router.get("/plots/{id}/environment", response=responses(200, dict[str, Any], 401, 403, 404),
            operation_id="plots_environment",
            summary="Soil loss (RUSLE, vs tolerable and vs traditional milpa), carbon pools, diversity and "
                    "reference-layer shares of a plot")
def plot_environment(  # noqa: ANN201
    request: HttpRequest,
    id: int = Path(..., ge=1, le=MAX_ID),  # noqa: A002
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="Calendar year (default: this year)"),
):
    require_personal_data(request.auth)
    plot = plots_for(request.auth).filter(pk=id).first()
    if plot is None:
        raise Http404(_("La parcela %(id)s no existe o no está a su alcance.") % {"id": id})
    return services.plot_environment(plot, _year(year))


@router.get("/environment/programme", response=responses(200, dict[str, Any], 401) | {202: dict[str, Any]},
            operation_id="environment_programme",
            summary="Programme aggregates: mean soil loss by system, area over tolerable, carbon totals, "
                    "species, reference-layer shares")
def programme_environment(  # noqa: ANN201
    request: HttpRequest,
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="Calendar year (default: this year)"),
):
    """Cached per data version with the programme page; at programme scale computed in the background:
    202 with progress until a first result exists, then the latest result (``state`` fresh or stale)."""
    from miaf.web.accounts.scoping import role_of
    from miaf.web.dashboard import builds
    from miaf.web.dashboard import cache as dash_cache
    from miaf.web.dashboard.services import family_count

    user, year = request.auth, _year(year) or timezone.localdate().year
    scope, version = dash_cache.scope_key(user), dash_cache.data_version()
    large = family_count(user, scope, version) >= dash_cache.param("background_min_families")
    extra = f"{role_of(user)}:{year}:{timezone.localdate()}"
    served = builds.serve("environment", scope, extra, version, large,
                          lambda: services.programme_environment(user, year))
    if served.state == "pending":
        p = served.progress
        return Status(202, {"state": "pending", "data_version": version,
                            "progress": {"percent": p.percent, "stage": p.stage, "elapsed_s": p.elapsed_s}
                            if p else None})  # fmt: skip
    return Status(200, {**served.value, "state": served.state, "data_version": served.entry.version})
