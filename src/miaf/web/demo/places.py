"""Places of the demo programme: INEGI municipalities and localities, the programme's structure, plot
polygons and the illustrative biological corridor.

No Django here: plain Python, numpy and shapely. :mod:`miaf.web.demo.load` writes the results.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, mapping, shape

from miaf.geo import geodesic_area_ha, validate_boundary
from miaf.params import Parameter, load_parameters

DATA = "miaf.data"
MUNICIPALITIES_FILE = "chiapas/chiapas_municipios_inegi_simplificado.geojson"
LOCALITIES_FILE = "chiapas/las_margaritas_07052_localidades_inegi.geojson"
RAINFALL_FILE = "chiapas/chiapas_lluvia_normal_1981_2010_chirps_municipios.csv"
STATE_CODE = "07"
LAS_MARGARITAS = "052"
ILLUSTRATIVE = "(ilustrativa)"

# WGS84 ellipsoid (semi-major axis [m], first eccentricity squared): geodesy constants, not defaults.
_A = 6_378_137.0
_E2 = 0.00669437999014

#: Invented producer organisations, keyed as in the municipality notes of ``params/demo.csv``.
ACCOMPANYING = ("Promotores del Autodesarrollo Sustentable de Chiapas (demostración)", "PROASUS")
PRODUCERS: dict[str, tuple[str, str]] = {
    "cafe": ("Cafetaleros Orgánicos de Las Margaritas (demostración)", "COLM"),
    "selva": ("Unión de Productores de la Selva (demostración)", "UPS"),
    "frailesca": ("Productores Unidos de la Frailesca (demostración)", "PUF"),
    "sierra": ("Unión Campesina de la Sierra (demostración)", "UCS"),
    "zoque": ("Grupo Zoque de Rayón (demostración)", "GZR"),
    "altos": ("Sociedad Agroforestal de Los Altos (demostración)", "SAA"),
}
ORGANISATION_OF = {
    "052": "cafe", "041": "cafe", "099": "cafe", "059": "selva", "020": "frailesca", "008": "frailesca",
    "108": "frailesca", "046": "frailesca", "057": "sierra", "034": "sierra", "073": "zoque", "023": "altos",
    "093": "altos", "026": "altos",
}  # fmt: skip
LOCALITY_NAMES = (
    "El Paraíso", "Nueva Esperanza", "San José", "Buenavista", "El Porvenir", "Santa Rita", "Los Naranjos",
    "San Antonio", "La Esperanza", "Guadalupe", "El Carmen", "Nuevo Progreso", "Emiliano Zapata",
    "Benito Juárez", "Las Flores", "El Mirador", "Plan de Ayala", "San Isidro", "Santa Cruz", "La Libertad",
)  # fmt: skip


def params() -> dict[str, Parameter]:
    return load_parameters("demo")


def economics_distribution(key: str):  # noqa: ANN201
    """The distribution of an ``economics.csv`` row (PERT(low, value, high), else a constant), as the economics
    Monte Carlo samples it: the demo draws its families' agronomic parameters from the same tables."""
    from miaf.economics.uncertainty import Distribution

    row = load_parameters("economics")[key]
    return Distribution.from_table(float(row.value), row.low, row.high)


def pfloat(p: dict[str, Parameter], key: str) -> float:
    return float(p[key].value)


def plist(p: dict[str, Parameter], key: str) -> list[float]:
    return [float(x) for x in str(p[key].value).split(";")]


def pweights(p: dict[str, Parameter], key: str) -> dict[str, float]:
    """``"a 0.3;b 0.7"`` → ``{"a": 0.3, "b": 0.7}``."""
    out = {}
    for item in str(p[key].value).split(";"):
        name, weight = item.split()
        out[name] = float(weight)
    return out


def pcalendar(p: dict[str, Parameter], key: str) -> list[tuple[str, float, list[int]]]:
    """``"sowing 0.2 5;6|…"`` → ``[("sowing", 0.2, [5, 6]), …]``."""
    out = []
    for item in str(p[key].value).split("|"):
        activity, share, months = item.split()
        out.append((activity, float(share), [int(m) for m in months.split(";")]))
    return out


# --------------------------------------------------------------------------------------------- data


@dataclass
class Municipality:
    code: str
    name: str
    boundary: dict[str, Any]
    rainfall_normal_mm: float | None
    geometry: Any = field(repr=False, default=None)


