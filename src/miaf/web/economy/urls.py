"""Economics pages, mounted at /economia/."""

from django.urls import path

from miaf.web.economy import views

app_name = "economy"
urlpatterns = [
    path("parcela/<int:pk>/", views.plot_economics, name="plot"),
    path("familia/<int:pk>/", views.family_economics, name="family"),
]
