from django.urls import path

from miaf.web.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("vista-previa/<slug:token>/", views.preview, name="preview"),
    path("lotes/", views.batch_list, name="batch_list"),
    path("lotes/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("cuarentena/", views.quarantine_list, name="quarantine_list"),
    path("cuarentena/<int:pk>/", views.quarantine_edit, name="quarantine_edit"),
]
