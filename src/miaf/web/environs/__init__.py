"""Where users see the environmental evidence: soil loss, carbon, diversity and reference layers.

Plot and family panels (embedded in their pages with htmx), the programme page, the reference-layer
list and upload, the per-cell soil-loss map (GeoTIFF and PNG overlay); the JSON twin is the API router
``miaf.web.api.routers.environment``. The science lives in :mod:`miaf.environment`.
"""
