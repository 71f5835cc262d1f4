"""Fieldwork pages, under /campo/ (Spanish URLs, like the rest of the site)."""

from django.urls import path

from miaf.web.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("mi-dia/", views.my_day, name="my_day"),
    path("calendario/", views.calendar, name="calendar"),
    path("visitas/nueva/<int:family_pk>/", views.visit_new, name="visit_new"),
    path("visitas/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visitas/agendar/<int:family_pk>/", views.plan_new, name="plan_new"),
    path("visitas/agendadas/<int:pk>/cancelar/", views.plan_cancel, name="plan_cancel"),
    path("capacitaciones/", views.training_list, name="training_list"),
    path("capacitaciones/nueva/", views.training_new, name="training_new"),
    path("capacitaciones/<int:pk>/", views.training_detail, name="training_detail"),
    path("capacitaciones/<int:pk>/editar/", views.training_new, name="training_edit"),
    path("promotores/", views.promoters, name="promoters"),
]
