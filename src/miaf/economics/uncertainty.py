"""Uncertain parameters as elicited distributions, reproducible sampling and sensitivity ranking.

Decision analysts elicit each uncertain quantity as a 90 % interval (and sometimes a most likely value),
as in the estimate tables of the R package ``decisionSupport``. A :class:`Distribution` turns such an
estimate into something that can be sampled; :func:`sample_parameters` draws all of them at once with a
seed (one independent stream per parameter name, so adding a parameter does not change the draws of
the others); :func:`sensitivity` ranks the parameters by how much they drive an output.

This module is generic: the plot model (:mod:`miaf.economics.cashflow`) evaluates all draws of its
parameters in one vectorised numpy pass and calls these functions.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["KINDS", "Distribution", "percentiles", "sample_parameters", "sensitivity"]

#: Standard-normal quantile of 0.95: a 90 % interval spans mean ± Z90 · sd.
Z90 = float(stats.norm.ppf(0.95))
#: Distribution kinds accepted in scenarios.
KINDS = ("const", "normal", "lognormal", "pert", "uniform")
#: Percentiles reported for Monte Carlo outputs.
DEFAULT_PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class Distribution:
    """One uncertain parameter.

    ``kind`` is one of :data:`KINDS`:

    * ``const``: ``value``;
    * ``normal``: ``low``/``high`` are the 5 % and 95 % quantiles (a 90 % interval);
    * ``lognormal``: the same in log space (``low`` > 0), for quantities that are positive and skewed;
    * ``pert``: Beta-PERT with minimum ``low``, most likely ``mode`` and maximum ``high`` (shape 4);
    * ``uniform``: between ``low`` and ``high``.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    value: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"distribution: unknown dist {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.kind == "const":
            if self.value is None or not math.isfinite(self.value):
                raise ValueError("distribution: a 'const' needs a finite 'value'")
            return
        if self.low is None or self.high is None:
            raise ValueError(f"distribution {self.kind!r}: needs 'low' and 'high'")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(f"distribution {self.kind!r}: 'low' and 'high' must be finite numbers")
        if self.low > self.high:
            raise ValueError(
                f"distribution {self.kind!r}: interval is reversed (low {self.low} > high {self.high}); "
                "give low <= high"
            )
        if self.kind == "lognormal" and self.low <= 0:
            raise ValueError("distribution 'lognormal': 'low' must be > 0")
        if self.kind == "pert":
            if self.mode is None:
                raise ValueError("distribution 'pert': needs 'mode' (the most likely value)")
            if not (self.low <= self.mode <= self.high):
                raise ValueError(
                    f"distribution 'pert': mode {self.mode} is outside [low {self.low}, high {self.high}]"
                )

    @classmethod
    def from_spec(cls, spec, name: str = "parameter") -> Distribution:
        """Build from a scenario entry: a number, or ``{"dist": ..., "low": ..., "mode": ..., "high": ...}``.

        A dict with ``low`` and ``high`` but no ``dist`` is read as a 90 % interval of a normal
        distribution (``pert`` if it also has a ``mode``).
        """
        if isinstance(spec, Distribution):
            return spec
        if isinstance(spec, bool):
            raise ValueError(f"{name}: expected a number or a distribution, got {spec!r}")
        if isinstance(spec, int | float):
            return cls("const", value=float(spec))
        if not isinstance(spec, Mapping):
            raise ValueError(f"{name}: expected a number or a distribution object, got {type(spec).__name__}")
        unknown = set(spec) - {"dist", "low", "high", "mode", "value"}
        if unknown:
            raise ValueError(f"{name}: unknown distribution field(s) {sorted(unknown)}")
        kind = spec.get("dist") or ("pert" if "mode" in spec else "normal" if "low" in spec else "const")

        def num(key):
            if key not in spec or spec[key] is None:
                return None
            try:
                return float(spec[key])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name}: '{key}' must be a number, got {spec[key]!r}") from exc

        try:
            return cls(kind, low=num("low"), high=num("high"), mode=num("mode"), value=num("value"))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None

    @classmethod
    def from_table(cls, value: float, low: float | None, high: float | None) -> Distribution:
        """Default distribution of a parameter-table row: PERT(low, value, high), else a constant.

        When ``value`` lies outside ``[low, high]`` the interval is used as a 90 % normal interval.
        """
        if low is None or high is None or low == high:
            return cls("const", value=float(value))
        if low <= value <= high:
            return cls("pert", low=float(low), mode=float(value), high=float(high))
        return cls("normal", low=float(low), high=float(high))

    @property
    def is_constant(self) -> bool:
        return self.kind == "const" or self.low == self.high

    def central(self) -> float:
        """Value used for the deterministic (ex ante) run: value, mode, or median."""
        if self.kind == "const":
            return float(self.value)
        if self.kind == "pert":
            return float(self.mode)
        if self.kind == "lognormal":
            return math.sqrt(self.low * self.high)
        return 0.5 * (self.low + self.high)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` independent draws."""
        if self.kind == "const":
            return np.full(n, float(self.value))
        lo, hi = float(self.low), float(self.high)
        if lo == hi:
            return np.full(n, lo)
        if self.kind == "normal":
            return rng.normal(0.5 * (lo + hi), (hi - lo) / (2 * Z90), n)
        if self.kind == "lognormal":
            ll, lh = math.log(lo), math.log(hi)
            return np.exp(rng.normal(0.5 * (ll + lh), (lh - ll) / (2 * Z90), n))
        if self.kind == "uniform":
            return rng.uniform(lo, hi, n)
        a = 1.0 + 4.0 * (self.mode - lo) / (hi - lo)
        b = 1.0 + 4.0 * (hi - self.mode) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)

    def to_dict(self) -> dict:
        if self.kind == "const":
            return {"dist": "const", "value": self.value}
        out = {"dist": self.kind, "low": self.low, "high": self.high}
        if self.mode is not None:
            out["mode"] = self.mode
        return out


def _stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])


def sample_parameters(
    distributions: Mapping[str, Distribution], draws: int, seed: int = 1
) -> dict[str, np.ndarray]:
    """Draw every parameter ``draws`` times, reproducibly.

    Parameters
    ----------
    distributions : mapping name → Distribution
    draws : int
        Number of Monte Carlo draws (≥ 1).
    seed : int
        Master seed; each parameter uses the stream ``(seed, crc32(name))``.

    Returns
    -------
    dict name → array, shape (draws,)
    """
    if int(draws) < 1:
        raise ValueError("draws: need at least 1 Monte Carlo draw")
    return {name: dist.sample(int(draws), _stream(seed, name)) for name, dist in distributions.items()}


def percentiles(values, q=DEFAULT_PERCENTILES) -> dict[str, float | None]:
    """``{"p5": ..., "p50": ..., ...}`` of the finite values (None when there are none)."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {f"p{p}": None for p in q}
    return {f"p{p}": float(v) for p, v in zip(q, np.percentile(finite, q), strict=True)}


def sensitivity(inputs: Mapping[str, np.ndarray], output: np.ndarray) -> list[dict]:
    """Rank uncertain inputs by their influence on one Monte Carlo output.

    Parameters
    ----------
    inputs : mapping name → array, shape (draws,)
        Sampled parameter values (constant columns are skipped).
    output : array, shape (draws,)
        Model output for each draw (non-finite draws are dropped).

    Returns
    -------
    list of dict
        One entry per varying input, sorted by ``|prcc|`` descending: ``name``, ``prcc`` (partial rank
        correlation coefficient), ``srrc`` (standardised rank regression coefficient) and ``rank``.

    Notes
    -----
    Both measures work on ranks, so they capture monotonic, not only linear, effects. With ``R`` the
    rank-correlation matrix of ``[X, y]`` and ``P = R⁻¹``, the PRCC of input ``j`` is
    :math:`-P_{jy} / \\sqrt{P_{jj} P_{yy}}`: the correlation between ``x_j`` and ``y`` once the linear
    effect (on ranks) of all other inputs is removed. The SRRC is the coefficient of ``x_j`` in a least-
    squares regression of the standardised ranks of ``y`` on those of ``X``; the sum of squared SRRCs
    approximates the share of output variance explained when the inputs are independent. Needs more draws
    than inputs (a few hundred draws for ~20 inputs).

    References
    ----------
    Marino, S., Hogue, I. B., Ray, C. J., Kirschner, D. E. A methodology for performing global uncertainty
    and sensitivity analysis in systems biology. Journal of Theoretical Biology 254(1):178–196, 2008.
    doi:10.1016/j.jtbi.2008.04.011
    """
    y = np.asarray(output, dtype=float)
    names = [k for k, v in inputs.items() if np.ptp(np.asarray(v, dtype=float)) > 0]
    if not names:
        return []
    x = np.column_stack([np.asarray(inputs[k], dtype=float) for k in names])
    keep = np.isfinite(y) & np.isfinite(x).all(axis=1)
    x, y = x[keep], y[keep]
    if y.size <= len(names) + 2 or np.ptp(y) == 0:
        return [{"name": k, "prcc": None, "srrc": None, "rank": None} for k in names]
    ranks = np.column_stack([stats.rankdata(c) for c in x.T] + [stats.rankdata(y)])
    z = (ranks - ranks.mean(axis=0)) / ranks.std(axis=0)
    corr = np.corrcoef(z, rowvar=False)
    prec = np.linalg.pinv(corr)
    prcc = -prec[:-1, -1] / np.sqrt(prec[np.arange(len(names)), np.arange(len(names))] * prec[-1, -1])
    srrc, *_ = np.linalg.lstsq(z[:, :-1], z[:, -1], rcond=None)
    order = np.argsort(-np.abs(prcc))
    return [
        {"name": names[i], "prcc": float(prcc[i]), "srrc": float(srrc[i]), "rank": r + 1}
        for r, i in enumerate(order)
    ]
