"""Typed results of :func:`miaf.design.design_plot`: summary, rows, trees, strips (all JSON-serialisable)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from shapely.geometry import LineString, Polygon

from .materials import BomItem, LabourItem
from .messages import DesignWarning
from .plot import LocalFrame

__all__ = ["DesignSummary", "TreeRow", "Trees", "CropStrip", "DesignResult"]


@dataclass
class DesignSummary:
    """Headline numbers of a design. Areas are horizontal (map) areas unless named ``ground``."""

    area_ha: float
    ground_area_ha: float
    modality: str
    modality_name_es: str
    row_spacing_ground_m: float
    row_spacing_horizontal_m: float
    vertical_interval_m: float
    tree_spacing_m: float
    tree_spacing_by_species_m: dict[str, float]
    n_tree_rows: int
    n_partial_rows: int
    n_trees: int
    trees_by_species: dict[str, int]
    trees_per_ha: float
    tree_row_length_m: float
    runoff_filter_length_m: float
    tree_band_width_m: float
    crop_strip_area_ha: float
    maize_strip_area_ha: float
    bean_strip_area_ha: float
    n_crop_strips: int
    furrows_per_strip: int
    maize_plants: int
    bean_plants: int
    maize_seed_kg: float
    bean_seed_kg: float
    mean_slope_pct: float
    mean_aspect_deg: float | None
    elevation_min_m: float | None
    elevation_max_m: float | None
    soil_depth_m: float | None
    species: list[str]
    arrangement: str
    year: int
    terrain_source: str
    dem_coverage: float
    max_distance_to_row_m: float
    uncovered_share: float
    local_crs: str
    establishment_person_days: float
    warnings: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


@dataclass
class TreeRow:
    """A tree row: a contour line in local metres (``line``), numbered from the top of the plot."""

    number: int
    line: LineString
    level_m: float
    elevation_m: float | None
    length_m: float
    n_trees: int
    species: list[str]
    partial: bool


@dataclass
class Trees:
    """Tree positions as arrays: local metres, WGS84 degrees, row number and number along the row."""

    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    row_number: np.ndarray
    number_in_row: np.ndarray
    species: np.ndarray
    elevation_m: np.ndarray | None

    def __len__(self) -> int:
        return len(self.x)

    def labels(self) -> list[str]:
        """Stake labels ``H<row>-<n>`` (hilera, árbol)."""
        return [f"H{r:02d}-{n:03d}" for r, n in zip(self.row_number.tolist(), self.number_in_row.tolist(),
                                                     strict=True)]


@dataclass
class CropStrip:
    """A crop strip between tree bands, with this year's and next year's crop (micro-rotation)."""

    number: int
    polygon: Polygon
    crop_this_year: str
    crop_next_year: str
    area_m2: float


@dataclass
class DesignResult:
    """Result of :func:`miaf.design.design_plot`: summary, geometries (local UTM metres) and provenance."""

    summary: DesignSummary
    plot: Polygon
    plot_wgs84: Polygon
    rows: list[TreeRow]
    trees: Trees
    strips: list[CropStrip]
    bill_of_materials: list[BomItem]
    labour: list[LabourItem]
    warnings: list[DesignWarning]
    parameters: dict[str, dict[str, Any]]
    frame: LocalFrame = field(repr=False)

    def labour_by_month(self) -> list[float]:
        """Establishment person-days for months 1..12 (index 0 = January)."""
        out = [0.0] * 12
        for item in self.labour:
            out[item.month - 1] += item.person_days
        return [round(v, 2) for v in out]

    def to_dict(self, geometry: bool = False) -> dict[str, Any]:
        """JSON-serialisable dict: summary, bill of materials, labour, warnings, parameters used.

        With ``geometry=True`` the GeoJSON FeatureCollection is added under ``"geojson"``.
        """
        out = {
            "summary": self.summary.to_dict(),
            "bill_of_materials": [b.to_dict() for b in self.bill_of_materials],
            "labour": [lab.to_dict() for lab in self.labour],
            "labour_by_month": self.labour_by_month(),
            "warnings": [w.to_dict() for w in self.warnings],
            "rows": [{"number": r.number, "elevation_m": r.elevation_m, "length_m": r.length_m,
                      "n_trees": r.n_trees, "species": r.species, "partial": r.partial} for r in self.rows],
            "strips": [{"number": s.number, "crop_this_year": s.crop_this_year,
                        "crop_next_year": s.crop_next_year, "area_m2": s.area_m2} for s in self.strips],
            "parameters": self.parameters,
        }
        if geometry:
            out["geojson"] = self.to_geojson()
        return _jsonable(out)

    def to_geojson(self) -> dict[str, Any]:
        """GeoJSON FeatureCollection (WGS84) with ``kind`` = plot, tree_row, tree or crop_strip."""
        from .exports import to_geojson

        return to_geojson(self)

    def to_gpx(self) -> str:
        """GPX 1.1 document with one waypoint per tree (stake-out)."""
        from .exports import to_gpx

        return to_gpx(self)

    def to_svg(self) -> str:
        """Printable plan sheet (A4 landscape SVG, Spanish labels)."""
        from .exports import to_svg

        return to_svg(self)

    def to_pdf(self) -> bytes:
        """The plan sheet as PDF bytes (WeasyPrint)."""
        from .exports import to_pdf

        return to_pdf(self)


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
