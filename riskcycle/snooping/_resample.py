"""Stationary-bootstrap resampling of column means, drawn once and summed fast.

The stationary bootstrap of Politis & Romano (1994) builds each resample of
``n_obs`` observations from blocks with uniformly drawn starts and geometric
lengths (mean ``block_length``), wrapping around the end of the sample. A resample
mean is therefore a sum of block sums, and a block sum is a difference of two
rows of the prefix-sum array. This module

* draws the blocks with numpy from the caller's generator
  (:func:`draw_stationary_blocks`, or a fixed-size chunk of resamples at a time with
  the same random numbers, :func:`iter_stationary_blocks`),
* and sums them with the compiled prefix-sum kernel
  (:func:`riskcycle.snooping._nb.block_sums`, cost O(n_blocks k), parallel over
  tiles of columns and chunks of resamples, deterministic whatever the number of
  threads); :func:`bootstrap_sums` does both chunk by chunk, so that only the
  blocks of two chunks are ever held. The kernels' plain twins sit beside them in
  :mod:`riskcycle.snooping._nb`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._resample import stationary_blocks

__all__ = [
    "CHUNK_RESAMPLES",
    "Blocks",
    "block_sums",
    "bootstrap_sums",
    "draw_stationary_blocks",
    "iter_stationary_blocks",
    "recentred_maxima",
    "stationary_variance",
    "update_maxima",
]

_CHUNK_ELEMENTS = 1 << 19  # resamples per draw group: this many block draws (fixes the stream)
#: resamples drawn and summed at a time by :func:`bootstrap_sums` (fixed: the output does
#: not depend on it, nor on the number of threads)
CHUNK_RESAMPLES = 256


class Blocks(NamedTuple):
    """The blocks of ``n_resamples`` resamples: the starts and lengths of
    :func:`riskcycle._resample.stationary_blocks` (riskcycle's one representation of
    resamples), packed for the kernel: each row's unused blocks dropped, its last
    block cut at ``n_obs``, the rows one after another."""

    starts: np.ndarray  # int64, first position of each block
    lengths: np.ndarray  # int64, length of each block (sum per resample = n_obs)
    offsets: np.ndarray  # int64, shape (n_resamples + 1,): resample b = offsets[b]:offsets[b+1]
    n_obs: int


def _group_size(n_obs: int, block_length: float) -> int:
    """Resamples per draw group (the draw order of the stream depends on it)."""
    mean_blocks = 1.0 + (n_obs - 1) / block_length
    width = min(math.ceil(mean_blocks + 6.0 * math.sqrt(mean_blocks) + 10.0), n_obs)
    return max(1, _CHUNK_ELEMENTS // width)


def _trim(starts: np.ndarray, lengths: np.ndarray, n_obs: int) -> Blocks:
    """Drop the unused blocks and cut each row's last block at ``n_obs`` (ragged)."""
    c = lengths.shape[0]
    ends = np.cumsum(lengths, axis=1)
    n_blocks = (ends < n_obs).sum(axis=1) + 1
    keep = np.arange(lengths.shape[1]) < n_blocks[:, None]
    last = n_blocks - 1
    rows = np.arange(c)
    before = np.where(last > 0, ends[rows, np.maximum(last - 1, 0)], 0)
    lengths[rows, last] = n_obs - before
    offsets = np.zeros(c + 1, dtype=np.int64)
    np.cumsum(n_blocks, out=offsets[1:])
    return Blocks(starts[keep], lengths[keep], offsets, n_obs)


