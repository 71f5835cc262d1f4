"""Plot pages, mounted at /parcelas/."""

from django.urls import path

from miaf.web.plots import views

app_name = "plots"
urlpatterns = [
    path("", views.plot_list, name="list"),
    path("nueva/", views.plot_create, name="create"),
    path("<int:pk>/", views.plot_detail, name="detail"),
    path("<int:pk>/editar/", views.plot_edit, name="edit"),
    path("<int:pk>/convertir/", views.plot_convert, name="convert"),
]
