"""Audit trail pages."""

from django.urls import path

from miaf.web.audit import views

app_name = "audit"
urlpatterns = [
    path("familias/<int:pk>/", views.family_history, name="family_history"),
    path("usuarios/<int:pk>/", views.user_activity, name="user_activity"),
]
