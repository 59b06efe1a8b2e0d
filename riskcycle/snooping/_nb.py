"""Compiled inner loops of the snooping statistics (numba, ``cache=True``).

Kernels receive pre-drawn random numbers (block starts and lengths drawn with
numpy from the caller's generator) and never draw their own, so the compiled
and the plain-numpy paths of :mod:`riskcycle.snooping._resample` give the same
numbers for the same ``rng``. This module imports numba (about 0.5 s): import it
lazily, inside the function that needs it.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["block_sums", "recentred_maxima", "stationary_variance"]

#: columns processed together: one task handles one tile of columns of one resample
_TILE = 256


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _block_sums(prefix, starts, lengths, offsets, out):  # pragma: no cover - compiled
    n_obs = prefix.shape[0] - 1
    k = prefix.shape[1]
    n_rep = offsets.shape[0] - 1
    n_tiles = (k + _TILE - 1) // _TILE
    for task in range(n_tiles * n_rep):
        tile = task // n_rep
        b = task - tile * n_rep
        lo = tile * _TILE
        hi = min(lo + _TILE, k)
        row = out[b]
        for j in range(lo, hi):
            row[j] = 0.0
        for m in range(offsets[b], offsets[b + 1]):
            s = starts[m]
            e = s + lengths[m]
            if e <= n_obs:
                for j in range(lo, hi):
                    row[j] += prefix[e, j] - prefix[s, j]
            else:
                e -= n_obs
                for j in range(lo, hi):
                    row[j] += (prefix[n_obs, j] - prefix[s, j]) + prefix[e, j]
    return out


def block_sums(
    prefix: np.ndarray, starts: np.ndarray, lengths: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """Sum of every column over each resample, from the blocks that make it up.

    Parameters
    ----------
    prefix : ndarray, shape (n_obs + 1, k), C-contiguous float64
        Column prefix sums, ``prefix[0] = 0`` and ``prefix[t] = x[0] + ... + x[t-1]``.
    starts, lengths : ndarray of int64
        The blocks of all resamples one after another: block ``m`` covers the
        circular positions ``starts[m], ..., starts[m] + lengths[m] - 1`` (mod n_obs),
        with ``0 <= starts[m] < n_obs`` and ``1 <= lengths[m] <= n_obs``.
    offsets : ndarray of int64, shape (n_resamples + 1,)
        Resample ``b`` is made of the blocks ``offsets[b]:offsets[b + 1]``.

    Returns
    -------
    ndarray, shape (n_resamples, k)
        ``out[b, j]``: sum of column ``j`` over the observations of resample ``b``.
        Cost O(n_blocks * k), independent of the block lengths.
    """
    out = np.empty((offsets.shape[0] - 1, prefix.shape[1]), dtype=np.float64)
    return _block_sums(prefix, starts, lengths, offsets, out)


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _stationary_variance(x, a, out):  # pragma: no cover - compiled
    n, k = x.shape
    h = np.zeros(k)  # H_t = sum_{j=1}^{n-1} a^j x_{(t+j) mod n}
    g = np.zeros(k)  # K_t = sum_{j=1}^{n-1} j a^j x_{(t+j) mod n}
    # start at t = n - 1: x_{(n-1+j) mod n} = x_{j-1}
    w = 1.0
    for j in range(1, n):
        w *= a
        if w == 0.0:
            break
        for c in range(k):
            h[c] += w * x[j - 1, c]
            g[c] += j * w * x[j - 1, c]
    an = a**n
    for c in range(k):
        out[c] = x[n - 1, c] * x[n - 1, c] + 2.0 * x[n - 1, c] * (h[c] - g[c] / n)
    # backward recursion around the circle
    for t in range(n - 2, -1, -1):
        for c in range(k):
            xn = x[t + 1, c]
            xt = x[t, c]
            g[c] = a * (g[c] + h[c] + xn) - n * an * xt
            h[c] = a * (h[c] + xn) - an * xt
            out[c] += xt * xt + 2.0 * xt * (h[c] - g[c] / n)
    for c in range(k):
        out[c] /= n
    return out


def stationary_variance(x: np.ndarray, block_length: float) -> np.ndarray:
    r"""Long-run variance of each column with the stationary-bootstrap kernel, in O(n k).

    Parameters
    ----------
    x : ndarray, shape (n, k), C-contiguous float64
        Demeaned data.
    block_length : float
        Mean block length :math:`1/p` of the stationary bootstrap.

    Returns
    -------
    ndarray, shape (k,)
        :math:`\hat\gamma_0 + 2\sum_{i=1}^{n-1}\kappa_i\hat\gamma_i` with
        :math:`\kappa_i = (1-i/n)(1-p)^i + (i/n)(1-p)^{n-i}` (Politis & Romano 1994;
        the estimator arch uses), evaluated through the equivalent circular form
        :math:`\tilde\gamma_0 + 2\sum_j (1-j/n)(1-p)^j\tilde\gamma_j` with circular
        autocovariances :math:`\tilde\gamma_j`, whose exponential weights follow a
        backward recursion.
    """
    out = np.empty(x.shape[1], dtype=np.float64)
    return _stationary_variance(x, 1.0 - 1.0 / block_length, out)


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _recentred_maxima(centred, shifts, scale, out):  # pragma: no cover - compiled
    n_rep, k = centred.shape
    n_shift = shifts.shape[0]
    for b in range(n_rep):
        row = centred[b]
        for i in range(n_shift):
            shift = shifts[i]
            best = -np.inf
            for j in range(k):
                v = (row[j] + shift[j]) * scale[j]
                if v > best:
                    best = v
            out[b, i] = best
    return out


def recentred_maxima(centred: np.ndarray, shifts: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``out[b, i] = max_j (centred[b, j] + shifts[i, j]) * scale[j]`` in one pass.

    Parameters
    ----------
    centred : ndarray, shape (n_resamples, k), C-contiguous float64
    shifts : ndarray, shape (n_shifts, k)
    scale : ndarray, shape (k,)

    Returns
    -------
    ndarray, shape (n_resamples, n_shifts)
    """
    out = np.empty((centred.shape[0], shifts.shape[0]), dtype=np.float64)
    return _recentred_maxima(
        centred,
        np.ascontiguousarray(shifts, dtype=np.float64),
        np.ascontiguousarray(scale, dtype=np.float64),
        out,
    )
