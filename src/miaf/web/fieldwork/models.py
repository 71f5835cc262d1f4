"""Accompaniment: follow-up visits with tree measurements, trainings and exchanges with attendance.

The 12-step accompaniment process (issue to come) builds on ``step``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Origin, Provenance, TimeStamped
from miaf.web.records.models import not_in_future
from miaf.web.registry.models import Language


class Step(models.IntegerChoices):
    RELATIONAL = 1, _("1. Capital relacional")
    PROMOTION = 2, _("2. Promoción")
    RESOURCES = 3, _("3. Identificación de recursos")
    PRIORITISATION = 4, _("4. Priorización")
    EXCHANGE = 5, _("5. Intercambio de experiencias")
    FORMALISATION = 6, _("6. Formalización de relaciones de trabajo")
    CONCEPTION = 7, _("7. Concepción del proyecto")
    MANAGEMENT = 8, _("8. Gestión")
    IMPLEMENTATION = 9, _("9. Ejecución del proyecto")
    TRAINING = 10, _("10. Capacitación")
    FOLLOW_UP = 11, _("11. Seguimiento y monitoreo")
    MARKETING = 12, _("12. Comercialización")


class Visit(Provenance):
    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="visits")
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), null=True, blank=True, on_delete=models.SET_NULL)
    promoter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("promotor(a)"), null=True, blank=True, on_delete=models.SET_NULL
    )
    visited_on = models.DateField(_("fecha"), validators=[not_in_future])
    step = models.PositiveSmallIntegerField(_("paso del modelo"), choices=Step.choices, default=Step.FOLLOW_UP)
    observations = models.TextField(_("observaciones"), blank=True)
    agreements = models.TextField(_("acuerdos"), blank=True)
    tree_survival_pct = models.FloatField(
        _("sobrevivencia de árboles [%]"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    next_steps = models.TextField(_("siguientes pasos"), blank=True)
    next_visit_on = models.DateField(
        _("próxima visita"), null=True, blank=True,
        help_text=_("Al guardar, se agenda la próxima visita en el calendario."),
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["-visited_on"]
        indexes = [models.Index(fields=["family", "visited_on"], name="visit_family_date"),
                   models.Index(fields=["promoter", "visited_on"], name="visit_promoter_date")]
        verbose_name = _("visita de seguimiento")
        verbose_name_plural = _("visitas de seguimiento")

    def __str__(self) -> str:
        return f"{self.family.code} {self.visited_on}"


class TreeMeasurement(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visita"), on_delete=models.CASCADE, related_name="measurements")
    species = models.ForeignKey("catalogue.Species", verbose_name=_("especie"), on_delete=models.PROTECT)
    row_number = models.PositiveIntegerField(_("hilera"), null=True, blank=True)
    tree_number = models.PositiveIntegerField(_("árbol"), null=True, blank=True)
    diameter_cm = models.FloatField(
        _("diámetro [cm]"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(300)]
    )
    height_m = models.FloatField(_("altura [m]"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(40)])
    alive = models.BooleanField(_("vivo"), default=True)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("medición de árbol")
        verbose_name_plural = _("mediciones de árboles")

    def __str__(self) -> str:
        return f"{self.species} {self.diameter_cm} cm {self.height_m} m"


class TrainingEvent(Provenance):
    class Kind(models.TextChoices):
        TRAINING = "training", _("capacitación")
        EXCHANGE = "exchange", _("intercambio de experiencias")

    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización"), on_delete=models.PROTECT)
    group = models.ForeignKey("registry.Group", verbose_name=_("grupo"), null=True, blank=True, on_delete=models.SET_NULL)
    locality = models.ForeignKey("registry.Locality", verbose_name=_("localidad"), null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("título"), max_length=200)
    topic = models.CharField(_("tema"), max_length=200, blank=True)
    held_on = models.DateField(_("fecha"), validators=[not_in_future])
    step = models.PositiveSmallIntegerField(_("paso del modelo"), choices=Step.choices, default=Step.TRAINING)
    facilitator = models.CharField(_("facilitador(a)"), max_length=160, blank=True)
    language = models.CharField(_("lengua"), max_length=5, choices=Language.choices, blank=True)
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    groups = models.ManyToManyField(
        "registry.Group", verbose_name=_("grupos invitados"), blank=True, related_name="invited_events",
        help_text=_("Además del grupo anfitrión: sus integrantes pueden aparecer en la lista de asistencia."),
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("capacitación o intercambio")
        verbose_name_plural = _("capacitaciones e intercambios")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    def invited_group_ids(self) -> set[int]:
        """The host group and the invited groups: whose families may be in the attendance."""
        ids = set(self.groups.values_list("pk", flat=True)) if self.pk else set()
        if self.group_id:
            ids.add(self.group_id)
        return ids


class Attendance(models.Model):
    event = models.ForeignKey(TrainingEvent, verbose_name=_("evento"), on_delete=models.CASCADE, related_name="attendance")
    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE)
    member = models.ForeignKey("registry.Member", verbose_name=_("integrante"), null=True, blank=True, on_delete=models.SET_NULL)

    history = AuditedRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="attend_once")]
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")

    def __str__(self) -> str:
        return f"{self.event} · {self.member or self.family}"


class VisitPlan(TimeStamped):
    """A visit planned for a family: open until a visit closes it (``done``) or it is cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planeada")
        DONE = "done", _("realizada")
        CANCELLED = "cancelled", _("cancelada")

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE,
                               related_name="visit_plans")
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), null=True, blank=True, on_delete=models.SET_NULL)
    promoter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("promotor(a)"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="visit_plans")
    due_on = models.DateField(_("fecha prevista"))
    purpose = models.CharField(_("propósito"), max_length=200, blank=True)
    step = models.PositiveSmallIntegerField(_("paso del modelo"), choices=Step.choices, default=Step.FOLLOW_UP)
    status = models.CharField(_("estado"), max_length=9, choices=Status.choices, default=Status.PLANNED)
    done_visit = models.ForeignKey(Visit, verbose_name=_("visita que la cumplió"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="closed_plans")
    cancel_reason = models.CharField(_("motivo de cancelación"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agendada por"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["promoter", "status", "due_on"], name="plan_promoter_due"),
                   models.Index(fields=["family", "status", "due_on"], name="plan_family_due"),
                   models.Index(fields=["status", "due_on"], name="plan_status_due")]
        verbose_name = _("visita planeada")
        verbose_name_plural = _("visitas planeadas")

    def __str__(self) -> str:
        return f"{self.family.code} {self.due_on} ({self.get_status_display()})"


class StaffTraining(TimeStamped):
    """Training of the accompanying organisation's own staff (promoters, coordinators)."""

    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización"), on_delete=models.PROTECT,
                                     related_name="staff_trainings")
    title = models.CharField(_("título"), max_length=200)
    topic = models.CharField(_("tema"), max_length=200, blank=True)
    held_on = models.DateField(_("fecha"), validators=[not_in_future])
    facilitator = models.CharField(_("facilitador(a)"), max_length=160, blank=True)
    hours = models.DecimalField(_("horas"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(0), MaxValueValidator(500)])
    attendees = models.ManyToManyField("accounts.Profile", verbose_name=_("participantes"), blank=True,
                                       related_name="staff_trainings")
    origin = models.CharField(_("origen"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("capacitación del equipo")
        verbose_name_plural = _("capacitaciones del equipo")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"
