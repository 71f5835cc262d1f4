"""The user's own account pages under /cuenta/: personal API tokens."""

from django.urls import path

from miaf.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", views.revoke_token, name="revoke_token"),
]
