"""Compiled inner loops of the snooping statistics (numba, ``cache=True``) and their twins.

Every kernel ``name`` has a plain-Python/numpy twin ``name_py`` right after it that
performs the same floating-point operations in the same order, so the two agree to
the last bit (tested; the one exception, :func:`stationary_variance_py`, is the
textbook sum that the kernel's recursion rearranges); the twins are for the tests,
the kernels for everything else.

Kernels receive pre-drawn random numbers (block starts and lengths drawn with numpy
from the caller's generator) and never draw their own. The heavy kernels split their
work into independent tasks (tiles of columns, chunks of resamples), each writing only
its own output slots and never combining partial results across tasks, so their output
is the same whatever the number of threads. The kernels are serial and release the GIL
(``nogil=True``); :func:`riskcycle._threads.run_tasks` runs ranges of tasks on
Python threads, as many as ``numba.get_num_threads()`` (``NUMBA_NUM_THREADS``).
Compared with ``parallel=True`` this compiles and loads in a fraction of the time and
never spin-waits on a busy machine.
This module imports numba (about 0.5 s): import it lazily, inside the function that
needs it.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .._threads import run_tasks, submit_tasks

__all__ = [
    "block_sums",
    "block_sums_py",
    "recentred_maxima",
    "recentred_maxima_py",
    "stationary_variance",
    "stationary_variance_py",
    "tile_width",
    "update_maxima",
    "update_maxima_py",
]

#: bytes of one tile's prefix sums, kept in the core's L2 cache while all its blocks are summed
_TILE_BYTES = 1 << 20
#: the tile widths the kernel is compiled for (columns summed together, held in registers)
_TILE_WIDTHS = (8, 16, 32)
#: resamples per task: enough tasks to keep every thread busy, few enough prefix recomputations
_CHUNK_RESAMPLES = 256


def tile_width(n_obs: int) -> int:
    """Columns per tile: the widest of 8, 16 and 32 whose ``(n_obs + 1)``-row prefix
    sums fit in ``_TILE_BYTES`` (8 columns at least, whatever ``n_obs``)."""
    fits = [w for w in _TILE_WIDTHS if 8 * (n_obs + 1) * w <= _TILE_BYTES]
    return fits[-1] if fits else _TILE_WIDTHS[0]


@intrinsic
def _resample_sum(typingctx, pre, starts, lengths, first, last, out, width):  # pragma: no cover
    """``out[:width] = sum over blocks m in [first, last) of the block's rows of pre``.

    ``pre`` is a C-contiguous ``(n_obs + 1, width)`` tile of prefix sums; block ``m``
    adds ``pre[e] - pre[s]`` (``e = s + lengths[m] <= n_obs``) or, wrapping,
    ``(pre[n_obs] - pre[s]) + pre[e - n_obs]``: the operations of
    :func:`block_sums_py`, in its order, on vectors of up to 8 columns (IEEE
    additions and subtractions lane by lane, no reassociation, so the same bits).
    Written as LLVM IR because numba does not vectorise across columns with the
    accumulators in registers: the row loads are the only memory traffic.
    """
    if not isinstance(width, types.IntegerLiteral):
        return None
    f8, i8 = types.float64, types.int64
    if (pre.dtype, pre.ndim, pre.layout, out.dtype, out.layout) != (f8, 2, "C", f8, "C") or not (
        starts.dtype == lengths.dtype == i8 and starts.layout == lengths.layout == "C"
    ):
        return None  # the code below reads these exact layouts
    w = int(width.literal_value)
    lanes = min(8, w)
    sig = types.void(pre, starts, lengths, first, last, out, width)

    def codegen(context, builder, signature, args):
        pre_v, st_v, ln_v, first_v, last_v, out_v, _ = args
        i64 = ir.IntType(64)
        vec = ir.VectorType(ir.DoubleType(), lanes)
        pre_a = context.make_array(signature.args[0])(context, builder, pre_v)
        st = context.make_array(signature.args[1])(context, builder, st_v).data
        ln = context.make_array(signature.args[2])(context, builder, ln_v).data
        out_a = context.make_array(signature.args[5])(context, builder, out_v).data
        n_obs = builder.sub(builder.extract_value(pre_a.shape, 0), ir.Constant(i64, 1))

        def row(r, c):  # lanes columns c.. of row r
            at = builder.add(builder.mul(r, ir.Constant(i64, w)), ir.Constant(i64, c))
            ptr = builder.bitcast(builder.gep(pre_a.data, [at], inbounds=True), vec.as_pointer())
            return builder.load(ptr, align=8)

        accs = [cgutils.alloca_once(builder, vec) for _ in range(w // lanes)]
        for acc in accs:  # promoted to registers by LLVM
            builder.store(ir.Constant(vec, [0.0] * lanes), acc)
        with cgutils.for_range(builder, builder.sub(last_v, first_v)) as loop:
            m = builder.add(first_v, loop.index)
            s = builder.load(builder.gep(st, [m], inbounds=True))
            e = builder.add(s, builder.load(builder.gep(ln, [m], inbounds=True)))
            wraps = builder.icmp_signed(">", e, n_obs)
            with builder.if_else(wraps, likely=False) as (wrapping, inside):
                with wrapping:
                    e2 = builder.sub(e, n_obs)
                    for i, acc in enumerate(accs):
                        c = i * lanes
                        d = builder.fadd(builder.fsub(row(n_obs, c), row(s, c)), row(e2, c))
                        builder.store(builder.fadd(builder.load(acc), d), acc)
                with inside:
                    for i, acc in enumerate(accs):
                        d = builder.fsub(row(e, i * lanes), row(s, i * lanes))
                        builder.store(builder.fadd(builder.load(acc), d), acc)
        for i, acc in enumerate(accs):
            ptr = builder.gep(out_a, [ir.Constant(i64, i * lanes)], inbounds=True)
            builder.store(builder.load(acc), builder.bitcast(ptr, vec.as_pointer()), align=8)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _prefix_tile(typingctx, x, lo, pre, width):  # pragma: no cover
    """``pre[0] = 0`` and ``pre[t + 1] = pre[t] + x[t, lo:lo + width]`` for every row ``t``.

    The sequential sums of :func:`numpy.cumsum` (one IEEE addition per row and column, in
    row order), lane by lane on vectors of up to 8 columns with the running sums kept in
    registers: the only memory traffic is the row loads of ``x`` (independent of one
    another, so the processor overlaps them) and the row stores of ``pre``. A plain loop
    re-reads every running sum from the row just stored and is several times slower.
    Needs a whole tile: ``lo + width <= x.shape[1]``.
    """
    if not isinstance(width, types.IntegerLiteral):
        return None
    f8 = types.float64
    if (x.dtype, x.ndim, x.layout, pre.dtype, pre.ndim, pre.layout) != (f8, 2, "C", f8, 2, "C"):
        return None  # the code below reads these exact layouts
    w = int(width.literal_value)
    lanes = min(8, w)
    sig = types.void(x, lo, pre, width)

    def codegen(context, builder, signature, args):
        x_v, lo_v, pre_v, _ = args
        i64 = ir.IntType(64)
        vec = ir.VectorType(ir.DoubleType(), lanes)
        x_a = context.make_array(signature.args[0])(context, builder, x_v)
        pre_a = context.make_array(signature.args[2])(context, builder, pre_v)
        n_obs = builder.extract_value(x_a.shape, 0)
        k = builder.extract_value(x_a.shape, 1)
        lo_i = context.cast(builder, lo_v, signature.args[1], types.int64)

        def ptr(data, at):
            return builder.bitcast(builder.gep(data, [at], inbounds=True), vec.as_pointer())

        accs = [cgutils.alloca_once(builder, vec) for _ in range(w // lanes)]
        for i, acc in enumerate(accs):  # promoted to registers by LLVM
            zero = ir.Constant(vec, [0.0] * lanes)
            builder.store(zero, acc)
            builder.store(zero, ptr(pre_a.data, ir.Constant(i64, i * lanes)), align=8)
        with cgutils.for_range(builder, n_obs) as loop:
            t = loop.index
            x_row = builder.add(builder.mul(t, k), lo_i)
            pre_row = builder.mul(builder.add(t, ir.Constant(i64, 1)), ir.Constant(i64, w))
            for i, acc in enumerate(accs):
                c = ir.Constant(i64, i * lanes)
                v = builder.load(ptr(x_a.data, builder.add(x_row, c)), align=8)
                total = builder.fadd(builder.load(acc), v)
                builder.store(total, acc)
                builder.store(total, ptr(pre_a.data, builder.add(pre_row, c)), align=8)
        return context.get_dummy_value()

    return sig, codegen


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _block_sums_nb(
    x, starts, lengths, offsets, width, chunk, first_task, last_task, out
):  # pragma: no cover - compiled
    n_obs, k = x.shape
    n_rep = offsets.shape[0] - 1
    n_chunks = (n_rep + chunk - 1) // chunk
    # one tile of prefix sums, reused by every task; its rows start on 64-byte cache lines
    # (a row is 64, 128 or 256 bytes: no row load straddles two lines)
    buf = np.empty((n_obs + 1) * width + 8)
    at = (-buf.ctypes.data) % 64 // 8
    pre = buf[at : at + (n_obs + 1) * width].reshape((n_obs + 1, width))
    acc = np.empty(width)
    for task in range(first_task, last_task):
        tile = task // n_chunks
        lo = tile * width
        w = min(width, k - lo)
        first = (task - tile * n_chunks) * chunk
        last = min(first + chunk, n_rep)
        # this tile's prefix sums (the same sequential sums as numpy.cumsum); in the
        # last tile, the columns past the data's last one are zeros, summed but never
        # written out
        if w == width == 32:
            _prefix_tile(x, lo, pre, 32)
        elif w == width == 16:
            _prefix_tile(x, lo, pre, 16)
        elif w == width == 8:
            _prefix_tile(x, lo, pre, 8)
        else:
            pre[0, :] = 0.0
            for t in range(n_obs):
                for j in range(w):
                    pre[t + 1, j] = pre[t, j] + x[t, lo + j]
                for j in range(w, width):
                    pre[t + 1, j] = 0.0
        for b in range(first, last):
            if width == 32:
                _resample_sum(pre, starts, lengths, offsets[b], offsets[b + 1], acc, 32)
            elif width == 16:
                _resample_sum(pre, starts, lengths, offsets[b], offsets[b + 1], acc, 16)
            else:
                _resample_sum(pre, starts, lengths, offsets[b], offsets[b + 1], acc, 8)
            for j in range(w):
                out[b, lo + j] = acc[j]
    return out


def block_sums(
    x: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    offsets: np.ndarray,
    *,
    out: np.ndarray | None = None,
    threads: int | None = None,
    wait: bool = True,
) -> np.ndarray | tuple[np.ndarray, list]:
    """Sum of every column of ``x`` over each resample, from the blocks that make it up.

    Parameters
    ----------
    x : ndarray, shape (n_obs, k), float64
        The data (not copied: each task builds the prefix sums of its own tile of
        columns, so memory beyond the output is one tile per thread).
    starts, lengths : ndarray of int64
        The blocks of all resamples one after another: block ``m`` covers the
        circular positions ``starts[m], ..., starts[m] + lengths[m] - 1`` (mod n_obs),
        with ``0 <= starts[m] < n_obs`` and ``1 <= lengths[m] <= n_obs``.
    offsets : ndarray of int64, shape (n_resamples + 1,)
        Resample ``b`` is made of the blocks ``offsets[b]:offsets[b + 1]``
        (``offsets[0]`` may be positive: a slice of a longer list of blocks).
    out : ndarray, shape (n_resamples, k), float64, optional
        Where to write the sums (a C-contiguous array or a block of rows of one).
    threads : int, optional
        Threads of :func:`riskcycle._threads.run_tasks` (default: all).
    wait : bool, default True
        With ``False``, return ``(out, futures)`` as soon as the work is handed to
        the pool of :func:`riskcycle._threads.thread_pool` (if any): ``out`` is
        complete once every future's ``result()`` has returned.

    Returns
    -------
    ndarray, shape (n_resamples, k)
        ``out[b, j]``: sum of column ``j`` over the observations of resample ``b``,
        accumulated block by block (in block order, starting from 0) as differences
        of prefix sums :math:`P_e - P_s` (a wrapping block:
        :math:`(P_n - P_s) + P_{e-n}`). Cost O(n_blocks k), independent of the block
        lengths; the same numbers as :func:`block_sums_py` whatever the number of
        threads.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    n_rep = offsets.shape[0] - 1
    if out is None:
        out = np.empty((n_rep, x.shape[1]), dtype=np.float64)
    if nb.config.DISABLE_JIT:  # the register intrinsic has no Python form: the twin
        out[...] = block_sums_py(x, starts, lengths, offsets)
        return out if wait else (out, [])
    width = tile_width(x.shape[0])
    n_tasks = -(-x.shape[1] // width) * -(-n_rep // _CHUNK_RESAMPLES)
    args = (
        x,
        np.ascontiguousarray(starts, dtype=np.int64),
        np.ascontiguousarray(lengths, dtype=np.int64),
        np.ascontiguousarray(offsets, dtype=np.int64),
        width,
        _CHUNK_RESAMPLES,
    )
    if not wait:
        futures = submit_tasks(
            lambda lo, hi: _block_sums_nb(*args, lo, hi, out), n_tasks, threads=threads
        )
        return out, futures
    run_tasks(lambda lo, hi: _block_sums_nb(*args, lo, hi, out), n_tasks, threads=threads)
    return out


def block_sums_py(
    x: np.ndarray, starts: np.ndarray, lengths: np.ndarray, offsets: np.ndarray
) -> np.ndarray:
    """Plain twin of :func:`block_sums`: the same operations in the same order (a Python
    loop over blocks, numpy across columns). Slow; for tests."""
    x = np.asarray(x, dtype=np.float64)
    n_obs, k = x.shape
    pre = np.zeros((n_obs + 1, k))
    np.cumsum(x, axis=0, out=pre[1:])  # sequential: pre[t + 1] = pre[t] + x[t]
    out = np.empty((offsets.shape[0] - 1, k))
    for b in range(out.shape[0]):
        acc = np.zeros(k)
        for m in range(offsets[b], offsets[b + 1]):
            s = int(starts[m])
            e = s + int(lengths[m])
            if e <= n_obs:
                acc += pre[e] - pre[s]
            else:
                acc += (pre[n_obs] - pre[s]) + pre[e - n_obs]
        out[b] = acc
    return out


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _stationary_variance_nb(
    x, a, width, first_tile, last_tile, out
):  # pragma: no cover - compiled
    n, k = x.shape
    an = a**n
    for tile in range(first_tile, last_tile):
        lo = tile * width
        hi = min(lo + width, k)
        w = hi - lo
        h = np.zeros(w)  # H_t = sum_{j=1}^{n-1} a^j x_{(t+j) mod n}
        g = np.zeros(w)  # K_t = sum_{j=1}^{n-1} j a^j x_{(t+j) mod n}
        # start at t = n - 1: x_{(n-1+j) mod n} = x_{j-1}
        wt = 1.0
        for j in range(1, n):
            wt *= a
            if wt == 0.0:
                break
            for c in range(w):
                h[c] += wt * x[j - 1, lo + c]
                g[c] += j * wt * x[j - 1, lo + c]
        for c in range(w):
            xl = x[n - 1, lo + c]
            out[lo + c] = xl * xl + 2.0 * xl * (h[c] - g[c] / n)
        # backward recursion around the circle
        for t in range(n - 2, -1, -1):
            for c in range(w):
                xn = x[t + 1, lo + c]
                xt = x[t, lo + c]
                g[c] = a * (g[c] + h[c] + xn) - n * an * xt
                h[c] = a * (h[c] + xn) - an * xt
                out[lo + c] += xt * xt + 2.0 * xt * (h[c] - g[c] / n)
        for c in range(w):
            out[lo + c] /= n
    return out


def stationary_variance(
    x: np.ndarray, block_length: float, *, threads: int | None = None
) -> np.ndarray:
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
        backward recursion. Columns are independent: tiles of 64 run on the
        threads of :func:`riskcycle._threads.run_tasks`, each column's arithmetic the
        same whatever the number of threads. The textbook
        O(n^2 k) sum of the twin :func:`stationary_variance_py` checks it.
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty(x.shape[1], dtype=np.float64)
    a = 1.0 - 1.0 / block_length
    run_tasks(
        lambda lo, hi: _stationary_variance_nb(x, a, 64, lo, hi, out),
        -(-x.shape[1] // 64),
        threads=threads,
    )
    return out


def stationary_variance_py(x: np.ndarray, block_length: float) -> np.ndarray:
    r"""Plain twin of :func:`stationary_variance`, written as the textbook
    O(n^2 k) sum :math:`\hat\gamma_0 + 2\sum_{i\ge1}\kappa_i\hat\gamma_i`, with
    :math:`\hat\gamma_i = n^{-1}\sum_{t} x_t x_{t+i}` and
    :math:`\kappa_i = (1-i/n)(1-p)^i + (i/n)(1-p)^{n-i}` (Politis & Romano 1994, eq. 9;
    Hansen 2005, sec. 2.4). Not the same operations as the kernel's O(n k) recursion:
    equal up to rounding (relative 1e-12, tested). For tests only."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    q = 1.0 - 1.0 / block_length
    out = np.sum(x * x, axis=0) / n
    for i in range(1, n):
        kappa = (1.0 - i / n) * q**i + (i / n) * q ** (n - i)
        out += 2.0 * kappa * np.sum(x[: n - i] * x[i:], axis=0) / n
    return out


#: resamples per task of the maxima kernels (each resample's row is independent)
_MAXIMA_ROWS = 64


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _recentred_maxima_nb(
    centred, shifts, scales, use, arg_row, first_task, last_task, out, argmax
):  # pragma: no cover - compiled
    n_rep, k = centred.shape
    n_shift = shifts.shape[0]
    for task in range(first_task, last_task):
        for b in range(task * _MAXIMA_ROWS, min((task + 1) * _MAXIMA_ROWS, n_rep)):
            for i in range(n_shift):
                best = -np.inf
                where = -1
                for j in range(k):
                    if use[i, j]:
                        v = (centred[b, j] + shifts[i, j]) * scales[i, j]
                        if v > best:
                            best = v
                            where = j
                out[b, i] = best
                if i == arg_row:
                    argmax[b] = where
    return out


def recentred_maxima(
    centred: np.ndarray,
    shifts: np.ndarray,
    scale: np.ndarray,
    use: np.ndarray | None = None,
    *,
    arg_row: int = -1,
    threads: int | None = None,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """``out[b, i] = max_j (centred[b, j] + shifts[i, j]) * scale[i, j]`` over the ``j``
    with ``use[i, j]``, in one pass over ``centred``.

    Parameters
    ----------
    centred : ndarray, shape (n_resamples, k), float64
    shifts : ndarray, shape (n_shifts, k)
    scale : ndarray, shape (k,) or (n_shifts, k)
        One scale for all shifts, or one row per shift.
    use : ndarray of bool, shape (k,) or (n_shifts, k), optional
        The columns each maximum runs over (default: all). A row without any gives
        ``-inf``.
    arg_row : int, optional
        Also return, for each resample, the column attaining maximum ``arg_row``
        (the first one on ties; ``-1`` if no column is used).
    threads : int, optional
        Threads of :func:`riskcycle._threads.run_tasks` (default: all); chunks of
        64 resamples per task, every row computed alike whatever the split.

    Returns
    -------
    ndarray, shape (n_resamples, n_shifts), and with ``arg_row >= 0`` the argmax
    (ndarray of int64, shape (n_resamples,)).
    """
    centred = np.ascontiguousarray(centred, dtype=np.float64)
    n_rep, k = centred.shape
    shifts = np.ascontiguousarray(shifts, dtype=np.float64)
    n_shift = shifts.shape[0]
    scales = np.ascontiguousarray(
        np.broadcast_to(np.asarray(scale, dtype=np.float64), (n_shift, k))
    )
    use = (
        np.ones((n_shift, k), dtype=np.bool_)
        if use is None
        else np.ascontiguousarray(np.broadcast_to(np.asarray(use, dtype=np.bool_), (n_shift, k)))
    )
    out = np.empty((n_rep, n_shift), dtype=np.float64)
    argmax = np.full(n_rep, -1, dtype=np.int64)
    args = (centred, shifts, scales, use, int(arg_row))
    run_tasks(
        lambda lo, hi: _recentred_maxima_nb(*args, lo, hi, out, argmax),
        -(-n_rep // _MAXIMA_ROWS),
        threads=threads,
    )
    return (out, argmax) if arg_row >= 0 else out


def recentred_maxima_py(
    centred: np.ndarray,
    shifts: np.ndarray,
    scale: np.ndarray,
    use: np.ndarray | None = None,
    *,
    arg_row: int = -1,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Plain twin of :func:`recentred_maxima` (the same sums and products, then the
    maximum; the first column attaining it)."""
    centred = np.asarray(centred, dtype=np.float64)
    n_rep, k = centred.shape
    shifts = np.asarray(shifts, dtype=np.float64)
    scales = np.broadcast_to(np.asarray(scale, dtype=np.float64), shifts.shape)
    use = np.broadcast_to(
        np.ones(k, dtype=bool) if use is None else np.asarray(use, dtype=bool), shifts.shape
    )
    out = np.full((n_rep, shifts.shape[0]), -np.inf)
    argmax = np.full(n_rep, -1, dtype=np.int64)
    for i in range(shifts.shape[0]):
        cols = np.flatnonzero(use[i])
        if cols.size:
            v = (centred[:, cols] + shifts[i, cols]) * scales[i, cols]
            out[:, i] = v.max(axis=1)
            if i == arg_row:
                argmax = cols[v.argmax(axis=1)]
    return (out, argmax) if arg_row >= 0 else out


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _update_maxima_nb(
    centred, shift, scale, active, first_task, last_task, maxima, argmax
):  # pragma: no cover - compiled
    n_rep, k = centred.shape
    for task in range(first_task, last_task):
        for b in range(task * _MAXIMA_ROWS, min((task + 1) * _MAXIMA_ROWS, n_rep)):
            if argmax[b] >= 0 and active[argmax[b]]:
                continue  # the maximum is still among the active columns
            best = -np.inf
            where = -1
            for j in range(k):
                if active[j]:
                    v = (centred[b, j] + shift[j]) * scale[j]
                    if v > best:
                        best = v
                        where = j
            maxima[b] = best
            argmax[b] = where
    return maxima


def update_maxima(
    centred: np.ndarray,
    shift: np.ndarray,
    scale: np.ndarray,
    active: np.ndarray,
    maxima: np.ndarray,
    argmax: np.ndarray,
    *,
    threads: int | None = None,
) -> None:
    """Shrink the column set of maxima computed by :func:`recentred_maxima`, in place.

    ``maxima[b] = max_j (centred[b, j] + shift[j]) * scale[j]`` and ``argmax[b]``
    (its first column) over a set of columns that contains ``active``; afterwards
    they hold the maximum over ``active`` alone. Only the resamples whose argmax
    left the set are recomputed (removing columns cannot raise a maximum, and a
    maximum whose column stays is still the maximum), so a StepM step costs
    O(B) plus O(k) per such resample instead of O(B k). The values are exactly
    those of a full recomputation.
    """
    args = (
        np.ascontiguousarray(centred, dtype=np.float64),
        np.ascontiguousarray(shift, dtype=np.float64),
        np.ascontiguousarray(scale, dtype=np.float64),
        np.ascontiguousarray(active, dtype=np.bool_),
    )
    run_tasks(
        lambda lo, hi: _update_maxima_nb(*args, lo, hi, maxima, argmax),
        -(-maxima.shape[0] // _MAXIMA_ROWS),
        threads=threads,
    )


def update_maxima_py(
    centred: np.ndarray,
    shift: np.ndarray,
    scale: np.ndarray,
    active: np.ndarray,
    maxima: np.ndarray,
    argmax: np.ndarray,
) -> None:
    """Plain twin of :func:`update_maxima`."""
    for b in range(maxima.shape[0]):
        if argmax[b] >= 0 and active[argmax[b]]:
            continue
        cols = np.flatnonzero(active)
        if cols.size == 0:
            maxima[b], argmax[b] = -np.inf, -1
            continue
        v = (centred[b, cols] + shift[cols]) * scale[cols]
        maxima[b] = v.max()
        argmax[b] = cols[int(v.argmax())]
