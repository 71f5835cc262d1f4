from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "miaf.web.intake"
    label = "intake"
    verbose_name = _("Datos de campo: importación y exportación")
