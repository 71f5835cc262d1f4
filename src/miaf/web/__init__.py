"""The Django project of miaf: settings, URLs and the domain apps (registry, plots, records, fieldwork)."""
