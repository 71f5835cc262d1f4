"""Scale-up runs requested from the web page: one row per run, updated by the background process (see
:mod:`miaf.web.core.jobs`, the same machinery as the evidence report)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.core.models import BackgroundJob


class ScaleupJob(BackgroundJob):

    interrupted_message = ("interrumpido: el proceso de la simulación terminó sin terminarla; "
                           "vuelva a ejecutarla")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("usuario"), on_delete=models.CASCADE,
                             related_name="scaleup_jobs")  # fmt: skip
    preset = models.CharField(_("escenario de partida"), max_length=100)
    scenario = models.JSONField(_("escenario (TOML leído)"), default=dict)
    base_dir = models.CharField(_("carpeta del escenario"), max_length=500, blank=True)
    units = models.PositiveIntegerField(_("unidades simuladas"))
    draws = models.PositiveIntegerField(_("sorteos Monte Carlo"))
    seed = models.BigIntegerField(_("semilla"))
    language = models.CharField(_("idioma del resumen"), max_length=8, default="es")
    output = models.CharField(_("carpeta de resultados"), max_length=500, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("simulación de escalamiento")
        verbose_name_plural = _("simulaciones de escalamiento")

    def __str__(self) -> str:
        return f"escalamiento {self.pk} ({self.get_status_display()}, {self.progress} %)"
