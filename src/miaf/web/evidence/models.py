"""Evidence report jobs: one row per requested report, updated by the background process that builds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("en cola")
        RUNNING = "running", _("en proceso")
        DONE = "done", _("listo")
        FAILED = "failed", _("falló")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        HTML = "html", "HTML"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("usuario"), on_delete=models.CASCADE,
                             related_name="report_jobs")  # fmt: skip
    filters = models.JSONField(_("filtros"), default=dict, blank=True)
    format = models.CharField(_("formato"), max_length=4, choices=Format.choices, default=Format.PDF)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avance [%]"), default=0)
    message = models.CharField(_("etapa o mensaje"), max_length=300, blank=True)
    output = models.CharField(_("archivo generado"), max_length=500, blank=True)
    data_version = models.CharField(_("versión de los datos"), max_length=64, blank=True)
    pid = models.PositiveIntegerField(_("proceso"), null=True, blank=True)
    created = models.DateTimeField(_("creado"), auto_now_add=True)
    finished = models.DateTimeField(_("terminado"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("informe de evidencia")
        verbose_name_plural = _("informes de evidencia")

    def __str__(self) -> str:
        return f"informe {self.pk} ({self.get_status_display()}, {self.progress} %)"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