@dataclass
class Locality:
    municipality: str
    name: str
    code: str
    latitude: float
    longitude: float
    altitude_m: float | None


def _data_text(name: str) -> str:
    return resources.files(DATA).joinpath(name).read_text(encoding="utf-8")


def read_municipalities() -> dict[str, Municipality]:
    """The 124 Chiapas municipalities (INEGI boundaries, simplified) with their CHIRPS rainfall normal."""
    rain = {row["cve_mun"]: float(row["pr_anual_normal_mm"]) for row in csv.DictReader(_data_text(RAINFALL_FILE).splitlines())}
    out = {}
    for feat in json.loads(_data_text(MUNICIPALITIES_FILE))["features"]:
        prop = feat["properties"]
        code = prop["cve_mun"]
        out[code] = Municipality(code, prop["nomgeo"], feat["geometry"], rain.get(code), shape(feat["geometry"]))
    return out


def read_las_margaritas_localities() -> list[Locality]:
    """INEGI localities of Las Margaritas (07052) with code, coordinates and altitude."""
    out = []
    for feat in json.loads(_data_text(LOCALITIES_FILE))["features"]:
        prop = feat["properties"]
        out.append(Locality(LAS_MARGARITAS, prop["nom_loc"], prop["cve_loc"], float(prop["latitud"]),
                            float(prop["longitud"]), float(prop["altitud_m"])))  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------- structure


@dataclass
class Structure:
    """Organisations, localities and working groups of a demo of ``n_families`` families."""

    n_families: int
    municipalities: dict[str, Municipality]
    localities: list[Locality]
    group_name: list[str]
    group_org: list[str]
    group_locality: np.ndarray  # index into localities
    group_size: np.ndarray
    group_start: np.ndarray  # first family index of each group
    group_conversion_year: np.ndarray
    group_formed_on: np.ndarray  # datetime64[D]
    group_gain: np.ndarray  # maize yield gain in the comparison year
    ojo_group: int
    promoter_groups: list[int]
    chunks: list[tuple[int, int]]  # group index ranges

    @property
    def n_groups(self) -> int:
        return len(self.group_name)

    def group_municipality(self) -> list[str]:
        return [self.localities[i].municipality for i in self.group_locality]


def points_inside(rng: np.random.Generator, geometry: Any, n: int) -> np.ndarray:
    """``n`` uniform random (lon, lat) points inside a polygon (rejection sampling on its bounds)."""
    xmin, ymin, xmax, ymax = geometry.bounds
    shapely.prepare(geometry)
    out = np.empty((0, 2))
    while len(out) < n:
        cand = np.column_stack([rng.uniform(xmin, xmax, 4 * n + 8), rng.uniform(ymin, ymax, 4 * n + 8)])
        inside = shapely.contains_xy(geometry, cand[:, 0], cand[:, 1])
        out = np.vstack([out, cand[inside]])
    return out[:n]