def iter_stationary_blocks(
    rng: np.random.Generator, n_obs: int, block_length: float, n_resamples: int, chunk: int
):
    """Yield ``(first, blocks)``: the blocks of resamples ``first .. first + c - 1``,
    ``c <= chunk``, in order, drawn from ``rng``.

    The random numbers are those of :func:`draw_stationary_blocks` (one draw of
    every resample at once), whatever ``chunk``: that function draws groups of
    ``G`` resamples (``G`` depends on ``n_obs`` and ``block_length`` only), each
    group a ``(G, width)`` matrix of geometric lengths followed by one of uniform
    starts (:func:`riskcycle._resample.stationary_blocks`). Here each group's
    lengths are drawn first, ``chunk`` rows at a time, and kept as int32 capped at
    ``n_obs`` (exact: a longer block is cut to ``n_obs`` anyway), then its starts
    are drawn ``chunk`` rows at a time, each piece yielded with its lengths. numpy's
    samplers fill arrays element by element from the bit generator, so rows drawn
    in pieces equal the rows of one draw (tested). A group in which some row's
    lengths do not reach ``n_obs`` (the rare case where
    :func:`~riskcycle._resample.stationary_blocks` appends lengths) is drawn whole.
    Memory: one group's capped lengths (at most 2 MiB) and one chunk's blocks
    instead of every resample's blocks; ``rng`` ends where one draw of everything
    leaves it.
    """
    p = 1.0 / float(block_length)
    mean_blocks = 1.0 + (n_obs - 1) * p
    width = max(1, min(math.ceil(mean_blocks + 6.0 * math.sqrt(mean_blocks) + 10.0), n_obs))
    group = _group_size(n_obs, block_length)
    chunk = max(1, int(chunk))
    for g0 in range(0, n_resamples, group):
        g = min(group, n_resamples - g0)
        at_lengths = rng.bit_generator.state
        short = False
        stash = []  # the group's lengths, capped at n_obs (exact: longer blocks are cut)
        for r0 in range(0, g, chunk):  # rng ends past the group's lengths
            lengths = rng.geometric(p, size=(min(chunk, g - r0), width))
            short |= bool((lengths.sum(axis=1) < n_obs).any())
            stash.append(np.minimum(lengths, n_obs).astype(np.int32))
        del lengths
        if short:  # rare: draw the group as stationary_blocks does, all at once
            stash.clear()
            rng.bit_generator.state = at_lengths
            starts, lengths = stationary_blocks(rng, n_obs, block_length, g)
            for r0 in range(0, g, chunk):
                r1 = min(r0 + chunk, g)
                yield g0 + r0, _trim(starts[r0:r1], lengths[r0:r1].copy(), n_obs)
            continue
        for i, r0 in enumerate(range(0, g, chunk)):
            lengths = stash[i].astype(np.int64)
            stash[i] = None
            starts = rng.integers(0, n_obs, size=lengths.shape, dtype=np.int64)
            yield g0 + r0, _trim(starts, lengths, n_obs)


