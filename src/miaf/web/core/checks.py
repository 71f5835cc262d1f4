"""System check: refuse an unsafe production configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_safety(app_configs, **kwargs):  # noqa: ANN001, ANN201
    from miaf.web.settings import DEV_SECRET_KEY

    errors = []
    public = [h for h in settings.ALLOWED_HOSTS if h not in ("127.0.0.1", "localhost", "testserver", "[::1]")]
    if settings.DEBUG and public:
        errors.append(
            Error("MIAF_DEBUG is true while public hosts are allowed", hint="Set MIAF_DEBUG=false.", id="miaf.E001")
        )
    if settings.SECRET_KEY == DEV_SECRET_KEY and public:
        errors.append(
            Error("The development secret key is in use", hint="Set MIAF_SECRET_KEY.", id="miaf.E002")
        )
    if settings.MIAF_DEMO_DATABASE and public:
        errors.append(Error("MIAF_DEMO_DATABASE is true while public hosts are allowed",
                            hint="Demo users have a published password; set MIAF_DEMO_DATABASE=false.",
                            id="miaf.E003"))  # fmt: skip
    return errors