def plan_programme(n_families: int, seed: int) -> Structure:
    """Allocate families to municipalities, groups and localities (deterministic for a seed)."""
    if n_families < 20:
        raise ValueError(f"families must be at least 20 (one group per municipality needs some); got {n_families}")
    p = params()
    rng = np.random.default_rng([seed, 0])
    muni = read_municipalities()
    weights = {k.split(".")[1][2:]: float(v.value) for k, v in p.items() if k.startswith("municipality_weight.")}
    codes = list(weights)
    n_ojo = int(pfloat(p, "ojo_de_agua_families"))
    share = np.array([weights[c] for c in codes])
    per_muni = np.floor(share * n_families).astype(int)
    per_muni[np.argsort(-(share * n_families - per_muni))[: n_families - per_muni.sum()]] += 1
    g_mean, g_low, g_high = pfloat(p, "group_size_mean"), p["group_size_mean"].low, p["group_size_mean"].high

    margaritas = read_las_margaritas_localities()
    ojo_code = f"{int(float(p['ojo_de_agua_locality_code'].value)):04d}"
    ojo_loc = next(i for i, loc in enumerate(margaritas) if loc.code == ojo_code)
    rural = [i for i, loc in enumerate(margaritas) if i != ojo_loc and loc.altitude_m and loc.code != "0001"]
    localities: list[Locality] = list(margaritas)
    names, orgs, locs, sizes = [], [], [], []
    used_names: set[str] = {"Ojo de Agua"}

    def unique(name: str) -> str:
        candidate, k = name, 1
        while candidate in used_names:
            k += 1
            candidate = f"{name} {k}"
        used_names.add(candidate)
        return candidate

    for code, n_m in zip(codes, per_muni, strict=True):
        remaining = int(n_m)
        group_sizes = []
        if code == LAS_MARGARITAS:
            group_sizes.append(min(n_ojo, remaining))
            remaining -= group_sizes[0]
        while remaining > 0:
            s = int(np.clip(rng.poisson(g_mean), g_low, g_high))
            s = remaining if remaining - s < g_low else s
            group_sizes.append(s)
            remaining -= s
        k = len(group_sizes)
        if code == LAS_MARGARITAS:
            order = rng.permutation(len(rural))
            picks = [ojo_loc] + [rural[order[j % len(rural)]] for j in range(k - 1)]
        else:
            pts = points_inside(rng, muni[code].geometry, k)
            picks = []
            for j in range(k):
                base = LOCALITY_NAMES[int(rng.integers(len(LOCALITY_NAMES)))]
                localities.append(Locality(code, unique(f"{base} ({muni[code].name})") + f" {ILLUSTRATIVE}", "",
                                           float(pts[j, 1]), float(pts[j, 0]), None))  # fmt: skip
                picks.append(len(localities) - 1)
        for s, li in zip(group_sizes, picks, strict=True):
            base = localities[li].name.replace(f" {ILLUSTRATIVE}", "")
            base = base.split(" (")[0]
            names.append(unique(f"{base}") if li != ojo_loc else "Ojo de Agua")
            orgs.append(ORGANISATION_OF[code])
            locs.append(li)
            sizes.append(s)
    n_groups = len(names)
    sizes_a = np.array(sizes)
    start = np.concatenate([[0], np.cumsum(sizes_a)[:-1]])
    ojo_group = names.index("Ojo de Agua")

    years = np.arange(2011, 2016)
    conv = rng.choice(years, size=n_groups, p=np.array(plist(p, "conversion_year_share")) / sum(plist(p, "conversion_year_share")))
    conv[ojo_group] = int(pfloat(p, "pilot_year"))
    formed = (np.array([f"{y - 1}-01-01" for y in conv], dtype="datetime64[D]")
              + rng.integers(0, 300, n_groups).astype("timedelta64[D]"))  # fmt: skip
    # maize yield gain on the crop strip, per group (Ojo de Agua included: no group is set to the seed's figure),
    # drawn from the same distribution the economics Monte Carlo samples (economics.csv maize_yield_gain_miaf)
    gain = economics_distribution("maize_yield_gain_miaf").sample(n_groups, rng)
    same_org = [i for i in range(n_groups) if orgs[i] == "cafe" and i != ojo_group]
    promoter_groups = [ojo_group, *same_org[:2]]

    chunk_size = int(pfloat(p, "chunk_families"))
    chunks, first, acc = [], 0, 0
    for g in range(n_groups):
        acc += sizes[g]
        if acc >= chunk_size:
            chunks.append((first, g + 1))
            first, acc = g + 1, 0
    if first < n_groups:
        chunks.append((first, n_groups))
    return Structure(n_families, muni, localities, names, orgs, np.array(locs), sizes_a, start, conv, formed, gain,
                     ojo_group, promoter_groups, chunks)  # fmt: skip


# ------------------------------------------------------------------------------------------- plots


