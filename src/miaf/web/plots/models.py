"""Plots, their production-system history, and their (versioned) MIAF-D designs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.geo import GeometryError, validate_boundary
from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Provenance, TimeStamped


class System(models.TextChoices):
    TRADITIONAL = "traditional", _("milpa tradicional")
    MIAF = "miaf", _("MIAF")
    MIAF_D = "miaf_d", _("MIAF-D")
    OTHER = "other", _("otro")


class SoilDepth(models.TextChoices):
    SHALLOW = "shallow", _("somero (< 0.5 m)")
    MEDIUM = "medium", _("medio (0.5–1 m)")
    DEEP = "deep", _("profundo (> 1 m)")


def geometry_error_to_validation(field: str, exc: GeometryError, lang: str = "es") -> ValidationError:
    return ValidationError({field: ValidationError(exc.message(lang), code=exc.code)})


class Plot(Provenance):
    """A family's plot. ``boundary`` is a GeoJSON Polygon in WGS84; area and centroid are derived."""

    family = models.ForeignKey(
        "registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="plots"
    )
    name = models.CharField(_("nombre"), max_length=120)
    boundary = models.JSONField(_("contorno (GeoJSON WGS84)"))
    area_ha = models.FloatField(_("superficie [ha]"), editable=False)
    centroid_lat = models.FloatField(_("latitud del centroide"), editable=False)
    centroid_lon = models.FloatField(_("longitud del centroide"), editable=False)
    altitude_m = models.FloatField(
        _("altitud [m]"), null=True, blank=True, validators=[MinValueValidator(-10), MaxValueValidator(5700)]
    )
    mean_slope_pct = models.FloatField(
        _("pendiente media [%]"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(300)]
    )
    soil_depth_class = models.CharField(_("profundidad del suelo"), max_length=8, choices=SoilDepth.choices, blank=True)
    system = models.CharField(_("sistema actual"), max_length=12, choices=System.choices, default=System.TRADITIONAL)
    established_on = models.DateField(_("establecido como MIAF-D el"), null=True, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["family__code", "name"]
        verbose_name = _("parcela")
        verbose_name_plural = _("parcelas")
        indexes = [models.Index(fields=["system"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.family.code})"

    def clean(self) -> None:
        try:
            geom = validate_boundary(self.boundary)
        except GeometryError as exc:
            raise geometry_error_to_validation("boundary", exc) from exc
        self.apply_geometry(geom)
        if self.established_on and self.established_on > timezone.localdate():
            raise ValidationError({"established_on": _("La fecha no puede estar en el futuro.")})

    def apply_geometry(self, geom) -> None:  # noqa: ANN001
        self.boundary = geom.geojson
        self.area_ha = round(geom.area_ha, 4)
        self.centroid_lat = geom.centroid_lat
        self.centroid_lon = geom.centroid_lon


class PlotPhase(TimeStamped):
    """One period of a plot under one production system (a plot is milpa before it becomes MIAF-D)."""

    plot = models.ForeignKey(Plot, verbose_name=_("parcela"), on_delete=models.CASCADE, related_name="phases")
    system = models.CharField(_("sistema"), max_length=12, choices=System.choices)
    started_on = models.DateField(_("desde"))
    ended_on = models.DateField(_("hasta"), null=True, blank=True)
    notes = models.TextField(_("notas"), blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["plot", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["plot"], condition=Q(ended_on__isnull=True), name="one_open_phase_per_plot"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="phase_ends_after_start",
            ),
        ]
        verbose_name = _("fase de la parcela")
        verbose_name_plural = _("historia de la parcela")

    def __str__(self) -> str:
        return f"{self.get_system_display()} {self.started_on:%Y}–{self.ended_on or ''}"


class PlotDesign(TimeStamped):
    """A saved MIAF-D design of a plot. A redesign adds a version; old versions are kept."""

    plot = models.ForeignKey(Plot, verbose_name=_("parcela"), on_delete=models.CASCADE, related_name="designs")
    version = models.PositiveIntegerField(_("versión"))
    parameters = models.JSONField(_("parámetros"), default=dict)
    summary = models.JSONField(_("resumen"), default=dict)
    geojson = models.JSONField(_("trazo (GeoJSON)"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["plot", "-version"]
        constraints = [models.UniqueConstraint(fields=["plot", "version"], name="design_version_per_plot")]
        verbose_name = _("diseño MIAF-D")
        verbose_name_plural = _("diseños MIAF-D")

    def __str__(self) -> str:
        return f"{self.plot} v{self.version}"
