"""MIAF-D plot designer: tree rows on contour lines, trees, crop strips, bill of materials and labour.

The public entry point is :func:`design_plot`; it returns a :class:`DesignResult` whose
``to_dict()`` and ``to_geojson()`` are JSON-serialisable. Bad input raises :class:`DesignError`
(a ``ValueError`` with a stable ``code`` and a Spanish ``message_es``).
"""

from __future__ import annotations

from .core import (
    STRIP_CROPS,
    choose_modality,
    crop_area_ha,
    crop_share,
    design_parameters,
    design_plot,
    module_width,
    module_width_horizontal,
    tree_band_share,
    vertical_interval,
)
from .materials import BomItem, LabourItem, replanting_share, seedlings_bought
from .messages import CATALOGUE, DesignError, DesignWarning
from .result import CropStrip, DesignResult, DesignSummary, TreeRow, Trees
from .terrain import DemArray

__all__ = [
    "CATALOGUE",
    "STRIP_CROPS",
    "BomItem",
    "CropStrip",
    "DemArray",
    "DesignError",
    "DesignResult",
    "DesignSummary",
    "DesignWarning",
    "LabourItem",
    "TreeRow",
    "Trees",
    "choose_modality",
    "crop_area_ha",
    "crop_share",
    "design_parameters",
    "design_plot",
    "module_width",
    "module_width_horizontal",
    "replanting_share",
    "seedlings_bought",
    "tree_band_share",
    "vertical_interval",
]
