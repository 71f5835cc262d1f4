"""The market directory: buyers, their demands, producer certifications, and families' consent to be named.

A buyer belongs to the directory of one accompanying organisation (the one its coordinators work for);
promoters of that organisation read it, analysts do not (a buyer's contact is a person's data). Demands
say what a buyer wants: a product, kilograms, months, price, quality and certifications.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.core.models import TimeStamped


class BuyerKind(models.TextChoices):
    INTERMEDIARY = "intermediary", _("intermediario (coyote)")
    ORGANISATION = "organisation", _("otra organización")
    PROCESSOR = "processor", _("procesadora o agroindustria")
    RETAILER = "retailer", _("comercio minorista o tienda")
    INSTITUTION = "institution", _("institución (escuelas, DIF, gobierno)")
    EXPORTER = "exporter", _("exportadora")
    OTHER = "other", _("otro")


class Certification(models.TextChoices):
    ORGANIC = "organic", _("orgánico (certificado por tercera parte)")
    PGS = "pgs", _("sistema participativo de garantía (SPG)")
    FAIR_TRADE = "fair_trade", _("comercio justo")
    GAP = "gap", _("buenas prácticas agrícolas (BPA)")
    NONE = "none", _("ninguna")


CERTIFICATION_CODES = tuple(c.value for c in Certification)


def validate_certifications(value) -> None:  # noqa: ANN001
    if not isinstance(value, list) or any(v not in CERTIFICATION_CODES for v in value):
        raise ValidationError(_("Certificaciones: elija de la lista (%(codes)s).") % {"codes": ", ".join(CERTIFICATION_CODES)})


def validate_months(value) -> None:  # noqa: ANN001
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Indique al menos un mes."))
    for m in value:
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise ValidationError(_("Los meses van del 1 al 12 (recibido: %(m)s).") % {"m": m})
    if len(set(value)) != len(value):
        raise ValidationError(_("Un mes aparece dos veces."))


def validate_products(value) -> None:  # noqa: ANN001
    from miaf.web.catalogue.models import Species

    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise ValidationError(_("Productos: una lista de claves de especie."))
    unknown = set(value) - set(Species.objects.filter(code__in=value).values_list("code", flat=True))
    if unknown:
        raise ValidationError(_("Especie desconocida: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})


class Buyer(TimeStamped):
    """A buyer in the organisation's market directory."""

    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización (directorio de)"),
                                     on_delete=models.CASCADE, related_name="buyers")
    name = models.CharField(_("nombre del comprador"), max_length=160)
    kind = models.CharField(_("tipo de comprador"), max_length=14, choices=BuyerKind.choices)
    contact_name = models.CharField(_("persona de contacto"), max_length=160, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    email = models.EmailField(_("correo"), blank=True)
    place = models.CharField(_("lugar (ciudad o municipio)"), max_length=160, blank=True)
    products = models.JSONField(_("productos que compra"), default=list, blank=True, validators=[validate_products])
    certifications_wanted = models.JSONField(_("certificaciones que pide"), default=list, blank=True,
                                             validators=[validate_certifications])
    quality_requirements = models.TextField(_("requisitos de calidad"), blank=True)
    payment_delay_days = models.PositiveIntegerField(_("plazo de pago [días]"), default=0,
                                                     validators=[MaxValueValidator(365)])
    advance_share = models.FloatField(_("anticipo [fracción del valor]"), default=0.0,
                                      validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    notes = models.TextField(_("notas"), blank=True)
    active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="buyer_name_per_organisation")]
        verbose_name = _("comprador")
        verbose_name_plural = _("compradores")

    def __str__(self) -> str:
        return self.name


class Demand(TimeStamped):
    """What a buyer asks for: a product, how much, in which months, at what price and quality."""

    buyer = models.ForeignKey(Buyer, verbose_name=_("comprador"), on_delete=models.CASCADE, related_name="demands")
    product = models.ForeignKey("catalogue.Species", verbose_name=_("producto"), on_delete=models.PROTECT)
    quantity_kg = models.DecimalField(_("cantidad [kg]"), max_digits=12, decimal_places=1,
                                      validators=[MinValueValidator(0.1)])
    months = models.JSONField(_("meses (1–12)"), default=list, validators=[validate_months])
    price_mxn_kg = models.DecimalField(_("precio [MXN/kg]"), max_digits=10, decimal_places=2,
                                       validators=[MinValueValidator(0.01)])
    quality = models.TextField(_("calidad"), blank=True)
    certifications = models.JSONField(_("certificaciones"), default=list, blank=True,
                                      validators=[validate_certifications])
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        ordering = ["buyer__name", "product__code", "pk"]
        verbose_name = _("demanda")
        verbose_name_plural = _("demandas")

    def __str__(self) -> str:
        return f"{self.buyer} · {self.product}"


class ProducerCertification(TimeStamped):
    """A certification held by a producer organisation (shown on the product sheet)."""

    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización de productores"),
                                     on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("certificación"), max_length=12, choices=Certification.choices)
    certifier = models.CharField(_("certificadora o comité"), max_length=160, blank=True)
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "kind"]
        verbose_name = _("certificación de productores")
        verbose_name_plural = _("certificaciones de productores")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"


class BuyerSharingConsent(TimeStamped):
    """A family's consent to have its name shown to buyers (on product sheets). Without a row: not shared."""

    family = models.OneToOneField("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE,
                                  related_name="buyer_consent")
    share_name = models.BooleanField(_("acepta compartir su nombre con compradores"), default=False)
    agreed_on = models.DateField(_("fecha del acuerdo"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        verbose_name = _("consentimiento para compartir con compradores")
        verbose_name_plural = _("consentimientos para compartir con compradores")

    def __str__(self) -> str:
        return f"{self.family_id}: {self.share_name}"
