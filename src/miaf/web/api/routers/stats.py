"""Programme aggregates within the user's scope: counts and hectares, no names, no coordinates.

The one family-derived endpoint analysts may call: for them (roles without personal data) every figure over
fewer than k families is hidden, with complementary cells in the system and municipality tables
(:mod:`miaf.web.core.disclosure`).
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest
from ninja import Router

from miaf.web.accounts.scoping import role_of
from miaf.web.api.schemas import StatsOut, responses
from miaf.web.core import disclosure
from miaf.web.core.figures import key_figures

router = Router(tags=["aggregates"])


def scoped_family_ids(user):  # noqa: ANN001, ANN201
    """Families counted in the user's aggregates: the same rule as the home page's key figures."""
    from miaf.web.registry.queries import aggregate_families

    return aggregate_families(user).values("pk")


@router.get("/stats", response=responses(200, StatsOut, 401), operation_id="stats",
            summary="Aggregates: families, members, plots and hectares by system and municipality")
def stats(request: HttpRequest):  # noqa: ANN201
    """Cached per scope (the groups the user aggregates, and whether small cells are hidden for the role)
    and data version, like the dashboard: at 100,000 families the aggregates take a second, and every
    write changes the version, so an answer is never older than the dashboard's data version."""
    from miaf.web.dashboard import cache

    user = request.auth
    protected = disclosure.applies(user)
    # the role too: an administrator aggregates every family, a coordinator of every group only members
    scope = f"{cache.scope_key(user)}:{role_of(user)}:{'k' + str(disclosure.k_min()) if protected else 'all'}"
    return cache.cached("api-stats", scope, cache.data_version(), "", lambda: build_stats(user, protected))


def build_stats(user, protected: bool) -> dict:  # noqa: ANN001
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Family

    figures = key_figures(user)
    family_ids = scoped_family_ids(user)
    families = dict(
        Family.objects.filter(pk__in=family_ids)
        .values_list("locality__municipality")
        .annotate(n=Count("pk", distinct=True))
    )
    rows = (
        Plot.objects.filter(family__in=family_ids)
        .values("family__locality__municipality", "family__locality__municipality__name")
        .annotate(n=Count("pk"), area=Sum("area_ha"))
        .order_by("family__locality__municipality__name")
    )
    by_municipality = []
    seen = set()
    for row in rows:
        mid = row["family__locality__municipality"]
        seen.add(mid)
        by_municipality.append({
            "municipality": mid, "name": row["family__locality__municipality__name"],
            "families": families.get(mid, 0), "plots": row["n"], "area_ha": round(row["area"] or 0.0, 4),
        })
    if len(seen) < len(families):
        from miaf.web.registry.models import Municipality

        names = dict(Municipality.objects.filter(pk__in=set(families) - seen).values_list("pk", "name"))
        by_municipality += [
            {"municipality": mid, "name": names[mid], "families": n, "plots": 0, "area_ha": 0.0}
            for mid, n in families.items() if mid not in seen
        ]
    figures["by_municipality"] = by_municipality
    figures["area_ha"] = round(figures["area_ha"], 4)
    if protected:
        _protect(figures, family_ids)
    return figures


def _protect(figures: dict, family_ids) -> None:  # noqa: ANN001
    """Hide, for a role without personal data, every figure over fewer than k families (and the
    complementary cells of the system and municipality tables), in place."""
    from miaf.web.plots.models import Plot

    k = disclosure.k_min()
    hidden_rows = 0
    if figures["families"] < k:
        for key in ("families", "members", "women", "plots", "area_ha"):
            figures[key] = None
    per_system = dict(Plot.objects.filter(family__in=family_ids).values_list("system")
                      .annotate(n=Count("family", distinct=True)))
    reasons, _total = disclosure.protect_counts({s: per_system.get(s, 0) for s in figures["by_system"]}, k)
    for system, row in figures["by_system"].items():
        row["suppressed"] = reasons.get(system, "")
        if row["suppressed"]:
            row["plots"] = row["area_ha"] = None
            hidden_rows += 1
    reasons, _total = disclosure.protect_counts({str(r["municipality"]): r["families"]
                                                  for r in figures["by_municipality"]}, k)
    for row in figures["by_municipality"]:
        row["suppressed"] = reasons.get(str(row["municipality"]), "")
        if row["suppressed"]:
            row["families"] = row["plots"] = row["area_ha"] = None
            hidden_rows += 1
    figures["disclosure"] = {"applied": True, "k": k, "rows_suppressed": hidden_rows}
