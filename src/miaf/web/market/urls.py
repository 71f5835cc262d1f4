"""Market pages, mounted at /mercado/."""

from django.urls import path

from miaf.web.market import views

app_name = "market"
urlpatterns = [
    path("oferta/", views.offer_page, name="offer"),
    path("oferta/exportar/<str:fmt>/", views.offer_export, name="offer_export"),
    path("oferta/grupo/<int:pk>/", views.group_calendar, name="group_calendar"),
    path("oferta/parcela/<int:pk>/", views.plot_calendar, name="plot_calendar"),
    path("historial/", views.track_record_page, name="track_record"),
    path("compradores/", views.buyer_list, name="buyer_list"),
    path("compradores/nuevo/", views.buyer_edit, name="buyer_create"),
    path("compradores/<int:pk>/", views.buyer_detail, name="buyer_detail"),
    path("compradores/<int:pk>/editar/", views.buyer_edit, name="buyer_edit"),
    path("compradores/<int:pk>/eliminar/", views.buyer_delete, name="buyer_delete"),
    path("compradores/<int:pk>/demanda/nueva/", views.demand_edit, name="demand_create"),
    path("demandas/<int:pk>/", views.demand_match, name="demand_match"),
    path("demandas/<int:pk>/eliminar/", views.demand_delete, name="demand_delete"),
    path("demandas/<int:pk>/ficha/", views.product_sheet, name="product_sheet"),
    path("demandas/<int:pk>/ficha.pdf", views.product_sheet_pdf, name="product_sheet_pdf"),
    path("familia/<int:pk>/consentimiento/", views.family_consent, name="family_consent"),
]
