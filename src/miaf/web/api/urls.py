"""REST API under /api/v1/ (django-ninja); OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from miaf.web.api.main import api

app_name = api.urls_namespace  # "api-v1": ninja reverses its own views in this namespace
urlpatterns = list(api.urls[0])
