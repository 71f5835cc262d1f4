from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironsConfig(AppConfig):
    name = "miaf.web.environs"
    label = "environs"
    verbose_name = _("evidencia ambiental")
