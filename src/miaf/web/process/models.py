"""The 12-step accompaniment process: configurable stages with checklists, each group's (and, for the
individual stages, each family's) step records with an append-only history, checklist ticks and evidence,
the trust-work commitment (step 6), the family's resource inventory (step 3) and project ideas (step 4).

History is never overwritten: a status change appends a :class:`StepEvent`, a tick appends a
:class:`ChecklistTick` (the latest per item is current), a new inventory survey is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Provenance, TimeStamped
from miaf.web.records.models import not_in_future

#: The stage whose completion needs a signed trust-work commitment.
COMMITMENT_STAGE = 6
NON_NEGATIVE = [MinValueValidator(0)]


class Scope(models.TextChoices):
    GROUP = "group", _("grupo")
    FAMILY = "family", _("familia")


class Status(models.TextChoices):
    PLANNED = "planned", _("planeado")
    IN_PROGRESS = "in_progress", _("en curso")
    DONE = "done", _("terminado")
    SKIPPED = "skipped", _("omitido")


CLOSED = (Status.DONE, Status.SKIPPED)


class Stage(models.Model):
    """A step of the method. ``organisation`` empty: the global model; set: that OSC's own version."""

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organización acompañante"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="process_stages",
    )
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    name = models.CharField(_("nombre"), max_length=120)
    name_en = models.CharField(_("nombre en inglés"), max_length=120, blank=True)
    description = models.TextField(_("descripción"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"))
    expected_days = models.PositiveIntegerField(_("duración esperada [días]"), default=60)
    scope = models.CharField(_("alcance"), max_length=6, choices=Scope.choices, default=Scope.GROUP)
    depends_on = models.ForeignKey(
        "self", verbose_name=_("depende de"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(_("activa"), default=True)
    source = models.CharField(_("fuente"), max_length=200, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="stage_number_per_organisation"),
            models.UniqueConstraint(fields=["number"], condition=Q(organisation__isnull=True), name="stage_number_global"),
        ]
        verbose_name = _("etapa del proceso")
        verbose_name_plural = _("etapas del proceso")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        lang = (get_language() or "es")[:2]
        return self.name_en if lang == "en" and self.name_en else self.name


class ChecklistItem(models.Model):
    stage = models.ForeignKey(Stage, verbose_name=_("etapa"), on_delete=models.CASCADE, related_name="checklist")
    order = models.PositiveSmallIntegerField(_("orden"))
    text = models.CharField(_("texto"), max_length=240)
    text_en = models.CharField(_("texto en inglés"), max_length=240, blank=True)

    class Meta:
        ordering = ["stage__order", "order"]
        verbose_name = _("punto de verificación")
        verbose_name_plural = _("puntos de verificación")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "es")[:2]
        return self.text_en if lang == "en" and self.text_en else self.text


class StepRecord(TimeStamped):
    """A group's step (``family`` empty) or one family's step of an individual stage."""

    group = models.ForeignKey("registry.Group", verbose_name=_("grupo"), on_delete=models.CASCADE, related_name="step_records")
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("familia"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="step_records",
    )
    stage = models.ForeignKey(Stage, verbose_name=_("etapa"), on_delete=models.PROTECT, related_name="records")
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    started_on = models.DateField(_("iniciado el"), null=True, blank=True, validators=[not_in_future])
    due_on = models.DateField(_("fecha límite"), null=True, blank=True)
    completed_on = models.DateField(_("terminado el"), null=True, blank=True, validators=[not_in_future])
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsable"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notas"), blank=True)
    out_of_order_reason = models.TextField(_("motivo del cierre fuera de orden"), blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["group", "stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["group", "stage"], condition=Q(family__isnull=True), name="one_group_record_per_stage"),
            models.UniqueConstraint(fields=["family", "stage"], condition=Q(family__isnull=False), name="one_family_record_per_stage"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="process_step_status_due")]
        verbose_name = _("registro de paso")
        verbose_name_plural = _("registros de pasos")

    def __str__(self) -> str:
        who = self.family.code if self.family_id else self.group.name
        return f"{who} · {self.stage.number} ({self.get_status_display()})"


class GroupProgress(models.Model):
    """Where a group stands: its current stage, kept by the use cases of :mod:`miaf.web.process.services`
    so that the board reads one row per group (no per-group query at 4,000 groups)."""

    group = models.OneToOneField("registry.Group", on_delete=models.CASCADE, primary_key=True, related_name="progress")
    record = models.ForeignKey(StepRecord, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("paso actual"), db_index=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices)
    since = models.DateField(_("desde"), null=True, blank=True)
    due_on = models.DateField(_("fecha límite"), null=True, blank=True)

    class Meta:
        verbose_name = _("avance del grupo")
        verbose_name_plural = _("avance de los grupos")


class StepEvent(models.Model):
    """One status change of a step record (append-only)."""

    record = models.ForeignKey(StepRecord, verbose_name=_("paso"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("cuándo"), auto_now_add=True)
    on = models.DateField(_("fecha"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("quién"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("de"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("a"), max_length=12, choices=Status.choices)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("cambio de estado")
        verbose_name_plural = _("cambios de estado")


class ChecklistTick(models.Model):
    """A tick or untick of a checklist item (append-only; the latest per item is current)."""

    record = models.ForeignKey(StepRecord, verbose_name=_("paso"), on_delete=models.CASCADE, related_name="ticks")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("punto"), on_delete=models.CASCADE, related_name="+")
    done = models.BooleanField(_("cumplido"), default=True)
    on = models.DateField(_("fecha"), validators=[not_in_future])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("quién"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["item", "-at", "-id"]
        verbose_name = _("marca de verificación")
        verbose_name_plural = _("marcas de verificación")


class Evidence(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("nota")
        PHOTO = "photo", _("foto")
        DOCUMENT = "document", _("documento")

    record = models.ForeignKey(StepRecord, verbose_name=_("paso"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices)
    note = models.TextField(_("nota"), blank=True)
    file = models.FileField(_("archivo"), upload_to="process/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("quién"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("evidencia del paso")
        verbose_name_plural = _("evidencias de los pasos")


class Commitment(Provenance):
    """The trust-work commitment of step 6 (seed: "Formalization of labor relations")."""

    group = models.ForeignKey("registry.Group", verbose_name=_("grupo"), on_delete=models.CASCADE, related_name="commitments")
    signed_on = models.DateField(_("firmado el"), validators=[not_in_future])
    terms = models.TextField(_("términos"))
    signatories = models.ManyToManyField("registry.Member", verbose_name=_("firmantes"), related_name="commitments")
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("representante de la organización"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("compromiso de confianza-trabajo")
        verbose_name_plural = _("compromisos de confianza-trabajo")

    def __str__(self) -> str:
        return f"{self.group} {self.signed_on}"


class WaterAccess(models.TextChoices):
    NONE = "none", _("sin acceso")
    SEASONAL = "seasonal", _("temporal")
    PERMANENT = "permanent", _("permanente")


class ResourceInventory(Provenance):
    """Step 3: the family's base of available assets, one row per survey (the latest is current)."""

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="inventories")
    surveyed_on = models.DateField(_("fecha del levantamiento"), validators=[not_in_future])
    land_ha = models.DecimalField(_("tierra [ha]"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    sloping_land_ha = models.DecimalField(_("tierra en ladera [ha]"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    water_source = models.CharField(_("fuente de agua"), max_length=120, blank=True)
    water_access = models.CharField(_("acceso al agua"), max_length=10, choices=WaterAccess.choices, default=WaterAccess.SEASONAL)
    labour_persons = models.PositiveSmallIntegerField(_("personas que trabajan"), validators=[MaxValueValidator(50)])
    labour_person_days_month = models.DecimalField(
        _("mano de obra familiar [jornales/mes]"), max_digits=6, decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1500)],
    )
    animals = models.TextField(_("animales"), blank=True)
    tools = models.TextField(_("herramientas"), blank=True)
    savings_mxn = models.DecimalField(_("ahorro [MXN]"), max_digits=12, decimal_places=2, default=0, validators=NON_NEGATIVE)

    history = AuditedRecords()

    class Meta:
        ordering = ["-surveyed_on", "-id"]
        indexes = [models.Index(fields=["family", "surveyed_on"], name="process_inventory_latest")]
        verbose_name = _("inventario de recursos")
        verbose_name_plural = _("inventarios de recursos")

    def __str__(self) -> str:
        return f"{self.family.code} {self.surveyed_on}"


class ProjectIdea(Provenance):
    """Step 4: a project idea prioritised "from the kitchen" with the whole family."""

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="project_ideas")
    recorded_on = models.DateField(_("fecha"), validators=[not_in_future])
    rank = models.PositiveSmallIntegerField(_("prioridad"), validators=[MinValueValidator(1), MaxValueValidator(20)])
    title = models.CharField(_("idea"), max_length=160)
    description = models.TextField(_("descripción"), blank=True)
    species = models.ForeignKey("catalogue.Species", verbose_name=_("especie"), null=True, blank=True, on_delete=models.SET_NULL)
    chosen = models.BooleanField(_("elegida"), default=False)

    history = AuditedRecords()

    class Meta:
        ordering = ["family", "rank"]
        verbose_name = _("idea de proyecto")
        verbose_name_plural = _("ideas de proyecto")

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"
