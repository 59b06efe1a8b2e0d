"""Compiled inner loops of the block bootstraps, GARCH paths and power simulation.

Numba kernels (``cache=True``) that receive pre-drawn random numbers (block starts
and lengths, standardised innovations, uniforms) and never draw their own; each
kernel ``name`` has its plain-numpy twin ``name_py`` beside it, which the tests
compare against.
Import lazily (numba takes about 0.5 s to import).

Kernels
-------
- block bootstraps from pre-drawn block starts and lengths (drawn by
  :func:`riskcycle._resample.stationary_blocks`): :func:`window_block_sums`,
  :func:`path_statistics`;
- GARCH(1,1) paths from pre-drawn innovations: :func:`garch_paths`, and their
  window sums without the paths: :func:`garch_window_sums`;
- one power-simulation batch: :func:`power_batch`.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from .._nb_sets import MEAN, _contiguous_sample_nb, contiguous_sample_py

__all__ = [
    "garch_paths",
    "garch_paths_py",
    "garch_window_sums",
    "garch_window_sums_py",
    "path_statistics",
    "path_statistics_py",
    "power_batch",
    "power_batch_py",
    "window_block_sums",
    "window_block_sums_py",
]


# ---------------------------------------------------------------------------
# block bootstraps from pre-drawn blocks
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _circ_sum(prefix, base, n, st, ln):  # pragma: no cover - compiled
    e = st + ln
    if e <= n:
        return prefix[base + e] - prefix[base + st]
    return (prefix[base + n] - prefix[base + st]) + prefix[base + e - n]


@nb.njit(cache=True, nogil=True)
def _block_variance(bs, bl, n_blocks, tot, n):  # pragma: no cover - compiled
    """Sum over the first ``n_blocks`` blocks of ``(block sum - length * mean)^2``, the mean
    being ``tot / n``: the spread of a resample's total over its blocks."""
    xbar = tot / n
    var = 0.0
    for j in range(n_blocks):
        d = bs[j] - bl[j] * xbar
        var += d * d
    return var


@nb.njit(cache=True, nogil=True)
def _window_block_sums_nb(prefix, p_off, w_len, starts, lengths, c_off, out_s, out_v):
    # pragma: no cover - compiled
    n_rep, n_win = out_s.shape
    max_blocks = 0
    for i in range(n_win):
        max_blocks = max(max_blocks, c_off[i + 1] - c_off[i])
    bs = np.empty(max_blocks)
    bl = np.empty(max_blocks)
    short = 0
    for b in range(n_rep):
        for i in range(n_win):
            n = w_len[i]
            need = n
            q = c_off[i]
            nb_used = 0
            tot = 0.0
            while need > 0 and q < c_off[i + 1]:
                ln = min(lengths[b, q], need)
                v = _circ_sum(prefix, p_off[i], n, starts[b, q] % n, ln)
                bs[nb_used] = v
                bl[nb_used] = ln
                tot += v
                need -= ln
                nb_used += 1
                q += 1
            if need > 0:
                short += 1
            out_s[b, i] = tot
            out_v[b, i] = _block_variance(bs, bl, nb_used, tot, n)
    return short


def window_block_sums_py(prefix, p_off, w_len, starts, lengths, c_off):
    """Plain-numpy twin of :func:`window_block_sums`."""
    n_rep = starts.shape[0]
    n_win = len(w_len)
    out_s = np.empty((n_rep, n_win))
    out_v = np.empty((n_rep, n_win))
    short = 0
    for b in range(n_rep):
        for i in range(n_win):
            n = int(w_len[i])
            pre = prefix[p_off[i] : p_off[i] + n + 1]
            x = np.diff(pre)
            need, sums, lens = n, [], []
            for q in range(c_off[i], c_off[i + 1]):
                if need <= 0:
                    break
                ln = int(min(lengths[b, q], need))
                ix = (starts[b, q] % n + np.arange(ln)) % n
                sums.append(x[ix].sum())
                lens.append(ln)
                need -= ln
            short += need > 0
            sums_a, lens_a = np.array(sums), np.array(lens, dtype=float)
            tot = sums_a.sum()
            out_s[b, i] = tot
            out_v[b, i] = ((sums_a - lens_a * tot / n) ** 2).sum()
    return out_s, out_v, short


