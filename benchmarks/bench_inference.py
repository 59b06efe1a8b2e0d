"""Benchmark: few-event inference (placebo sampling, GARCH null) and arch ratios.

Run by hand::

    python benchmarks/bench_inference.py            # the full sizes below, 7 runs per row
    python benchmarks/bench_inference.py --runs 9   # more runs per row (at least 5)
    python benchmarks/bench_inference.py --quick    # a tenth of the sizes, for a smoke run

Data: the bundled Russell 2000 (leader) and BTC with its Coin Metrics back-history
(``btc_long``, 2010-07-18 to 2026-08-21, 5,879 daily bars); the five breakouts of
the 250-session drought rule that BTC covers (2011-04-27 to 2025-09-18).

Every row is the median of ``--runs`` (at least 5) warm calls after one warm-up call
(numba's cache loaded, imports done), with the min-max range; rows with a peer (arch)
alternate riskcycle's calls with the peer's (riskcycle, arch, riskcycle, arch, ...)
so that both sides see the same load, and give the ratio of the medians with the range
of the per-pair ratios. The 1-minute load average (``uptime``) is recorded before each
row: on a machine shared with other jobs (load above the number of cores) the times are
upper bounds of the quiet machine's. The public functions run with their default
``n_jobs`` (all of numba's threads: ``NUMBA_NUM_THREADS``, default the CPUs).

Targets (issue 4), whole calls:

1. ``placebo_test``: 100,000 placebo sets of 5 events with the spacing rule
   (362 days) and halving-phase matching (90 days either side, all cycles),
   180-day horizon (so that all five windows are complete): under 1 s. Also the
   unmatched test (exact sequential sampling of spaced sets) at the same size.
2. ``garch_null_test``: 1,000 GARCH(1,1)-t paths over the full history, with the
   fit and the event statistic: under 5 s.

Ratios against arch, measured in the same run:

3. The stationary bootstrap of a mean: riskcycle's pre-drawn blocks and compiled
   block sums against ``arch.bootstrap.StationaryBootstrap(...).apply(np.mean)``.
4. GARCH(1,1)-t paths: riskcycle's compiled simulator (one stream, one thread)
   against ``arch``'s ``ConstantMean(GARCH, StudentsT).simulate`` called once per path.

Lines starting with ``RESULT`` are JSON records of every run's time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
import warnings

import numpy as np


def uptime() -> str:
    """``uptime``'s line (load averages over 1, 5 and 15 minutes)."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def runs_of(fn, runs: int) -> tuple[list[float], object]:
    """A warm-up call, then ``runs`` timed calls."""
    out = fn()
    times = []
    for _ in range(runs):
        t, out = timed(fn)
        times.append(t)
    return times, out


def alternating(ours, peer, runs: int) -> tuple[list[float], list[float], object, object]:
    """Warm-up calls of both, then ``runs`` pairs (ours, peer, ours, peer, ...)."""
    a, b = ours(), peer()
    t_ours, t_peer = [], []
    for _ in range(runs):
        t, a = timed(ours)
        t_ours.append(t)
        t, b = timed(peer)
        t_peer.append(t)
    return t_ours, t_peer, a, b


def med(ts: list[float]) -> str:
    return f"{statistics.median(ts):.4f} s  ({min(ts):.4f}-{max(ts):.4f} s, {len(ts)} runs)"


