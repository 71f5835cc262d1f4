"""Production and household records: plantings, harvests and where they went, inputs, labour, ledger."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords
from miaf.web.core.models import Provenance
from miaf.web.records import rules

POSITIVE = [MinValueValidator(Decimal("0"))]
MONTH = [MinValueValidator(1), MaxValueValidator(12)]
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


def not_in_future(value) -> None:  # noqa: ANN001
    if value and value > timezone.localdate():
        raise ValidationError(_("La fecha no puede estar en el futuro."), code="future_date")


def year_month_not_in_future(year: int | None, month: int | None) -> None:
    today = timezone.localdate()
    if rules.month_in_future(year, month, today.year, today.month):
        raise ValidationError({"month": _("El mes no puede estar en el futuro.")}, code="future_date")


class Planting(Provenance):
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), on_delete=models.CASCADE, related_name="plantings")
    species = models.ForeignKey("catalogue.Species", verbose_name=_("especie"), on_delete=models.PROTECT)
    planted_on = models.DateField(_("fecha de siembra"), validators=[not_in_future])
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=2, validators=POSITIVE)
    unit = models.CharField(
        _("unidad"), max_length=10, choices=[("plants", _("plantas")), ("kg_seed", _("kg de semilla"))]
    )
    row_number = models.PositiveIntegerField(_("hilera"), null=True, blank=True)
    notes = models.TextField(_("notas"), blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-planted_on"]
        verbose_name = _("siembra o plantación")
        verbose_name_plural = _("siembras y plantaciones")

    def __str__(self) -> str:
        return f"{self.species} · {self.quantity} {self.unit}"


class Destination(models.TextChoices):
    SELF_CONSUMPTION = "self", _("autoconsumo")
    ORGANISATION = "organisation", _("organización de productores")
    INTERMEDIARY = "intermediary", _("intermediario (coyote)")
    LOCAL_MARKET = "local_market", _("mercado local")
    OTHER = "other", _("otro")


class Harvest(Provenance):
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), on_delete=models.CASCADE, related_name="harvests")
    species = models.ForeignKey("catalogue.Species", verbose_name=_("especie"), on_delete=models.PROTECT)
    harvested_on = models.DateField(_("fecha de cosecha"), validators=[not_in_future])
    quantity_kg = models.DecimalField(_("cantidad [kg]"), max_digits=12, decimal_places=2, validators=POSITIVE)
    notes = models.TextField(_("notas"), blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-harvested_on"]
        indexes = [models.Index(fields=["harvested_on"])]
        verbose_name = _("cosecha")
        verbose_name_plural = _("cosechas")

    def __str__(self) -> str:
        return f"{self.species} {self.quantity_kg} kg {self.harvested_on}"

    def check_destinations(self, splits: list[Decimal] | None = None) -> None:
        """Refuse destination splits that add up to more than the harvest."""
        kg = splits if splits is not None else [d.kg for d in self.destinations.all()]
        total = rules.splits_exceed(self.quantity_kg, kg)
        if total is not None:
            raise ValidationError(
                {
                    "destinations": _("Los destinos suman %(total)s kg, más que los %(harvest)s kg cosechados.")
                    % {"total": total, "harvest": self.quantity_kg}
                },
                code="split_exceeds_harvest",
            )


class HarvestDestination(models.Model):
    harvest = models.ForeignKey(Harvest, verbose_name=_("cosecha"), on_delete=models.CASCADE, related_name="destinations")
    destination = models.CharField(_("destino"), max_length=14, choices=Destination.choices)
    kg = models.DecimalField(_("cantidad [kg]"), max_digits=12, decimal_places=2, validators=POSITIVE)
    price_mxn_per_kg = models.DecimalField(
        _("precio [MXN/kg]"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    buyer = models.CharField(_("comprador"), max_length=160, blank=True)
    paid_on = models.DateField(_("fecha en que llegó el pago"), null=True, blank=True)
    transport_mxn_per_kg = models.DecimalField(
        _("transporte [MXN/kg]"), max_digits=8, decimal_places=2, null=True, blank=True, validators=POSITIVE,
        help_text=_("Lo que la familia pagó por llevar la cosecha al comprador, por kg."))
    quality_discount_pct = models.DecimalField(
        _("descuento por calidad [%]"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Parte del precio que el comprador descontó por calidad, mermas o pesaje."))

    history = AuditedRecords()

    class Meta:
        verbose_name = _("destino de la cosecha")
        verbose_name_plural = _("destinos de la cosecha")

    def __str__(self) -> str:
        return f"{self.get_destination_display()} {self.kg} kg"

    def clean(self) -> None:
        problem = rules.sale_price_problem(self.destination, self.price_mxn_per_kg)
        if problem == "missing":
            raise ValidationError({"price_mxn_per_kg": _("Una venta necesita su precio por kg.")})
        if problem == "zero":
            raise ValidationError({"price_mxn_per_kg": _("El precio de una venta debe ser mayor que cero.")})

    @property
    def value_mxn(self) -> Decimal:
        return (self.price_mxn_per_kg or Decimal("0")) * self.kg


class InputPurchase(Provenance):
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="input_purchases"
    )
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), null=True, blank=True, on_delete=models.SET_NULL)
    purchased_on = models.DateField(_("fecha"), validators=[not_in_future])
    item = models.CharField(_("insumo"), max_length=160)
    quantity = models.DecimalField(_("cantidad"), max_digits=12, decimal_places=2, validators=POSITIVE)
    unit = models.CharField(_("unidad"), max_length=20)
    cost_mxn = models.DecimalField(_("costo [MXN]"), max_digits=14, decimal_places=2, validators=POSITIVE)
    supplier = models.CharField(_("proveedor"), max_length=160, blank=True)
    collective = models.BooleanField(_("compra colectiva"), default=False)

    history = AuditedRecords()

    class Meta:
        ordering = ["-purchased_on"]
        verbose_name = _("compra de insumos")
        verbose_name_plural = _("compras de insumos")

    def __str__(self) -> str:
        return f"{self.item} {self.quantity} {self.unit}"


class LabourLog(Provenance):
    class Kind(models.TextChoices):
        FAMILY = "family", _("familiar")
        HIRED = "hired", _("contratada")

    class Activity(models.TextChoices):
        CONTOUR = "contour", _("trazo de curvas a nivel")
        DIGGING = "digging", _("cepas")
        PLANTING = "planting", _("plantación")
        SOWING = "sowing", _("siembra de milpa")
        WEEDING = "weeding", _("deshierbe")
        FERTILISING = "fertilising", _("abonado")
        PRUNING = "pruning", _("poda")
        FILTER = "filter", _("filtro de escurrimiento")
        HARVEST = "harvest", _("cosecha")
        OTHER = "other", _("otra")

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="labour")
    plot = models.ForeignKey("plots.Plot", verbose_name=_("parcela"), null=True, blank=True, on_delete=models.SET_NULL)
    member = models.ForeignKey(
        "registry.Member", verbose_name=_("integrante que trabajó"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="labour", help_text=_("Para mano de obra familiar: quién de la familia trabajó."),
    )
    year = models.PositiveSmallIntegerField(_("año"), validators=YEAR)
    month = models.PositiveSmallIntegerField(_("mes"), validators=MONTH)
    activity = models.CharField(_("actividad"), max_length=12, choices=Activity.choices)
    kind = models.CharField(_("tipo de mano de obra"), max_length=6, choices=Kind.choices)
    person_days = models.DecimalField(_("jornales"), max_digits=8, decimal_places=2, validators=POSITIVE)
    worker_sex = models.CharField(
        _("sexo de quien trabajó"), max_length=1, choices=[("F", _("mujer")), ("M", _("hombre"))], blank=True
    )
    wage_mxn_per_day = models.DecimalField(
        _("jornal pagado [MXN/día]"), max_digits=8, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("registro de mano de obra")
        verbose_name_plural = _("mano de obra")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.get_activity_display()} {self.person_days} d"

    def clean(self) -> None:
        year_month_not_in_future(self.year, self.month)


class LedgerEntry(Provenance):
    """One line of the household economy calendar: income by source or expense by destination, by month."""

    class Kind(models.TextChoices):
        INCOME = "income", _("ingreso")
        EXPENSE = "expense", _("gasto")

    class Category(models.TextChoices):
        CROP_SALE = "crop_sale", _("venta de cosecha")
        WAGES = "wages", _("jornales y salarios")
        REMITTANCES = "remittances", _("remesas")
        TRANSFERS = "transfers", _("programas de gobierno")
        OTHER_INCOME = "other_income", _("otro ingreso")
        FOOD = "food", _("alimentación")
        PRODUCTION = "production", _("producción")
        HEALTH = "health", _("salud")
        EDUCATION = "education", _("educación")
        DEBT = "debt", _("deudas")
        OTHER_EXPENSE = "other_expense", _("otro gasto")

    INCOME_CATEGORIES = rules.INCOME_CATEGORIES

    family = models.ForeignKey("registry.Family", verbose_name=_("familia"), on_delete=models.CASCADE, related_name="ledger")
    year = models.PositiveSmallIntegerField(_("año"), validators=YEAR)
    month = models.PositiveSmallIntegerField(_("mes"), validators=MONTH)
    kind = models.CharField(_("tipo"), max_length=7, choices=Kind.choices)
    category = models.CharField(_("fuente o destino"), max_length=14, choices=Category.choices)
    species = models.ForeignKey(
        "catalogue.Species", verbose_name=_("cultivo"), null=True, blank=True, on_delete=models.PROTECT
    )
    amount_mxn = models.DecimalField(_("monto [MXN]"), max_digits=14, decimal_places=2, validators=POSITIVE)
    notes = models.CharField(_("notas"), max_length=255, blank=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["family", "year", "month"]
        indexes = [models.Index(fields=["family", "year", "month"])]
        verbose_name = _("movimiento del calendario económico")
        verbose_name_plural = _("calendario económico familiar")

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.get_category_display()} {self.amount_mxn}"

    def clean(self) -> None:
        year_month_not_in_future(self.year, self.month)
        if not rules.category_matches_kind(self.kind, self.category):
            raise ValidationError({"category": _("La categoría no corresponde al tipo (ingreso o gasto).")})
