"""Evidence report jobs: one row per requested report, updated by the background process that builds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.core.models import BackgroundJob


class ReportJob(BackgroundJob):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("usuario"), on_delete=models.CASCADE,
                             related_name="report_jobs")  # fmt: skip
    filters = models.JSONField(_("filtros"), default=dict, blank=True)
    format = models.CharField(_("formato"), max_length=4, choices=Format.choices, default=Format.PDF)
    output = models.CharField(_("archivo generado"), max_length=500, blank=True)
    data_version = models.CharField(_("versión de los datos"), max_length=64, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("informe de evidencia")
        verbose_name_plural = _("informes de evidencia")

    def __str__(self) -> str:
        return f"informe {self.pk} ({self.get_status_display()}, {self.progress} %)"
