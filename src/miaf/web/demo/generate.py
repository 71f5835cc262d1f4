"""Generate one chunk of the demo programme (families and all their records) as numpy columns.

No Django here. Records reference each other by *index* (family index in the programme, local index of a
harvest, visit or event in the chunk); :mod:`miaf.web.demo.load` turns indexes into primary keys.

Process, not calibration (issue 16, item 11): records come from an agronomic and household process with
the parameters of the tables, and nothing is rescaled to hit the seed article's figures. Maize and beans
grow on their own strips of a MIAF-D plot (:func:`miaf.design.crop_area_ha`: plot area × the design's crop-strip
share at the plot's slope / 2, maize and bean strips alternating; sown and harvested on that area) at the hillside
yield, maize with the group's gain (drawn from ``maize_yield_gain_miaf``, the economics Monte Carlo's own
distribution) from the year after planting ``maize_gain_start_year``; trees bear by age along the economics
ramps (:func:`miaf.economics.cashflow.yield_ramp`); the family keeps the maize and beans it eats
(household size × consumption per person) and sells the rest; families whose maize falls short of their
needs (a deficit, hence lean months) sell their other produce mostly to intermediaries, who pay at once;
labour follows the operations calendars with the MIAF-D factor drawn per family from ``miaf_labour_factor``.
Only the programme's size (405 ha) is an input. How close the demo lands to the seed's figures, and why,
is reported by ``miaf demo --compare`` and in docs/demo.md (tests/demo check the process, not the seed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from miaf.design import STRIP_CROPS, crop_area_ha
from miaf.design import crop_share as design_crop_share
from miaf.design.materials import sowing_rate_kg_ha
from miaf.economics.cashflow import miaf_labour_days, yield_ramp
from miaf.params import load_parameters
from miaf.params import species as species_catalogue
from miaf.web.demo import places as pl
from miaf.web.demo.ledger import ledger_rows

Columns = dict[str, Any]

GIVEN_F = ("María", "Juana", "Rosa", "Petrona", "Catalina", "Micaela", "Antonia", "Manuela", "Guadalupe", "Marta",
           "Rosalinda", "Ana", "Lucía", "Magdalena", "Verónica", "Sebastiana", "Elena", "Candelaria", "Teresa", "Isabel")
GIVEN_M = ("José", "Juan", "Pedro", "Manuel", "Sebastián", "Domingo", "Antonio", "Mariano", "Francisco", "Miguel",
           "Alonso", "Pablo", "Lorenzo", "Andrés", "Mateo", "Diego", "Santiago", "Nicolás", "Tomás", "Agustín")
SURNAMES = ("Gómez", "Pérez", "López", "Hernández", "Jiménez", "Santiz", "Díaz", "Méndez", "Gutiérrez", "Vázquez",
            "Álvarez", "Aguilar", "Cruz", "Morales", "Sánchez", "Ruiz", "Moreno", "Domínguez", "Girón", "Intzin",
            "Lunez", "Patishtán", "Ton", "Velasco", "Roblero", "Pérez", "Alfaro", "Espinosa", "Trujillo", "Culebro")  # fmt: skip
PLOT_NAMES = ("La Ladera", "El Cerro", "La Loma", "El Potrero", "La Cañada", "El Plan", "Tierra Colorada", "El Encino")
ROLE_CODES = ("head", "spouse", "child", "parent")
TRAININGS = (  # (kind, step, title, topic, year offset from conversion, month, day)
    ("exchange", 5, "Intercambio de experiencias con grupos MIAF", "Visita a parcelas MIAF establecidas", 0, 2, 15),
    ("training", 10, "Trazo de curvas a nivel con aparato A", "Diseño de la parcela MIAF-D", 0, 4, 10),
    ("training", 10, "Poda de formación de frutales", "Manejo de los árboles", 1, 1, 20),
    ("training", 12, "Comercialización y precios justos", "Venta a la organización y a intermediarios", 2, 9, 5),
)  # fmt: skip


@dataclass
class Chunk:
    """Columns of every table for the families of groups ``groups[0] .. groups[1]-1``."""

    groups: tuple[int, int]
    families: Columns = field(default_factory=dict)
    members: Columns = field(default_factory=dict)
    memberships: Columns = field(default_factory=dict)
    plots: Columns = field(default_factory=dict)
    phases: Columns = field(default_factory=dict)
    plantings: Columns = field(default_factory=dict)
    harvests: Columns = field(default_factory=dict)
    destinations: Columns = field(default_factory=dict)
    labour: Columns = field(default_factory=dict)
    ledger: Columns = field(default_factory=dict)
    visits: Columns = field(default_factory=dict)
    measurements: Columns = field(default_factory=dict)
    events: Columns = field(default_factory=dict)
    attendance: Columns = field(default_factory=dict)

    TABLES = ("families", "members", "memberships", "plots", "phases", "plantings", "harvests", "destinations",
              "labour", "ledger", "visits", "measurements", "events", "attendance")  # fmt: skip

    def counts(self) -> dict[str, int]:
        return {t: len(next(iter(getattr(self, t).values()))) if getattr(self, t) else 0 for t in self.TABLES}


def lognormal(rng: np.random.Generator, cv: float, size: Any) -> np.ndarray:
    """Multiplicative noise with mean 1 and coefficient of variation ``cv``."""
    sigma = np.sqrt(np.log1p(cv**2))
    return rng.lognormal(-(sigma**2) / 2, sigma, size)


def dates(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    ym = (np.asarray(years) - 1970) * 12 + np.asarray(months) - 1
    return ym.astype("datetime64[M]").astype("datetime64[D]") + (np.asarray(days) - 1).astype("timedelta64[D]")


def crop_share(slope_pct: np.ndarray | float | None = None) -> np.ndarray | float:
    """Share of a MIAF-D plot under the milpa strips at ``slope_pct`` [%]: the design rule
    (:func:`miaf.design.crop_share`, 1 − tree band / module), the one the economics uses."""
    return design_crop_share(slope_pct)


def maize_gain_on(years_since_conversion: np.ndarray) -> np.ndarray:
    """1 where the MIAF-D maize gain applies: year after planting ``k = t + 1 >= maize_gain_start_year``, as in
    :class:`miaf.economics.cashflow.PlotModel`."""
    start = float(load_parameters("economics")["maize_gain_start_year"])
    return (np.asarray(years_since_conversion) + 1 >= start).astype(float)


def generate_chunk(structure: pl.Structure, chunk_index: int, seed: int) -> Chunk:  # noqa: PLR0915
    p = pl.params()
    cat = species_catalogue()
    rng = np.random.default_rng([seed, 1, chunk_index])
    g0, g1 = structure.chunks[chunk_index]
    out = Chunk(groups=(g0, g1))
    sizes = structure.group_size[g0:g1]
    fam_group = np.repeat(np.arange(g0, g1), sizes)
    n = len(fam_group)
    fam_index = structure.group_start[g0] + np.arange(n)
    fam_loc = structure.group_locality[fam_group]
    locs = [structure.localities[i] for i in fam_loc]
    fam_muni = np.array([loc.municipality for loc in locs])
    is_ojo = fam_group == structure.ojo_group

    # ---------------------------------------------------------------- families and members
    sur = rng.integers(len(SURNAMES), size=(n, 4))
    size = np.clip(rng.poisson(pl.pfloat(p, "household_size_mean") - 1, n) + 1,
                   p["household_size_mean"].low, p["household_size_mean"].high).astype(int)  # fmt: skip
    head_f = rng.random(n) < pl.pfloat(p, "female_head_share")
    has_spouse = (rng.random(n) < pl.pfloat(p, "spouse_share")) & (size >= 2)
    has_parent = (rng.random(n) < pl.pfloat(p, "parent_share")) & (size >= 4)
    head_birth = rng.integers(1950, 1989, n)
    migrated_family = rng.random(n) < pl.pfloat(p, "migration_share")
    langs_by_muni = {code: pl.pweights(p, f"languages.07{code}") if f"languages.07{code}" in p
                     else pl.pweights(p, "languages.default") for code in set(fam_muni)}  # fmt: skip
    m_cols: dict[str, list] = {k: [] for k in ("family", "name", "sex", "birth_year", "role", "languages", "migrated")}
    fam_migrated = np.zeros(n, dtype=bool)
    head_member, spouse_member, n_children_school = np.zeros(n, int), np.full(n, -1), np.zeros((n, 2), int)
    years_school = (int(pl.pfloat(p, "baseline_year")), int(pl.pfloat(p, "comparison_year")))
    u = rng.random((n, 10, 4))
    lu = rng.random((n, 10, 4))
    for i in range(n):
        s1, s2 = SURNAMES[sur[i, 0]], SURNAMES[sur[i, 1]]
        roles = ["head"] + (["spouse"] if has_spouse[i] else [])
        roles += ["child"] * (size[i] - len(roles) - int(has_parent[i])) + (["parent"] if has_parent[i] else [])
        probs = langs_by_muni[fam_muni[i]]
        emigrant_done = not migrated_family[i]
        for j, role in enumerate(roles):
            r = u[i, j]
            if role == "head":
                sex, birth = ("F" if head_f[i] else "M"), int(head_birth[i])
            elif role == "spouse":
                sex, birth = ("M" if head_f[i] else "F"), int(head_birth[i] + round(4 * (r[0] - 0.5) * 2))
            elif role == "child":
                sex, birth = ("F" if r[0] < 0.5 else "M"), min(int(head_birth[i] + 18 + 22 * r[1]), 2014)
            else:
                sex, birth = ("F" if r[0] < 0.6 else "M"), int(head_birth[i] - 20 - 12 * r[1])
            given = (GIVEN_F if sex == "F" else GIVEN_M)[int(r[2] * 20)]
            surname = f"{s1} {s2}" if role in ("head", "child") else f"{SURNAMES[sur[i, 2]]} {SURNAMES[sur[i, 3]]}"
            spoken = [code for k, (code, pr) in enumerate(probs.items()) if lu[i, j, k] < pr]
            migrated = not emigrant_done and role == "child" and birth <= 1996
            emigrant_done = emigrant_done or migrated
            fam_migrated[i] |= migrated
            if role == "head":
                head_member[i] = len(m_cols["family"])
            if role == "spouse":
                spouse_member[i] = len(m_cols["family"])
            if role == "child":
                for k, y in enumerate(years_school):
                    n_children_school[i, k] += 6 <= y - birth <= 18
            for key, val in zip(m_cols, (fam_index[i], f"{given} {surname}", sex, birth, role, spoken or ["es"], migrated),
                                strict=True):  # fmt: skip
                m_cols[key].append(val)
    out.members = {k: np.array(v) if k != "languages" else v for k, v in m_cols.items()}
    out.families = {
        "index": fam_index,
        "code": [f"DEMO-{i + 1:06d}" for i in fam_index],
        "name": [f"Familia {SURNAMES[a]} {SURNAMES[b]}" for a, b in sur[:, :2]],
        "locality": fam_loc,
        "anyone_migrated": fam_migrated,
        "migration_notes": np.where(fam_migrated, "Un hijo trabaja fuera (demostración).", ""),
        "notes": np.full(n, "Familia ficticia del programa de demostración."),
    }

    # ---------------------------------------------------------------- dates: conversion, membership, phases
    conv_year = structure.group_conversion_year[fam_group]
    cmonths = np.array(pl.plist(p, "conversion_months"), dtype=int)
    g_month = rng.choice(cmonths, g1 - g0)[fam_group - g0]
    g_day = rng.integers(1, 20, g1 - g0)[fam_group - g0]
    conv = dates(conv_year, g_month, g_day) + rng.integers(0, 30, n).astype("timedelta64[D]")
    formed = structure.group_formed_on[fam_group]
    joined = np.minimum(formed + rng.integers(0, 200, n).astype("timedelta64[D]"), conv - np.timedelta64(1, "D"))
    out.memberships = {"family": fam_index, "group": fam_group, "joined_on": joined}
    t_lo, t_hi = (int(x) for x in pl.plist(p, "traditional_since_years"))
    trad_since = dates(rng.integers(t_lo, t_hi + 1, n), np.ones(n, int), np.ones(n, int))

    # ---------------------------------------------------------------- plots
    mean_area = pl.pfloat(p, "area_total_ha") / pl.pfloat(p, "families_default")
    area = np.clip(mean_area * lognormal(rng, pl.pfloat(p, "plot_area_cv"), n),
                   pl.pfloat(p, "plot_area_min_ha"), pl.pfloat(p, "plot_area_max_ha"))  # fmt: skip
    area *= mean_area * n / area.sum()
    lon = np.array([loc.longitude for loc in locs])
    lat = np.array([loc.latitude for loc in locs])
    off = p["plot_offset_km"]
    dist = np.clip(float(off.value) * lognormal(rng, 0.6, n), off.low, off.high) * 1000.0
    ang = rng.uniform(0, 2 * np.pi, n)
    mx, my = pl.metres_per_degree(lat)
    for shrink in (1.0, 0.3, 0.05):
        clon, clat = lon + dist * shrink * np.cos(ang) / mx, lat + dist * shrink * np.sin(ang) / my
        ok = np.zeros(n, dtype=bool)
        for code in set(fam_muni):
            sel = fam_muni == code
            ok[sel] = pl.shapely.contains_xy(structure.municipalities[code].geometry, clon[sel], clat[sel])
        if ok.all():
            break
        dist = np.where(ok, dist, dist * (0.3 if shrink == 1.0 else 0.0))
    plon, plat = pl.plot_polygons(rng, clon, clat, area)
    geo, area_ha, cen_lat, cen_lon = pl.validated_plots(plon, plat)
    alt = np.array([loc.altitude_m if loc.altitude_m is not None else np.nan for loc in locs]) + rng.normal(0, 60, n)
    slope = p["plot_slope_pct"]
    soil = pl.pweights(p, "soil_depth_share")
    out.plots = {
        "family": fam_index, "name": [PLOT_NAMES[k] for k in rng.integers(len(PLOT_NAMES), size=n)],
        "boundary": geo, "area_ha": area_ha, "centroid_lat": cen_lat, "centroid_lon": cen_lon,
        "altitude_m": np.round(alt, 0), "mean_slope_pct": np.round(rng.uniform(slope.low, slope.high, n), 1),
        "soil_depth_class": rng.choice(list(soil), n, p=np.array(list(soil.values()))),
        "system": np.full(n, "miaf_d"), "established_on": conv, "polygon_lon": plon, "polygon_lat": plat,
    }  # fmt: skip
    out.phases = {
        "plot": np.concatenate([fam_index, fam_index]),
        "system": np.array(["traditional"] * n + ["miaf_d"] * n),
        "started_on": np.concatenate([trad_since, conv]),
        "ended_on": np.concatenate([conv, np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")]),
        "notes": np.array(["Milpa tradicional en ladera."] * n + ["Conversión a MIAF-D (demostración)."] * n),
    }

    # ---------------------------------------------------------------- plantings (trees at conversion; milpa yearly)
    mixes = {code: pl.pweights(p, f"species_mix.07{code}") if f"species_mix.07{code}" in p
             else pl.pweights(p, "species_mix.default") for code in set(fam_muni)}  # fmt: skip
    tree_plot, tree_sp, tree_n = [], [], []
    trees_ha = pl.pfloat(p, "trees_per_ha")
    k_species = rng.integers(2, 5, n)
    for i in range(n):
        mix = mixes[fam_muni[i]]
        names = list(mix)
        w = np.array(list(mix.values()))
        chosen = rng.choice(len(names), size=min(k_species[i], len(names)), replace=False, p=w / w.sum())
        shares = w[chosen] / w[chosen].sum()
        for c, s in zip(chosen, shares, strict=True):
            tree_plot.append(i)
            tree_sp.append(names[c])
            tree_n.append(max(1, round(area_ha[i] * trees_ha * s)))
    tree_plot_a, tree_sp_a, tree_n_a = np.array(tree_plot), np.array(tree_sp), np.array(tree_n)
    crop_years = [int(pl.pfloat(p, "baseline_year")), *(int(y) for y in pl.plist(p, "later_years"))]
    strip = np.asarray(crop_share(out.plots["mean_slope_pct"]), dtype=float)  # per plot: the design rule
    sow_plot, sow_sp, sow_date, sow_qty = [tree_plot_a], [tree_sp_a], [conv[tree_plot_a]], [tree_n_a.astype(float)]
    for y in crop_years:
        # kg per ha of the crop's own strip: the design's sowing rule (design.materials.sowing_rate_kg_ha) on the
        # crop's area (design.crop_area_ha: maize and bean strips alternate, half the strips each), the very
        # area the harvests below come from; a traditional plot is all milpa (maize and bean intercropped)
        for code, month in (("maiz", 5), ("frijol", 6)):
            d = dates(np.full(n, y), np.full(n, month), rng.integers(5, 28, n))
            ha = np.where(d >= conv, crop_area_ha(area_ha, strip, code, STRIP_CROPS), area_ha)
            rate = sowing_rate_kg_ha(code) * lognormal(rng, 0.1, n)
            sow_plot.append(np.arange(n)), sow_sp.append(np.full(n, code)), sow_date.append(d)
            sow_qty.append(np.round(ha * rate, 2))
    sp_all = np.concatenate(sow_sp)
    out.plantings = {
        "plot": fam_index[np.concatenate(sow_plot)], "species": sp_all, "planted_on": np.concatenate(sow_date),
        "quantity": np.concatenate(sow_qty), "unit": np.where(np.isin(sp_all, ["maiz", "frijol"]), "kg_seed", "plants"),
    }  # fmt: skip

    # ---------------------------------------------------------------- harvests
    h_plot, h_sp, h_date, h_kg = [], [], [], []
    maize_eff = lognormal(rng, pl.pfloat(p, "maize_yield_cv"), n)
    bean_eff = lognormal(rng, pl.pfloat(p, "maize_yield_cv"), n)
    gain = structure.group_gain[fam_group]
    ycv = pl.pfloat(p, "year_yield_cv")
    maize_kg: dict[int, np.ndarray] = {}
    for y in crop_years:
        # process: the milpa strip of a MIAF-D plot (area × crop share) at the hillside yield, maize with the
        # group's gain once it applies; a traditional plot is all milpa
        d = dates(np.full(n, y), np.full(n, 11), rng.integers(1, 25, n))
        miaf = d >= conv
        on = maize_gain_on(y - conv_year)
        ha = np.where(miaf, crop_area_ha(area_ha, strip, "maiz", STRIP_CROPS), area_ha)  # as sown above
        kg = pl.pfloat(p, "maize_yield_kg_ha") * maize_eff * lognormal(rng, ycv, n) * np.where(miaf, 1 + gain * on, 1)
        maize_kg[y] = kg * ha
        h_plot.append(np.arange(n)), h_sp.append(np.full(n, "maiz")), h_date.append(d), h_kg.append(maize_kg[y])
        d = dates(np.full(n, y), np.full(n, 10), rng.integers(5, 28, n))
        ha = np.where(d >= conv, crop_area_ha(area_ha, strip, "frijol", STRIP_CROPS), area_ha)
        kg = pl.pfloat(p, "bean_yield_kg_ha") * bean_eff * lognormal(rng, ycv, n) * ha
        h_plot.append(np.arange(n)), h_sp.append(np.full(n, "frijol")), h_date.append(d), h_kg.append(kg)
    survival = rng.uniform(p["tree_survival"].low, p["tree_survival"].high, n)
    codes, sp_code = np.unique(tree_sp_a, return_inverse=True)
    horizon = max(crop_years) - int(conv_year.min()) + 1
    ramps = np.array([yield_ramp(str(c), horizon)[0] for c in codes]).reshape(len(codes), horizon)
    f_y = float(load_parameters("economics")["tree_yield_factor"])
    per_tree = np.array([float(cat[str(c)]["mature_yield_kg_per_tree"]) for c in codes])[sp_code]
    month = np.array([int(cat[str(c)]["harvest_months"].split(";")[0]) for c in codes])[sp_code]
    for y in crop_years[1:]:
        t = y - conv_year[tree_plot_a]  # cash-flow year: 0 = planting year (economics ramps)
        ramp = np.where(t >= 0, ramps[sp_code, np.clip(t, 0, horizon - 1)], 0.0)
        kg = tree_n_a * survival[tree_plot_a] * per_tree * f_y * ramp * lognormal(rng, pl.pfloat(p, "fruit_yield_cv"), len(t))
        sel = kg >= 1
        h_plot.append(tree_plot_a[sel]), h_sp.append(tree_sp_a[sel]), h_kg.append(kg[sel])
        h_date.append(dates(np.full(sel.sum(), y), month[sel], rng.integers(1, 28, sel.sum())))
    others = str(p["other_crops_ojo"].value).split(";")
    prob = np.where(is_ojo, pl.pfloat(p, "other_crop_probability_ojo"), pl.pfloat(p, "other_crop_probability"))
    grows = rng.random((n, len(others))) < prob[:, None]
    oa = p["other_crop_area_ha"]
    for k, code in enumerate(others):
        fams = np.flatnonzero(grows[:, k])
        row = cat[code]
        base = (float(row["default_yield_kg_ha"]) * rng.uniform(oa.low, oa.high, len(fams)) if row["default_yield_kg_ha"]
                else float(row["mature_yield_kg_per_tree"]) * pl.pfloat(p, "other_crop_plants"))  # fmt: skip
        month = int(row["harvest_months"].split(";")[0])
        for y in crop_years[1:]:
            d = dates(np.full(len(fams), y), np.full(len(fams), month), rng.integers(1, 28, len(fams)))
            sel = d >= conv[fams]
            kg = (base * lognormal(rng, ycv, len(fams)))[sel]
            h_plot.append(fams[sel]), h_sp.append(np.full(sel.sum(), code)), h_date.append(d[sel]), h_kg.append(kg)
    hp = np.concatenate(h_plot)
    hs = np.concatenate(h_sp)
    hd = np.concatenate(h_date)
    hq = np.round(np.concatenate(h_kg), 2)
    out.harvests = {"plot": fam_index[hp], "species": hs, "harvested_on": hd, "quantity_kg": hq, "family_local": hp}

    # ---------------------------------------------------------------- destinations (self-consumption and sales)
    miaf_h = hd >= conv[hp]
    maize, bean = hs == "maiz", hs == "frijol"
    # process: the family eats its maize and beans up to its needs (household size × kg per person and day ×
    # 365, spread between families) and sells the rest; of other produce it eats a small share
    appetite = lognormal(rng, pl.pfloat(p, "consumption_cv"), n)
    persons = size.astype(float) * appetite * 365.0
    need_maize = persons * pl.pfloat(p, "maize_consumption_kg_person_day")
    need_bean = persons * pl.pfloat(p, "bean_consumption_kg_person_day")
    need = np.where(maize, need_maize[hp], np.where(bean, need_bean[hp], np.nan))
    other_base = float(load_parameters("economics")["self_consumption_share.default"])  # fruit and cash crops
    other_share = np.clip(other_base + rng.normal(0, pl.pfloat(p, "share_noise"), len(hq)), 0.0, 0.99)
    share = np.where(maize | bean, np.minimum(need / np.maximum(hq, 1e-9), 1.0), other_share)
    # cash need: a family whose maize of that year falls short of its needs buys maize in the lean months
    h_year = hd.astype("datetime64[Y]").astype(np.int64) + 1970
    own_maize = np.zeros(len(hq))
    for y, kg in maize_kg.items():
        sel = h_year == y
        own_maize[sel] = kg[hp[sel]]
    deficit = own_maize < need_maize[hp]
    centi = np.round(hq * 100).astype(np.int64)  # integer hundredths of a kg: the splits add up exactly
    self_c = np.round(centi * share).astype(np.int64)
    market_c = centi - self_c
    channel = np.empty(len(hq), dtype=object)
    for sel, key in ((maize & miaf_h, "channels_maize_miaf"), (maize & ~miaf_h, "channels_maize_traditional"),
                     (bean, "channels_bean"), (~maize & ~bean, "channels_other")):  # fmt: skip
        ch = pl.pweights(p, key)
        channel[sel] = rng.choice(list(ch), sel.sum(), p=np.array(list(ch.values())))
    # families short of maize need cash at once: they sell most of their other produce to intermediaries
    to_coyote = deficit & ~bean & (rng.random(len(hq)) < pl.pfloat(p, "deficit_intermediary_share"))
    channel[to_coyote] = "intermediary"
    side = (~bean) & (channel != "intermediary") & (rng.random(len(hq)) < pl.pfloat(p, "side_selling_share"))
    side_c = np.where(side, np.round(market_c * rng.uniform(0.2, 0.6, len(hq))), 0).astype(np.int64)
    self_kg, main_kg, side_kg = self_c / 100, (market_c - side_c) / 100, side_c / 100
    price = np.array([float(cat[s]["default_price_mxn_kg"]) for s in hs]) * lognormal(rng, pl.pfloat(p, "price_cv"), len(hq))
    factor = {"organisation": 1.0, "local_market": 1.0, "intermediary": pl.pfloat(p, "intermediary_price_factor")}
    delay = {c: int(pl.pfloat(p, f"{c}_payment_delay_days")) for c in factor}
    org_short = {k: v[1] for k, v in pl.PRODUCERS.items()}
    muni_name = {c: structure.municipalities[c].name for c in set(fam_muni)}
    hidx = np.arange(len(hq))
    d_h = [hidx[self_kg > 0], hidx[main_kg > 0], hidx[side_kg > 0]]
    d_dest = [np.full(len(d_h[0]), "self"), channel[d_h[1]].astype(str), np.full(len(d_h[2]), "intermediary")]
    d_kg = [self_kg[d_h[0]], main_kg[d_h[1]], side_kg[d_h[2]]]
    out.destinations = {"harvest": np.concatenate(d_h), "destination": np.concatenate(d_dest), "kg": np.concatenate(d_kg)}
    dh, dd = out.destinations["harvest"], out.destinations["destination"]
    f = np.array([factor.get(x, np.nan) for x in dd])
    out.destinations["price_mxn_per_kg"] = np.round(price[dh] * f, 2)
    out.destinations["paid_on"] = hd[dh] + np.array([delay.get(x, 0) for x in dd]).astype("timedelta64[D]")
    out.destinations["paid_on"][dd == "self"] = np.datetime64("NaT")
    grp_org = np.array(structure.group_org)[fam_group]
    out.destinations["buyer"] = np.array(
        [org_short[grp_org[hp[h]]] if x == "organisation" else "Intermediario (coyote)" if x == "intermediary"
         else f"Mercado de {muni_name[fam_muni[hp[h]]]}" if x == "local_market" else "" for h, x in zip(dh, dd, strict=True)]
    )  # fmt: skip

    # ---------------------------------------------------------------- labour
    out.labour = labour_rows(rng, p, n, fam_index, area_ha, conv_year)
    # ---------------------------------------------------------------- household ledger
    out.ledger = ledger_rows(rng, p, cat, out, n, fam_index, area_ha, size, fam_migrated, grp_org, n_children_school)
    # ---------------------------------------------------------------- visits, trainings
    visits_and_trainings(rng, p, structure, out, fam_group, fam_index, conv, survival, tree_plot_a, tree_sp_a,
                         head_member, spouse_member)  # fmt: skip
    return out


def labour_rows(rng: np.random.Generator, p: dict, n: int, fam_index: np.ndarray, area_ha: np.ndarray,
                conv_year: np.ndarray) -> Columns:  # fmt: skip
    """Monthly labour logs by activity and kind: baseline (traditional), comparison (MIAF-D), establishment."""
    base_y, comp_y = int(pl.pfloat(p, "baseline_year")), int(pl.pfloat(p, "comparison_year"))
    # process: the milpa's operations on the plot (days per ha × area, with the family's own pace), and on a
    # MIAF-D plot the tree operations on top, with the MIAF-D factor drawn per family from the economics'
    # distribution (miaf_labour_factor) and the same yearly total as the economics
    # (miaf.economics.cashflow.miaf_labour_days); nothing is rescaled to the seed's +50 %
    pace = lognormal(rng, pl.pfloat(p, "labour_cv"), n)
    factor = pl.economics_distribution("miaf_labour_factor").sample(n, rng)
    d0 = area_ha * pl.pfloat(p, "labour_days_ha") * pace
    v = {"milpa_labour_days_ha": pl.pfloat(p, "labour_days_ha") * pace, "miaf_labour_factor": factor,
         "establishment_days_ha": 0.0}
    d1 = miaf_labour_days(area_ha, 1, v) * lognormal(rng, pl.pfloat(p, "labour_cv") / 2, n)
    est = area_ha * pl.pfloat(p, "establishment_days_ha") * lognormal(rng, pl.pfloat(p, "labour_cv"), n)
    trad, trees = pl.pcalendar(p, "labour_calendar.traditional"), pl.pcalendar(p, "labour_calendar.trees")
    capacity = pl.pfloat(p, "family_labour_capacity_days_month") * lognormal(rng, 0.2, n)
    cols: dict[str, list] = {k: [] for k in ("family", "year", "month", "activity", "kind", "person_days")}

    def cells(calendar: list, weight: float) -> dict[tuple[str, int], float]:
        return {(a, m): weight * s / len(ms) for a, s, ms in calendar for m in ms}

    milpa_cells, tree_cells = cells(trad, 1.0), cells(trees, 1.0)
    both = list(_merge(milpa_cells, tree_cells))
    mix = (np.array([milpa_cells.get(k, 0.0) for k in both])[None, :] / factor[:, None]
           + np.array([tree_cells.get(k, 0.0) for k in both])[None, :] * (1 - 1 / factor[:, None]))
    plans = [
        (np.full(n, base_y), d0, list(milpa_cells), np.array(list(milpa_cells.values()))[None, :]),
        (np.full(n, comp_y), d1, both, mix),  # per family: 1/φ milpa operations, 1 − 1/φ tree operations
        (conv_year, est, *_plan(cells(pl.pcalendar(p, "labour_calendar.establishment"), 1.0))),
    ]
    for years, total, keys, share in plans:
        days = total[:, None] * share  # (n, cells)
        months = np.array([m for _, m in keys])
        month_total = np.zeros((n, 13))
        np.add.at(month_total.T, months, days.T)
        hired_frac = np.clip(1 - capacity[:, None] / np.maximum(month_total[:, months], 1e-9), 0, 1)
        for kind, part in (("family", days * (1 - hired_frac)), ("hired", days * hired_frac)):
            part = np.round(part, 2)
            fi, ci = np.nonzero(part > 0)
            cols["family"].append(fi), cols["year"].append(years[fi]), cols["month"].append(months[ci])
            cols["activity"].append(np.array([keys[c][0] for c in ci]) if len(ci) else np.array([], dtype=str))
            cols["kind"].append(np.full(len(fi), kind)), cols["person_days"].append(part[fi, ci])
    res = {k: np.concatenate(v) for k, v in cols.items()}
    hired = res["kind"] == "hired"
    female = np.where(hired, rng.random(len(hired)) > pl.pfloat(p, "male_share_hired_labour"),
                      rng.random(len(hired)) < pl.pfloat(p, "female_share_family_labour"))  # fmt: skip
    res["worker_sex"] = np.where(female, "F", "M")
    res["wage_mxn_per_day"] = np.where(hired, pl.pfloat(p, "wage_mxn_day"), np.nan)
    res["family_local"] = res["family"]
    res["family"] = fam_index[res["family"]]
    return res


def _plan(cells: dict) -> tuple[list, np.ndarray]:
    return list(cells), np.array(list(cells.values()))[None, :]


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + v
    return out


def visits_and_trainings(rng: np.random.Generator, p: dict, structure: pl.Structure, out: Chunk,  # noqa: PLR0913
                         fam_group: np.ndarray, fam_index: np.ndarray, conv: np.ndarray, survival: np.ndarray,
                         tree_plot: np.ndarray, tree_sp: np.ndarray, head_member: np.ndarray,
                         spouse_member: np.ndarray) -> None:  # fmt: skip
    n = len(fam_index)
    v_fam, v_date = [], []
    for y in (int(v) for v in pl.plist(p, "visit_years")):
        d = dates(np.full(n, y), rng.integers(3, 10, n), rng.integers(1, 28, n))
        ok = d > conv + np.timedelta64(60, "D")
        v_fam.append(np.flatnonzero(ok)), v_date.append(d[ok])
    vf, vd = np.concatenate(v_fam), np.concatenate(v_date)
    surv = np.clip(survival[vf] * 100 + rng.normal(0, 3, len(vf)), 0, 100).round(1)
    promoted = np.isin(fam_group[vf], structure.promoter_groups)
    out.visits = {
        "family": fam_index[vf], "plot": fam_index[vf], "promoter": promoted, "visited_on": vd,
        "step": np.full(len(vf), 11), "tree_survival_pct": surv,
        "observations": np.where(surv >= 85, "Árboles en buen estado; milpa sembrada en surcos alternos.",
                                 "Se perdieron árboles en la ladera; revisar filtro de escurrimiento."),
        "agreements": np.where(surv >= 85, "Poda de formación en enero.", "Reponer plantas antes de las lluvias."),
    }  # fmt: skip
    k = int(pl.pfloat(p, "trees_measured_per_visit"))
    vi = np.repeat(np.arange(len(vf)), k)
    # Each measured tree is one of the family's planted species, picked uniformly among its planting rows.
    starts = np.searchsorted(tree_plot, np.arange(n))
    counts = np.bincount(tree_plot, minlength=n)
    pick = starts[vf[vi]] + (rng.random(len(vi)) * counts[vf[vi]]).astype(int)
    age = (vd[vi] - conv[vf[vi]]).astype(float) / 365.25
    alive = rng.random(len(vi)) < survival[vf[vi]]
    diam = np.clip(pl.pfloat(p, "diameter_growth_cm_yr") * age * lognormal(rng, 0.2, len(vi)), 0.3, 300).round(1)
    height = np.clip(0.3 + pl.pfloat(p, "height_growth_m_yr") * age * lognormal(rng, 0.2, len(vi)), 0.3, 40).round(2)
    out.measurements = {
        "visit": vi, "species": tree_sp[pick], "row_number": rng.integers(1, 9, len(vi)),
        "tree_number": rng.integers(1, 120, len(vi)), "diameter_cm": np.where(alive, diam, np.nan),
        "height_m": np.where(alive, height, np.nan), "alive": alive,
    }  # fmt: skip
    g0, g1 = out.groups
    e_cols: dict[str, list] = {k: [] for k in ("group", "kind", "step", "title", "topic", "held_on")}
    a_event, a_family, a_member = [], [], []
    member_of = {"head": head_member, "spouse": spouse_member}  # member indexes within the chunk
    for g in range(g0, g1):
        y = int(structure.group_conversion_year[g])
        fams = np.flatnonzero(fam_group == g)
        for kind, step, title, topic, dy, month, day in TRAININGS:
            e = len(e_cols["group"])
            held = dates(np.array([y + dy]), np.array([month]), np.array([day]))[0]
            for key, val in zip(e_cols, (g, kind, step, title, topic, held), strict=True):
                e_cols[key].append(val)
            goes = fams[rng.random(len(fams)) < pl.pfloat(p, "attendance_share")]
            spouse = (member_of["spouse"][goes] >= 0) & (rng.random(len(goes)) < 0.4)
            a_event.append(np.full(len(goes), e)), a_family.append(goes)
            a_member.append(np.where(spouse, member_of["spouse"][goes], member_of["head"][goes]))
    out.events = {k: np.array(v) for k, v in e_cols.items()}
    out.events["organisation"] = np.array(structure.group_org)[out.events["group"]]
    out.events["locality"] = structure.group_locality[out.events["group"]]
    out.attendance = {"event": np.concatenate(a_event), "family": fam_index[np.concatenate(a_family)],
                      "member": np.concatenate(a_member)}  # fmt: skip