def window_block_sums(prefix, p_off, w_len, starts, lengths, c_off):
    r"""Block-bootstrap sums of several windows (each resampled within itself, circularly).

    Parameters
    ----------
    prefix : ndarray
        Prefix sums of all windows one after another; window ``i`` occupies
        ``prefix[p_off[i] : p_off[i] + w_len[i] + 1]`` (starting with 0).
    starts, lengths : ndarray of int64, shape (n_resamples, n_blocks)
        Pre-drawn block starts (taken modulo the window length) and lengths;
        window ``i`` uses the columns ``c_off[i]:c_off[i+1]`` in order, the last
        block used being cut so that the lengths add up to the window's length.

    Returns
    -------
    sums : ndarray, shape (n_resamples, n_windows)
        Resampled window sums :math:`S^*`.
    var : ndarray, shape (n_resamples, n_windows)
        :math:`\sum_j (S^*_j - \ell_j S^*/n)^2` over the blocks ``j`` of the
        resample (block sums :math:`S^*_j`, lengths :math:`\ell_j`): the variance
        of :math:`S^*` estimated from its own blocks, used to studentise.
    short : int
        Number of (resample, window) pairs whose pre-drawn blocks did not cover
        the window (the caller draws enough that this is 0).
    """
    n_rep, n_win = starts.shape[0], len(w_len)
    out_s = np.empty((n_rep, n_win))
    out_v = np.empty((n_rep, n_win))
    short = _window_block_sums_nb(prefix, p_off, w_len, starts, lengths, c_off, out_s, out_v)
    return out_s, out_v, int(short)


@nb.njit(cache=True, nogil=True)
def _glued_path_nb(x, starts, lengths, b, f_start, f_end, c, bs, bl, fw):
    # pragma: no cover - compiled
    """Resample ``b``: its path's cumulated log prices in ``c``, the forward windows'
    sums in ``fw``; returns (the blocks covered the path, the path total's block
    variance)."""
    n_blocks = starts.shape[1]
    n = x.shape[0]
    pos = 0
    q = 0
    tot = 0.0
    while pos < n and q < n_blocks:
        ln = min(lengths[b, q], n - pos)
        st = starts[b, q]
        bsum = 0.0
        idx = st
        for _ in range(ln):
            v = x[idx]
            c[pos + 1] = c[pos] + v
            pos += 1
            bsum += v
            idx += 1
            if idx == n:
                idx = 0
        bs[q] = bsum
        bl[q] = ln
        tot += bsum
        q += 1
    for i in range(f_start.shape[0]):
        fw[i] = c[f_end[i]] - c[f_start[i]]
    return pos >= n, _block_variance(bs, bl, q, tot, n)


@nb.njit(cache=True, nogil=True)
def _path_means_nb(x, starts, lengths, f_start, f_end, out_t, out_v):
    # pragma: no cover - compiled
    n_rep, n_blocks = starts.shape
    c = np.zeros(x.shape[0] + 1)
    n_f = f_start.shape[0]
    fw = np.empty(n_f)
    bs = np.empty(n_blocks)
    bl = np.empty(n_blocks)
    short = 0
    for b in range(n_rep):
        covered, out_v[b] = _glued_path_nb(x, starts, lengths, b, f_start, f_end, c, bs, bl, fw)
        if not covered:
            short += 1
        acc = 0.0
        for i in range(n_f):
            acc += fw[i]
        out_t[b] = acc / n_f
    return short


@nb.njit(cache=True, nogil=True)
def _path_medians_nb(x, starts, lengths, f_start, f_end, out_t, out_v):
    # pragma: no cover - compiled
    n_rep, n_blocks = starts.shape
    c = np.zeros(x.shape[0] + 1)
    fw = np.empty(f_start.shape[0])
    bs = np.empty(n_blocks)
    bl = np.empty(n_blocks)
    short = 0
    for b in range(n_rep):
        covered, out_v[b] = _glued_path_nb(x, starts, lengths, b, f_start, f_end, c, bs, bl, fw)
        if not covered:
            short += 1
        out_t[b] = np.median(fw)
    return short


