"""URL map. Pages are server-rendered; the REST API lives under /api/v1/."""

from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for a future /en/ prefix)
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from miaf.web.accounts.forms import ThrottledAuthenticationForm
from miaf.web.core import views as core

urlpatterns = [
    path("healthz", core.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("api/v1/", include("miaf.web.api.urls")),
    path("cuenta/", include("miaf.web.accounts.urls")),
    path("import/", include("miaf.web.intake.urls")),
    path("parcelas/", include("miaf.web.plots.urls")),
    path("economia/", include("miaf.web.economy.urls")),
    path("exportar/", include("miaf.web.exports.urls")),
    path("evidencia/", include("miaf.web.evidence.urls")),
    path("escalamiento/", include("miaf.web.scaleup.urls")),
    path("ambiente/", include("miaf.web.environs.urls")),
    path("diseno/", include("miaf.web.designer.urls")),
    path("tablero/", include("miaf.web.dashboard.urls")),
    path("proceso/", include("miaf.web.process.urls")),
    path("mercado/", include("miaf.web.market.urls")),
    path("registros/", include("miaf.web.records.urls")),
    path("campo/", include("miaf.web.fieldwork.urls")),
    path("comercializacion/", include("miaf.web.trade.urls")),
    path("bitacora/", include("miaf.web.audit.urls")),
    path("", include("miaf.web.registry.urls")),
    path("", core.home, name="home"),
]

handler400 = "miaf.web.core.errors.bad_request"
handler403 = "miaf.web.core.errors.permission_denied"
handler404 = "miaf.web.core.errors.page_not_found"
handler500 = "miaf.web.core.errors.server_error"
