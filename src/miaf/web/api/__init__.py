"""REST API under ``/api/v1/`` (django-ninja): token or session auth, role-scoped CRUD, GeoJSON plots.

The API object lives in :mod:`miaf.web.api.main` (kept out of this ``__init__`` so that the CLI module
``miaf.web.api.cli`` imports without configuring Django).
"""
