"""Registry pages (Spanish URLs, like the rest of the site)."""

from django.urls import path

from miaf.web.registry import views

app_name = "registry"
urlpatterns = [
    path("grupos/", views.group_list, name="group_list"),
    path("familias/", views.family_list, name="family_list"),
    path("familias/nueva/", views.family_create, name="family_create"),
    path("familias/<int:pk>/", views.family_detail, name="family_detail"),
    path("familias/<int:pk>/editar/", views.family_edit, name="family_edit"),
]
