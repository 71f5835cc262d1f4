from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleupConfig(AppConfig):
    name = "miaf.web.scaleup"
    label = "scaleup"
    verbose_name = _("simulador de escalamiento")
