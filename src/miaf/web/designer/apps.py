from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DesignerConfig(AppConfig):
    name = "miaf.web.designer"
    label = "designer"
    verbose_name = _("diseño MIAF-D de parcelas")
