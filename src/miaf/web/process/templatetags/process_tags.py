"""``{% process_family family %}``: the family's process summary (steps 3, 4, 6) for the family page."""

from __future__ import annotations

from django import template

from miaf.web.process.queries import chosen_idea, family_resources

register = template.Library()


@register.inclusion_tag("process/_family_summary.html")
def process_family(family) -> dict:  # noqa: ANN001
    return {"family": family, "resources": family_resources(family), "idea": chosen_idea(family)}
