"""``{% load units %}{{ value.unit|unit }}``: a unit code in the user's language (miaf.web.core.units)."""

from django import template

from miaf.web.core.units import unit_label

register = template.Library()


@register.filter(name="unit")
def unit(value):  # noqa: ANN001, ANN201
    return unit_label(value)
