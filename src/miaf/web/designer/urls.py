"""MIAF-D designer pages, mounted at /diseno/."""

from django.urls import path

from miaf.web.designer import views

app_name = "designer"
urlpatterns = [
    path("parcela/<int:plot_id>/", views.design_page, name="plot"),
    path("parcela/<int:plot_id>/vista-previa/", views.design_preview, name="preview"),
    path("parcela/<int:plot_id>/guardar/", views.design_save, name="save"),
    path("<int:design_id>/", views.design_detail, name="detail"),
    path("<int:design_id>/diseno.geojson", views.design_download, {"fmt": "geojson"}, name="geojson"),
    path("<int:design_id>/estacas.gpx", views.design_download, {"fmt": "gpx"}, name="gpx"),
    path("<int:design_id>/plano.svg", views.design_download, {"fmt": "svg"}, name="svg"),
    path("<int:design_id>/plano.pdf", views.design_download, {"fmt": "pdf"}, name="pdf"),
]
