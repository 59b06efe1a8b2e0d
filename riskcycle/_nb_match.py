"""Halving-phase matching pools (internal; shared by the placebo test and the calibration).

Each kernel ``name`` has its plain-Python twin ``name_py`` beside it, used by the
tests to check the compiled code exactly.

Halving pools: event ``i``, ``phi_i = (t_i - A_e) / day`` days after its own
anchor ``A_e`` (the genesis block or the last halving), matches candidate ``c``
when ``|(t_c - A_j) / day - phi_i| <= window`` for some anchor ``A_j``
(``j != e`` with ``other``). For a fixed anchor the left-hand side is a
non-decreasing function of ``t_c`` (integer-to-float conversion, division by a
positive constant and subtraction are monotone in IEEE arithmetic), so the
matching candidates of one anchor form a contiguous run of the time-ordered
candidates, found by two binary searches with the exact predicate; later
anchors give runs further right, so their union in ascending order is a merge.
The pools are therefore identical, element for element, to testing every
candidate against every anchor.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ._nb_sets import _matched_sample_nb, _set_mean_nb

__all__ = ["halving_pools", "halving_pools_py", "matched_pvalues", "matched_pvalues_py"]

DAY_NS = 86_400 * 10**9


@nb.njit(cache=True, nogil=True)
def _first_at_least(t_c, a, ph, bound, strict):  # pragma: no cover - compiled
    """First index with ``(t_c - a)/day - ph >= bound`` (``> bound`` when strict)."""
    lo = 0
    hi = t_c.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        x = (t_c[mid] - a) / DAY_NS - ph
        if (x > bound) if strict else (x >= bound):
            hi = mid
        else:
            lo = mid + 1
    return lo


@nb.njit(cache=True, nogil=True)
def _pool_of(t_c, anchors, t_e, window, other, out):  # pragma: no cover - compiled
    """Candidates matching event time ``t_e``, ascending, written to ``out``; returns count."""
    n_a = anchors.shape[0]
    e = n_a - 1
    while e > 0 and anchors[e] > t_e:
        e -= 1
    ph = (t_e - anchors[e]) / DAY_NS
    w = float(window)
    n = 0
    last = 0
    for j in range(n_a):
        if other and j == e:
            continue
        lo = _first_at_least(t_c, anchors[j], ph, -w, False)
        hi = _first_at_least(t_c, anchors[j], ph, w, True)
        if lo < last:
            lo = last
        for c in range(lo, hi):
            out[n] = c
            n += 1
        if hi > last:
            last = hi
    return n


@nb.njit(cache=True, nogil=True)
def _halving_pools_nb(t_c, anchors, t_e, window, other, pool, off):  # pragma: no cover
    off[0] = 0
    for i in range(t_e.shape[0]):
        n = _pool_of(t_c, anchors, t_e[i], window, other, pool[off[i] :])
        off[i + 1] = off[i] + n


def halving_pools_py(
    t_c: np.ndarray, anchors: np.ndarray, t_e: np.ndarray, window: int, other: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain twin of :func:`halving_pools`: every candidate against every anchor."""
    t_c = np.ascontiguousarray(t_c, dtype=np.int64)
    t_e = np.ascontiguousarray(t_e, dtype=np.int64)
    anchors = np.ascontiguousarray(anchors, dtype=np.int64)
    epoch = np.searchsorted(anchors, t_e, side="right") - 1
    phase = (t_e - anchors[epoch]) / DAY_NS
    pools = []
    for i in range(len(t_e)):
        keep = np.zeros(len(t_c), dtype=bool)
        for j, a in enumerate(anchors):
            if other and j == epoch[i]:
                continue
            keep |= np.abs((t_c - a) / DAY_NS - phase[i]) <= window
        pools.append(np.flatnonzero(keep))
    off = np.concatenate([[0], np.cumsum([len(p) for p in pools])]).astype(np.int64)
    pool = np.concatenate(pools).astype(np.int64) if pools else np.empty(0, np.int64)
    return pool, off, phase


