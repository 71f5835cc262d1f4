"""Import batches and quarantined rows (ODK Central / KoboToolbox submissions).

* :class:`ImportBatch`: one upload (or one ``miaf import`` run) of one form's export: file, checksum,
  form and form version, who and when, the counts, and its status.
* :class:`QuarantinedRow`: a submission that failed validation, with its raw values and the reasons, so a
  person can fix it and import it again.
* :class:`ImportedSubmission`: the idempotency ledger: one row per (form, root instance id) with the
  instance id and content digest last imported, so a second import of the same file changes nothing and an
  edited submission updates its records. The records themselves carry the same id in
  ``Provenance.submission_id``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("en curso")
        DONE = "done", _("terminada")
        REFUSED = "refused", _("rechazada")

    file_name = models.CharField(_("archivo"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    form = models.CharField(_("formulario"), max_length=40)
    form_version = models.CharField(_("versión del formulario"), max_length=40, blank=True)
    export_format = models.CharField(_("formato"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("importado por"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    imported_by = models.CharField(_("nombre de quien importó"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("inicio"))
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("filas"), default=0)
    imported = models.PositiveIntegerField(_("nuevas"), default=0)
    updated = models.PositiveIntegerField(_("actualizadas"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicadas"), default=0)
    quarantined = models.PositiveIntegerField(_("en cuarentena"), default=0)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    message = models.TextField(_("mensaje"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("lote de importación")
        verbose_name_plural = _("lotes de importación")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.form}, {self.started_at:%Y-%m-%d %H:%M})"

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows, "imported": self.imported, "updated": self.updated,
            "duplicates": self.duplicates, "quarantined": self.quarantined,
        }


class QuarantinedRow(models.Model):
    batch = models.ForeignKey(ImportBatch, verbose_name=_("lote"), on_delete=models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField(_("fila"))
    submission_id = models.CharField(_("id de envío"), max_length=100, blank=True, db_index=True)
    raw = models.JSONField(_("datos originales"), default=dict)
    reasons = models.JSONField(_("motivos"), default=list)
    resolved = models.BooleanField(_("resuelta"), default=False)
    resolved_at = models.DateTimeField(_("resuelta el"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "row_number"]
        verbose_name = _("fila en cuarentena")
        verbose_name_plural = _("filas en cuarentena")

    def __str__(self) -> str:
        return f"{self.batch.file_name} #{self.row_number}"


class ImportedSubmission(models.Model):
    form = models.CharField(_("formulario"), max_length=40)
    submission_id = models.CharField(_("id de envío (raíz)"), max_length=100)
    instance_id = models.CharField(_("id de instancia de la última versión"), max_length=100, blank=True)
    digest = models.CharField(_("huella del contenido"), max_length=140)
    superseded_ids = models.JSONField(_("ids de versiones anteriores"), default=list, blank=True)
    #: The server's own id of the submission that no edit changes (KoboToolbox ``_id`` as ``kobo:<_id>``).
    source_id = models.CharField(_("id estable en el servidor"), max_length=60, blank=True, default="")
    batch = models.ForeignKey(ImportBatch, verbose_name=_("lote"), null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "submission_id"], name="one_submission_per_form")]
        indexes = [models.Index(fields=["form", "instance_id"]), models.Index(fields=["form", "source_id"])]
        verbose_name = _("envío importado")
        verbose_name_plural = _("envíos importados")

    def __str__(self) -> str:
        return f"{self.form} {self.submission_id}"
