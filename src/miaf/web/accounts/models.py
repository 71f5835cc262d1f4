"""People and roles.

* administrator: everything;
* coordinator: everything in their accompanying organisation;
* promoter: only the working groups assigned to them (other families and plots are 404, not 403);
* analyst: programme aggregates only, never a name, a coordinate or a family's income.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miaf.web.audit.history import AuditedRecords


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("administrador(a)")
    COORDINATOR = "coordinator", _("coordinador(a)")
    PROMOTER = "promoter", _("promotor(a)")
    ANALYST = "analyst", _("analista")


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("rol"), max_length=14, choices=Role.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organización acompañante"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Coordinadores, promotores y analistas trabajan para una OSC acompañante."),
    )
    groups = models.ManyToManyField(
        "registry.Group", verbose_name=_("grupos asignados"), blank=True, related_name="promoters"
    )
    languages = models.JSONField(_("lenguas que habla"), default=list, blank=True)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("perfil")
        verbose_name_plural = _("perfiles")

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A revocable API token. Only its SHA-256 is stored; the clear token is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nombre"), max_length=80)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Fingerprint of the user's password hash when the token was issued: a password change, by any path
    #: (page, admin, ``changepassword``), makes it differ and the token is revoked at its next use.
    password_stamp = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def stamp(user) -> str:  # noqa: ANN001
        return hashlib.sha256(("miaf-api-token:" + (user.password or "")).encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:  # noqa: ANN001
        token = "miaf_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, prefix=token[5:13], digest=cls.hash(token),
                                 password_stamp=cls.stamp(user))  # fmt: skip
        return obj, token

    @classmethod
    def authenticate(cls, token: str) -> ApiToken | None:
        obj = cls.objects.select_related("user").filter(digest=cls.hash(token), revoked_at__isnull=True).first()
        if obj is None or not obj.user.is_active:
            return None
        if not secrets.compare_digest(obj.password_stamp, cls.stamp(obj.user)):
            obj.revoke()  # the password changed since the token was issued
            return None
        obj.last_used_at = timezone.now()
        obj.save(update_fields=["last_used_at"])
        return obj

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
