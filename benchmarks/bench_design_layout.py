"""Benchmark: MIAF plot design on a 1 m DEM, 1 ha and 50 ha plots (time and peak memory).

Run: ``.venv/bin/python benchmarks/bench_design_layout.py [--runs 5]``. Prints a markdown table.

The DEM is synthetic but hillside-like: a 30 % south-facing slope with two undulations of 4-6 m
(curved, converging and spreading contours), 900 m x 900 m at 1 m cells (810,000 cells), float32
GeoTIFF in UTM 15N (Chiapas). Each plot size runs in its own subprocess, which reports the wall times
of ``design_plot`` (DEM read, reprojection, layout, trees, strips, quantities; no file exports) and
its peak resident set size (``resource.getrusage``), so the memory figure covers the interpreter,
numpy/shapely/rasterio and the design itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyproj
import rasterio
from affine import Affine

LON0, LAT0 = -92.64, 16.74
CASES = {"1 ha": 100.0, "50 ha": 707.1}


def _origin() -> tuple[float, float]:
    x, y = pyproj.Transformer.from_crs(4326, 32615, always_xy=True).transform(LON0, LAT0)
    return round(x, -1), round(y, -1)


def make_dem(path: Path, extent: float = 900.0, res: float = 1.0) -> None:
    x0, y0 = _origin()
    n = int(extent / res)
    off = (np.arange(n) + 0.5) * res - extent / 2
    dx, dy = np.meshgrid(off, off[::-1])
    z = 1500 + 0.30 * dy + 6 * np.sin(dx / 60) * np.cos(dy / 45) + 4 * np.sin((dx + dy) / 90)
    with rasterio.open(path, "w", driver="GTiff", height=n, width=n, count=1, dtype="float32",
                       crs="EPSG:32615", transform=Affine(res, 0, x0 - extent / 2, 0, -res, y0 + extent / 2),
                       nodata=-9999.0) as dst:
        dst.write(z.astype("float32"), 1)


def square(side: float) -> dict:
    x0, y0 = _origin()
    inv = pyproj.Transformer.from_crs(32615, 4326, always_xy=True)
    h = side / 2
    ring = [list(inv.transform(x0 + dx, y0 + dy)) for dx, dy in [(-h, -h), (h, -h), (h, h), (-h, h), (-h, -h)]]
    return {"type": "Polygon", "coordinates": [ring]}


def worker(side: float, runs: int, dem: str) -> None:
    from miaf.design import design_plot

    times, cpu, result = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = design_plot(square(side), "aguacate", dem=dem, soil_depth_m=1.2)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    s = result.summary
    print(json.dumps({"times": times, "cpu": cpu, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "area_ha": s.area_ha, "rows": s.n_tree_rows, "partial": s.n_partial_rows,
                      "trees": s.n_trees, "max_dist": s.max_distance_to_row_m}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--worker", nargs=3, metavar=("SIDE", "RUNS", "DEM"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(float(args.worker[0]), int(args.worker[1]), args.worker[2])
        return
    with tempfile.TemporaryDirectory() as tmp:
        dem = Path(tmp) / "hillside_1m.tif"
        make_dem(dem)
        print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}, "
              f"{args.runs} runs per case (first run included)\n")
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
        print("| case | area [ha] | rows (partial) | trees | median wall [s] | min [s] | max [s] "
              "| median CPU [s] | peak RSS [MB] |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, side in CASES.items():
            out = subprocess.run([sys.executable, __file__, "--worker", str(side), str(args.runs), str(dem)],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            t = r["times"]
            print(f"| {name}, 1 m DEM | {r['area_ha']:.2f} | {r['rows']} ({r['partial']}) | {r['trees']} | "
                  f"{statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} | "
                  f"{statistics.median(r['cpu']):.3f} | {r['rss_mb']:.0f} |")
        print(f"\nload average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
