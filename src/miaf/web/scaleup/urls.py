"""Scale-up simulator pages, mounted at /escalamiento/."""

from django.urls import path

from miaf.web.scaleup import views

app_name = "scaleup"
urlpatterns = [
    path("", views.index, name="index"),
    path("corridas/<int:pk>/", views.job, name="job"),
    path("corridas/<int:pk>/estado/", views.status, name="status"),
    path("corridas/<int:pk>/resumen.pdf", views.brief, name="brief"),
]
