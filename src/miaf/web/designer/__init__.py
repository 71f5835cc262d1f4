"""MIAF-D designer on the web: design a registered plot, preview it on the map, save versions, download files.

The models are :class:`miaf.web.plots.models.PlotDesign` (owned by the plots app); this app has none.
"""
