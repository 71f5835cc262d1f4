"""Abstract bases shared by the domain apps: timestamps and record provenance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        abstract = True


class Origin(models.TextChoices):
    MANUAL = "manual", _("captura manual")
    IMPORT = "import", _("importación ODK/Kobo")
    DEMO = "demo", _("programa de demostración")
    API = "api", _("API")


class Provenance(TimeStamped):
    """Where a record came from: typed in, imported from a form submission, the demo, or the API.

    An imported record keeps the file, the submission's instance id (the idempotency key: re-importing
    the same submission updates, never duplicates), who imported it and when.
    """

    origin = models.CharField(_("origen"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    submission_id = models.CharField(_("id de envío"), max_length=100, blank=True, db_index=True)
    source_file = models.CharField(_("archivo de origen"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("importado el"), null=True, blank=True)

    class Meta:
        abstract = True


class BackgroundJob(models.Model):
    """A background job's row (:mod:`miaf.web.core.jobs`): its state, progress, process and end.

    Each kind adds its own ``user`` (with its own ``related_name``), inputs and ``output``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en cola")
        RUNNING = "running", _("en proceso")
        DONE = "done", _("listo")
        FAILED = "failed", _("falló")

    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avance [%]"), default=0)
    message = models.CharField(_("etapa o mensaje"), max_length=300, blank=True)
    pid = models.PositiveIntegerField(_("proceso"), null=True, blank=True)
    created = models.DateTimeField(_("creado"), auto_now_add=True)
    finished = models.DateTimeField(_("terminado"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created", "-pk"]

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
