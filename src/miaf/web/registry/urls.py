"""Registry pages (Spanish URLs, like the rest of the site)."""

from django.urls import path

from miaf.web.registry import views, views_office

app_name = "registry"
urlpatterns = [
    path("grupos/", views.group_list, name="group_list"),
    path("grupos/opciones/", views.group_options, name="group_options"),
    path("opciones/<slug:source>/", views.picker_options, name="picker_options"),
    path("grupos/nuevo/", views_office.group_form, name="group_create"),
    path("grupos/<int:pk>/editar/", views_office.group_form, name="group_edit"),
    path("familias/", views.family_list, name="family_list"),
    path("familias/nueva/", views.family_create, name="family_create"),
    path("familias/<int:pk>/", views.family_detail, name="family_detail"),
    path("familias/<int:pk>/editar/", views.family_edit, name="family_edit"),
    path("familias/<int:pk>/cambiar-grupo/", views_office.family_move, name="family_move"),
    path("organizaciones/", views_office.organisation_list, name="organisation_list"),
    path("organizaciones/nueva/", views_office.organisation_form, name="organisation_create"),
    path("organizaciones/<int:pk>/editar/", views_office.organisation_form, name="organisation_edit"),
    path("localidades/", views_office.locality_list, name="locality_list"),
    path("localidades/nueva/", views_office.locality_form, name="locality_create"),
    path("localidades/<int:pk>/editar/", views_office.locality_form, name="locality_edit"),
    path("promotores/", views_office.promoter_list, name="promoter_list"),
    path("promotores/<int:pk>/grupos/", views_office.promoter_groups, name="promoter_groups"),
]
