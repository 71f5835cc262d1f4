"""The NinjaAPI instance of ``/api/v1/``: routers, authentication, error handlers."""

from __future__ import annotations

from ninja import NinjaAPI

from miaf.web.api import errors
from miaf.web.api.auth import api_auth
from miaf.web.api.routers import (
    catalogue,
    design,
    environment,
    families,
    fieldwork,
    indicators,
    market,
    plots,
    process,
    records,
    registry,
    stats,
)
from miaf.web.trade import api as trade_api

DESCRIPTION = """
REST API of the MIAF-D programme registry.

**Authentication**: `Authorization: Bearer miaf_…` with a personal token (create it at `/cuenta/tokens/`
or with `miaf token create USER NAME`), or the browser session (writes then need the `X-CSRFToken`
header). A token sees exactly what its user's role sees: administrators everything; coordinators their
accompanying organisation; promoters their assigned groups (other families and plots answer 404);
analysts only aggregates (`/stats`) and the catalogue (`/species`, `/municipalities`, `/localities`,
`/organisations`, `/groups`): families, plots and records answer 403.

**Errors** are JSON: `{"detail": "message"}`, or for 422
`{"detail": [{"field": "boundary", "message": "…", "code": "self_intersects"}]}`.

**Lists** take `limit` (1–500, default 100) and `offset`, and answer `{"items": [...], "count": N}`.
"""

api = NinjaAPI(
    title="miaf API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=api_auth(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", stats.router)
api.add_router("", catalogue.router)
api.add_router("", registry.router)
api.add_router("/families", families.router)
api.add_router("/plots", plots.router)
api.add_router("", records.router)
api.add_router("", fieldwork.router)
api.add_router("", design.router)
api.add_router("", environment.router)
api.add_router("", indicators.router)
api.add_router("", process.router)
api.add_router("", trade_api.router)  # /trade/…: the trade app's own router (issue 12 items 3-5)
api.add_router("", market.router)
