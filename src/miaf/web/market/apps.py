from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "miaf.web.market"
    label = "market"
    verbose_name = _("mercado: oferta y compradores")

    def ready(self) -> None:
        from miaf.web.market.exports import register

        register()  # the buyer directory's tables on the exports page
