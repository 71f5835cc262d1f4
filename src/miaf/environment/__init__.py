"""Environmental evidence: soil loss (RUSLE), carbon, agrobiodiversity and reference-layer overlap.

Modules: :mod:`.terrain` (metric DEMs), :mod:`.ls_factor` (LS, MFD routing), :mod:`.rusle` (R, K, C, P,
tolerable loss), :mod:`.erosion` (plot chain), :mod:`.carbon`, :mod:`.diversity`, :mod:`.layers`, :mod:`.cli`.
No Django here; see docs/methods/environment.md.
"""

from __future__ import annotations

from .carbon import CarbonInputs, CarbonResult, TreeMeasurement, evaluate_carbon
from .diversity import DiversityResult, evaluate_diversity
from .erosion import ErosionInputs, SoilLossResult, evaluate_soil_loss
from .layers import Layer, OverlapResult, layer_overlap, read_layer, read_plot
from .terrain import Dem, dem_from_array, read_dem

__all__ = [
    "CarbonInputs", "CarbonResult", "TreeMeasurement", "evaluate_carbon",
    "DiversityResult", "evaluate_diversity",
    "ErosionInputs", "SoilLossResult", "evaluate_soil_loss",
    "Layer", "OverlapResult", "layer_overlap", "read_layer", "read_plot",
    "Dem", "dem_from_array", "read_dem",
]
