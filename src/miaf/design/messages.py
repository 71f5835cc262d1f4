"""Error and warning messages of the plot designer, in English and Spanish, keyed by a stable code.

Science code raises :class:`DesignError` (a :class:`ValueError`) and returns :class:`DesignWarning`
objects; both carry a ``code`` and the values that fill the message templates, so the web layer can show
``message_es`` while logs and the CLI use the English ``message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CATALOGUE", "DesignError", "DesignWarning", "render"]

#: code -> (English template, Spanish template). Templates use ``str.format`` fields.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- plot boundary -----------------------------------------------------------------------------
    "plot_invalid": (
        "plot: {detail}",
        "parcela: {detail_es}",
    ),
    "plot_not_polygon": (
        "plot: expected a GeoJSON Polygon (or a Feature/FeatureCollection holding exactly one), got {kind}",
        "parcela: se esperaba un polígono GeoJSON (o un Feature/FeatureCollection con uno solo), se recibió {kind}",
    ),
    "plot_too_few_points": (
        "plot: the boundary ring has {n} distinct points; a polygon needs at least 3",
        "parcela: el contorno tiene {n} puntos distintos; un polígono necesita al menos 3",
    ),
    "plot_not_closed": (
        "plot: the boundary ring is not closed (first point {first} differs from last point {last})",
        "parcela: el contorno no está cerrado (el primer punto {first} difiere del último {last})",
    ),
    "plot_self_intersects": (
        "plot: the boundary is not a valid polygon ({reason}); redraw it without crossing lines",
        "parcela: el contorno no es un polígono válido ({reason}); vuelva a trazarlo sin líneas que se crucen",
    ),
    "plot_not_wgs84": (
        "plot: coordinates must be longitude/latitude in degrees (WGS84); found {x}, {y}",
        "parcela: las coordenadas deben ser longitud/latitud en grados (WGS84); se encontró {x}, {y}",
    ),
    # --- species and spacing ---------------------------------------------------------------------------
    "species_missing": (
        "species: give at least one fruit species",
        "especie: indique al menos una especie frutal",
    ),
    "species_unknown": (
        "species: {species!r} is not in the catalogue; known codes: {known}",
        "especie: {species!r} no está en el catálogo; códigos conocidos: {known}",
    ),
    "arrangement_invalid": (
        "arrangement: {value!r} is not one of 'alternate', 'blocks'",
        "arreglo: {value!r} no es 'alternate' (alterno) ni 'blocks' (bloques)",
    ),
    "spacing_not_positive": (
        "{field}: must be a positive number of metres, got {value}",
        "{field}: debe ser un número positivo de metros, se recibió {value}",
    ),
    "parameter_unknown": (
        "overrides: {key!r} is not a design parameter (see params/design.csv)",
        "ajustes: {key!r} no es un parámetro de diseño (vea params/design.csv)",
    ),
    "parameter_invalid": (
        "overrides: {key!r} must be a finite number, got {value!r}",
        "ajustes: {key!r} debe ser un número finito, se recibió {value!r}",
    ),
    # --- terrain -------------------------------------------------------------------------------------
    "terrain_missing": (
        "terrain: give either a DEM or a mean slope (slope_pct) and aspect (aspect_deg)",
        "terreno: indique un modelo de elevación (DEM) o una pendiente media (%) y su orientación (°)",
    ),
    "slope_invalid": (
        "slope_pct: must be a finite number between 0 and {max} %, got {value}",
        "pendiente: debe ser un número entre 0 y {max} %, se recibió {value}",
    ),
    "aspect_invalid": (
        "aspect_deg: must be a finite number of degrees clockwise from north (0-360), got {value}",
        "orientación: debe ser un número de grados desde el norte en sentido horario (0-360), se recibió {value}",
    ),
    "soil_depth_invalid": (
        "soil_depth_m: must be a non-negative number of metres, got {value}",
        "profundidad de suelo: debe ser un número de metros no negativo, se recibió {value}",
    ),
    "dem_unreadable": (
        "DEM: cannot read {source}: {detail}",
        "DEM: no se puede leer {source}: {detail}",
    ),
    "dem_too_many_pixels": (
        "DEM: it declares {width:,} × {height:,} pixels; the limit is {limit:,} pixels (clip the DEM to the plot)",
        "DEM: declara {width:,} × {height:,} píxeles; el máximo es {limit:,} píxeles (recorte el DEM a la parcela)",
    ),
    "dem_crs_unknown": (
        "DEM: its coordinate reference system is missing or unknown ({crs}); save it with a CRS (EPSG code)",
        "DEM: falta su sistema de referencia de coordenadas o es desconocido ({crs}); guárdelo con un CRS (código EPSG)",
    ),
    "dem_georeference_invalid": (
        "DEM: its georeferencing is implausible ({detail}); a geographic DEM may have been read as projected or the reverse",
        "DEM: su georreferencia no es plausible ({detail}); puede que un DEM geográfico se haya leído como proyectado o al revés",
    ),
    "dem_no_overlap": (
        "DEM: it does not overlap the plot (DEM bounds {dem_bounds} in {crs}; plot bounds {plot_bounds})",
        "DEM: no cubre la parcela (límites del DEM {dem_bounds} en {crs}; límites de la parcela {plot_bounds})",
    ),
    "dem_all_nodata": (
        "DEM: every cell over the plot is nodata",
        "DEM: todas las celdas sobre la parcela son 'sin dato'",
    ),
    "dem_absurd_values": (
        "DEM: elevations from {zmin:.1f} to {zmax:.1f} m fall outside the plausible range {lo:.0f} to {hi:.0f} m (wrong units or nodata value?)",
        "DEM: las elevaciones de {zmin:.1f} a {zmax:.1f} m salen del intervalo plausible de {lo:.0f} a {hi:.0f} m (¿unidades o valor 'sin dato' erróneos?)",
    ),
    "dem_absurd_slope": (
        "DEM: the mean slope over the plot is {slope:.0f} %, above the plausible {max:.0f} %; the DEM units or CRS are probably wrong",
        "DEM: la pendiente media sobre la parcela es {slope:.0f} %, mayor que el {max:.0f} % plausible; probablemente las unidades o el CRS del DEM están mal",
    ),
    # --- warnings ------------------------------------------------------------------------------------
    "slope_above_modality_range": (
        "The slope ({slope:.0f} % mean; {share:.0%} of the plot steeper than {max:.0f} %) is above the range documented for {modality}",
        "La pendiente ({slope:.0f} % media; {share:.0%} de la parcela con más de {max:.0f} %) supera el intervalo documentado para {modality}",
    ),
    "plot_too_small": (
        "The plot ({extent:.1f} m across the slope direction, {area:.0f} m²) is too small for one module of {width:.1f} m",
        "La parcela ({extent:.1f} m en el sentido de la pendiente, {area:.0f} m²) es demasiado pequeña para un módulo de {width:.1f} m",
    ),
    "dem_partial_coverage": (
        "The DEM covers only {share:.1%} of the plot; rows are laid out only where elevations are known",
        "El DEM cubre solo el {share:.1%} de la parcela; las hileras se trazan solo donde se conoce la elevación",
    ),
    "dem_nodata_filled": (
        "{share:.1%} of the plot had nodata cells; they were filled by interpolation from cells up to {dist:.0f} m away",
        "El {share:.1%} de la parcela tenía celdas sin dato; se rellenaron interpolando desde celdas a menos de {dist:.0f} m",
    ),
    "terrain_irregular": (
        "The terrain is very irregular (direction index {index:.2f}, slope variation {cv:.2f}): rows curve and {partial} partial rows were added; check the layout in the field",
        "El terreno es muy irregular (índice de dirección {index:.2f}, variación de pendiente {cv:.2f}): las hileras se curvan y se agregaron {partial} hileras parciales; revise el trazo en campo",
    ),
    "terrain_flat": (
        "The plot is nearly flat ({slope:.1f} % mean slope); contours are undefined, so rows run straight across the aspect {aspect:.0f}°",
        "La parcela es casi plana ({slope:.1f} % de pendiente media); no hay curvas de nivel definidas, las hileras van rectas perpendiculares a la orientación {aspect:.0f}°",
    ),
    "soil_depth_unknown": (
        "Soil depth not given: modality {modality} chosen from the slope alone (TMV needs soil deeper than {depth:.1f} m)",
        "No se indicó la profundidad del suelo: la modalidad {modality} se eligió solo por la pendiente (TMV requiere suelo de más de {depth:.1f} m)",
    ),
    "coverage_incomplete": (
        "{share:.1%} of the plot is farther than {dist:.1f} m from a tree row (corners or strips too short for a row)",
        "El {share:.1%} de la parcela queda a más de {dist:.1f} m de una hilera (esquinas o franjas demasiado cortas para una hilera)",
    ),
}

_SPANISH_FIELDS = {"detail_es"}


def render(code: str, params: dict[str, Any], lang: str = "en") -> str:
    """Message text for ``code`` in ``lang`` (``"en"`` or ``"es"``) filled with ``params``."""
    en, es = CATALOGUE[code]
    template = es if lang == "es" else en
    values = dict(params)
    values.setdefault("detail_es", values.get("detail", ""))
    try:
        return template.format(**values)
    except (KeyError, ValueError, IndexError):
        return f"{code}: {params}"


class DesignError(ValueError):
    """Bad input to the plot designer; ``code`` is stable, ``message`` English, ``message_es`` Spanish."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"unknown design message code {code!r}")
        self.code = code
        self.params = params
        self.message = render(code, params, "en")
        super().__init__(self.message)

    @property
    def message_es(self) -> str:
        return render(self.code, self.params, "es")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "message_es": self.message_es}


@dataclass(frozen=True)
class DesignWarning:
    """A condition the designer could handle but the user should know about."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return render(self.code, self.params, "en")

    @property
    def message_es(self) -> str:
        return render(self.code, self.params, "es")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "message_es": self.message_es}
