"""``{% family_fieldwork family as fw %}``: a family's latest visits and open planned visits (two queries)."""

from __future__ import annotations

from typing import Any

from django import template

from miaf.web.fieldwork.models import Visit, VisitPlan

register = template.Library()

#: Visits and plans listed on a family's page.
LATEST = 5


@register.simple_tag
def family_fieldwork(family: Any) -> dict[str, list]:
    # The family page already checked that the user may see this family: its visits are within reach.
    return {
        "visits": list(Visit.objects.filter(family=family).select_related("promoter").order_by("-visited_on", "-pk")[:LATEST]),
        "plans": list(VisitPlan.objects.filter(family=family, status=VisitPlan.Status.PLANNED).order_by("due_on")[:LATEST]),
    }
