"""Exports, mounted at /exportar/ (specific routes before the generic ``<table>.<format>``)."""

from django.urls import path

from miaf.web.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("diccionario/", views.dictionary_page, name="dictionary"),
    path("diccionario.csv", views.dictionary_csv, name="dictionary_csv"),
    path("diccionario.md", views.dictionary_markdown, name="dictionary_md"),
    path("datos-abiertos.zip", views.open_data, name="open_data"),
    path("parcelas.geojson", views.plots_geojson, name="plots_geojson"),
    path("parcelas.gpkg", views.plots_gpkg, name="plots_gpkg"),
    path("disenos.geojson", views.designs_geojson, name="designs_geojson"),
    path("disenos.gpkg", views.designs_gpkg, name="designs_gpkg"),
    path("<slug:table>.<slug:fmt>", views.table, name="table"),
]
