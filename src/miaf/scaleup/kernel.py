"""The unit kernel: a chunk of simulated units → exact integer counts by draw, enrolment year and plot age.

Each unit ``r`` of stratum ``s`` carries three random numbers drawn from the stream of its block
(:func:`~miaf.scaleup.population.block_rng`): ``u_adopt`` (adopts the plot in draw ``d`` when
``u_adopt < adoption_d``), ``u_stay`` (years it keeps the plot, see below) and ``z`` (its maize and bean
yield multiplier, lognormal with mean 1). The same numbers serve every draw (common random numbers), so
draws differ only by their parameters.

Years active with an annual drop-out hazard ``p_d``: ``K = 1 + ⌊ln u / ln(1 − p_d)⌋`` (geometric, at least
the planting year; ``p = 0`` keeps the plot to the horizon). A unit enrolled in year ``e`` counts at plot
age ``a`` (calendar year ``e + a``) while ``a < K``.

The kernel returns integer arrays, so summing chunks is exact and order-free: the totals do not depend on
the chunk size, the number of workers or the order in which chunks finish.
"""

from __future__ import annotations

import numpy as np

from .population import BLOCK, block_rng

__all__ = ["MALLOC_MMAP_THRESHOLD", "MALLOC_TRIM_THRESHOLD", "YIELD_SCALE", "tune_malloc", "unit_chunk"]

#: Fixed-point scale of the summed yield multipliers (2**20: resolution about 1e-6 per unit).
YIELD_SCALE = float(2**20)
#: glibc malloc thresholds set on Dask workers [bytes]. Dask starts worker processes with
#: MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's adaptive mmap threshold: every multi-megabyte numpy
#: temporary of the unit kernel is then a fresh mmap with page faults, and the kernel ran 2.5x slower in a
#: worker than in-process (docs/benchmarks/scaleup.md). Setting the env var for the workers does not help
#: (glibc reads it before Dask sets it), so :func:`tune_malloc` calls mallopt on every worker
#: (:func:`miaf.scaleup.run.run_scaleup` registers it). It lives here so a worker imports only this module.
MALLOC_MMAP_THRESHOLD = 64 * 1024 * 1024
MALLOC_TRIM_THRESHOLD = 128 * 1024 * 1024


def tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds in this process (Linux/glibc only); True if applied."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(-3, MALLOC_MMAP_THRESHOLD) == 1  # M_MMAP_THRESHOLD
        return bool(libc.mallopt(-1, MALLOC_TRIM_THRESHOLD) == 1 and ok)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        return False


def unit_chunk(stratum_index: int, r0: int, r1: int, cum_enrolled: np.ndarray, adoption: np.ndarray,
               dropout: np.ndarray, yield_cv: float, seed: int) -> dict[str, np.ndarray]:
    """Counts of units ``r0 … r1 − 1`` of one stratum.

    Parameters
    ----------
    stratum_index : int, position of the stratum in the population table (part of the stream key).
    r0, r1 : int, first and one-past-last unit number; ``r0`` must be a multiple of :data:`BLOCK`.
    cum_enrolled : int array (H,), simulated units of the stratum enrolled by the end of each year
        (non-decreasing); unit ``r`` enrols in the first year ``e`` with ``r < cum_enrolled[e]``.
    adoption, dropout : float arrays (D,) [fraction], adoption share and annual drop-out hazard per draw.
    yield_cv : float [-], coefficient of variation of the unit yield multiplier.
    seed : int.

    Returns
    -------
    dict with ``active`` (D, H, H) int64, units active by draw, enrolment year and plot age;
    ``yield_sum`` (D, H, H) int64, the sum of their yield multipliers × :data:`YIELD_SCALE` (rounded per unit);
    ``not_adopted`` (D, H) int64, enrolled units that did not adopt, by enrolment year.
    """
    if r0 % BLOCK:
        raise ValueError(f"chunk start {r0} is not a multiple of the block size {BLOCK}")
    cum = np.asarray(cum_enrolled, dtype=np.int64)
    horizon = cum.size
    adoption = np.asarray(adoption, dtype=float)
    dropout = np.asarray(dropout, dtype=float)
    n_draws = adoption.size
    nbins = n_draws * horizon * (horizon + 1)
    hist = np.zeros(nbins, dtype=np.int64)
    yhist = np.zeros(nbins, dtype=np.int64)
    not_adopted = np.zeros(n_draws * horizon, dtype=np.int64)
    sigma2 = np.log1p(yield_cv**2)
    with np.errstate(divide="ignore"):
        log_stay = np.log1p(-dropout)  # (D,), -inf at p = 1 (refused by the scenario), 0 at p = 0
    r_end = min(int(r1), int(cum[-1]) if horizon else 0)  # units past the last enrolment never enrol
    draw_ix = np.arange(n_draws, dtype=np.int64)[None, :]
    for b in range(r0 // BLOCK, -(-r_end // BLOCK) if r_end > r0 else r0 // BLOCK):
        rng = block_rng(seed, stratum_index, b)
        u_adopt = rng.random(BLOCK)
        u_stay = 1.0 - rng.random(BLOCK)  # (0, 1]
        z = rng.standard_normal(BLOCK)
        lo, hi = b * BLOCK, min((b + 1) * BLOCK, r_end)
        sl = slice(0, hi - lo)
        r = np.arange(lo, hi)
        e = np.searchsorted(cum, r, side="right").astype(np.int64)  # (n,) enrolment year
        y = np.exp(np.sqrt(sigma2) * z[sl] - 0.5 * sigma2)
        y_fp = np.rint(y * YIELD_SCALE)
        adopted = u_adopt[sl, None] < adoption[None, :]  # (n, D)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(log_stay[None, :] < 0, np.log(u_stay[sl, None]) / log_stay[None, :], np.inf)
        k = np.minimum(np.floor(k) + 1.0, (horizon - e)[:, None]).astype(np.int64)  # years active, capped
        idx = (draw_ix * horizon + e[:, None]) * (horizon + 1) + k
        hist += np.bincount(idx[adopted], minlength=nbins)
        yhist += np.rint(np.bincount(idx[adopted], weights=np.broadcast_to(y_fp[:, None], idx.shape)[adopted],
                                     minlength=nbins)).astype(np.int64)
        na = (draw_ix * horizon + e[:, None])[~adopted]
        not_adopted += np.bincount(na, minlength=n_draws * horizon)
    shape = (n_draws, horizon, horizon + 1)

    def active(h: np.ndarray) -> np.ndarray:
        h = h.reshape(shape)
        return np.cumsum(h[..., ::-1], axis=-1)[..., ::-1][..., 1:]  # a < K  ⇔  sum over K ≥ a + 1

    return {"active": active(hist), "yield_sum": active(yhist),
            "not_adopted": not_adopted.reshape(n_draws, horizon)}
