"""Compiled inner loops of the snooping statistics (numba, ``cache=True``).

Kernels receive pre-drawn random numbers (block starts and lengths drawn with
numpy from the caller's generator) and never draw their own, so the compiled
and the plain-numpy paths (:mod:`riskcycle.snooping._resample`) give the same
numbers for the same ``rng``. This module imports numba: import it lazily,
inside the function that needs it.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["block_sums"]

#: columns processed together; a tile of the prefix-sum array
#: ((n_obs + 1) x _TILE doubles, 8 MB at n_obs = 4,000) stays in the L2/L3 cache
_TILE = 32


@nb.njit(cache=True, nogil=True, parallel=True, boundscheck=False)
def _block_sums(prefix, starts, lengths, offsets, out):  # pragma: no cover - compiled
    n_obs = prefix.shape[0] - 1
    k = prefix.shape[1]
    n_rep = offsets.shape[0] - 1
    n_tiles = (k + _TILE - 1) // _TILE
    # one task per (tile, replicate): each writes its own slice of ``out``
    for task in nb.prange(n_tiles * n_rep):
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
    """Sum of each resample, for every column, from the blocks that make it up.

    Parameters
    ----------
    prefix : ndarray, shape (n_obs + 1, k), C-contiguous float64
        Column prefix sums, ``prefix[0] = 0`` and ``prefix[t] = x[0] + ... + x[t-1]``.
    starts, lengths : ndarray of int64
        The blocks of all resamples one after another: block ``m`` covers the
        circular positions ``starts[m], ..., starts[m] + lengths[m] - 1`` (mod n_obs),
        ``1 <= lengths[m] <= n_obs``.
    offsets : ndarray of int64, shape (n_resamples + 1,)
        Resample ``b`` is made of the blocks ``offsets[b]:offsets[b + 1]``.

    Returns
    -------
    ndarray, shape (n_resamples, k)
        ``out[b, j]`` is the sum of column ``j`` over the observations of resample ``b``.
    """
    out = np.empty((offsets.shape[0] - 1, prefix.shape[1]), dtype=np.float64)
    return _block_sums(prefix, starts, lengths, offsets, out)
