"""Dashboard pages, mounted at /tablero/ (the home page / renders the same dashboard)."""

from django.urls import path

from miaf.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("familia/<int:pk>/hoja/", views.family_sheet, name="family_sheet"),
    path("familia/<int:pk>/hoja.pdf", views.family_sheet_pdf, name="family_sheet_pdf"),
]
