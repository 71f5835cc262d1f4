"""Pages to record harvests, the month's income and expense, labour, plantings and input purchases."""

from django.urls import path

from miaf.web.records import views

app_name = "records"

urlpatterns = [
    path("familia/<int:pk>/", views.family_records, name="family"),
    path("familia/<int:pk>/cosecha/nueva/", views.harvest_create, name="harvest_create"),
    path("cosecha/<int:pk>/", views.harvest_edit, name="harvest_edit"),
    path("familia/<int:pk>/mes/", views.ledger_month, name="ledger"),
    path("familia/<int:pk>/mes/<int:year>/<int:month>/", views.ledger_month, name="ledger_month"),
    path("familia/<int:pk>/<slug:kind>/nuevo/", views.record_create, name="create"),
    path("<slug:kind>/<int:pk>/", views.record_edit, name="edit"),
    path("<slug:kind>/<int:pk>/borrar/", views.record_delete, name="delete"),
]
