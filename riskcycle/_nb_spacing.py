"""Uniform random sets of dates with a minimum spacing (numba kernels, ``cache=True``).

Shared on purpose by the stages that draw placebo dates: inference (placebo, power,
calibration), cycles (random event sets) and regimes (abnormal-window placebo). The
candidates are sorted by date; ``nxt[m]`` is the index of the first candidate at
least ``s`` days after candidate ``m``. :func:`spaced_tables` counts the admissible
sets and :func:`spaced_sample` draws them exactly uniformly from pre-drawn uniforms.

Each kernel ``name`` has its plain-numpy twin ``name_py`` beside it, computing the
same numbers from the same inputs (the tests compare the two). This module imports
numba (about 0.5 s): import it lazily, inside the functions that need it.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["spaced_sample", "spaced_sample_py", "spaced_tables", "spaced_tables_py"]


# ---------------------------------------------------------------------------
# counting tables
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _spaced_tables_nb(nxt, k):  # pragma: no cover - compiled
    m_count = nxt.shape[0]
    table = np.zeros((k + 1, m_count + 1))
    table[0, :] = 1.0
    log_count = 0.0
    for j in range(1, k + 1):
        acc = 0.0
        for m in range(m_count - 1, -1, -1):
            acc += table[j - 1, nxt[m]]
            table[j, m] = acc
        top = table[j, 0]
        if top <= 0.0:
            return table, -np.inf
        for m in range(m_count + 1):
            table[j, m] /= top
        log_count += np.log(top)
    return table, log_count


def spaced_tables(nxt: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    r"""Scaled counts of spaced sets, for exact uniform sampling and enumeration.

    Parameters
    ----------
    nxt : ndarray of int64, shape (M,)
        For each candidate ``m`` (candidates sorted by date), the index of the
        first candidate at least ``s`` days later (``M`` if none).
    k : int
        Set size.

    Returns
    -------
    table : ndarray, shape (k + 1, M + 1)
        ``table[j, m]`` is proportional to :math:`N_j(m)`, the number of sets of
        ``j`` candidates with indices ``>= m`` whose dates are pairwise at least
        ``s`` days apart (each row scaled so that ``table[j, 0] = 1``; row 0 is 1).
        Recursion: :math:`N_j(m) = N_j(m+1) + N_{j-1}(\mathrm{nxt}(m))`.
    log_count : float
        :math:`\log N_k(0)`, the log of the number of admissible ``k``-sets
        (``-inf`` when there is none).

    See Also
    --------
    spaced_tables_py : the plain-numpy twin (same numbers).
    """
    return _spaced_tables_nb(np.ascontiguousarray(nxt, dtype=np.int64), int(k))


def spaced_tables_py(nxt: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Plain-numpy twin of :func:`spaced_tables` (same recursion, same summation order)."""
    nxt = np.ascontiguousarray(nxt, dtype=np.int64)
    k = int(k)
    m_count = nxt.shape[0]
    table = np.zeros((k + 1, m_count + 1))
    table[0, :] = 1.0
    log_count = 0.0
    for j in range(1, k + 1):
        w = table[j - 1, nxt]
        table[j, :m_count] = np.cumsum(w[::-1])[::-1]
        top = table[j, 0]
        if top <= 0.0:
            return table, -np.inf
        table[j] /= top
        log_count += float(np.log(top))
    return table, log_count


# ---------------------------------------------------------------------------
# exact uniform sampling by sequential inversion
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _spaced_sample_nb(table, nxt, u, out):  # pragma: no cover - compiled
    n, k = u.shape
    m_count = nxt.shape[0]
    for b in range(n):
        a = 0
        for i in range(k):
            r = k - i
            thresh = table[r, a] * (1.0 - u[b, i])
            lo = a
            hi = m_count - 1
            while lo < hi:
                mid = (lo + hi) // 2
                if table[r, mid + 1] < thresh:
                    hi = mid
                else:
                    lo = mid + 1
            out[b, i] = lo
            a = nxt[lo]
    return out


def spaced_sample(table: np.ndarray, nxt: np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""Uniform random spaced sets from pre-drawn uniforms (one per element).

    Element ``i`` of a set is drawn given the previous one by inverting the
    cumulative count of completions: candidate ``m >= a`` is chosen with
    probability :math:`N_{r-1}(\mathrm{nxt}(m)) / N_r(a)` (``r`` elements still to
    place). The product of these conditionals is :math:`1/N_k(0)` for every
    admissible set, so the sets are exactly uniform over all admissible sets
    (up to floating-point rounding of the counts, relative error about 1e-16).

    Parameters
    ----------
    table, nxt : from :func:`spaced_tables`
    u : ndarray, shape (n, k)
        Uniforms in [0, 1).

    Returns
    -------
    ndarray of int64, shape (n, k)
        Candidate indices of each set, ascending.

    See Also
    --------
    spaced_sample_py : the plain-numpy twin (same numbers).
    """
    u = np.ascontiguousarray(u, dtype=np.float64)
    out = np.empty(u.shape, dtype=np.int64)
    return _spaced_sample_nb(table, np.ascontiguousarray(nxt, dtype=np.int64), u, out)


def spaced_sample_py(table: np.ndarray, nxt: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Plain-numpy twin of :func:`spaced_sample` (vectorised over the sets)."""
    u = np.ascontiguousarray(u, dtype=np.float64)
    nxt = np.asarray(nxt, dtype=np.int64)
    n, k = u.shape
    out = np.empty((n, k), dtype=np.int64)
    a = np.zeros(n, dtype=np.int64)
    for i in range(k):
        r = k - i
        thresh = table[r, a] * (1.0 - u[:, i])
        m = np.searchsorted(-table[r, 1:], -thresh, side="right")
        out[:, i] = m
        a = nxt[m]
    return out
