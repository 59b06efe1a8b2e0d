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

__all__ = ["halving_pools", "halving_pools_py"]

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
