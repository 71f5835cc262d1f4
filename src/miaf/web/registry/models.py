"""Organisations, places, working groups and families (with their members and memberships)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Provenance, TimeStamped


class OrganisationKind(models.TextChoices):
    ACCOMPANYING = "accompanying", _("organización acompañante (OSC)")
    PRODUCER = "producer", _("organización de productores")


class Organisation(TimeStamped):
    name = models.CharField(_("nombre"), max_length=200, unique=True)
    short_name = models.CharField(_("siglas"), max_length=40, blank=True)
    kind = models.CharField(_("tipo"), max_length=14, choices=OrganisationKind.choices)
    accompanied_by = models.ForeignKey(
        "self",
        verbose_name=_("acompañada por"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="producer_organisations",
        limit_choices_to={"kind": OrganisationKind.ACCOMPANYING},
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.kind == OrganisationKind.PRODUCER and self.accompanied_by is None:
            raise ValidationError({"accompanied_by": _("Una organización de productores necesita su OSC acompañante.")})
        if self.kind == OrganisationKind.ACCOMPANYING and self.accompanied_by is not None:
            raise ValidationError({"accompanied_by": _("Una OSC acompañante no es acompañada por otra.")})

    @property
    def accompanying(self) -> Organisation:
        return self if self.kind == OrganisationKind.ACCOMPANYING else self.accompanied_by


class Municipality(models.Model):
    """An INEGI municipality (Marco Geoestadístico), with its boundary and rainfall normal."""

    state_code = models.CharField(_("clave de entidad"), max_length=2)
    code = models.CharField(_("clave de municipio"), max_length=3)
    name = models.CharField(_("nombre"), max_length=120)
    state_name = models.CharField(_("entidad"), max_length=60, default="Chiapas")
    boundary = models.JSONField(_("límite (GeoJSON WGS84, simplificado)"), null=True, blank=True)
    rainfall_normal_mm = models.FloatField(_("lluvia normal 1981–2010 [mm/año]"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["state_code", "code"], name="municipality_inegi_key")]
        verbose_name = _("municipio")
        verbose_name_plural = _("municipios")

    def __str__(self) -> str:
        return self.name

    @property
    def inegi_code(self) -> str:
        return f"{self.state_code}{self.code}"


class Locality(TimeStamped):
    name = models.CharField(_("nombre"), max_length=160)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipio"), on_delete=models.PROTECT)
    locality_code = models.CharField(_("clave de localidad INEGI"), max_length=4, blank=True)
    latitude = models.FloatField(
        _("latitud"), null=True, blank=True, validators=[MinValueValidator(14.0), MaxValueValidator(33.0)]
    )
    longitude = models.FloatField(
        _("longitud"), null=True, blank=True, validators=[MinValueValidator(-119.0), MaxValueValidator(-86.0)]
    )
    altitude_m = models.FloatField(_("altitud [m]"), null=True, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "locality_code"],
                condition=~Q(locality_code=""),
                name="locality_inegi_key",
            )
        ]
        verbose_name = _("localidad")
        verbose_name_plural = _("localidades")

    def __str__(self) -> str:
        return f"{self.name}, {self.municipality.name}"


class Group(TimeStamped):
    """A working group of producers in a locality, belonging to a producer organisation."""

    name = models.CharField(_("nombre"), max_length=160)
    locality = models.ForeignKey(Locality, verbose_name=_("localidad"), on_delete=models.PROTECT)
    producer_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organización de productores"),
        on_delete=models.PROTECT,
        related_name="groups",
        limit_choices_to={"kind": OrganisationKind.PRODUCER},
    )
    formed_on = models.DateField(_("formado el"), null=True, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["producer_organisation", "name"], name="group_name_per_organisation")
        ]
        verbose_name = _("grupo de trabajo")
        verbose_name_plural = _("grupos de trabajo")

    def __str__(self) -> str:
        return self.name


class Family(Provenance):
    """A household (unidad familiar). Its name and members are personal data."""

    code = models.CharField(_("código"), max_length=32, unique=True)
    name = models.CharField(_("nombre de la familia"), max_length=160)
    locality = models.ForeignKey(Locality, verbose_name=_("localidad"), on_delete=models.PROTECT)
    anyone_migrated = models.BooleanField(_("¿alguien migró?"), default=False)
    migration_notes = models.TextField(_("notas sobre migración"), blank=True)
    notes = models.TextField(_("notas"), blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("familia")
        verbose_name_plural = _("familias")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def current_membership(self) -> Membership | None:
        return self.memberships.filter(left_on__isnull=True).select_related("group").first()

    @property
    def head(self) -> Member | None:
        return self.members.filter(role=Member.Role.HEAD).first()


class Language(models.TextChoices):
    SPANISH = "es", _("español")
    TSELTAL = "tzh", _("tseltal")
    TSOTSIL = "tzo", _("tsotsil")
    TOJOLABAL = "toj", _("tojolabal")
    CHOL = "ctu", _("ch'ol")
    ZOQUE = "zoq", _("zoque")
    MAM = "mam", _("mam")
    OTHER = "other", _("otra")


class Member(TimeStamped):
    class Sex(models.TextChoices):
        FEMALE = "F", _("mujer")
        MALE = "M", _("hombre")
        OTHER = "X", _("otro / no dice")

    class Role(models.TextChoices):
        HEAD = "head", _("jefa o jefe de familia")
        SPOUSE = "spouse", _("cónyuge")
        CHILD = "child", _("hija o hijo")
        PARENT = "parent", _("madre o padre")
        OTHER = "other", _("otro")

    family = models.ForeignKey(Family, verbose_name=_("familia"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("nombre"), max_length=160)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("año de nacimiento"), validators=[MinValueValidator(1900)], null=True, blank=True
    )
    role = models.CharField(_("parentesco"), max_length=8, choices=Role.choices)
    languages = models.JSONField(_("lenguas que habla"), default=list, blank=True)
    migrated = models.BooleanField(_("migró"), default=False)

    history = AuditedRecords()

    class Meta:
        ordering = ["family", "id"]
        verbose_name = _("integrante")
        verbose_name_plural = _("integrantes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.birth_year and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("El año de nacimiento no puede estar en el futuro.")})
        valid = set(Language.values)
        unknown = [code for code in self.languages or [] if code not in valid]
        if unknown:
            raise ValidationError({"languages": _("Lengua desconocida: %(codes)s") % {"codes": ", ".join(unknown)}})


class Membership(TimeStamped):
    """A family's membership of a working group (and so of its producer organisation), with dates."""

    family = models.ForeignKey(Family, verbose_name=_("familia"), on_delete=models.CASCADE, related_name="memberships")
    group = models.ForeignKey(Group, verbose_name=_("grupo"), on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(_("ingresó el"))
    left_on = models.DateField(_("salió el"), null=True, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(left_on__isnull=True), name="one_open_membership_per_family"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")

    def __str__(self) -> str:
        return f"{self.family.code} → {self.group}"

    @property
    def organisation(self) -> Organisation:
        return self.group.producer_organisation

    def clean(self) -> None:
        today = timezone.localdate()
        if self.joined_on and self.joined_on > today:
            raise ValidationError({"joined_on": _("La fecha no puede estar en el futuro.")})
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("La salida no puede ser anterior al ingreso.")})


class ReferenceLayer(TimeStamped):
    """A reference layer (biological corridor, protected areas …) for overlap indicators."""

    class Kind(models.TextChoices):
        CORRIDOR = "corridor", _("corredor biológico")
        PROTECTED = "protected", _("área natural protegida")
        BOUNDARY = "boundary", _("límite administrativo")
        OTHER = "other", _("otra")

    name = models.CharField(_("nombre"), max_length=160, unique=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    illustrative = models.BooleanField(
        _("ilustrativa"), default=False, help_text=_("Capa inventada para la demostración, no un dato oficial.")
    )
    source = models.TextField(_("fuente"))
    geometry = models.JSONField(_("geometría (GeoJSON WGS84)"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("capa de referencia")
        verbose_name_plural = _("capas de referencia")

    def __str__(self) -> str:
        return self.name
