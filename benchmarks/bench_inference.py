"""Benchmark: few-event inference (placebo sampling, GARCH null) and arch ratios.

Run by hand::

    python benchmarks/bench_inference.py            # the full sizes below
    python benchmarks/bench_inference.py --quick    # a tenth of the sizes, for a smoke run

Data: the bundled Russell 2000 (leader) and BTC with its Coin Metrics back-history
(``btc_long``, 2010-07-18 to 2026-08-21, 5,879 daily bars); the five breakouts of
the 250-session drought rule that BTC covers (2011-04-27 to 2025-09-18).

Targets (issue 4), wall time after a warm-up call (best of three):

1. ``placebo_test``: 100,000 placebo sets of 5 events with the spacing rule
   (362 days) and halving-phase matching (90 days either side, other cycles),
   180-day horizon (so that all five windows are complete): under 1 s. Also the
   unmatched test (exact sequential sampling of spaced sets) at the same size.
2. ``garch_null_test``: 1,000 GARCH(1,1)-t paths over the full history, with the
   fit and the event statistic: under 5 s.

Ratios against arch, measured in the same run:

3. The stationary bootstrap of a mean: riskcycle's pre-drawn blocks and compiled
   block sums against ``arch.bootstrap.StationaryBootstrap(...).apply(np.mean)``.
4. GARCH(1,1)-t paths: riskcycle's compiled simulator against ``arch``'s
   ``ConstantMean(GARCH, StudentsT).simulate`` called once per path.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def best_of(fn, repeat=3):
    fn()  # warm-up: numba compilation or cache load, imports
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(quick: bool = False) -> None:
    import riskcycle
    from riskcycle.inference import _nb_paths
    from riskcycle.inference._bootstrap import draw_blocks
    from riskcycle.inference._garch_null import simulate_garch_t

    scale = 10 if quick else 1
    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc_long")
    events = riskcycle.breakouts(rut, min_gap=250).between("2010-01-01", None)
    print(
        f"follower: btc_long, {len(btc)} daily bars; events: "
        + ", ".join(d.strftime("%Y-%m-%d") for d in events.dates)
    )
    rows = []

    def quiet(fn):
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
                return fn()

        return run

    n_sets = 100_000 // scale
    t, res = best_of(
        quiet(
            lambda: riskcycle.placebo_test(
                btc,
                events,
                horizon=180,
                halving_window=90,
                n_resamples=n_sets,
                method="monte_carlo",
                rng=0,
            )
        )
    )
    rows.append(
        (
            f"placebo, {n_sets:,} sets of {res.n_events}, spacing "
            f"{res.min_spacing} d + halving matching (acceptance "
            f"{res.acceptance_rate:.0%})",
            t,
            "< 1 s",
        )
    )
    t, res = best_of(
        quiet(
            lambda: riskcycle.placebo_test(
                btc, events, horizon=180, n_resamples=n_sets, method="monte_carlo", rng=0
            )
        )
    )
    rows.append(
        (
            f"placebo, {n_sets:,} sets of {res.n_events}, spacing only "
            f"({res.n_admissible:.3g} admissible sets)",
            t,
            "",
        )
    )
    n_paths = 1000 // scale
    t, res = best_of(
        quiet(
            lambda: riskcycle.garch_null_test(btc, events, horizon=180, n_resamples=n_paths, rng=0)
        )
    )
    rows.append(
        (f"garch_null_test, {n_paths:,} paths x {res.n_obs:,} days (fit included)", t, "< 5 s")
    )

    # 3. stationary bootstrap of a mean against arch
    from arch.bootstrap import StationaryBootstrap

    x = np.diff(np.log(btc["close"].to_numpy()))
    reps, block = 2000 // scale, 10.0

    def ours_sb():
        starts, lengths = draw_blocks(
            np.random.default_rng(0), reps, len(x), len(x), block, "stationary"
        )
        prefix = np.concatenate([[0.0], np.cumsum(x)])
        s, _, _ = _nb_paths.window_block_sums(
            prefix,
            np.array([0]),
            np.array([len(x)]),
            starts,
            lengths,
            np.array([0, starts.shape[1]]),
        )
        return s[:, 0] / len(x)

    def arch_sb():
        return StationaryBootstrap(block, x, seed=np.random.default_rng(0)).apply(np.mean, reps)[
            :, 0
        ]

    t_ours, a = best_of(ours_sb)
    t_arch, b = best_of(arch_sb)
    rows.append(
        (
            f"stationary bootstrap of the mean, {reps:,} x {len(x):,}: riskcycle",
            t_ours,
            f"{t_arch / t_ours:.0f}x faster than arch",
        )
    )
    rows.append(
        (
            "    arch StationaryBootstrap.apply(np.mean)",
            t_arch,
            f"s.d. ratio {a.std() / b.std():.3f}",
        )
    )

    # 4. GARCH paths against arch's simulate
    from arch.univariate import GARCH, ConstantMean, StudentsT

    params = {"mu": 0.12, "omega": 0.19, "alpha": 0.11, "beta": 0.88, "nu": 3.2}
    n_sim, n_obs = 200 // scale, len(x)
    t_ours, _ = best_of(
        lambda: simulate_garch_t(params, n_sim, n_obs, 500, np.random.default_rng(0))
    )
    model = ConstantMean(
        None, volatility=GARCH(1, 0, 1), distribution=StudentsT(seed=np.random.default_rng(0))
    )
    vec = np.array([params[k] for k in ("mu", "omega", "alpha", "beta", "nu")])
    t_arch, _ = best_of(
        lambda: [model.simulate(vec, n_obs, burn=500) for _ in range(n_sim)], repeat=1
    )
    rows.append(
        (
            f"GARCH(1,1)-t paths, {n_sim} x {n_obs:,}: riskcycle",
            t_ours,
            f"{t_arch / t_ours:.0f}x faster than arch",
        )
    )
    rows.append(("    arch ConstantMean(GARCH, StudentsT).simulate, per path", t_arch, ""))

    width = max(len(r[0]) for r in rows)
    print()
    for name, sec, note in rows:
        print(f"{name:<{width}}  {sec:8.3f} s  {note}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    main(parser.parse_args().quick)
