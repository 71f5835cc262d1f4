"""Preset scenarios and the web page's edits to them.

The presets are the project's scenario files (``scenarios/*.toml`` and ``docs/examples/scaleup-*.toml``).
The page edits a handful of main parameters of one preset (:data:`EDITABLE`); :func:`apply_edits` writes them
into the preset's TOML mapping and the science layer validates the result (:func:`miaf.scaleup.scenario.parse_scenario`),
so the rules of a valid scenario live in one place.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path

import miaf
from miaf.economics.uncertainty import Distribution
from miaf.scaleup.scenario import MAX_SCENARIO_BYTES, Scenario, parse_scenario

__all__ = ["Preset", "apply_edits", "initial_values", "preset", "presets"]

ROOT = Path(miaf.__file__).resolve().parents[2]
PRESET_GLOBS = (("scenarios", "*.toml"), ("docs/examples", "scaleup-*.toml"))


@dataclass(frozen=True)
class Preset:
    key: str  # file stem, e.g. "sembrando-vida"
    path: Path
    name: str  # the scenario's own name
    data: dict  # the parsed TOML

    @property
    def scenario(self) -> Scenario:
        return parse_scenario(self.data, base_dir=self.path.parent)


def _read(path: Path) -> dict | None:
    if path.stat().st_size > MAX_SCENARIO_BYTES:
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def presets() -> list[Preset]:
    """Every preset scenario file that reads and validates, in a stable order."""
    out = []
    for folder, pattern in PRESET_GLOBS:
        for path in sorted((ROOT / folder).glob(pattern)):
            data = _read(path)
            if data is None:
                continue
            try:
                parse_scenario(data, base_dir=path.parent)
            except ValueError:
                continue
            out.append(Preset(path.stem, path, str(data.get("name") or path.stem), data))
    return out


def preset(key: str) -> Preset | None:
    return next((p for p in presets() if p.key == key), None)


def initial_values(p: Preset) -> dict:
    """The form's values for a preset: enrolment targets, families per promoter, drop-out and subsidy [%]
    (central values), horizon."""
    s = p.scenario
    return {
        "preset": p.key,
        "targets": ", ".join(str(t) for t in s.targets) if s.targets else "",
        "families_per_promoter": s.families_per_promoter,
        "dropout_pct": round(100 * s.rates["dropout_per_year"].central(), 4),
        "subsidy_pct": round(100 * s.subsidy_share, 4),
        "horizon_years": s.horizon_years,
    }


def _shifted(dist: Distribution, central: float, hi: float) -> dict | float:
    """``dist`` moved so that its central value is ``central``, its spread kept (ends clipped to [0, hi])."""
    if dist.kind == "const":
        return central
    delta = central - dist.central()
    out = dist.to_dict()
    for k in ("low", "mode", "high"):
        if out.get(k) is not None:
            out[k] = min(max(out[k] + delta, 0.0), hi)
    if out["dist"] == "pert":
        out["mode"] = central
    return out


def apply_edits(p: Preset, targets: list[int] | None, families_per_promoter: float, dropout: float,
                subsidy_share: float, horizon_years: int) -> dict:
    """The preset's TOML mapping with the page's edits (rates as fractions); validated by the science layer
    (raises :class:`~miaf.scaleup.scenario.ScenarioError` listing every problem).

    A changed drop-out rate keeps the preset's uncertainty: its distribution is moved to the new central value.
    ``targets`` None keeps the preset's enrolment (targets or budget).
    """
    data = copy.deepcopy(p.data)
    data["horizon_years"] = int(horizon_years)
    if targets is not None:
        enr = dict(data.get("enrolment") or {})
        enr.pop("budget_mxn", None)
        enr["targets"] = [int(t) for t in targets]
        data["enrolment"] = enr
    data.setdefault("promoters", {})["families_per_promoter"] = float(families_per_promoter)
    data.setdefault("support", {})["subsidy_share"] = float(subsidy_share)
    rates = data.setdefault("rates", {})
    current = p.scenario.rates["dropout_per_year"]
    if abs(current.central() - dropout) > 1e-12:
        rates["dropout_per_year"] = _shifted(current, float(dropout), 0.999)
    parse_scenario(data, base_dir=p.path.parent)
    return data
