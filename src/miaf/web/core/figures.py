"""Key figures of the programme for the home page, computed from records within the user's scope.

Aggregates only: safe for analysts (counts and sums, no names or coordinates).
"""

from __future__ import annotations

from django.db.models import Count, Sum

from miaf.web.accounts.scoping import groups_for


def key_figures(user) -> dict:  # noqa: ANN001
    from miaf.web.plots.models import Plot
    from miaf.web.registry.models import Member
    from miaf.web.registry.queries import aggregate_families

    groups = groups_for(user)
    families = aggregate_families(user)
    family_ids = families.values("pk")
    plots = Plot.objects.filter(family__in=family_ids)
    by_system = {
        row["system"]: {"plots": row["n"], "area_ha": row["area"] or 0.0}
        for row in plots.values("system").annotate(n=Count("id"), area=Sum("area_ha"))
    }
    members = Member.objects.filter(family__in=family_ids)
    sexes = dict(members.values_list("sex").annotate(n=Count("id")))
    return {
        "families": families.count(),
        "members": sum(sexes.values()),
        "women": sexes.get("F", 0),
        "groups": groups.count(),
        "municipalities": groups.values("locality__municipality").distinct().count(),
        "plots": sum(v["plots"] for v in by_system.values()),
        "area_ha": sum(v["area_ha"] for v in by_system.values()),
        "by_system": by_system,
    }
