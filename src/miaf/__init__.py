"""miaf: evidence for MIAF-D programmes (Milpa Intercalada con Árboles Frutales – Diversificado).

The science sub-packages (design, economics, household, environment, indicators, params) never import
Django; the Django project lives in :mod:`miaf.web`.
"""

__version__ = "0.1.0"