def main(quick: bool = False, runs: int = 7) -> None:
    import numba

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
    print(
        f"cpus {os.cpu_count()}, numba threads {numba.get_num_threads()}, {runs} runs per row",
        flush=True,
    )
    rows: list[tuple[str, str, str]] = []

    def record(what: str, load: str, **times) -> None:
        print("RESULT " + json.dumps({"key": "inference", "what": what, "uptime": load, **times}))

    def quiet(fn):
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)
                return fn()

        return run

    # 1. placebo, matched and spacing only
    n_sets = 100_000 // scale
    load = uptime()
    ts, res = runs_of(
        quiet(
            lambda: riskcycle.placebo_test(
                btc,
                events,
                horizon=180,
                halving_window=90,
                n_resamples=n_sets,
                enumeration="monte_carlo",
                rng=0,
            )
        ),
        runs,
    )
    rows.append(
        (
            f"placebo, {n_sets:,} sets of {res.n_events}, spacing "
            f"{res.min_spacing} d + halving matching (acceptance "
            f"{res.acceptance_rate:.0%})",
            med(ts),
            f"< 1 s; load before: {load}",
        )
    )
    record("placebo_matched", load, ours=ts)
    load = uptime()
    ts, res = runs_of(
        quiet(
            lambda: riskcycle.placebo_test(
                btc, events, horizon=180, n_resamples=n_sets, enumeration="monte_carlo", rng=0
            )
        ),
        runs,
    )
    rows.append(
        (
            f"placebo, {n_sets:,} sets of {res.n_events}, spacing only "
            f"({res.n_admissible:.3g} admissible sets)",
            med(ts),
            f"load before: {load}",
        )
    )
    record("placebo_spacing", load, ours=ts)

    # 2. GARCH null
    from riskcycle.inference import _garch_null

    n_paths = 1000 // scale
    load = uptime()
    ts, res = runs_of(
        quiet(
            lambda: (
                # the fit is timed in every run (it is kept per returns, so a repeated call
                # on the same follower would skip it)
                _garch_null._kept_fit.cache_clear(),
                riskcycle.garch_null_test(btc, events, horizon=180, n_resamples=n_paths, rng=0),
            )[1]
        ),
        runs,
    )
    rows.append(
        (
            f"garch_null_test, {n_paths:,} paths x {res.n_obs:,} days (fit included)",
            med(ts),
            f"< 5 s; load before: {load}",
        )
    )
    record("garch_null", load, ours=ts)

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

    load = uptime()
    t_ours, t_arch, a, b = alternating(ours_sb, arch_sb, runs)
    pair = [q / p for p, q in zip(t_ours, t_arch, strict=True)]
    ratio = statistics.median(t_arch) / statistics.median(t_ours)
    rows.append(
        (
            f"stationary bootstrap of the mean, {reps:,} x {len(x):,}: riskcycle",
            med(t_ours),
            f"{ratio:.0f}x faster than arch (pairs {min(pair):.0f}-{max(pair):.0f}x); "
            f"load before: {load}",
        )
    )
    rows.append(
        (
            "    arch StationaryBootstrap.apply(np.mean)",
            med(t_arch),
            f"s.d. ratio {a.std() / b.std():.3f}",
        )
    )
    record("stationary_bootstrap", load, ours=t_ours, arch=t_arch)

    # 4. GARCH paths against arch's simulate
    from arch.univariate import GARCH, ConstantMean, StudentsT

    params = {"mu": 0.12, "omega": 0.19, "alpha": 0.11, "beta": 0.88, "nu": 3.2}
    n_sim, n_obs = 200 // scale, len(x)
    model = ConstantMean(
        None, volatility=GARCH(1, 0, 1), distribution=StudentsT(seed=np.random.default_rng(0))
    )
    vec = np.array([params[k] for k in ("mu", "omega", "alpha", "beta", "nu")])
    load = uptime()
    t_ours, t_arch, _, _ = alternating(
        lambda: simulate_garch_t(params, n_sim, n_obs, 500, np.random.default_rng(0)),
        lambda: [model.simulate(vec, n_obs, burn=500) for _ in range(n_sim)],
        runs,
    )
    pair = [q / p for p, q in zip(t_ours, t_arch, strict=True)]
    ratio = statistics.median(t_arch) / statistics.median(t_ours)
    rows.append(
        (
            f"GARCH(1,1)-t paths, {n_sim} x {n_obs:,}: riskcycle",
            med(t_ours),
            f"{ratio:.0f}x faster than arch (pairs {min(pair):.0f}-{max(pair):.0f}x); "
            f"load before: {load}",
        )
    )
    rows.append(("    arch ConstantMean(GARCH, StudentsT).simulate, per path", med(t_arch), ""))
    record("garch_paths", load, ours=t_ours, arch=t_arch)

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'workload':<{width}}  median (min-max, runs)  note")
    for name, sec, note in rows:
        print(f"{name:<{width}}  {sec}  {note}")
    print(f"\nuptime after: {uptime()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per row (>= 5)")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 (a median with its range)")
    main(args.quick, args.runs)
