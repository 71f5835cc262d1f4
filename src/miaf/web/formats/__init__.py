"""Number and date formats for the site's languages (Django ``FORMAT_MODULE_PATH = "miaf.web.formats"``).

Spanish pages are for Mexico: Django's generic ``es`` formats write 1 234,5 (space and decimal comma), but
Mexico writes 1,234.5 (NOM-008-SCFI-2002 allows both; the dot is what people read). The site's Spanish is
the ``es`` language code, so ``es`` takes Django's own ``es_MX`` formats.
"""
