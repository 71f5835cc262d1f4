"""Throttling of failed logins: per account and per client address, with a lockout window.

Used by the login form, the admin's login form (:mod:`miaf.web.accounts.forms`) and the API's Bearer token
check (:mod:`miaf.web.api.auth`). Counters live in the ``throttle`` cache (files under ``var/``, shared by
all gunicorn workers); each failure restarts the window, so a lockout ends ``MIAF_LOGIN_LOCKOUT_S`` seconds
after the last failed attempt. A successful login clears the account's counter but not the address's, so an
attacker cannot reset the address counter with an account of her own. The counters are not atomic: under
concurrent guessing a few extra attempts may slip through, which still bounds guessing to a handful a window.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext as _


def client_address(request: HttpRequest | None) -> str:
    """The client's address: the last ``X-Forwarded-For`` hop behind our own nginx, else ``REMOTE_ADDR``."""
    if request is None:
        return "unknown"
    if settings.MIAF_BEHIND_PROXY:
        forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(account: str | None, address: str) -> list[tuple[str, int]]:
    keys = [("login-fail:addr:" + hashlib.sha256(address.encode()).hexdigest()[:32],
             settings.MIAF_LOGIN_FAILURES_PER_ADDRESS)]  # fmt: skip
    if account:
        digest = hashlib.sha256(account.strip().casefold().encode()).hexdigest()[:32]
        keys.append(("login-fail:acct:" + digest, settings.MIAF_LOGIN_FAILURES_PER_ACCOUNT))
    return keys


def is_locked(account: str | None, address: str) -> bool:
    cache = caches["throttle"]
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(account, address))


def record_failure(account: str | None, address: str) -> None:
    cache = caches["throttle"]
    for key, _limit in _keys(account, address):
        cache.set(key, (cache.get(key) or 0) + 1, settings.MIAF_LOGIN_LOCKOUT_S)


def record_success(account: str) -> None:
    caches["throttle"].delete(_keys(account, "")[1][0])


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.MIAF_LOGIN_LOCKOUT_S / 60))
    return _("Demasiados intentos fallidos de inicio de sesión. Por seguridad, espere %(minutes)d minutos "
             "antes de volver a intentarlo.") % {"minutes": minutes}  # fmt: skip
