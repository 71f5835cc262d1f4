"""Security headers of every response: the Content-Security-Policy and ``Cache-Control: no-store``.

Personal data (families, plots, records, exports, the API) is shown only to logged-in users, so every
response to an authenticated request (session or API token: ninja sets ``request.user`` during the view) is
marked ``no-store`` and ``private``: a shared computer's browser or a proxy must not keep a copy. Static files
are served by whitenoise before this middleware and keep their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.MIAF_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.MIAF_CSP
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "Cache-Control" in response:
                del response["Cache-Control"]  # a view's max-age must not outlive the session
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        return response

    return middleware
