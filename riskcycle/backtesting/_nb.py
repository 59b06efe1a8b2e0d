"""Compiled inner loops of the backtest (numba, ``cache=True``) and their plain twins.

The kernels reproduce, for a long-only strategy that puts all its cash into the
follower at each entry and sells everything at each exit, the daily returns that
:meth:`vectorbt.Portfolio.from_signals` computes with ``size=np.inf``,
``size_type="amount"``, ``price=close``, proportional ``fees`` and ``slippage``,
``fixed_fees=0``, ``min_size=0`` and no stops. They follow vectorbt's order
arithmetic step by step (``buy_nb``/``sell_nb`` in ``vectorbt.portfolio.nb``,
the post-simulation cash, asset and value series, and ``returns_nb``),
including its tolerance-based rounding of additions to zero (``add_nb``), so the
returns agree with vectorbt's to rounding error:

* buy at bar :math:`e`: fill price :math:`p^b = c_e (1 + s)`; of the cash
  :math:`C`, :math:`C / (1 + f)` buys :math:`q = C / ((1 + f) p^b)` units
  (fractional) and the rest, :math:`C - C/(1+f)`, is the fee; cash becomes 0;
* sell at bar :math:`x`: fill price :math:`p^s = c_x (1 - s)`, proceeds
  :math:`q p^s (1 - f)`;
* value :math:`V_t = \\text{cash}_t + q_t c_t`, return
  :math:`r_t = V_t / V_{t-1} - 1` with :math:`V_{-1}` the initial cash, so the
  entry bar's return is :math:`1/((1+f)(1+s)) - 1` and the exit bar's is
  :math:`(c_x/c_{x-1})(1-s)(1-f) - 1`.

Trades come in compressed-row form: column ``j`` owns the trades
``offsets[j]:offsets[j + 1]`` of ``entries``/``exits`` (bar positions, sorted,
``entry < exit``, the next entry after the previous exit); an exit of ``-1``
leaves the position open at the end of the data. Kernels never draw random
numbers; the random-entry null and the bootstrap pass them in.

The kernels are serial and release the GIL; the wrappers run them over ranges of
columns (or resamples) on :func:`riskcycle._threads.run_tasks`' threads, each column
computed alone, so the numbers do not depend on the number of threads.

This module imports numba: import it lazily, inside the functions that need it.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .._threads import run_tasks

__all__ = [
    "hold_plans",
    "hold_plans_py",
    "record_events",
    "record_events_py",
    "returns_and_stats",
    "returns_and_stats_py",
    "sharpe_from_returns",
    "stationary_bootstrap_sharpe",
    "stationary_bootstrap_sharpe_py",
    "strategy_returns",
    "strategy_returns_py",
    "strategy_stats",
    "strategy_stats_py",
]

# vectorbt.utils.math_ tolerances
_REL_TOL = 1e-9
_ABS_TOL = 1e-12


@nb.njit(cache=True)
def _is_close(a, b):  # pragma: no cover - compiled
    if np.isnan(a) or np.isnan(b) or np.isinf(a) or np.isinf(b):
        return False
    if a == b:
        return True
    return abs(a - b) <= max(_REL_TOL * max(abs(a), abs(b)), _ABS_TOL)


@nb.njit(cache=True)
def _add(a, b):  # pragma: no cover - compiled
    """``a + b``, or exactly 0 when the two cancel to within vectorbt's tolerance."""
    if np.sign(a) != np.sign(b):
        if _is_close(abs(a), abs(b)):
            return 0.0
    elif _is_close(a + b, 0.0):
        return 0.0
    return a + b


