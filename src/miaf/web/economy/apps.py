from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "miaf.web.economy"
    label = "economy"
    verbose_name = _("economía de parcelas y familias")

    def ready(self) -> None:
        from miaf.web.economy.services import install_plot_loader

        install_plot_loader()
