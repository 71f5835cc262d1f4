"""Spanish first: the interface is Spanish unless the user picks English with the language switch.

Django's LocaleMiddleware would otherwise follow the browser's Accept-Language header; promoters often
share devices set up in English, and the programme's working language is Spanish. The explicit choice
(the ``django_language`` cookie set by the switch) still wins.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def spanish_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        # API clients ask for their language with Accept-Language; only the pages are Spanish first.
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
