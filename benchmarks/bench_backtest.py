"""Benchmark: the backtest fast path against vectorbt, and a 1,000-combination sweep with SPA.

Run by hand::

    python benchmarks/bench_backtest.py            # the full sizes below
    python benchmarks/bench_backtest.py --quick    # 100 combinations, for a smoke run

Data: the bundled Russell 2000 (leader) and BTC with its Coin Metrics back-history
(``btc_long``, 2010-07-18 to 2026-08-21, 5,879 daily bars), 10 bp fees and 10 bp
slippage. The grid is 10 drought lengths x 5 margins x 5 holding periods x 4 delays
= 1,000 combinations.

Part 1, fast path vs vectorbt: the same 1,000 entry/exit signal columns simulated by
``vectorbt.Portfolio.from_signals`` (then ``.returns()``) and by riskcycle's numba
kernel; wall times after a warm-up call (median of several runs), the ratio, the
largest absolute difference of the daily returns, and the first-call compile times
of both (a fresh process; riskcycle's with an empty numba cache, then with it).

Part 1b, the whole sweep, signals to statistics: ``sweep(..., n_resamples=0)`` (trade
signals of every combination, the kernel, Sharpe ratios, growth, drawdowns, exposure)
against vectorbt given the same signals (riskcycle's planner, then
``Portfolio.from_signals``, ``returns``, ``total_return``, ``sharpe_ratio``,
``max_drawdown``), alternating, ``--runs`` pairs, with the largest difference of the
daily returns.

Part 2, the full sweep: ``riskcycle.backtesting.sweep`` on the 1,000 combinations
with SPA/StepM at 1,000 bootstrap replicates (plus DSR and PBO), with the time
split into signals, kernel and snooping; then on the same ``T x k`` daily-return
matrix (the 1,000 columns against buy-and-hold) riskcycle's ``spa_test`` and
``arch.bootstrap.SPA`` with 1,000 replicates and the same block length, side by
side (arch's ``SPA`` does not studentize; riskcycle runs with
``studentize=False`` for that comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings

import numpy as np


def result(key: str, **values) -> None:
    print("RESULT " + json.dumps({"key": key, **values}), flush=True)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def grid(quick: bool) -> dict:
    if quick:
        return dict(
            min_gap=[150, 200, 250, 300, 350],
            margin=[0.0, 0.01],
            horizons=[180, 365],
            delay=["0h", "1D", "2D", "3D", "4D"],
        )
    return dict(
        min_gap=list(range(100, 350, 25)),
        margin=[0.0, 0.005, 0.01, 0.02, 0.03],
        horizons=[90, 180, 365, 540, 730],
        delay=["0h", "4h", "1D", "2D"],
    )


def compile_times() -> tuple[float, float, float]:
    """First calls in fresh processes: riskcycle's kernel with an empty and with a warm numba
    cache, and vectorbt's ``from_signals`` with its installed cache (its simulation function
    is not cached by vectorbt, so it compiles in every process)."""
    ours = textwrap.dedent("""
        import time, numpy as np
        from riskcycle.backtesting import _nb
        c = np.linspace(1.0, 2.0, 50)
        t0 = time.perf_counter()
        _nb.strategy_returns(c, np.array([0, 1]), np.array([2]), np.array([9]), fees=0.001,
                             slippage=0.001, init_cash=1.0)
        print(time.perf_counter() - t0)
    """)
    theirs = textwrap.dedent("""
        import time, numpy as np, pandas as pd
        import vectorbt
        from riskcycle.backtesting._portfolio import run_portfolio
        c = pd.Series(np.linspace(1.0, 2.0, 50), index=pd.date_range("2020", periods=50))
        e = np.zeros((50, 2), bool); x = np.zeros((50, 2), bool); e[2] = True; x[9] = True
        t0 = time.perf_counter()
        run_portfolio(c, e, x, fees=0.001, slippage=0.001, init_cash=1.0).returns()
        print(time.perf_counter() - t0)
    """)
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)

        def run(code, env):
            return float(
                subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )

        return run(ours, env), run(ours, env), run(theirs, dict(os.environ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import riskcycle
    from riskcycle.backtesting import _nb, sweep
    from riskcycle.backtesting._portfolio import run_portfolio, signal_matrices
    from riskcycle.backtesting._sweep import _plans, _sweep_iv
    from riskcycle.snooping import spa_test

    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc_long")
    g = grid(args.quick)
    costs = dict(fees=0.001, slippage=0.001, init_cash=100.0)
    k = int(np.prod([len(v) for v in g.values()]))
    print(
        f"data: {len(btc)} BTC bars ({btc.index[0].date()} to {btc.index[-1].date()}), "
        f"{k} combinations, numba threads {__import__('numba').get_num_threads()}"
    )

    # signals of every combination ---------------------------------------------------------
    inp = _sweep_iv(
        rut,
        btc,
        g["min_gap"],
        g["margin"],
        g["horizons"],
        g["delay"],
        [None],
        [None],
        0.001,
        0.001,
        100.0,
        "buy_and_hold",
        None,
        None,
        None,
        0,
        0.05,
        16,
        "numba",
        0,
    )
    frame = inp.frame
    _plans(inp)  # warm-up (compiled planner)
    t_plans, (_, offsets, entries, exits) = timed(lambda: _plans(inp))
    close_s = frame["close"]
    close = close_s.to_numpy()
    ent, ext = signal_matrices(len(close), offsets, entries, exits)
    print(
        f"signals for {k} combinations (events, day-0 bars, exits): {t_plans:.2f} s; "
        f"{len(entries)} trades"
    )

    # Part 1: fast path vs vectorbt -------------------------------------------------------
    print(f"\nPart 1: daily returns of the {k} strategies, fast path vs vectorbt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import vectorbt  # noqa: F401  (import time is not part of the comparison)

        def vbt_run():
            return run_portfolio(close_s, ent, ext, **costs).returns().to_numpy()

        def fast_run():
            return _nb.strategy_returns(close, offsets, entries, exits, **costs)

        vbt_run()  # warm-up (compiles vectorbt's simulation in this process)
        fast_run()
        t_vbt, t_fast = [], []
        for _ in range(args.runs):  # alternate so that machine load hits both alike
            t, ref = timed(vbt_run)
            t_vbt.append(t)
            t, fast = timed(fast_run)
            t_fast.append(t)
    mv, mf = statistics.median(t_vbt), statistics.median(t_fast)
    print(f"  vectorbt Portfolio.from_signals + returns(): {mv:8.3f} s (median of {args.runs})")
    print(f"  riskcycle numba kernel:                      {mf:8.3f} s")
    print(
        f"  speed-up: {mv / mf:.1f}x;  max |difference| of daily returns: "
        f"{np.abs(fast - ref).max():.3g}"
    )
    result("kernel", ours=t_fast, vbt=t_vbt, maxdiff=float(np.abs(fast - ref).max()))

    # Part 1b: the whole sweep, signals to statistics -----------------------------------------
    print(f"\nPart 1b: whole sweep of the {k} combinations, signals to statistics, warm")

    def rc_whole():
        return sweep(rut, btc, **g, n_resamples=0, **costs)

    def vbt_whole():
        # the same trade signals (riskcycle's planner), vectorbt's simulation and statistics
        _, o, e, x = _plans(inp)
        en, ex = signal_matrices(len(close), o, e, x)
        pf = run_portfolio(close_s, en, ex, **costs)
        rets = pf.returns()
        stats = (pf.total_return(), pf.sharpe_ratio(), pf.max_drawdown())
        return rets.to_numpy(), stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc_whole()
        vbt_whole()
        t_rc, t_vw = [], []
        for _ in range(args.runs):
            t, res_rc = timed(rc_whole)
            t_rc.append(t)
            t, (vrets, _) = timed(vbt_whole)
            t_vw.append(t)
    wdiff = float(np.abs(res_rc.returns.to_numpy() - vrets).max())
    rt = [v / r for v, r in zip(t_vw, t_rc, strict=True)]
    print(
        f"  riskcycle sweep(n_resamples=0) (signals, kernel, Sharpe, drawdown, exposure): "
        f"median {statistics.median(t_rc):.3f} s (range {min(t_rc):.3f}-{max(t_rc):.3f})"
    )
    print(
        "  vectorbt (same signals; from_signals, returns, total_return, sharpe_ratio, "
        f"max_drawdown): median {statistics.median(t_vw):.3f} s (range {min(t_vw):.3f}-"
        f"{max(t_vw):.3f})"
    )
    print(
        f"  whole-sweep speed-up {statistics.median(t_vw) / statistics.median(t_rc):.1f}x "
        f"(per-pair {min(rt):.1f}-{max(rt):.1f}x, {args.runs} alternating pairs); max "
        f"|difference| of daily returns: {wdiff:.3g}"
    )
    result("whole", ours=t_rc, vbt=t_vw, maxdiff=wdiff, k=k)

    first, cached, vbt_first = compile_times()
    print(
        f"  first call in a fresh process: riskcycle {first:.2f} s (empty numba cache), "
        f"{cached:.2f} s (cached); vectorbt from_signals {vbt_first:.2f} s (compiled in "
        "every process)"
    )

    # Part 2: the sweep with SPA ----------------------------------------------------------
    print(f"\nPart 2: sweep of {k} combinations with SPA/StepM (1,000 replicates), DSR, PBO")
    sweep(rut, btc, **g, n_resamples=50, rng=0, **costs)  # warm-up (kernels, imports)
    t_sweep, res = timed(lambda: sweep(rut, btc, **g, n_resamples=1000, rng=0, **costs))
    print(
        f"  riskcycle.backtesting.sweep (wall): {t_sweep:.2f} s; {res.n_distinct} distinct "
        f"strategies with trades tested; SPA p (l/c/u) = "
        f"{', '.join(f'{p:.3f}' for p in res.spa.pvalues)}, Reality Check p = "
        f"{res.spa.reality_check_pvalue:.3f}, DSR = {res.dsr.probability:.3f}, "
        f"PBO = {res.pbo.pbo:.3f}"
    )
    from riskcycle.backtesting._snoop import snooping

    gr = res.grid
    keep = gr.index[(gr["distinct"] == gr.index) & (gr["n_trades"] > 0)]
    t_snoop, _ = timed(
        lambda: snooping(
            res.returns[keep],
            res.benchmark_returns,
            n_resamples=1000,
            alpha=0.05,
            n_partitions=16,
            periods_per_year=365,
            rng=np.random.default_rng(0),
        )
    )
    print(
        f"  of which signals {t_plans:.2f} s, kernel {mf:.2f} s, SPA/StepM + DSR + PBO on the "
        f"distinct strategies {t_snoop:.2f} s"
    )
    mat = res.returns
    bench = res.benchmark_returns
    block = float(res.spa.block_length)
    from arch.bootstrap import SPA

    def ours():
        return spa_test(
            mat, benchmark=bench, n_resamples=1000, block_length=block, studentize=False, rng=1
        )

    def arch():
        # arch takes losses: the negative returns, benchmark likewise
        spa = SPA(
            -bench.to_numpy(),
            -mat.to_numpy(),
            block_size=round(block),
            reps=1000,
            bootstrap="stationary",
            studentize=False,
            seed=np.random.default_rng(2),
        )
        spa.compute()
        return spa

    ours()
    t_ours, r_ours = timed(ours)
    t_arch, r_arch = timed(arch)
    print(
        f"  same {mat.shape[0]} x {mat.shape[1]} matrix vs buy-and-hold, block {block:.1f}, "
        "1,000 replicates, not studentized:"
    )
    print(
        f"    riskcycle spa_test:    {t_ours:8.2f} s   p (l/c/u) = "
        f"{', '.join(f'{p:.3f}' for p in r_ours.pvalues)}"
    )
    print(
        f"    arch.bootstrap.SPA:    {t_arch:8.2f} s   p (l/c/u) = "
        f"{', '.join(f'{p:.3f}' for p in r_arch.pvalues)}   (ratio {t_arch / t_ours:.1f}x)"
    )
    print(
        "  (arch rounds the block length to an integer; p-values differ by Monte Carlo "
        "error, about 0.015 at p = 0.5 with 1,000 replicates)"
    )


if __name__ == "__main__":
    main()
