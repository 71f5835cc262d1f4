"""Error pages (403, 404, 500 and CSRF failure) in the site's layout, in the user's language, with a way back.

Django's defaults are bare English pages without the menu or the phone viewport. Each handler here renders
``error_page.html`` (which extends ``base.html``) with the request, so the menu, the language selector and the
user's session show as on any other page. The 500 handler must not fail in turn: if rendering with the request's
context raises (the database may be what failed), it falls back to the same template without context processors.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _


def _render(request, status: int, title: str, text: str, hint: str = "") -> HttpResponse:  # noqa: ANN001
    context = {"error_title": title, "error_text": text, "error_hint": hint, "error_code": str(status)}
    template = loader.get_template("error_page.html")
    try:
        body = template.render(context, request)
    except Exception:  # noqa: BLE001 - an error page must render even when the database is down
        body = template.render(context, None)
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):  # noqa: ANN001, ANN201
    return _render(request, 400, _("Solicitud no válida"),
                   _("El servidor no pudo entender la solicitud."),
                   _("Revise los datos enviados e inténtelo de nuevo."))


def permission_denied(request, exception=None):  # noqa: ANN001, ANN201
    return _render(request, 403, _("Acceso no permitido"),
                   _("Su cuenta no tiene permiso para ver esta página o hacer esta acción."),
                   _("Si cree que debería tenerlo, pida a su coordinadora que revise su rol y sus grupos."))


def page_not_found(request, exception=None):  # noqa: ANN001, ANN201
    return _render(request, 404, _("Página no encontrada"),
                   _("La página que busca no existe o fue movida."),
                   _("Revise la dirección o use el menú para llegar a donde quería."))


def server_error(request):  # noqa: ANN001, ANN201
    return _render(request, 500, _("Error del servidor"),
                   _("Algo falló de nuestro lado y no se guardó nada de esta última acción."),
                   _("Inténtelo de nuevo en unos minutos; si se repite, avise a quien administra el sistema."))


def csrf_failure(request, reason: str = "") -> HttpResponse:  # noqa: ANN001
    return _render(request, 403, _("El formulario caducó"),
                   _("Por seguridad, el formulario ya no es válido (la sesión cambió o la página estaba abierta "
                     "desde hace mucho)."),
                   _("Vuelva a la página anterior, recárguela y envíe el formulario otra vez."))