def path_statistics_py(x, starts, lengths, f_start, f_end, kind):
    """Plain-numpy twin of :func:`path_statistics`."""
    x = np.ascontiguousarray(x, dtype=np.float64)
    n_rep = starts.shape[0]
    n = x.shape[0]
    out_t = np.empty(n_rep)
    out_v = np.empty(n_rep)
    short = 0
    for b in range(n_rep):
        before = np.concatenate([[0], np.cumsum(lengths[b])[:-1]])
        lens = np.minimum(lengths[b], np.maximum(n - before, 0))
        keep = lens > 0
        lens, sts = lens[keep], starts[b][keep]
        short += lens.sum() < n
        idx = np.concatenate([(s + np.arange(ln)) % n for s, ln in zip(sts, lens, strict=True)])
        path = x[idx]
        c = np.concatenate([[0.0], np.cumsum(path)])
        bsum = np.add.reduceat(path, np.concatenate([[0], np.cumsum(lens)[:-1]]))
        out_v[b] = ((bsum - lens * path.sum() / n) ** 2).sum()
        fw = c[f_end] - c[f_start]
        out_t[b] = fw.mean() if kind == MEAN else np.median(fw)
    return out_t, out_v, short


def path_statistics(x, starts, lengths, f_start, f_end, kind: int):
    r"""Statistic of forward returns on block-bootstrapped paths.

    Each resample glues blocks of the returns ``x`` (circularly, pre-drawn
    ``starts`` and ``lengths``, the last block cut at ``len(x)``) into a path of
    the same length, cumulates it into log prices ``c`` (``c[0] = 0``) and returns
    the mean (``kind=0``) or median (``kind=1``) of ``c[f_end] - c[f_start]``,
    together with the block variance of the path's total (see
    :func:`window_block_sums`) and the number of resamples not covered.
    """
    n_rep = starts.shape[0]
    out_t = np.empty(n_rep)
    out_v = np.empty(n_rep)
    # one kernel per statistic: a call for the mean never compiles the median
    kernel = _path_means_nb if kind == MEAN else _path_medians_nb
    short = kernel(
        np.ascontiguousarray(x, dtype=np.float64), starts, lengths, f_start, f_end, out_t, out_v
    )
    return out_t, out_v, int(short)


# ---------------------------------------------------------------------------
# GARCH(1,1) paths
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _garch_paths_nb(z, mu, omega, alpha, beta, h0, burn, out):  # pragma: no cover - compiled
    n, tt = z.shape
    for i in range(n):
        h = h0
        e2 = h0
        for t in range(tt):
            h = omega + alpha * e2 + beta * h
            e = np.sqrt(h) * z[i, t]
            e2 = e * e
            if t >= burn:
                out[i, t - burn] = mu + e
    return out


def garch_paths_py(z, mu, omega, alpha, beta, h0, burn):
    """Plain-numpy twin of :func:`garch_paths` (vectorised over the paths)."""
    z = np.ascontiguousarray(z, dtype=np.float64)
    n, tt = z.shape
    out = np.empty((n, tt - burn))
    h = np.full(n, h0)
    e2 = np.full(n, h0)
    for t in range(tt):
        h = omega + alpha * e2 + beta * h
        e = np.sqrt(h) * z[:, t]
        e2 = e * e
        if t >= burn:
            out[:, t - burn] = mu + e
    return out


def garch_paths(z, mu, omega, alpha, beta, h0, burn) -> np.ndarray:
    r"""GARCH(1,1) returns from pre-drawn standardised innovations.

    :math:`\sigma^2_t = \omega + \alpha\varepsilon^2_{t-1} + \beta\sigma^2_{t-1}`,
    :math:`\varepsilon_t = \sigma_t z_t`, :math:`r_t = \mu + \varepsilon_t`, started
    at :math:`\sigma^2_0 = \varepsilon^2_0 = h_0`; the first ``burn`` values of each
    row of ``z`` (shape ``(n_paths, burn + n_obs)``) are discarded.
    """
    z = np.ascontiguousarray(z, dtype=np.float64)
    out = np.empty((z.shape[0], z.shape[1] - burn))
    return _garch_paths_nb(
        z, float(mu), float(omega), float(alpha), float(beta), float(h0), np.int64(burn), out
    )


