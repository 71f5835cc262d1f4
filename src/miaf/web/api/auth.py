"""API authentication: a personal Bearer token, or the browser's Django session (with CSRF on writes).

A token is created per user (page ``/cuenta/tokens/`` or ``miaf token create USER NAME``), stored only as
its SHA-256 (:class:`miaf.web.accounts.models.ApiToken`) and revocable. It carries no permissions of its
own: a request made with it sees exactly what its user's role sees (``miaf.web.accounts.scoping``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from miaf.web.accounts import throttle
from miaf.web.accounts.models import ApiToken


class BearerToken(HttpBearer):
    """``Authorization: Bearer miaf_…``. A header that is present but wrong is a 401, never a fallback."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # Wrong tokens count as failed logins of the client address; while it is locked out even a valid token
        # is refused with 429 (miaf.web.accounts.throttle). Not per token prefix: the prefix is shown in token
        # lists, and guessing with it could lock a device's valid token out.
        address = throttle.client_address(request)
        if throttle.is_locked(None, address):
            raise HttpError(429, throttle.lockout_message())
        obj = ApiToken.authenticate(token.strip()) if token.strip() else None
        if obj is None:
            throttle.record_failure(None, address)
            raise AuthenticationError()
        request.user = obj.user
        request.api_token = obj  # type: ignore[attr-defined]
        return obj.user


class DjangoSession(APIKeyCookie):
    """The logged-in browser session. Unsafe methods need the CSRF token (``X-CSRFToken`` header).

    Unlike ninja's ``SessionAuth``, the CSRF check runs only when there is a logged-in session, so an
    anonymous POST is answered 401 (log in or send a token), not 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, "CSRF: falta el encabezado X-CSRFToken o no coincide con la cookie csrftoken.")
        return request.COOKIES.get(self.param_name) or "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if key and user is not None and user.is_authenticated:
            return user
        return None


def api_auth() -> list:
    return [BearerToken(), DjangoSession()]
