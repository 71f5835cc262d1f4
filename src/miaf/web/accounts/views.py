"""Account pages: a user creates and revokes their own API tokens (the clear token is shown once)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from miaf.web.accounts.models import ApiToken

NAME_MAX = ApiToken._meta.get_field("name").max_length


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_token = None
    error = None
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        if not name or len(name) > NAME_MAX:
            error = _("Escriba para qué es el token (de 1 a %(n)d caracteres).") % {"n": NAME_MAX}
        else:
            _obj, new_token = ApiToken.issue(request.user, name)
    context = {
        "tokens": request.user.api_tokens.order_by("-created_at"),
        "new_token": new_token,
        "error": error,
        "api_root": "/api/v1/",
    }
    return render(request, "accounts/tokens.html", context, status=400 if error else 200)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        messages.success(request, _("Token %(prefix)s… revocado.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")
