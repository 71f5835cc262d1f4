"""Process pages under ``/proceso/``."""

from django.urls import path

from miaf.web.process import views

app_name = "process"
urlpatterns = [
    path("", views.board, name="board"),
    path("grupos/<int:pk>/", views.group_detail, name="group"),
    path("grupos/<int:pk>/pasos/<int:number>/", views.step, name="step"),
    path("grupos/<int:pk>/pasos/<int:number>/verificacion/", views.tick, name="tick"),
    path("grupos/<int:pk>/pasos/<int:number>/evidencia/", views.evidence, name="evidence"),
    path("grupos/<int:pk>/compromiso/", views.commitment, name="commitment"),
    path("familias/<int:pk>/", views.family, name="family"),
]
