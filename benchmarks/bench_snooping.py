"""Benchmark: riskcycle's SPA / StepM against arch's, on T=4,000 x k=1,000, B=1,000.

Run by hand::

    python benchmarks/bench_snooping.py            # full size (arch takes minutes)
    python benchmarks/bench_snooping.py --quick    # T=1,000 x k=200, for a smoke run

Prints, for the same data and block size: wall times (riskcycle: median of >= 5
runs; arch: median of ``--arch-runs`` runs, alternating with riskcycle's), the
speed ratio, p-values side by side with their Monte Carlo tolerance, peak
memory (tracemalloc, one extra untimed run each), the numba first-call compile
time (fresh process, empty cache) and the cached-load time, and the two
bootstrap engines (prefix-sum kernel vs count-matrix product) at two block sizes.

arch's ``SPA`` does not studentize (its ``studentize`` flag only changes the
label), so riskcycle runs with ``studentize=False`` for the comparison; the
studentized timing is printed as well (same cost).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc

import numpy as np


def make_data(n_obs: int, k: int, seed: int = 20260101) -> np.ndarray:
    """Daily returns of k strategies: a common factor, AR(1) noise, a few with an edge."""
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(n_obs) * 0.006
    factor -= factor.mean()  # market-neutral in sample: the edges decide the maximum
    eps = rng.standard_normal((n_obs, k)) * 0.008
    for t in range(1, n_obs):  # mild serial dependence
        eps[t] += 0.15 * eps[t - 1]
    beta = rng.uniform(0.2, 1.0, k)
    mu = rng.normal(0.0, 0.00005, k)
    mu[:5] += np.linspace(0.0001, 0.00035, 5)  # a few strategies with an edge
    return mu + factor[:, None] * beta + eps


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def peak_memory(fn) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def compile_times() -> tuple[tuple[float, float], tuple[float, float]]:
    """(import, first call) in a fresh process with an empty numba cache, then cached."""
    code = textwrap.dedent("""
        import time
        t0 = time.perf_counter()
        import numpy as np
        from riskcycle.snooping import spa_test
        t1 = time.perf_counter()
        x = np.random.default_rng(0).standard_normal((2000, 600))
        spa_test(x, block_length=50.0, n_resamples=20, rng=0)   # all three kernels
        t2 = time.perf_counter()
        spa_test(x, block_length=50.0, n_resamples=20, rng=0)
        t3 = time.perf_counter()
        print(t1 - t0, (t2 - t1) - (t3 - t2))
    """)
    out = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for _ in range(2):
            run = subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            )
            out.append(tuple(float(v) for v in run.stdout.split()))
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="T=1,000 x k=200")
    parser.add_argument("--runs", type=int, default=5, help="riskcycle runs (median)")
    parser.add_argument("--arch-runs", type=int, default=3, help="arch runs (median)")
    parser.add_argument("--block-length", type=float, default=10.0)
    parser.add_argument("--alpha", type=float, default=0.10, help="StepM FWER")
    args = parser.parse_args()

    import arch
    from arch.bootstrap import SPA, StepM

    import riskcycle
    from riskcycle.snooping import spa_test, stepm
    from riskcycle.snooping._resample import block_sums, draw_stationary_blocks

    n_obs, k, reps = (1000, 200, 1000) if args.quick else (4000, 1000, 1000)
    bsize = args.block_length
    x = make_data(n_obs, k)
    zero = np.zeros(n_obs)
    print(
        f"riskcycle {riskcycle.__version__}, arch {arch.__version__}, numpy {np.__version__}, "
        f"cpus {os.cpu_count()}"
    )
    print(f"T={n_obs}, k={k}, B={reps}, stationary bootstrap, mean block length {bsize:g}\n")

    (imp, first), (_, cached) = compile_times()
    print(
        f"import riskcycle.snooping {imp:.2f} s; first-call overhead (numba import and "
        f"compilation, fresh cache) {first:.2f} s; with the on-disk cache {cached:.2f} s\n"
    )
    spa_test(x[:50, :3], block_length=bsize, n_resamples=10, rng=0)  # warm, this process

    def rc_spa(seed, studentize=False):
        return spa_test(x, block_length=bsize, n_resamples=reps, studentize=studentize, rng=seed)

    def arch_spa(seed):
        s = SPA(zero, -x, block_size=int(bsize), reps=reps, seed=seed)
        s.compute()
        return s

    def rc_stepm(seed):
        return stepm(
            x, alpha=args.alpha, block_length=bsize, n_resamples=reps, studentize=False, rng=seed
        )

    def arch_stepm(seed):
        s = StepM(zero, -x, size=args.alpha, block_size=int(bsize), reps=reps, seed=seed)
        s.compute()
        return s

    def compare(label, ours, theirs):
        """Alternating runs; returns the last results of each."""
        t_ours, t_arch = [], []
        res_ours = res_arch = None
        for i in range(max(args.runs, args.arch_runs)):
            if i < args.runs:
                dt, res_ours = timed(lambda: ours(100 + i))  # noqa: B023 - called at once
                t_ours.append(dt)
            if i < args.arch_runs:
                dt, res_arch = timed(lambda: theirs(200 + i))  # noqa: B023
                t_arch.append(dt)
                print(f"  {label} arch run {i + 1}: {dt:.1f} s", flush=True)
        m_ours, m_arch = statistics.median(t_ours), statistics.median(t_arch)
        print(
            f"{label}: riskcycle median {m_ours:.3f} s over {len(t_ours)} runs "
            f"({', '.join(f'{t:.3f}' for t in t_ours)}); arch median {m_arch:.1f} s over "
            f"{len(t_arch)} runs; ratio {m_arch / m_ours:.0f}x"
        )
        mem_ours = peak_memory(lambda: ours(1))
        mem_arch = peak_memory(lambda: theirs(2))
        print(
            f"{label}: peak traced memory riskcycle {mem_ours:.0f} MiB, arch "
            f"{mem_arch:.0f} MiB (input {x.nbytes / 2**20:.0f} MiB, allocated before)"
        )
        return res_ours, res_arch

    res_ours, res_arch = compare("SPA", rc_spa, arch_spa)
    print(f"{'p-value':<12}{'riskcycle':>11}{'arch':>9}{'|diff|':>9}{'tol':>9}")
    pairs = list(zip(res_ours.pvalues.items(), res_arch.pvalues.values, strict=True))
    pairs.append((("RC", res_ours.reality_check_pvalue), res_arch.pvalues["upper"]))
    for (name, p1), p2 in pairs:
        p = max((p1 + p2) / 2, 1.0 / reps)
        tol = 4 * math.sqrt(2) * math.sqrt(p * (1 - p) / reps)
        print(f"{name:<12}{p1:>11.4f}{p2:>9.4f}{abs(p1 - p2):>9.4f}{tol:>9.4f}")
    print(
        "(tol = 4 sqrt(2) sqrt(p(1-p)/B): 4 SE of the difference of two independent "
        "estimates; riskcycle reports (1+count)/(1+B), arch count/B)"
    )
    dt, stud = timed(lambda: rc_spa(7, studentize=True))
    print(
        f"studentized SPA (riskcycle only): {dt:.3f} s, p-values "
        f"{np.round(stud.pvalues.to_numpy(), 4).tolist()}"
    )
    dt, dflt = timed(lambda: spa_test(x, n_resamples=reps, rng=8))
    print(
        f"default block length (Politis-White): {dflt.block_length:.2f}; "
        f"run incl. the estimate {dt:.3f} s\n"
    )

    res_ours, res_arch = compare("StepM", rc_stepm, arch_stepm)
    print(f"superior: riskcycle {res_ours.superior}, arch {list(res_arch.superior_models)}\n")

    print("bootstrap engines (sums of all k columns over B resamples):")
    xc = x - x.mean(axis=0)
    for bs in (bsize, math.sqrt(n_obs)):
        blocks = draw_stationary_blocks(np.random.default_rng(0), n_obs, bs, reps)
        row = []
        for engine in ("prefix", "matmul"):
            times = [
                timed(lambda e=engine, b=blocks: block_sums(xc, b, engine=e))[0] for _ in range(3)
            ]
            row.append(f"{engine} {statistics.median(times):.3f} s")
        print(
            f"  mean block {bs:5.1f} ({len(blocks.starts) / reps:6.1f} blocks/resample): "
            + ", ".join(row)
        )


if __name__ == "__main__":
    main()
