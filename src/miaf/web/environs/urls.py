"""Environmental evidence pages, mounted at /ambiente/."""

from django.urls import path

from miaf.web.environs import views

app_name = "environs"
urlpatterns = [
    path("parcela/<int:pk>/", views.plot_environment, name="plot"),
    path("parcela/<int:pk>/perdida.tif", views.plot_soil_loss_tif, name="plot_tif"),
    path("parcela/<int:pk>/perdida.png", views.plot_soil_loss_png, name="plot_png"),
    path("parcela/<int:pk>/perdida.json", views.plot_soil_loss_bounds, name="plot_bounds"),
    path("familia/<int:pk>/", views.family_environment, name="family"),
    path("programa/", views.programme_environment, name="programme"),
    path("capas/", views.layers, name="layers"),
]
