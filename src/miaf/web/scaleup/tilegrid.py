"""A tile-grid map of Mexico's 32 states: one equal square per state, placed roughly where the state lies.

No state boundaries ship with the project (only Chiapas municipalities), so the "map by state" of the
scale-up results is a cartogram: every state gets the same area, which also keeps small states (Tlaxcala,
Morelos, Mexico City) visible. The layout was drawn for this project (north-west at the top left, the
Yucatán peninsula at the right); neighbours are kept where a grid allows, not always. Read it as a chart,
not as geography.

``TILES``: state name (as in the population table) → (abbreviation, row, column).
"""

from __future__ import annotations

__all__ = ["TILES", "tile_rows"]

TILES: dict[str, tuple[str, int, int]] = {
    "Baja California": ("BC", 0, 0),
    "Sonora": ("SON", 0, 1),
    "Chihuahua": ("CHH", 0, 2),
    "Coahuila": ("COA", 0, 3),
    "Nuevo León": ("NL", 0, 4),
    "Baja California Sur": ("BCS", 1, 0),
    "Sinaloa": ("SIN", 1, 1),
    "Durango": ("DGO", 1, 2),
    "Zacatecas": ("ZAC", 1, 3),
    "Tamaulipas": ("TAM", 1, 4),
    "Nayarit": ("NAY", 2, 1),
    "Aguascalientes": ("AGS", 2, 2),
    "San Luis Potosí": ("SLP", 2, 3),
    "Veracruz": ("VER", 3, 5),
    "Jalisco": ("JAL", 3, 1),
    "Guanajuato": ("GTO", 3, 2),
    "Querétaro": ("QRO", 3, 3),
    "Hidalgo": ("HGO", 3, 4),
    "Colima": ("COL", 4, 0),
    "Michoacán": ("MIC", 4, 1),
    "México": ("MEX", 4, 2),
    "Ciudad de México": ("CMX", 4, 3),
    "Tlaxcala": ("TLX", 4, 4),
    "Tabasco": ("TAB", 4, 6),
    "Campeche": ("CAM", 4, 7),
    "Yucatán": ("YUC", 3, 7),
    "Quintana Roo": ("QR", 3, 8),
    "Guerrero": ("GRO", 5, 2),
    "Morelos": ("MOR", 5, 3),
    "Puebla": ("PUE", 4, 5),
    "Oaxaca": ("OAX", 5, 4),
    "Chiapas": ("CHS", 5, 5),
}


def tile_rows(values: dict[str, float], rest_label: str | None = None, rest_value: float | None = None) -> list[dict]:
    """One row per state for the map: state, abbreviation, row, column, value (None when not in ``values``).

    ``rest_label``/``rest_value``: the population table may group the other states into one row
    ("Resto del país"); their tiles then carry that group's label and total, marked ``grouped``.
    """
    rows = []
    for state, (abbr, r, c) in TILES.items():
        if state in values:
            rows.append({"state": state, "abbr": abbr, "row": r, "col": c, "value": values[state], "grouped": False})
        else:
            rows.append({"state": state, "abbr": abbr, "row": r, "col": c, "value": None,
                         "grouped": rest_label is not None, "group": rest_label, "group_value": rest_value})
    return rows
