"""Programme indicators as JSON: the dashboard's figures for any filter, for every role (aggregates only).

``GET /indicators?organisation=&municipality=&group=&year=&system=&head_sex=`` returns every indicator of
:mod:`miaf.indicators` (value, unit, status, n, breakdown, by pillar) computed on the records within the
user's reach, with the data version they come from. For roles without personal-data rights every figure
over fewer than k families, or that a broader filter would expose by subtraction, is suppressed
(:mod:`miaf.web.core.disclosure`): ``value`` null, ``suppressed`` true with ``suppressed_reason``, and a
``disclosure`` summary. Results are cached per data version like the
dashboard's; at programme scale (``background_min_families``) they are computed in the background: the
answer is ``202`` with the build's progress until the first result exists, then ``200`` with
``"state": "stale"`` (the previous data version's figures) while a newer one is built. Register with
``api.add_router("", indicators.router)``.
"""

# No ``from __future__ import annotations``: django-ninja must see the parameter types themselves.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from miaf.indicators import IndicatorFilters, compute_indicators
from miaf.web.api.errors import FieldError
from miaf.web.api.schemas import MAX_ID, responses
from miaf.web.core import disclosure
from miaf.web.environs.evaluate import clean_json

router = Router(tags=["aggregates"])

YEAR_MIN, YEAR_MAX = 1990, 2100


@router.get("/indicators", response=responses(200, dict[str, Any], 401) | {202: dict[str, Any]},
            operation_id="indicators",
            summary="Programme indicators by pillar (the dashboard's figures) for a filter; aggregates only")
def indicators(  # noqa: ANN201, PLR0913
    request: HttpRequest,
    organisation: int | None = Query(None, ge=1, le=MAX_ID, description="Producer organisation id"),
    municipality: str | None = Query(None, pattern=r"^\d{5}$", description="INEGI code, e.g. 07052"),
    group: int | None = Query(None, ge=1, le=MAX_ID, description="Working group id"),
    year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX, description="Calendar year (default: the latest "
                             "year with records, or the whole period, by indicator)"),
    system: Literal["traditional", "miaf", "miaf_d", "other"] | None = Query(None),
    head_sex: Literal["F", "M", "X"] | None = Query(None, description="Sex of the household head"),
):
    from miaf.web.dashboard import builds, cache
    from miaf.web.dashboard.services import family_count, scope_tables

    if year is not None and year > timezone.localdate().year:
        raise FieldError("year", _("El año %(y)s está en el futuro.") % {"y": year}, "future_year")
    filters = IndicatorFilters(organisation=organisation, municipality=municipality, group=group, year=year,
                               system=system, head_sex=head_sex)  # fmt: skip
    user = request.auth
    scope, version, tables = scope_tables(user)
    large = family_count(user, scope, version) >= cache.param("background_min_families")
    protected = disclosure.applies(user)
    served = builds.serve("api-indicators", scope, f"{protected}:{get_language()}:{sorted(filters.to_dict().items())!r}", version,
                          large, lambda: clean_json(disclosure.results_dict(
                              user, tables(), compute_indicators(tables(), filters))))  # fmt: skip
    if served.state == "pending":
        p = served.progress
        return Status(202, {"state": "pending", "data_version": version,
                     "progress": {"percent": p.percent, "stage": p.stage, "elapsed_s": p.elapsed_s} if p else None})
    computed = dt.datetime.fromtimestamp(served.built_at, tz=dt.UTC).isoformat(timespec="seconds")
    return Status(200, {**served.value, "state": served.state, "data_version": served.entry.version,
                        "computed_at": computed})
