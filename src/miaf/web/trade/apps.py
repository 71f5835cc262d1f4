from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "miaf.web.trade"
    label = "trade"
    verbose_name = _("comercialización: oferta de la organización, venta por fuera y compras colectivas")
