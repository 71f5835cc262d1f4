"""Exports: CSV/XLSX of every list, GeoJSON/GeoPackage of plots and designs, open data, data dictionary."""