@nb.njit(cache=True, nogil=True)
def _garch_window_sums_nb(t, scale, mu, omega, alpha, beta, h0, burn, f_start, f_end, out):
    # pragma: no cover - compiled
    n, tt = t.shape
    n_obs = tt - burn
    n_f = f_start.shape[0]
    c = np.zeros(n_obs + 1)
    for i in range(n):
        h = h0
        e2 = h0
        for j in range(tt):
            h = omega + alpha * e2 + beta * h
            e = np.sqrt(h) * (t[i, j] * scale)
            e2 = e * e
            if j >= burn:
                c[j - burn + 1] = c[j - burn] + (mu + e) / 100.0
        for q in range(n_f):
            out[i, q] = c[f_end[q]] - c[f_start[q]]
    return out


def garch_window_sums_py(t, scale, mu, omega, alpha, beta, h0, burn, f_start, f_end):
    """Plain-numpy twin of :func:`garch_window_sums` (the paths, cumulated by numpy)."""
    t = np.ascontiguousarray(t, dtype=np.float64)
    r = garch_paths_py(t * scale, mu, omega, alpha, beta, h0, burn) / 100.0
    c = np.zeros((r.shape[0], r.shape[1] + 1))
    np.cumsum(r, axis=1, out=c[:, 1:])
    return c[:, f_end] - c[:, f_start]


def garch_window_sums(t, scale, mu, omega, alpha, beta, h0, burn, f_start, f_end) -> np.ndarray:
    r"""Window sums of GARCH(1,1) log returns, without storing the paths.

    The paths of :func:`garch_paths` from the innovations ``t * scale`` (``t``
    pre-drawn Student-t numbers, ``scale`` :math:`\sqrt{(\nu-2)/\nu}`), in
    percent, divided by 100 and cumulated into log prices :math:`c` (:math:`c_0 =
    0`); returns :math:`c[f\_end] - c[f\_start]`, shape ``(n_paths, len(f_start))``,
    with the same floating-point operations as the paths cumulated by numpy
    (the twin :func:`garch_window_sums_py`).
    """
    t = np.ascontiguousarray(t, dtype=np.float64)
    f_start = np.ascontiguousarray(f_start, dtype=np.int64)
    f_end = np.ascontiguousarray(f_end, dtype=np.int64)
    out = np.empty((t.shape[0], f_start.shape[0]))
    return _garch_window_sums_nb(
        t,
        float(scale),
        float(mu),
        float(omega),
        float(alpha),
        float(beta),
        float(h0),
        np.int64(burn),
        f_start,
        f_end,
        out,
    )


# ---------------------------------------------------------------------------
# power simulation
# ---------------------------------------------------------------------------
@nb.njit(cache=True, nogil=True)
def _power_batch_nb(x, starts, lengths, n_bars, h, s, u_ev, u_pl, t0, w0, ts, ws):
    # pragma: no cover - compiled
    n_sim, k = u_ev.shape
    n_pl = u_pl.shape[1]
    n_src = x.shape[0]
    n_ret = n_bars - 1
    m_count = n_bars - h
    c = np.zeros(n_bars)
    g = np.zeros(n_bars + 1)
    big_g = np.zeros(n_bars)
    ev = np.empty((1, k), dtype=np.int64)
    pl = np.empty((n_pl, k), dtype=np.int64)
    short = 0
    inv_h = 1.0 / h
    for r in range(n_sim):
        pos = 0
        q = 0
        while pos < n_ret and q < starts.shape[1]:
            ln = min(lengths[r, q], n_ret - pos)
            st = starts[r, q]
            idx = st
            for _ in range(ln):
                c[pos + 1] = c[pos] + x[idx]
                pos += 1
                idx += 1
                if idx == n_src:
                    idx = 0
            q += 1
        if pos < n_ret:
            short += 1
        _contiguous_sample_nb(m_count, s, u_ev[r : r + 1], ev)
        # injection profile: delta/h added to each return in (p, p + h]
        for t in range(n_bars + 1):
            g[t] = 0.0
        for i in range(k):
            g[ev[0, i] + 1] += inv_h
            g[ev[0, i] + h + 1] -= inv_h
        acc = 0.0
        tot = 0.0
        for t in range(n_bars):
            acc += g[t]
            tot += acc
            big_g[t] = tot
        a = 0.0
        bw = 0.0
        for i in range(k):
            p = ev[0, i]
            a += c[p + h] - c[p]
            bw += big_g[p + h] - big_g[p]
        t0[r] = a / k
        w0[r] = bw / k
        _contiguous_sample_nb(m_count, s, u_pl[r], pl)
        for b in range(n_pl):
            a = 0.0
            bw = 0.0
            for i in range(k):
                p = pl[b, i]
                a += c[p + h] - c[p]
                bw += big_g[p + h] - big_g[p]
            ts[r, b] = a / k
            ws[r, b] = bw / k
    return short


