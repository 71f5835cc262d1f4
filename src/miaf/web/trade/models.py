"""The organisation's offer to its members (prices, payment delay, advances and credit) and collective input
purchases (supplier quotes, the purchase and its split per family).

Sales themselves are harvest destinations (:class:`miaf.web.records.models.HarvestDestination`: channel,
buyer, price, payment date, transport, quality discount); nothing here duplicates them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Provenance, TimeStamped

POSITIVE = [MinValueValidator(Decimal("0"))]
MONTH = [MinValueValidator(1), MaxValueValidator(12)]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]
DELAY_DAYS = [MinValueValidator(0), MaxValueValidator(3650)]


class OrganisationPrice(TimeStamped):
    """What a producer organisation pays its members for a product in a month, and how late it pays."""

    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización de productores"),
                                     on_delete=models.CASCADE, related_name="purchase_prices")
    species = models.ForeignKey("catalogue.Species", verbose_name=_("producto"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("año"), validators=YEAR)
    month = models.PositiveSmallIntegerField(_("mes"), validators=MONTH)
    price_mxn_per_kg = models.DecimalField(_("precio de compra [MXN/kg]"), max_digits=10, decimal_places=2,
                                           validators=POSITIVE)
    payment_delay_days = models.PositiveIntegerField(
        _("días hasta el pago"), validators=DELAY_DAYS,
        help_text=_("Días entre la entrega y el pago a la familia."))
    notes = models.CharField(_("notas"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["organisation", "species", "-year", "month"]
        constraints = [models.UniqueConstraint(fields=["organisation", "species", "year", "month"],
                                               name="one_price_per_product_month")]
        verbose_name = _("precio de compra de la organización")
        verbose_name_plural = _("precios de compra de la organización")

    def __str__(self) -> str:
        return f"{self.species} {self.year}-{self.month:02d} {self.price_mxn_per_kg} MXN/kg"


class Advance(Provenance):
    """Money the organisation advanced or lent to a family; repaid in cash or by harvest deductions."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("anticipo sobre la cosecha")
        CREDIT = "credit", _("crédito")

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE,
                               related_name="advances")
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organización que lo dio"),
                                     on_delete=models.PROTECT, related_name="advances_given")
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices, default=Kind.ADVANCE)
    given_on = models.DateField(_("fecha de entrega"))
    amount_mxn = models.DecimalField(_("monto [MXN]"), max_digits=12, decimal_places=2, validators=POSITIVE)
    monthly_rate_pct = models.DecimalField(
        _("interés mensual [%]"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Vacío o 0 si no cobra interés."))
    notes = models.CharField(_("notas"), max_length=255, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("anticipo o crédito")
        verbose_name_plural = _("anticipos y créditos")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_mxn} MXN {self.given_on}"


class Repayment(TimeStamped):
    """A repayment of an advance or credit."""

    class Method(models.TextChoices):
        CASH = "cash", _("en efectivo")
        HARVEST = "harvest", _("descontado de la cosecha entregada")

    advance = models.ForeignKey(Advance, verbose_name=_("anticipo o crédito"), on_delete=models.CASCADE,
                                related_name="repayments")
    paid_on = models.DateField(_("fecha de pago"))
    amount_mxn = models.DecimalField(_("monto [MXN]"), max_digits=12, decimal_places=2, validators=POSITIVE)
    method = models.CharField(_("forma de pago"), max_length=8, choices=Method.choices, default=Method.CASH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("pago de anticipo o crédito")
        verbose_name_plural = _("pagos de anticipos y créditos")

    def __str__(self) -> str:
        return f"{self.amount_mxn} MXN {self.paid_on}"


class Quality(models.TextChoices):
    HIGH = "high", _("alta (certificada o probada)")
    STANDARD = "standard", _("estándar")
    LOW = "low", _("baja o sin verificar")


class Currency(models.TextChoices):
    MXN = "MXN", _("pesos mexicanos (MXN)")
    USD = "USD", _("dólares (USD)")
    GTQ = "GTQ", _("quetzales (GTQ)")


class SupplierQuote(TimeStamped):
    """A supplier's quote of one input for a working group's collective purchase."""

    group = models.ForeignKey("registry.Group", verbose_name=_("grupo"), on_delete=models.CASCADE,
                              related_name="supplier_quotes")
    item = models.CharField(_("insumo"), max_length=160)
    unit = models.CharField(_("unidad"), max_length=20)
    supplier = models.CharField(_("proveedor"), max_length=160)
    unit_price = models.DecimalField(_("precio por unidad"), max_digits=12, decimal_places=2, validators=POSITIVE)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.MXN)
    exchange_rate_mxn = models.DecimalField(
        _("tipo de cambio [MXN por unidad de la moneda]"), max_digits=10, decimal_places=4, null=True, blank=True,
        validators=POSITIVE, help_text=_("Obligatorio si la cotización no está en pesos."))
    quality = models.CharField(_("calidad"), max_length=8, choices=Quality.choices, default=Quality.STANDARD)
    delivery_days = models.PositiveIntegerField(_("días de entrega"), validators=DELAY_DAYS)
    quoted_on = models.DateField(_("fecha de la cotización"))
    notes = models.CharField(_("notas"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["item", "unit_price", "pk"]
        verbose_name = _("cotización de proveedor")
        verbose_name_plural = _("cotizaciones de proveedores")

    def __str__(self) -> str:
        return f"{self.item}: {self.supplier} {self.unit_price} {self.currency}/{self.unit}"

    @property
    def unit_price_mxn(self) -> Decimal:
        rate = Decimal("1") if self.currency == Currency.MXN else (self.exchange_rate_mxn or Decimal("0"))
        return (self.unit_price * rate).quantize(Decimal("0.01"))


class CollectivePurchase(TimeStamped):
    """A working group's purchase of one input, bought together and split among its families."""

    class Split(models.TextChoices):
        NEEDS = "needs", _("según lo que necesita cada familia (diseños)")
        EQUAL = "equal", _("partes iguales")

    group = models.ForeignKey("registry.Group", verbose_name=_("grupo"), on_delete=models.CASCADE,
                              related_name="collective_purchases")
    quote = models.ForeignKey(SupplierQuote, verbose_name=_("cotización elegida"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="purchases")
    item = models.CharField(_("insumo"), max_length=160)
    unit = models.CharField(_("unidad"), max_length=20)
    supplier = models.CharField(_("proveedor"), max_length=160)
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=2, validators=POSITIVE)
    unit_price_mxn = models.DecimalField(_("precio por unidad [MXN]"), max_digits=12, decimal_places=2,
                                         validators=POSITIVE)
    total_mxn = models.DecimalField(_("total [MXN]"), max_digits=14, decimal_places=2, validators=POSITIVE)
    individual_unit_price_mxn = models.DecimalField(
        _("precio individual de referencia [MXN/unidad]"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=POSITIVE, help_text=_("Lo que cuesta a una familia comprando sola; vacío: se toma de las "
                                         "compras individuales registradas."))
    split = models.CharField(_("reparto"), max_length=6, choices=Split.choices, default=Split.NEEDS)
    purchased_on = models.DateField(_("fecha de compra"))
    notes = models.CharField(_("notas"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registrado por"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    history = AuditedRecords()

    class Meta:
        ordering = ["-purchased_on", "-pk"]
        verbose_name = _("compra colectiva")
        verbose_name_plural = _("compras colectivas")

    def __str__(self) -> str:
        return f"{self.item} {self.quantity} {self.unit} ({self.group})"


class PurchaseShare(models.Model):
    """One family's part of a collective purchase; its input purchase record is written through records."""

    purchase = models.ForeignKey(CollectivePurchase, verbose_name=_("compra colectiva"), on_delete=models.CASCADE,
                                 related_name="shares")
    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE,
                               related_name="purchase_shares")
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=2, validators=POSITIVE)
    cost_mxn = models.DecimalField(_("costo [MXN]"), max_digits=14, decimal_places=2, validators=POSITIVE)
    input_purchase = models.OneToOneField("records.InputPurchase", verbose_name=_("compra de insumos registrada"),
                                          null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["purchase", "family"]
        constraints = [models.UniqueConstraint(fields=["purchase", "family"], name="one_share_per_family")]
        verbose_name = _("parte de una compra colectiva")
        verbose_name_plural = _("partes de compras colectivas")

    def __str__(self) -> str:
        return f"{self.family_id}: {self.quantity} · {self.cost_mxn} MXN"
