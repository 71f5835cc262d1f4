"""Trade pages, mounted at /comercializacion/."""

from django.urls import path

from miaf.web.trade import views

app_name = "trade"
urlpatterns = [
    path("precios/", views.prices, name="prices"),
    path("anticipos/", views.advances, name="advances"),
    path("anticipos/familia/<int:pk>/", views.family_advances, name="family_advances"),
    path("venta-por-fuera/", views.sidesell, name="sidesell"),
    path("compras/", views.purchases, name="purchases"),
    path("compras/grupo/<int:pk>/", views.group_purchases, name="group_purchases"),
]