def halving_pools(
    t_c: np.ndarray,
    anchors: np.ndarray,
    t_e: np.ndarray,
    window: int,
    other: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-event pools of candidate indices at the same halving phase.

    ``t_c`` (ascending) and ``t_e`` are UTC day closes in ns, ``anchors`` the genesis
    block and the halvings (ascending); events must not precede the first anchor.
    Returns ``(pool, off, phase_days)``: event ``i``'s pool is ``pool[off[i]:off[i+1]]``.
    """
    t_c = np.ascontiguousarray(t_c, dtype=np.int64)
    t_e = np.ascontiguousarray(t_e, dtype=np.int64)
    anchors = np.ascontiguousarray(anchors, dtype=np.int64)
    epoch = np.searchsorted(anchors, t_e, side="right") - 1
    phase = (t_e - anchors[epoch]) / DAY_NS
    pool = np.empty(len(t_e) * len(t_c), dtype=np.int64)
    off = np.empty(len(t_e) + 1, dtype=np.int64)
    _halving_pools_nb(t_c, anchors, t_e, np.int64(window), bool(other), pool, off)
    return pool[: off[-1]].copy(), off, phase


# ---------------------------------------------------------------------------
# halving-matched placebo p-values of many sets (the calibration's hot loop)
# ---------------------------------------------------------------------------
ALTERNATIVES = ("greater", "less", "two-sided")


@nb.njit(cache=True, nogil=True)
def _pvalue_of_one_nb(obs, null, alt):  # pragma: no cover - compiled
    if not np.isfinite(obs):
        return np.nan
    gamma = abs(obs) * 1e-12
    m = 0
    ge = 0
    le = 0
    for v in null:
        if np.isfinite(v):
            m += 1
            if v >= obs - gamma:
                ge += 1
            if v <= obs + gamma:
                le += 1
    pg = (1 + ge) / (1 + m)
    pl = (1 + le) / (1 + m)
    if alt == 0:
        return pg
    if alt == 1:
        return pl
    return min(1.0, 2 * min(pg, pl))


@nb.njit(cache=True, nogil=True)
def _matched_pvalues_nb(
    gen, sets, t_c, t_all, anchors, window, other, tday, values, fwd, s, alt, n_draws, limit, out
):  # pragma: no cover - compiled
    n_sets, k = sets.shape
    t_e = np.empty(k, dtype=np.int64)
    pool = np.empty(k * t_c.shape[0], dtype=np.int64)
    off = np.empty(k + 1, dtype=np.int64)
    draws = np.empty((n_draws, k), dtype=np.int64)
    null = np.empty(n_draws)
    for r in range(n_sets):
        for i in range(k):
            t_e[i] = t_all[sets[r, i]]
        _halving_pools_nb(t_c, anchors, t_e, window, other, pool, off)
        empty = False
        for i in range(k):
            if off[i + 1] == off[i]:
                empty = True
        if empty:
            out[r] = np.nan
            continue
        filled = 0
        proposals = 0
        while filled < n_draws:
            u = gen.random((max(1024, 2 * (n_draws - filled)), k))
            filled, used = _matched_sample_nb(pool, off, tday, s, u, draws, filled)
            proposals += used
            if proposals > limit and filled < n_draws:
                break
        if filled < n_draws:
            out[r] = np.nan
            continue
        _set_mean_nb(values, draws, null)
        acc = 0.0
        for i in range(k):
            acc += fwd[sets[r, i]]
        out[r] = _pvalue_of_one_nb(acc / k, null, alt)
    return out


def matched_pvalues(
    gen: np.random.Generator,
    sets: np.ndarray,
    t_c: np.ndarray,
    t_all: np.ndarray,
    anchors: np.ndarray,
    *,
    window: int,
    other: bool,
    tday: np.ndarray,
    values: np.ndarray,
    fwd: np.ndarray,
    spacing: int,
    alternative: str,
    n_draws: int,
    limit: int,
) -> np.ndarray:
    """Halving-matched placebo p-values of the mean for every set (row of bar positions).

    For set ``r``: the pools of its events (:func:`halving_pools`, candidates ``t_c``,
    event times ``t_all[sets[r]]``; NaN when a pool is empty); ``n_draws`` admissible
    tuples by rejection (:func:`riskcycle._nb_sets.matched_sample`, uniforms
    ``gen.random((max(1024, 2 * remaining), k))`` per batch; NaN after ``limit``
    proposals); their means of ``values`` (the candidates' forward returns) as the
    null; the p-value of the set's own mean of ``fwd`` (every bar's forward returns)
    by the Monte Carlo rule with ties within a relative 1e-12. ``gen`` is advanced
    exactly as the plain twin advances it (numba draws from numpy's bit generator).
    """
    out = np.empty(len(sets))
    return _matched_pvalues_nb(
        gen,
        np.ascontiguousarray(sets, dtype=np.int64),
        np.ascontiguousarray(t_c, dtype=np.int64),
        np.ascontiguousarray(t_all, dtype=np.int64),
        np.ascontiguousarray(anchors, dtype=np.int64),
        np.int64(window),
        bool(other),
        np.ascontiguousarray(tday, dtype=np.int64),
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(fwd, dtype=np.float64),
        np.int64(spacing),
        np.int64(ALTERNATIVES.index(alternative)),
        np.int64(n_draws),
        np.int64(limit),
        out,
    )


def matched_pvalues_py(
    gen: np.random.Generator,
    sets: np.ndarray,
    t_c: np.ndarray,
    t_all: np.ndarray,
    anchors: np.ndarray,
    *,
    window: int,
    other: bool,
    tday: np.ndarray,
    values: np.ndarray,
    fwd: np.ndarray,
    spacing: int,
    alternative: str,
    n_draws: int,
    limit: int,
) -> np.ndarray:
    """Plain twin of :func:`matched_pvalues` (the same draws from ``gen``)."""
    from ._nb_sets import MEAN, matched_sample_py, set_statistic_py

    out = np.empty(len(sets))
    for r, row in enumerate(np.asarray(sets, dtype=np.int64)):
        pool, off, _ = halving_pools_py(t_c, anchors, t_all[row], window, other)
        if (off[1:] == off[:-1]).any():
            out[r] = np.nan
            continue
        k = len(row)
        draws = np.empty((n_draws, k), dtype=np.int64)
        filled, proposals = 0, 0
        while filled < n_draws:
            u = gen.random((max(1024, 2 * (n_draws - filled)), k))
            filled, used = matched_sample_py(pool, off, tday, spacing, u, draws, filled)
            proposals += used
            if proposals > limit and filled < n_draws:
                break
        if filled < n_draws:
            out[r] = np.nan
            continue
        null = set_statistic_py(values, draws, MEAN)
        null = null[np.isfinite(null)]
        obs = set_statistic_py(fwd, row[None, :], MEAN)[0]
        if not np.isfinite(obs):
            out[r] = np.nan
            continue
        gamma = abs(obs) * 1e-12
        pg = (1 + np.count_nonzero(null >= obs - gamma)) / (1 + null.size)
        pl = (1 + np.count_nonzero(null <= obs + gamma)) / (1 + null.size)
        out[r] = {"greater": pg, "less": pl}.get(alternative, min(1.0, 2 * min(pg, pl)))
    return out
