"""Benchmark: soil loss of a single 1 ha MIAF-D plot on a 1 m DEM (target < 0.2 s).

Run: .venv/bin/python benchmarks/bench_environment_plot_1ha.py [--repeat 20]
The DEM (300 x 300 m, UTM 15N) is a GeoTIFF read once; each run clips it to the 100 x 100 m plot, routes
flow twice (traditional milpa and MIAF-D with contour rows every 10.6 m), computes LS and RUSLE per cell,
and the plot statistics. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin
from shapely.geometry import Polygon

from miaf.environment.erosion import ErosionInputs, evaluate_soil_loss
from miaf.environment.terrain import read_dem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    n = 300
    y, x = np.mgrid[0:n, 0:n].astype(float)
    z = 1500 - 0.3 * y - 3 * np.sin(x / 17) * np.cos(y / 23) + rng.normal(0, 0.02, (n, n))
    x0, y0 = 600_000.0, 1_800_000.0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dem_1m.tif"
        with rasterio.open(path, "w", driver="GTiff", height=n, width=n, count=1, dtype="float32",
                           crs="EPSG:32615", transform=from_origin(x0, y0, 1.0, 1.0)) as dst:
            dst.write(z.astype(np.float32), 1)
        dem = read_dem(path)
    to_ll = Transformer.from_crs("EPSG:32615", "EPSG:4326", always_xy=True)
    px, py = x0 + 100, y0 - 200
    plot = Polygon([to_ll.transform(a, b) for a, b in [(px, py), (px + 100, py), (px + 100, py + 100), (px, py + 100)]])
    inputs = ErosionInputs(system="miaf-d", age_years=5, municipality="07052", k_factor=0.02)
    res = evaluate_soil_loss(inputs, dem=dem, plot=plot)  # warm-up (imports, parameter tables)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = evaluate_soil_loss(inputs, dem=dem, plot=plot)
        times.append(time.perf_counter() - t0)
    print("| case | cells | runs | median [s] | best [s] | A MIAF-D [t/ha/yr] | A milpa [t/ha/yr] | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| 1 ha plot, 1 m DEM, MIAF-D + milpa | {res.cells} | {len(times)} | {statistics.median(times):.3f} "
          f"| {min(times):.3f} | {res.soil_loss_t_ha_yr:.1f} | {res.traditional_t_ha_yr:.1f} | {os.getloadavg()[0]:.1f} |")
    print(f"\nTarget < 0.2 s: {'PASS' if statistics.median(times) < 0.2 else 'FAIL'}")


if __name__ == "__main__":
    main()
