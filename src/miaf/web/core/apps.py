from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "miaf.web.core"
    label = "core"
    verbose_name = "miaf"

    def ready(self) -> None:
        from django.conf import settings

        from miaf import limits
        from miaf.web.core import checks  # noqa: F401  (registers the production-safety check)

        limits.configure(getattr(settings, "MIAF_FILE_LIMITS", None))
