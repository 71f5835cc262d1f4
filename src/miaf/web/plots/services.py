"""Use cases on plots: register a plot with its first phase, convert it to another system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from miaf.web.accounts.scoping import require_in_scope
from miaf.web.plots.models import Plot, PlotPhase, System


@transaction.atomic
def register_plot(plot: Plot, since: dt.date, *, actor: Any = None) -> Plot:
    """Validate and save a new plot and open its first phase under ``plot.system`` from ``since``; the family
    must be within ``actor``'s reach (``None``: the system)."""
    if actor is not None and plot.family_id is not None:
        require_in_scope(actor, plot.family)
    plot.full_clean()
    plot.save()
    PlotPhase.objects.create(plot=plot, system=plot.system, started_on=since)
    return plot


@transaction.atomic
def convert_plot(plot: Plot, system: str, on: dt.date, notes: str = "", *, actor: Any = None) -> PlotPhase:
    """Close the plot's open phase on ``on`` and open a new one under ``system`` (history is kept)."""
    require_in_scope(actor, plot)
    current = plot.phases.filter(ended_on__isnull=True).first()
    if current and current.system == system:
        raise ValidationError({"system": _("La parcela ya está en ese sistema.")})
    if current and on < current.started_on:
        raise ValidationError({"on": _("La fecha de cambio es anterior al inicio de la fase actual.")})
    if current:
        current.ended_on = on
        current.save(update_fields=["ended_on", "updated_at"])
    phase = PlotPhase.objects.create(plot=plot, system=system, started_on=on, notes=notes)
    plot.system = system
    if system in (System.MIAF, System.MIAF_D) and plot.established_on is None:
        plot.established_on = on
    plot.save(update_fields=["system", "established_on", "updated_at"])
    return phase