@nb.njit(cache=True, nogil=True)
def _simulate(close, entries, exits, lo, hi, fees, slippage, init_cash, out):  # pragma: no cover
    """Daily returns of one column (trades ``lo:hi``) into ``out``; returns the final value."""
    n = close.shape[0]
    sim_cash = init_cash  # cash as the order simulation sees it
    sim_pos = 0.0
    cash = init_cash  # cash and assets rebuilt from the order records
    assets = 0.0
    prev_value = init_cash
    k = lo
    in_pos = False
    exit_i = -1
    for i in range(n):
        if in_pos:
            if i == exit_i:
                pos = 0.0 if _is_close(sim_pos, 0.0) else sim_pos
                c0 = 0.0 if _is_close(sim_cash, 0.0) else sim_cash
                adj = close[i] * (1.0 - slippage)
                acq = pos * adj
                fee = acq * fees + 0.0
                final = _add(acq, -fee)
                sim_cash = c0 + final
                sim_pos = _add(pos, -pos)
                sold = -pos  # the order record's signed size
                cash = _add(cash, _add(0.0, -sold * adj - fee))
                assets = _add(assets, _add(0.0, _add(0.0, -pos)))
                in_pos = False
                k += 1
        elif k < hi and i == entries[k]:
            c0 = 0.0 if _is_close(sim_cash, 0.0) else sim_cash
            if c0 > 0.0:
                adj = close[i] * (1.0 + slippage)
                max_req = _add(c0, -0.0) / (1.0 + fees)
                if max_req > 0.0:
                    size = max_req / adj
                    fee = c0 - max_req
                    sim_cash = _add(c0, -c0)
                    sim_pos = _add(0.0, size)
                    cash = _add(cash, _add(0.0, -size * adj - fee))
                    assets = _add(assets, _add(0.0, _add(sim_pos, -0.0)))
                    in_pos = True
                    exit_i = exits[k]
                    if exit_i < 0:
                        exit_i = n  # open at the end
            if not in_pos:
                k += 1  # order rejected (no cash): the trade never happens
        value = cash + (close[i] * assets if assets != 0.0 else 0.0)
        if prev_value == 0.0:
            out[i] = 0.0 if value == 0.0 else np.inf * np.sign(value)
        else:
            r = (value - prev_value) / prev_value
            out[i] = -r if prev_value < 0.0 else r
        prev_value = value
    return prev_value


@nb.njit(cache=True, nogil=True)
def _mean_std(x):  # pragma: no cover - compiled
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        s += x[i]
    m = s / n
    v = 0.0
    for i in range(n):
        d = x[i] - m
        v += d * d
    return m, math.sqrt(v / (n - 1)) if n > 1 else np.nan


@nb.njit(cache=True, nogil=True)
def _stats(
    close, offsets, entries, exits, fees, slippage, init_cash, ann, out, first, last
):  # pragma: no cover - compiled
    for j in range(first, last):
        buf = np.empty(close.shape[0])
        final = _simulate(
            close, entries, exits, offsets[j], offsets[j + 1], fees, slippage, init_cash, buf
        )
        m, s = _mean_std(buf)
        out[j, 0] = final / init_cash - 1.0
        out[j, 1] = m / s * ann if s > 0.0 else np.nan
    return out


@nb.njit(cache=True, nogil=True)
def _sb_sharpe(x, starts, lengths, ann, out, first, last):  # pragma: no cover - compiled
    n = x.shape[0]
    for b in range(first, last):
        buf = np.empty(n)
        t = 0
        j = 0
        while t < n:
            idx = starts[b, j]
            for _ in range(lengths[b, j]):
                if t == n:
                    break
                buf[t] = x[idx]
                t += 1
                idx += 1
                if idx == n:
                    idx = 0
            j += 1
        m, s = _mean_std(buf)
        out[b] = m / s * ann if s > 0.0 else np.nan
    return out