def draw_stationary_blocks(
    rng: np.random.Generator, n_obs: int, block_length: float, n_resamples: int
) -> Blocks:
    """Draw the blocks of ``n_resamples`` stationary-bootstrap resamples.

    The blocks of :func:`riskcycle._resample.stationary_blocks` (geometric lengths
    with mean ``block_length``, uniform starts; the same law as arch's
    ``StationaryBootstrap``), drawn in groups of resamples to bound memory and
    stored ragged: the unused blocks are dropped and the last block of each
    resample is cut so that the lengths add up to ``n_obs``. The bootstrap of
    :func:`~riskcycle.snooping.spa_test` draws the same blocks a chunk at a time
    (:func:`iter_stationary_blocks`).
    """
    group = _group_size(n_obs, block_length)
    starts_parts, lengths_parts, counts_parts = [], [], []
    for first in range(0, n_resamples, group):
        c = min(group, n_resamples - first)
        starts, lengths = stationary_blocks(rng, n_obs, block_length, c)
        part = _trim(starts, lengths, n_obs)
        starts_parts.append(part.starts)
        lengths_parts.append(part.lengths)
        counts_parts.append(np.diff(part.offsets))
    counts = np.concatenate(counts_parts) if counts_parts else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(n_resamples + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if not starts_parts:
        return Blocks(np.zeros(0, np.int64), np.zeros(0, np.int64), offsets, n_obs)
    return Blocks(np.concatenate(starts_parts), np.concatenate(lengths_parts), offsets, n_obs)


def bootstrap_sums(
    x: np.ndarray,
    rng: np.random.Generator,
    block_length: float,
    n_resamples: int,
    *,
    threads: int | None = None,
) -> np.ndarray:
    """Column sums of ``n_resamples`` stationary-bootstrap resamples of ``x``.

    The same numbers as ``block_sums(x, draw_stationary_blocks(rng, ...))``, computed
    :data:`CHUNK_RESAMPLES` resamples at a time (a fixed size, whatever the number of
    threads): each chunk's blocks are drawn (:func:`iter_stationary_blocks`, the same
    random stream) and summed into its rows of the output, so the memory beyond the
    ``(n_resamples, k)`` output is two chunks' blocks, not every resample's. The
    calling thread draws the next chunk while the threads sum the current one.
    """
    from .._threads import thread_pool
    from ._nb import block_sums as _kernel

    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty((n_resamples, x.shape[1]), dtype=np.float64)
    pending: list = []
    with thread_pool(threads):
        # while the threads sum one chunk, this thread draws the next one
        for first, blocks in iter_stationary_blocks(
            rng, x.shape[0], block_length, n_resamples, CHUNK_RESAMPLES
        ):
            c = blocks.offsets.shape[0] - 1
            _, futures = _kernel(
                x,
                blocks.starts,
                blocks.lengths,
                blocks.offsets,
                out=out[first : first + c],
                threads=threads,
                wait=False,
            )
            for f in pending:  # at most two chunks of blocks alive
                f.result()
            pending = futures
        for f in pending:
            f.result()
    return out


def block_sums(x: np.ndarray, blocks: Blocks, *, threads: int | None = None) -> np.ndarray:
    """Sums of every column of ``x`` (n_obs x k) over each resample, shape (n_resamples, k).

    Block sums as differences of prefix sums, in the compiled kernel
    :func:`riskcycle.snooping._nb.block_sums` (tiles of columns whose prefix sums stay
    in cache, in parallel; the same numbers whatever the number of threads, and the
    same as its plain twin :func:`riskcycle.snooping._nb.block_sums_py`). Cost
    O(n_blocks k); memory: the output plus one tile of prefix sums per thread.
    """
    from ._nb import block_sums as _kernel

    return _kernel(x, blocks.starts, blocks.lengths, blocks.offsets, threads=threads)


def recentred_maxima(centred, shifts, scale, use=None, *, arg_row=-1, threads=None):
    """Maxima of recentred, scaled bootstrap means: :func:`riskcycle.snooping._nb.recentred_maxima`
    (compiled, parallel over resamples; twin ``recentred_maxima_py``)."""
    from ._nb import recentred_maxima as _kernel

    return _kernel(centred, shifts, scale, use, arg_row=arg_row, threads=threads)


def update_maxima(centred, shift, scale, active, maxima, argmax, *, threads=None):
    """Maxima over a shrinking set of columns, in place:
    :func:`riskcycle.snooping._nb.update_maxima` (twin ``update_maxima_py``)."""
    from ._nb import update_maxima as _kernel

    _kernel(centred, shift, scale, active, maxima, argmax, threads=threads)


def stationary_variance(
    x: np.ndarray, block_length: float, *, threads: int | None = None
) -> np.ndarray:
    """Compiled O(n k) stationary-bootstrap long-run variance of demeaned columns:
    :func:`riskcycle.snooping._nb.stationary_variance` (twin
    ``stationary_variance_py``, the textbook O(n^2 k) sum)."""
    from ._nb import stationary_variance as _kernel

    return _kernel(np.ascontiguousarray(x, dtype=np.float64), float(block_length), threads=threads)
