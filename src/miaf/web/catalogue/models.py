"""The species catalogue, loaded from the versioned ``params/species.csv`` (each row with its source)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords


class Stratum(models.TextChoices):
    FRUIT_TREE = "fruit_tree", _("árbol frutal")
    MAIZE = "maize", _("maíz")
    LEGUME = "legume", _("leguminosa")
    OTHER_CROP = "other_crop", _("otro cultivo")


class Tag(models.TextChoices):
    SEEN = "seen", _("visto en la fuente")
    DERIVED = "derived", _("derivado")
    ESTIMATE = "estimate", _("estimación")


class Species(models.Model):
    code = models.SlugField(_("código"), max_length=40, unique=True)
    scientific_name = models.CharField(_("nombre científico"), max_length=120)
    name_es = models.CharField(_("nombre en español"), max_length=120)
    name_en = models.CharField(_("nombre en inglés"), max_length=120, blank=True)
    name_local = models.CharField(
        _("nombres locales"), max_length=200, blank=True, help_text=_("Tseltal, Tsotsil, Tojolabal…")
    )
    stratum = models.CharField(_("estrato"), max_length=12, choices=Stratum.choices)
    perennial = models.BooleanField(_("perenne"), default=False)
    native = models.BooleanField(_("nativa"), default=False)
    years_to_first_harvest = models.PositiveSmallIntegerField(_("años a la primera cosecha"), default=0)
    years_to_full_yield = models.PositiveSmallIntegerField(_("años a plena producción"), default=0)
    harvest_months = models.JSONField(_("meses de cosecha"), default=list, blank=True)
    unit = models.CharField(_("unidad"), max_length=10, default="kg")
    default_price_mxn_kg = models.DecimalField(_("precio por defecto [MXN/kg]"), max_digits=10, decimal_places=2)
    default_yield_kg_ha = models.FloatField(_("rendimiento por defecto [kg/ha]"), null=True, blank=True)
    mature_yield_kg_per_tree = models.FloatField(_("rendimiento adulto [kg/árbol]"), null=True, blank=True)
    in_row_spacing_m = models.FloatField(_("distancia en la hilera [m]"), null=True, blank=True)
    wood_density_g_cm3 = models.FloatField(_("densidad de la madera [g/cm³]"), null=True, blank=True)
    tag = models.CharField(_("etiqueta"), max_length=10, choices=Tag.choices)
    source = models.TextField(_("fuente"))
    catalogue_version = models.CharField(_("versión del catálogo"), max_length=64, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["stratum", "name_es"]
        verbose_name = _("especie")
        verbose_name_plural = _("especies")

    def __str__(self) -> str:
        return f"{self.name_es} ({self.scientific_name})"
