from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "miaf.web.evidence"
    label = "evidence"
    verbose_name = _("evidencia e indicadores del programa")
