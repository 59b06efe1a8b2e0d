"""Stationary-bootstrap resampling of column means, drawn once and summed fast.

The stationary bootstrap of Politis & Romano (1994) builds each resample of
``n_obs`` observations from blocks with uniformly drawn starts and geometric
lengths (mean ``block_length``), wrapping around the end of the sample. A resample
mean is therefore a sum of block sums, and a block sum is a difference of two
rows of the prefix-sum array. This module

* draws the blocks with numpy from the caller's generator
  (:func:`draw_stationary_blocks`),
* sums them either with the compiled prefix-sum kernel
  (:func:`riskcycle.snooping._nb.block_sums`, cost O(n_blocks k)) or, when the
  blocks are short, as a product of a resample-count matrix with the data
  (:func:`block_sums_matmul`, cost O(n_obs k) per resample but at BLAS speed),
* and keeps plain-numpy twins of both compiled kernels for the tests.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._resample import politis_white_block_length, stationary_blocks

__all__ = [
    "Blocks",
    "block_sums",
    "block_sums_matmul",
    "block_sums_numpy",
    "default_block_length",
    "draw_stationary_blocks",
    "recentred_maxima",
    "stationary_variance",
    "stationary_variance_numpy",
]

#: the prefix-sum kernel is used when the mean block length is at least this long;
#: below it the count-matrix product (BLAS) is faster (see benchmarks/bench_snooping.py)
PREFIX_MIN_BLOCK = 32.0
_CHUNK_ELEMENTS = 1 << 19  # bound on temporary arrays (elements) per chunk
_MATMUL_ELEMENTS = 1 << 22  # resample-count matrix per chunk (32 MiB)
#: below this many inner-loop steps the plain-numpy twins beat the threaded kernels
#: (waking the threads costs milliseconds)
COMPILED_MIN_WORK = 1 << 20


class Blocks(NamedTuple):
    """Blocks of ``n_resamples`` resamples, stored one resample after another."""

    starts: np.ndarray  # int64, first position of each block
    lengths: np.ndarray  # int64, length of each block (sum per resample = n_obs)
    offsets: np.ndarray  # int64, shape (n_resamples + 1,): resample b = offsets[b]:offsets[b+1]
    n_obs: int


def draw_stationary_blocks(
    rng: np.random.Generator, n_obs: int, block_length: float, n_resamples: int
) -> Blocks:
    """Draw the blocks of ``n_resamples`` stationary-bootstrap resamples.

    The blocks of :func:`riskcycle._resample.stationary_blocks` (geometric lengths
    with mean ``block_length``, uniform starts; the same law as arch's
    ``StationaryBootstrap``), drawn in chunks of resamples to bound memory and
    stored ragged: the unused blocks are dropped and the last block of each
    resample is cut so that the lengths add up to ``n_obs``.
    """
    mean_blocks = 1.0 + (n_obs - 1) / block_length
    width = min(math.ceil(mean_blocks + 6.0 * math.sqrt(mean_blocks) + 10.0), n_obs)
    chunk = max(1, _CHUNK_ELEMENTS // width)
    starts_parts, lengths_parts, counts_parts = [], [], []
    for first in range(0, n_resamples, chunk):
        c = min(chunk, n_resamples - first)
        starts, lengths = stationary_blocks(rng, n_obs, block_length, c)
        ends = np.cumsum(lengths, axis=1)
        n_blocks = (ends < n_obs).sum(axis=1) + 1
        keep = np.arange(lengths.shape[1]) < n_blocks[:, None]
        last = n_blocks - 1
        rows = np.arange(c)
        before = np.where(last > 0, ends[rows, np.maximum(last - 1, 0)], 0)
        lengths[rows, last] = n_obs - before
        starts_parts.append(starts[keep])
        lengths_parts.append(lengths[keep])
        counts_parts.append(n_blocks)
    counts = np.concatenate(counts_parts)
    offsets = np.zeros(n_resamples + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Blocks(np.concatenate(starts_parts), np.concatenate(lengths_parts), offsets, n_obs)


def blocks_from_indices(indices: np.ndarray) -> Blocks:
    """Blocks of resamples given as index arrays (one row per resample).

    A new block starts wherever an index is not the circular successor of the
    previous one. Used to replay the resamples of another implementation.
    """
    indices = np.asarray(indices, dtype=np.int64)
    n_rep, n_obs = indices.shape
    new = np.ones_like(indices, dtype=bool)
    new[:, 1:] = indices[:, 1:] != (indices[:, :-1] + 1) % n_obs
    rows, cols = np.nonzero(new)
    counts = new.sum(axis=1)
    offsets = np.zeros(n_rep + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    nxt = np.append(cols[1:], n_obs)
    nxt[offsets[1:] - 1] = n_obs
    return Blocks(indices[rows, cols], (nxt - cols).astype(np.int64), offsets, n_obs)


def prefix_sums(x: np.ndarray) -> np.ndarray:
    """``(n + 1, k)`` column prefix sums with a leading row of zeros."""
    prefix = np.empty((x.shape[0] + 1, x.shape[1]), dtype=np.float64)
    prefix[0] = 0.0
    np.cumsum(x, axis=0, out=prefix[1:])
    return prefix


def block_sums_numpy(prefix: np.ndarray, blocks: Blocks) -> np.ndarray:
    """Plain-numpy twin of :func:`riskcycle.snooping._nb.block_sums` (same arithmetic)."""
    n_obs = blocks.n_obs
    k = prefix.shape[1]
    n_rep = blocks.offsets.shape[0] - 1
    out = np.empty((n_rep, k))
    per_chunk = max(1, _CHUNK_ELEMENTS // max(1, k * (1 + len(blocks.starts) // max(n_rep, 1))))
    for first in range(0, n_rep, per_chunk):
        last = min(n_rep, first + per_chunk)
        lo, hi = blocks.offsets[first], blocks.offsets[last]
        s = blocks.starts[lo:hi]
        e = s + blocks.lengths[lo:hi]
        wrap = e > n_obs
        contrib = prefix[np.minimum(e, n_obs)] - prefix[s]
        contrib[wrap] += prefix[e[wrap] - n_obs]
        out[first:last] = np.add.reduceat(contrib, blocks.offsets[first:last] - lo, axis=0)
    return out


def block_sums_matmul(x: np.ndarray, blocks: Blocks) -> np.ndarray:
    """Resample sums as ``counts @ x``, where ``counts[b, t]`` is how often resample ``b``
    uses observation ``t`` (built from the blocks with difference arrays)."""
    n_obs = blocks.n_obs
    n_rep = blocks.offsets.shape[0] - 1
    out = np.empty((n_rep, x.shape[1]))
    # large chunks: BLAS is several times slower on thin matrices
    per_chunk = max(1, min(n_rep, _MATMUL_ELEMENTS // (n_obs + 1)))
    rep_of_block = np.repeat(np.arange(n_rep, dtype=np.int64), np.diff(blocks.offsets))
    for first in range(0, n_rep, per_chunk):
        last = min(n_rep, first + per_chunk)
        lo, hi = blocks.offsets[first], blocks.offsets[last]
        s = blocks.starts[lo:hi]
        e = s + blocks.lengths[lo:hi]
        base = (rep_of_block[lo:hi] - first) * (n_obs + 1)
        wrap = e > n_obs
        pos = np.concatenate(
            [base + s, base + np.minimum(e, n_obs), base[wrap], base[wrap] + e[wrap] - n_obs]
        )
        n_b, n_w = len(s), int(wrap.sum())
        weights = np.ones(pos.shape[0])
        weights[n_b : 2 * n_b] = -1.0
        weights[2 * n_b + n_w :] = -1.0
        counts = np.bincount(pos, weights=weights, minlength=(last - first) * (n_obs + 1))
        counts = counts.reshape(last - first, n_obs + 1)
        np.cumsum(counts, axis=1, out=counts)
        np.matmul(counts[:, :n_obs], x, out=out[first:last])
    return out


def block_sums(x: np.ndarray, blocks: Blocks, *, engine: str = "auto") -> np.ndarray:
    """Sums of every column of ``x`` (n_obs x k) over each resample, shape (n_resamples, k).

    ``engine``: ``"prefix"`` (prefix-sum kernel: compiled, or its numpy twin for small
    problems), ``"matmul"`` (count matrix
    times data, BLAS) or ``"auto"`` (prefix kernel when the mean block length is at
    least ``PREFIX_MIN_BLOCK``). Both give the same sums up to rounding.
    """
    n_rep = blocks.offsets.shape[0] - 1
    if engine == "auto":
        mean_length = blocks.n_obs * n_rep / max(len(blocks.starts), 1)
        engine = "prefix" if mean_length >= PREFIX_MIN_BLOCK else "matmul"
    if engine == "prefix":
        prefix = prefix_sums(x)
        if len(blocks.starts) * x.shape[1] < COMPILED_MIN_WORK:
            return block_sums_numpy(prefix, blocks)
        from ._nb import block_sums as _kernel

        return _kernel(prefix, blocks.starts, blocks.lengths, blocks.offsets)
    if engine == "matmul":
        return block_sums_matmul(x, blocks)
    raise ValueError(f"unknown engine {engine!r}")


def recentred_maxima(
    centred: np.ndarray, shifts: np.ndarray, scale: np.ndarray, *, compiled: bool = True
) -> np.ndarray:
    """``out[b, i] = max_j (centred[b, j] + shifts[i, j]) * scale[j]``, shape (B, n_shifts).

    ``compiled=False`` is the plain-numpy twin (same arithmetic, B x k temporaries),
    also used for small problems."""
    if compiled and centred.size * shifts.shape[0] >= COMPILED_MIN_WORK:
        from ._nb import recentred_maxima as _kernel

        return _kernel(centred, shifts, scale)
    out = np.empty((centred.shape[0], shifts.shape[0]))
    for i, shift in enumerate(shifts):
        out[:, i] = ((centred + shift) * scale).max(axis=1)
    return out


def stationary_variance(x: np.ndarray, block_length: float) -> np.ndarray:
    """Compiled O(n k) stationary-bootstrap long-run variance of demeaned columns."""
    from ._nb import stationary_variance as _kernel

    return _kernel(np.ascontiguousarray(x, dtype=np.float64), float(block_length))


def stationary_variance_numpy(x: np.ndarray, block_length: float) -> np.ndarray:
    r"""Plain-numpy twin of :func:`stationary_variance`, written as the textbook
    O(n^2 k) sum :math:`\hat\gamma_0 + 2\sum_{i\ge1}\kappa_i\hat\gamma_i`, with
    :math:`\hat\gamma_i = n^{-1}\sum_{t} x_t x_{t+i}` and
    :math:`\kappa_i = (1-i/n)(1-p)^i + (i/n)(1-p)^{n-i}` (Politis & Romano 1994, eq. 9;
    Hansen 2005, sec. 2.4). For tests only."""
    n = x.shape[0]
    q = 1.0 - 1.0 / block_length
    out = np.sum(x * x, axis=0) / n
    for i in range(1, n):
        kappa = (1.0 - i / n) * q**i + (i / n) * q ** (n - i)
        out += 2.0 * kappa * np.sum(x[: n - i] * x[i:], axis=0) / n
    return out


def default_block_length(x: np.ndarray, *, max_columns: int = 50) -> float:
    """Politis-White (2004; Patton, Politis & White 2009) stationary-bootstrap block
    length: the median of ``arch.bootstrap.optimal_block_length`` over the (at most
    ``max_columns``) columns with the largest mean-to-standard-deviation ratio, which
    are those that drive the maximum statistic. Each column's length is
    :func:`riskcycle._resample.politis_white_block_length` (guards: 1 for fewer than
    10 observations or a constant column, clipped to [1, n/3]).

    ``x`` must be the performance differentials themselves, not demeaned: after
    demeaning every ratio is zero up to rounding and the choice of columns is
    arbitrary."""
    k = x.shape[1]
    if k > max_columns:
        sd = x.std(axis=0)
        ratio = np.divide(x.mean(axis=0), sd, out=np.full(k, -np.inf), where=sd > 0)
        cols = np.sort(np.argsort(-ratio, kind="stable")[:max_columns])
        x = x[:, cols]
    sd = x.std(axis=0)
    x = x[:, sd > 0]
    if x.shape[1] == 0:
        return 1.0
    lengths = [politis_white_block_length(col) for col in x.T]
    return float(np.median(lengths))