def metres_per_degree(lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres per degree of longitude and of latitude on the WGS84 ellipsoid.

    Parameters
    ----------
    lat_deg : array [degrees]

    Returns
    -------
    (m_per_deg_lon, m_per_deg_lat) : arrays [m/degree]

    Notes
    -----
    Prime-vertical radius N = a / sqrt(1 - e² sin²φ) and meridional radius M = a (1 - e²) / (1 - e² sin²φ)^1.5;
    one degree is N cos φ · π/180 east and M · π/180 north. Exact for infinitesimal steps; for 1-ha plots the
    area error is below 1e-6.
    """
    phi = np.radians(lat_deg)
    w = 1.0 - _E2 * np.sin(phi) ** 2
    n = _A / np.sqrt(w)
    m = _A * (1 - _E2) / w**1.5
    return n * np.cos(phi) * math.pi / 180, m * math.pi / 180


def plot_polygons(
    rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, area_ha: np.ndarray, vertices: int = 6
) -> tuple[np.ndarray, np.ndarray]:
    """Irregular, simple (star-shaped) polygons of given areas centred at (lon, lat).

    Returns arrays of shape (n, vertices + 1) of lon and lat (closed rings).
    """
    n = len(lon)
    angles = (np.arange(vertices) * 2 * np.pi / vertices)[None, :] + rng.uniform(-0.35, 0.35, (n, vertices))
    radii = rng.uniform(0.8, 1.2, (n, vertices))
    aspect = rng.uniform(1.2, 2.0, n)[:, None]  # elongated along the contour
    rot = rng.uniform(0, np.pi, n)[:, None]
    x0, y0 = radii * np.cos(angles) * aspect, radii * np.sin(angles)
    x = x0 * np.cos(rot) - y0 * np.sin(rot)
    y = x0 * np.sin(rot) + y0 * np.cos(rot)
    shoelace = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))
    k = np.sqrt(area_ha * 10_000.0 / shoelace)[:, None]
    mx, my = metres_per_degree(lat)
    plon = lon[:, None] + x * k / mx[:, None]
    plat = lat[:, None] + y * k / my[:, None]
    return np.hstack([plon, plon[:, :1]]), np.hstack([plat, plat[:, :1]])


def validated_plots(plon: np.ndarray, plat: np.ndarray) -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray]:
    """Run :func:`miaf.geo.validate_boundary` on every polygon: GeoJSON, area [ha], centroid lat, lon."""
    geo, area, clat, clon = [], np.empty(len(plon)), np.empty(len(plon)), np.empty(len(plon))
    for i in range(len(plon)):
        ring = [[float(a), float(b)] for a, b in zip(plon[i], plat[i], strict=True)]
        g = validate_boundary({"type": "Polygon", "coordinates": [ring]})
        geo.append(g.geojson)
        area[i] = round(g.area_ha, 4)
        clat[i], clon[i] = g.centroid_lat, g.centroid_lon
    return geo, area, clat, clon


# ---------------------------------------------------------------------------------------- corridor


def overlap_share(corridor: Any, polygons: np.ndarray, area_ha: np.ndarray) -> float:
    """Share of the plot area inside ``corridor`` (plot area ratios are planar; areas geodesic)."""
    shapely.prepare(corridor)
    inside = shapely.contains(corridor, polygons)
    crossing = ~inside & shapely.intersects(corridor, polygons)
    covered = area_ha[inside].sum()
    if crossing.any():
        parts = shapely.intersection(polygons[crossing], corridor)
        covered += float(np.sum(area_ha[crossing] * shapely.area(parts) / shapely.area(polygons[crossing])))
    return float(covered / area_ha.sum())


def draw_corridor(polygons: np.ndarray, area_ha: np.ndarray, target: float, axis: str) -> tuple[dict, float]:
    """Buffer the invented corridor axis to the width at which ``target`` of the plot area lies inside.

    Bisection on the buffer distance (degrees); the overlap share grows monotonically with it.
    Returns the GeoJSON geometry and the share reached.
    """
    line = LineString([tuple(float(v) for v in pair.split()) for pair in axis.split(";")])

    def corridor(d: float) -> Any:
        return shapely.set_precision(line.buffer(d, quad_segs=4), 1e-4)

    lo, hi = 0.0, 2.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if overlap_share(corridor(mid), polygons, area_ha) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-5:
            break
    geom = corridor(hi)
    return mapping(geom), overlap_share(geom, polygons, area_ha)


def geodesic_overlap_share(corridor_geojson: dict, boundaries: list[dict]) -> tuple[float, float]:
    """(area inside [ha], total area [ha]) of plot boundaries against a corridor, geodesically."""
    corridor = shape(corridor_geojson)
    shapely.prepare(corridor)
    polys = np.array([shape(b) for b in boundaries], dtype=object)
    total = float(sum(geodesic_area_ha(p) for p in polys))
    inside = shapely.contains(corridor, polys)
    crossing = ~inside & shapely.intersects(corridor, polys)
    covered = sum(geodesic_area_ha(p) for p in polys[inside])
    for part in shapely.intersection(polys[crossing], corridor):
        for piece in getattr(part, "geoms", [part]):
            if piece.geom_type == "Polygon" and not piece.is_empty:
                covered += geodesic_area_ha(piece)
    return float(covered), total