def power_batch_py(x, starts, lengths, n_bars, h, s, u_ev, u_pl):
    """Plain-numpy twin of :func:`power_batch`."""
    u_ev = np.ascontiguousarray(u_ev, dtype=np.float64)
    u_pl = np.ascontiguousarray(u_pl, dtype=np.float64)
    n_sim = u_ev.shape[0]
    n_pl = u_pl.shape[1]
    n = x.shape[0]
    n_ret = n_bars - 1
    t0, w0 = np.empty(n_sim), np.empty(n_sim)
    ts, ws = np.empty((n_sim, n_pl)), np.empty((n_sim, n_pl))
    short = 0
    for r in range(n_sim):
        before = np.concatenate([[0], np.cumsum(lengths[r])[:-1]])
        lens = np.minimum(lengths[r], np.maximum(n_ret - before, 0))
        keep = lens > 0
        idx = np.concatenate(
            [(s0 + np.arange(ln)) % n for s0, ln in zip(starts[r][keep], lens[keep], strict=True)]
        )
        short += len(idx) < n_ret
        c = np.concatenate([[0.0], np.cumsum(x[idx])])
        ev = contiguous_sample_py(n_bars - h, s, u_ev[r : r + 1])[0]
        g = np.zeros(n_bars + 1)
        for p in ev:
            g[p + 1] += 1.0 / h
            g[p + h + 1] -= 1.0 / h
        big_g = np.cumsum(np.cumsum(g[:n_bars]))
        t0[r] = np.mean(c[ev + h] - c[ev])
        w0[r] = np.mean(big_g[ev + h] - big_g[ev])
        pl = contiguous_sample_py(n_bars - h, s, u_pl[r])
        ts[r] = np.mean(c[pl + h] - c[pl], axis=1)
        ws[r] = np.mean(big_g[pl + h] - big_g[pl], axis=1)
    return t0, w0, ts, ws, short


def power_batch(x, starts, lengths, n_bars, h, s, u_ev, u_pl):
    r"""One batch of the power simulation (see :func:`riskcycle.power_analysis`).

    For each simulated history ``r``: a path of ``n_bars`` bars glued from blocks of
    the returns ``x``; a uniform spaced set of ``k`` pseudo-events (``u_ev[r]``) and
    ``n_placebo`` uniform placebo sets (``u_pl[r]``) on the positions
    ``0..n_bars-h-1``. An effect :math:`\delta` is injected by adding
    :math:`\delta/h` to every return inside each pseudo-event's window, so every
    statistic is linear in :math:`\delta`:

    - ``t0[r] + delta * w0[r]``: mean ``h``-bar log return after the pseudo-events;
    - ``ts[r, b] + delta * ws[r, b]``: the same for placebo set ``b``.

    ``w`` is the share of injected windows that a set's windows cover (1 for the
    pseudo-events themselves when their windows do not overlap).
    """
    u_ev = np.ascontiguousarray(u_ev, dtype=np.float64)
    u_pl = np.ascontiguousarray(u_pl, dtype=np.float64)
    n_sim, n_pl = u_pl.shape[0], u_pl.shape[1]
    t0, w0 = np.empty(n_sim), np.empty(n_sim)
    ts, ws = np.empty((n_sim, n_pl)), np.empty((n_sim, n_pl))
    short = _power_batch_nb(
        np.ascontiguousarray(x, dtype=np.float64),
        starts,
        lengths,
        np.int64(n_bars),
        np.int64(h),
        np.int64(s),
        u_ev,
        u_pl,
        t0,
        w0,
        ts,
        ws,
    )
    return t0, w0, ts, ws, int(short)
