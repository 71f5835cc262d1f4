"""Evidence report pages, mounted at /evidencia/."""

from django.urls import path

from miaf.web.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.index, name="index"),
    path("informes/<int:pk>/estado/", views.status, name="status"),
    path("informes/<int:pk>/descargar/", views.download, name="download"),
    path("informes/<int:pk>/anexo/", views.download, {"annex": True}, name="download_annex"),
]