@nb.njit(cache=True, nogil=True)
def _pairwise_leaf(a, lo, n):  # pragma: no cover - compiled
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@nb.njit(cache=True, nogil=True)
def _pairwise_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise summation of ``a[lo:lo + n]`` (``pairwise_sum`` in numpy's
    ``loops_utils.h``: 8 accumulators in blocks of at most 128, split in halves whose
    first has a multiple of 8 elements above), so that the sums equal ``numpy.sum`` of a
    contiguous column to the last bit. The recursion runs on an explicit stack (numba's
    on-disk cache does not reload recursive functions reliably)."""
    if n <= 128:
        return _pairwise_leaf(a, lo, n)
    los = np.empty(64, dtype=np.int64)
    ns = np.empty(64, dtype=np.int64)
    stage = np.zeros(64, dtype=np.int64)  # 0: new, 1: left child pending, 2: right pending
    left = np.empty(64)
    los[0] = lo
    ns[0] = n
    stage[0] = 0
    top = 1
    val = 0.0
    while top > 0:
        i = top - 1
        if stage[i] == 0 and ns[i] > 128:
            half = ns[i] // 2
            half -= half % 8
            stage[i] = 1
            los[top] = los[i]
            ns[top] = half
            stage[top] = 0
            top += 1
            continue
        if stage[i] == 0:  # a leaf: its sum goes up to the parents
            val = _pairwise_leaf(a, los[i], ns[i])
            top -= 1
        while top > 0:
            p = top - 1
            if stage[p] == 1:  # left half done: now the right half
                left[p] = val
                stage[p] = 2
                half = ns[p] // 2
                half -= half % 8
                los[top] = los[p] + half
                ns[top] = ns[p] - half
                stage[top] = 0
                top += 1
                break
            val = left[p] + val  # both halves done
            top -= 1
    return val


@nb.njit(cache=True, nogil=True)
def _returns_stats(
    close, offsets, entries, exits, fees, slippage, init_cash, out, stats, first, last
):  # pragma: no cover - compiled
    n = out.shape[1]
    zero = np.int64(0)  # not the literal 0: one specialization of _pairwise_sum
    for j in range(first, last):
        col = out[j]  # ``out`` is C-ordered with one row per column: each is contiguous
        _simulate(
            close, entries, exits, offsets[j], offsets[j + 1], fees, slippage, init_cash, col
        )
        # growth and drawdown of the compounded value from its running peak (at least 1),
        # in the same operations as numpy.prod(1 + r) and _result.drawdown
        value = 1.0
        peak = 1.0
        worst = np.inf
        for i in range(n):
            value = value * (1.0 + col[i])
            if value > peak:
                peak = value
            d = value / peak - 1.0
            if d < worst:
                worst = d
        # mean and standard deviation (ddof=1) as numpy.mean / numpy.std compute them
        if n == 0:  # no bars: no statistics (the returns are an empty array)
            stats[j, 0] = stats[j, 1] = stats[j, 3] = np.nan
            stats[j, 2] = 1.0
            continue
        mean = _pairwise_sum(col, zero, n) / n
        sq = np.empty(n)
        for i in range(n):
            t = col[i] - mean
            sq[i] = t * t
        stats[j, 0] = mean
        stats[j, 1] = np.sqrt(_pairwise_sum(sq, zero, n) / (n - 1)) if n > 1 else np.nan
        stats[j, 2] = value
        stats[j, 3] = worst
    return out


@nb.njit(cache=True, nogil=True)
def _record_events(x, min_gap, margin, out):  # pragma: no cover - compiled
    """Event positions of the 'record' rule (plain twin: :func:`record_events_py`)."""
    n_found = 0
    record = x[0]
    rec_pos = 0
    armed = False
    ref = np.nan
    for t in range(1, x.shape[0]):
        xt = x[t]
        if xt > record:
            if not armed and t - rec_pos >= min_gap:
                armed = True
                ref = record
            record = xt
            rec_pos = t
        if armed and xt > ref * (1.0 + margin):
            out[n_found] = t
            n_found += 1
            armed = False
    return n_found


@nb.njit(cache=True, nogil=True)
def _record_events_many(x, min_gaps, margins, offsets, out):  # pragma: no cover - compiled
    buf = np.empty(x.shape[0], dtype=np.int64)
    offsets[0] = 0
    for r in range(min_gaps.shape[0]):
        m = _record_events(x, min_gaps[r], margins[r], buf)
        for i in range(m):
            out[offsets[r] + i] = buf[i]
        offsets[r + 1] = offsets[r] + m
    return offsets[-1]


@nb.njit(cache=True, nogil=True)
def _hold_plans(
    ev_offsets,
    ev_pos,
    rule,
    delay,
    hold,
    day0_pos,
    day0_ok,
    hold_end,
    hold_ok,
    base,
    counts,
    ent,
    ext,
):  # pragma: no cover - compiled
    """Trades of each combination: plan_trades with a fixed holding period (or none)."""
    n = hold_end.shape[1]
    for c in range(rule.shape[0]):
        r = rule[c]
        d = delay[c]
        h = hold[c]
        m = base[c]
        last_exit = -1
        open_trade = False
        for i in range(ev_offsets[r], ev_offsets[r + 1]):
            p = ev_pos[i]
            if p < 0 or not day0_ok[d, p]:
                continue
            e = day0_pos[d, p]
            if open_trade or e <= last_exit:
                continue
            x = -1
            if h >= 0 and hold_ok[h, e]:
                x = min(max(hold_end[h, e], e + 1), n - 1)
                if x <= e:
                    x = -1
            ent[m] = e
            ext[m] = x
            m += 1
            if x >= 0:
                last_exit = x
            else:
                open_trade = True
        counts[c] = m - base[c]
    return counts


# ---------------------------------------------------------------------------
# public wrappers, each with its plain twin ``name_py`` beside it
# ---------------------------------------------------------------------------
def _ro(a, dtype):
    """``a`` as a C-contiguous, read-only array of ``dtype`` (a view when it already is one).

    numba compiles a kernel once per argument type, and an array's type includes whether
    it is writable: pandas hands out read-only views (copy-on-write) and numpy writable
    arrays, so every input array is passed read-only and each kernel has one signature.
    """
    a = np.ascontiguousarray(a, dtype=dtype)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


def _csr(offsets, entries, exits):
    return _ro(offsets, np.int64), _ro(entries, np.int64), _ro(exits, np.int64)


def strategy_returns(close, offsets, entries, exits, *, fees, slippage, init_cash):
    """Daily returns, shape ``(n_bars, n_columns)``, of all-in long strategies (compiled).

    The array is Fortran-ordered (one contiguous column per strategy); the returns of
    :func:`returns_and_stats` (one compiled kernel for both).

    Parameters
    ----------
    close : ndarray of float, shape (n_bars,)
    offsets : ndarray of int, shape (n_columns + 1,)
    entries, exits : ndarray of int
        Trades of all columns (see the module docstring).
    fees, slippage : float
        Fractions of traded value and of the price.
    init_cash : float
    """
    return returns_and_stats(
        close, offsets, entries, exits, fees=fees, slippage=slippage, init_cash=init_cash
    )[0]


def strategy_returns_py(close, offsets, entries, exits, *, fees, slippage, init_cash):
    """Plain-numpy twin of :func:`strategy_returns`, written from the closed-form fills.

    In a trade from bar ``e`` to ``x`` with cash ``C`` on entry the value is
    ``q c_t`` on bars ``e..x-1`` with ``q = C / ((1+f) c_e (1+s))`` and
    ``q c_x (1-s)(1-f)`` from bar ``x`` on; between trades it is constant.
    """
    close = np.asarray(close, dtype=float)
    n = close.shape[0]
    k = len(offsets) - 1
    out = np.empty((n, k))
    for j in range(k):
        value = np.empty(n)
        cash = float(init_cash)
        t = 0
        for m in range(offsets[j], offsets[j + 1]):
            e, x = int(entries[m]), int(exits[m])
            value[t:e] = cash
            q = cash / ((1.0 + fees) * close[e] * (1.0 + slippage))
            stop = n if x < 0 else x
            value[e:stop] = q * close[e:stop]
            if x < 0:
                t = n
                break
            cash = q * close[x] * (1.0 - slippage) * (1.0 - fees)
            t = x
        value[t:] = cash
        prev = np.concatenate([[float(init_cash)], value[:-1]])
        out[:, j] = value / prev - 1.0
    return out


def strategy_stats(close, offsets, entries, exits, *, fees, slippage, init_cash, periods_per_year):
    """Total return and annualised Sharpe ratio of each column without storing the returns.

    Returns
    -------
    ndarray, shape (n_columns, 2)
        Column 0: final value / initial cash - 1; column 1:
        :math:`\\sqrt{A}\\,\\bar r / s_r` (``ddof=1``; NaN when :math:`s_r = 0`).
    """
    close = _ro(close, np.float64)
    offsets, entries, exits = _csr(offsets, entries, exits)
    k = offsets.shape[0] - 1
    out = np.empty((k, 2), dtype=np.float64)
    args = (close, offsets, entries, exits, float(fees), float(slippage), float(init_cash))
    ann = math.sqrt(periods_per_year)
    run_tasks(lambda lo, hi: _stats(*args, ann, out, lo, hi), k)
    return out


def strategy_stats_py(
    close, offsets, entries, exits, *, fees, slippage, init_cash, periods_per_year
):
    """Plain-numpy twin of :func:`strategy_stats`: the statistics of :func:`strategy_returns_py`.

    Total return :math:`\\prod_t (1 + r_t) - 1` and :func:`sharpe_from_returns`.
    """
    r = strategy_returns_py(
        close, offsets, entries, exits, fees=fees, slippage=slippage, init_cash=init_cash
    )
    return np.column_stack(
        [np.prod(1.0 + r, axis=0) - 1.0, sharpe_from_returns(r, periods_per_year)]
    )


def returns_and_stats(close, offsets, entries, exits, *, fees, slippage, init_cash):
    """:func:`strategy_returns` and, from the same pass, each column's statistics.

    Returns
    -------
    returns : ndarray, shape (n_bars, n_columns), Fortran-ordered
    stats : ndarray, shape (n_columns, 4)
        Per column: mean and standard deviation (``ddof=1``) of the returns, the
        growth :math:`\\prod_t (1 + r_t)` and the maximum drawdown
        ``min_t V_t / max(1, V_0, ..., V_t) - 1`` of the compounded value ``V``; the
        same numbers as ``numpy.mean``, ``numpy.std(ddof=1)``, ``numpy.prod(1 + r)``
        and ``riskcycle.backtesting._result.drawdown(r).min()`` give on the returns
        (the same operations in the same order; tested).
    """
    close = _ro(close, np.float64)
    offsets, entries, exits = _csr(offsets, entries, exits)
    k = offsets.shape[0] - 1
    # the kernel writes the rows of a C-ordered (k, n_bars) array, whose transpose is the
    # Fortran-ordered result: one array layout whatever k (an (n_bars, 1) Fortran array
    # is also C-contiguous, which numba would compile a second kernel for)
    rows = np.empty((k, close.shape[0]), dtype=np.float64)
    stats = np.empty((k, 4), dtype=np.float64)
    args = (close, offsets, entries, exits, float(fees), float(slippage), float(init_cash))
    run_tasks(lambda lo, hi: _returns_stats(*args, rows, stats, lo, hi), k)
    return rows.T, stats


def returns_and_stats_py(close, offsets, entries, exits, *, fees, slippage, init_cash):
    """Plain-numpy twin of :func:`returns_and_stats` (numpy's mean, std, product and drawdown)."""
    r = strategy_returns_py(
        close, offsets, entries, exits, fees=fees, slippage=slippage, init_cash=init_cash
    )
    value = np.cumprod(1.0 + r, axis=0)
    peak = np.maximum(np.maximum.accumulate(value, axis=0), 1.0)
    stats = np.column_stack(
        [
            r.mean(axis=0),
            r.std(axis=0, ddof=1),
            np.prod(1.0 + r, axis=0),
            (value / peak - 1.0).min(axis=0) if r.shape[0] else np.zeros(r.shape[1]),
        ]
    )
    return r, stats


def record_events(x, min_gaps, margins):
    """Event positions of the 'record' breakout rule for several (min_gap, margin) pairs.

    The rule of :func:`riskcycle.breakouts` (``method="record"``, the same comparisons),
    compiled; plain twin: :func:`record_events_py`. Returns compressed rows
    ``(offsets, positions)``: pair ``r`` owns ``positions[offsets[r]:offsets[r + 1]]``.
    """
    x = _ro(x, np.float64)
    min_gaps = _ro(min_gaps, np.int64)
    margins = _ro(margins, np.float64)
    offsets = np.empty(min_gaps.shape[0] + 1, dtype=np.int64)
    out = np.empty(x.shape[0] * max(1, min_gaps.shape[0]), dtype=np.int64)
    total = _record_events_many(x, min_gaps, margins, offsets, out)
    return offsets, out[:total].copy()


def record_events_py(x, min_gaps, margins):
    """Plain-Python twin of :func:`record_events`, one pass of the rule per pair.

    The rule of :func:`riskcycle.breakouts` (``method="record"``): once the series
    has gone ``min_gap`` bars without a new high, the next new high arms the rule
    with the old record as reference; the first bar above reference x (1 + margin)
    is an event and disarms it.
    """
    x = np.asarray(x, dtype=float)
    offsets, positions = [0], []
    for min_gap, margin in zip(min_gaps, margins, strict=True):
        record, rec_pos, ref = x[0], 0, None
        for t in range(1, len(x)):
            if x[t] > record:
                if ref is None and t - rec_pos >= min_gap:
                    ref = record
                record, rec_pos = x[t], t
            if ref is not None and x[t] > ref * (1.0 + margin):
                positions.append(t)
                ref = None
        offsets.append(len(positions))
    return np.array(offsets, dtype=np.int64), np.array(positions, dtype=np.int64)


def hold_plans(ev_offsets, ev_pos, rule, delay, hold, day0_pos, day0_ok, hold_end, hold_ok):
    """Trades of many combinations whose only exit rule is a holding period (or none).

    The loop of :func:`riskcycle.backtesting._signals.plan_trades` with
    ``trailing_stop=None`` and ``below_exec=None``, compiled, for every combination
    ``c`` at once: the leader events ``ev_pos[ev_offsets[rule[c]]:ev_offsets[rule[c] + 1]]``
    (positions in the leader's index; -1 for none), their entry bars ``day0_pos[delay[c]]``
    (valid where ``day0_ok``), the holding-period ends ``hold_end[hold[c]]`` (complete where
    ``hold_ok``; ``hold[c] = -1`` for no holding period). ``hold_end`` has one column per
    follower bar (at least one row). Plain twin: :func:`hold_plans_py`.

    Returns
    -------
    offsets, entries, exits : ndarray of int64
        Compressed-row trades (see the module docstring).
    """
    rule = _ro(rule, np.int64)
    ev_offsets = _ro(ev_offsets, np.int64)
    width = np.diff(ev_offsets)[rule]
    base = np.zeros(rule.shape[0] + 1, dtype=np.int64)
    np.cumsum(width, out=base[1:])
    ent = np.empty(int(base[-1]), dtype=np.int64)
    ext = np.empty_like(ent)
    counts = np.empty(rule.shape[0], dtype=np.int64)
    _hold_plans(
        ev_offsets,
        _ro(ev_pos, np.int64),
        rule,
        _ro(delay, np.int64),
        _ro(hold, np.int64),
        _ro(day0_pos, np.int64),
        _ro(day0_ok, np.bool_),
        _ro(hold_end, np.int64),
        _ro(hold_ok, np.bool_),
        base,
        counts,
        ent,
        ext,
    )
    keep = np.arange(ent.shape[0]) - np.repeat(base[:-1], width) < np.repeat(counts, width)
    offsets = np.zeros(rule.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets, ent[keep], ext[keep]


def hold_plans_py(ev_offsets, ev_pos, rule, delay, hold, day0_pos, day0_ok, hold_end, hold_ok):
    """Plain-Python twin of :func:`hold_plans` (same arguments, same trades)."""
    n = np.shape(hold_end)[1]
    offsets, entries, exits = [0], [], []
    for r, d, h in zip(rule, delay, hold, strict=True):
        last_exit, open_trade = -1, False
        for p in ev_pos[ev_offsets[r] : ev_offsets[r + 1]]:
            if p < 0 or not day0_ok[d][p]:
                continue
            e = int(day0_pos[d][p])
            if open_trade or e <= last_exit:
                continue
            x = -1
            if h >= 0 and hold_ok[h][e]:
                x = min(max(int(hold_end[h][e]), e + 1), n - 1)
                if x <= e:
                    x = -1
            entries.append(e)
            exits.append(x)
            if x >= 0:
                last_exit = x
            else:
                open_trade = True
        offsets.append(len(entries))
    as_int = lambda v: np.array(v, dtype=np.int64)  # noqa: E731
    return as_int(offsets), as_int(entries), as_int(exits)


def stationary_bootstrap_sharpe(x, starts, lengths, periods_per_year):
    """Sharpe ratio of stationary-bootstrap resamples of ``x`` (compiled).

    Resample ``b`` concatenates the circular blocks ``x[starts[b, j]], ...`` of
    ``lengths[b, j]`` observations, ``j = 0, 1, ...``, cut at ``len(x)``
    observations (each row's lengths must add up to at least ``len(x)``). With
    uniform starts and geometric lengths of mean :math:`b` this is the stationary
    bootstrap of Politis & Romano (1994).
    """
    x = _ro(x, np.float64)
    out = np.empty(starts.shape[0], dtype=np.float64)
    args = (
        x,
        _ro(starts, np.int64),
        _ro(lengths, np.int64),
        math.sqrt(periods_per_year),
        out,
    )
    run_tasks(lambda lo, hi: _sb_sharpe(*args, lo, hi), starts.shape[0])
    return out


def stationary_bootstrap_sharpe_py(x, starts, lengths, periods_per_year):
    """Plain-numpy twin of :func:`stationary_bootstrap_sharpe` (same blocks)."""
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    rows = []
    for s_row, l_row in zip(starts, lengths, strict=True):
        idx = np.concatenate([(s + np.arange(m)) % n for s, m in zip(s_row, l_row, strict=True)])
        rows.append(idx[:n])
    return sharpe_from_returns(x[np.array(rows)].T, periods_per_year)


# ---------------------------------------------------------------------------
# helpers of the twins and the tests
# ---------------------------------------------------------------------------
def sharpe_from_returns(returns, periods_per_year):
    """Annualised Sharpe ratio (zero risk-free rate, ``ddof=1``) along axis 0; NaN if flat."""
    r = np.asarray(returns, dtype=float)
    m = r.mean(axis=0)
    s = r.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s > 0, m / s * np.sqrt(periods_per_year), np.nan)
