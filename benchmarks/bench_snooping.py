"""Benchmark: riskcycle's SPA / StepM against arch's; block sums against the machine's add rate.

Run by hand::

    python benchmarks/bench_snooping.py            # full sizes (arch takes minutes)
    python benchmarks/bench_snooping.py --quick    # small sizes, for a smoke run

Prints, on simulated daily returns (T = 4,000 days, B = 1,000 stationary-bootstrap
replicates, mean block length 10):

1. SPA (with the Reality Check from the same call) and StepM against
   ``arch.bootstrap.SPA`` / ``StepM`` at k = 1,000 and k = 200 strategies: ``--pairs``
   alternating pairs (riskcycle, arch, riskcycle, arch, ...) after a warm-up call each;
   medians, min-max ranges and the ratio of the medians (with the range of the
   per-pair ratios); p-values side by side with their Monte Carlo tolerance.
2. Peak memory at k = 100, 200, 1,000, 5,000 (``tracemalloc``, one untimed call each,
   the input allocated before). riskcycle's kernels allocate their per-task work
   buffers (one tile of prefix sums per running task) in numba's runtime, which
   tracemalloc does not see: their bound (threads x tile) is added to riskcycle's figure.
   (riskcycle draws and sums the resamples 256 at a time, so beyond the input's copy
   and the B x k bootstrap means its memory does not grow with B.)
3. The block sums against the arithmetic bound: the adds the problem needs (one per
   block, column and replicate: ``n_blocks x k``) divided by the add rate of a
   streaming-add kernel on this machine (every thread summing the rows of its own
   cache-resident tile, one load and one add per element with the accumulators in
   vector registers), both on all threads, alternating; the share achieved is bound /
   measured time. That rate is set by loading the tile from the cache, and a block sum
   loads two prefix rows per block and column (three when the block wraps around), so
   the block sums' own ceiling is about 50% of this bound.
4. The speed-up from 1 to 2 threads: SPA at k = 1,000 (and the block sums alone) in
   separate processes with ``NUMBA_NUM_THREADS=1`` and ``2``, alternating, ``--pairs``
   processes each.
5. First-call compile times (fresh process, empty numba cache, then cached).

Every measurement line ends with the load average at that moment (``load``: 1-minute
load of the machine, whose 2 cores are shared). Lines starting with ``RESULT`` are JSON
records for ``benchmarks/run.py``.

arch's ``SPA`` does not studentize (its ``studentize`` flag only changes the label), so
riskcycle runs with ``studentize=False`` for the comparison.
"""

from __future__ import annotations

import argparse
import json
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

HERE = os.path.dirname(os.path.abspath(__file__))


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
    mu[: min(5, k)] += np.linspace(0.0001, 0.00035, 5)[: min(5, k)]  # a few with an edge
    return mu + factor[:, None] * beta + eps


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def result(key: str, **values) -> None:
    print("RESULT " + json.dumps({"key": key, **values}), flush=True)


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def span(ts) -> str:
    return f"{statistics.median(ts):.3g} s (range {min(ts):.3g}-{max(ts):.3g})"


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


# -- one process: SPA and block sums at a given number of threads -------------------------------
CHILD = textwrap.dedent("""
    import json, statistics, sys, time
    import numpy as np
    sys.path.insert(0, {here!r})
    from bench_snooping import make_data
    from riskcycle.snooping import spa_test
    from riskcycle.snooping._resample import block_sums, draw_stationary_blocks
    import numba
    n_obs, k, reps, bsize, runs = {n_obs}, {k}, {reps}, {bsize}, {runs}
    x = make_data(n_obs, k)
    blocks = draw_stationary_blocks(np.random.default_rng(0), n_obs, bsize, reps)
    spa_test(x, block_length=bsize, n_resamples=reps, studentize=False, rng=0)  # warm-up
    block_sums(x, blocks)
    t_spa, t_bs = [], []
    for i in range(runs):
        t0 = time.perf_counter()
        spa_test(x, block_length=bsize, n_resamples=reps, studentize=False, rng=i)
        t1 = time.perf_counter()
        block_sums(x, blocks)
        t2 = time.perf_counter()
        t_spa.append(t1 - t0)
        t_bs.append(t2 - t1)
    print(json.dumps(dict(threads=numba.get_num_threads(), spa=statistics.median(t_spa),
                          blocks=statistics.median(t_bs))))
""")


def thread_scaling(n_obs, k, reps, bsize, pairs) -> dict:
    code = CHILD.format(here=HERE, n_obs=n_obs, k=k, reps=reps, bsize=bsize, runs=3)
    res: dict = {1: [], 2: []}
    for _ in range(pairs):
        for threads in (1, 2):
            env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            )
            res[threads].append(json.loads(out.stdout.strip().splitlines()[-1]))
    return res


# -- the arithmetic bound -------------------------------------------------------------------------
def add_rate_kernel():
    """Streaming adds: one load and one add per element of cache-resident data, at the
    rate this machine sustains, run like riskcycle's kernels (a serial nogil kernel over
    ranges of tasks on riskcycle._threads.run_tasks' threads; numba's parallel=True would
    leave OpenMP threads spinning between calls and slow the kernel it alternates with).

    Each task sums the rows of its own ``(rows, w)`` tile, ``w`` = 8, 16 or 32 (the
    block sums' tile, about 1 MiB: it stays in the core's L2 cache): one vector load and
    one vector add per 8 elements, into two sets of vector accumulators held in registers
    (even rows into one, odd rows into the other, so that the additions of consecutive
    rows do not wait for one another), written as LLVM IR like riskcycle's own block-sum
    loop. With the additions independent, the rate is that of loading the tile from the
    cache (on the 2-core benchmark machine, L2's read bandwidth), not the adders'. A plain
    numba loop keeps its accumulators in memory and runs at a fraction of this rate (it
    would understate the bound)."""
    import numba as nb
    from llvmlite import ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic

    from riskcycle._threads import run_tasks

    @intrinsic
    def _rows_sum(typingctx, tile, reps, out, width):
        if not isinstance(width, types.IntegerLiteral):
            return None
        w = int(width.literal_value)
        lanes = min(8, w)
        sig = types.void(tile, reps, out, width)

        def codegen(context, builder, signature, args):
            tile_v, reps_v, out_v, _ = args
            i64 = ir.IntType(64)
            vec = ir.VectorType(ir.DoubleType(), lanes)
            a = context.make_array(signature.args[0])(context, builder, tile_v)
            o = context.make_array(signature.args[2])(context, builder, out_v).data
            rows = builder.extract_value(a.shape, 0)
            pairs = builder.sdiv(rows, ir.Constant(i64, 2))
            n_vec = w // lanes
            accs = [cgutils.alloca_once(builder, vec) for _ in range(2 * n_vec)]
            for acc in accs:
                builder.store(ir.Constant(vec, [0.0] * lanes), acc)

            def load(r, c):
                at = builder.add(builder.mul(r, ir.Constant(i64, w)), ir.Constant(i64, c))
                ptr = builder.gep(a.data, [at], inbounds=True)
                return builder.load(builder.bitcast(ptr, vec.as_pointer()), align=8)

            reps_i = context.cast(builder, reps_v, signature.args[1], types.int64)
            with cgutils.for_range(builder, reps_i):
                with cgutils.for_range(builder, pairs) as loop:
                    r0 = builder.mul(loop.index, ir.Constant(i64, 2))
                    r1 = builder.add(r0, ir.Constant(i64, 1))
                    for half, r in enumerate((r0, r1)):
                        for v in range(n_vec):
                            acc = accs[half * n_vec + v]
                            builder.store(builder.fadd(builder.load(acc), load(r, v * lanes)), acc)
                odd = builder.icmp_signed("!=", builder.mul(pairs, ir.Constant(i64, 2)), rows)
                with builder.if_then(odd):  # the last row of an odd number of rows
                    last = builder.sub(rows, ir.Constant(i64, 1))
                    for v in range(n_vec):
                        acc = accs[v]
                        builder.store(builder.fadd(builder.load(acc), load(last, v * lanes)), acc)
            for v in range(n_vec):
                total = builder.fadd(builder.load(accs[v]), builder.load(accs[n_vec + v]))
                ptr = builder.gep(o, [ir.Constant(i64, v * lanes)], inbounds=True)
                builder.store(total, builder.bitcast(ptr, vec.as_pointer()), align=8)
            return context.get_dummy_value()

        return sig, codegen

    @nb.njit(nogil=True, boundscheck=False)
    def stream_add(a, reps, out, first, last):  # each task sums the rows of its own tile
        w = a.shape[2]
        for t in range(first, last):
            tile = np.ascontiguousarray(a[t])
            acc = np.empty(w)
            if w == 32:
                _rows_sum(tile, reps, acc, 32)
            elif w == 16:
                _rows_sum(tile, reps, acc, 16)
            else:
                _rows_sum(tile, reps, acc, 8)
            for j in range(w):
                out[t, j] = acc[j]

    def run(a, reps, out):
        run_tasks(lambda lo, hi: stream_add(a, reps, out, lo, hi), a.shape[0])

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--pairs", type=int, default=5, help="alternating pairs per workload")
    parser.add_argument(
        "--arch-runs", type=int, default=5, help="arch runs (at least --pairs; run.py)"
    )
    parser.add_argument("--block-length", type=float, default=10.0)
    parser.add_argument("--alpha", type=float, default=0.10, help="StepM FWER")
    parser.add_argument(
        "--memory-k", default="100,200,1000,5000", help="strategy counts for peak memory"
    )
    parser.add_argument(
        "--sections",
        default="arch,memory,bound,threads",
        help="comma-separated subset of arch, memory, bound, threads",
    )
    args = parser.parse_args()
    pairs = max(args.pairs, args.arch_runs)

    import arch
    import numba
    from arch.bootstrap import SPA, StepM

    import riskcycle
    from riskcycle.snooping import _nb, spa_test, stepm
    from riskcycle.snooping._resample import draw_stationary_blocks

    n_obs, reps = (1000, 200) if args.quick else (4000, 1000)
    ks = (200, 50) if args.quick else (1000, 200)
    mem_ks = (50, 200) if args.quick else tuple(int(v) for v in args.memory_k.split(","))
    bsize = args.block_length
    threads = numba.get_num_threads()
    print(
        f"riskcycle {riskcycle.__version__}, arch {arch.__version__}, numpy {np.__version__}, "
        f"numba {numba.__version__}, cpus {os.cpu_count()}, numba threads {threads}"
    )
    print(f"T={n_obs}, B={reps}, stationary bootstrap, mean block length {bsize:g}")
    print(f"load before: {os.getloadavg()}\n")

    sections = set(args.sections.split(","))
    (imp, first), (_, cached) = compile_times()
    print(
        f"import riskcycle.snooping {imp:.2f} s; first-call overhead (numba import and "
        f"compilation, fresh cache) {first:.2f} s; with the on-disk cache {cached:.2f} s\n"
    )
    result("compile", first=first, cached=cached, imp=imp)

    # 1. SPA and StepM against arch -------------------------------------------------------------
    for k in ks if "arch" in sections else ():
        x = make_data(n_obs, k)
        zero = np.zeros(n_obs)

        def rc_spa(seed, x=x):
            return spa_test(x, block_length=bsize, n_resamples=reps, studentize=False, rng=seed)

        def arch_spa(seed, x=x, zero=zero):
            s = SPA(zero, -x, block_size=int(bsize), reps=reps, seed=seed)
            s.compute()
            return s

        def rc_stepm(seed, x=x):
            return stepm(
                x,
                alpha=args.alpha,
                block_length=bsize,
                n_resamples=reps,
                studentize=False,
                rng=seed,
            )

        def arch_stepm(seed, x=x, zero=zero):
            s = StepM(zero, -x, size=args.alpha, block_size=int(bsize), reps=reps, seed=seed)
            s.compute()
            return s

        for label, ours, theirs in (("SPA", rc_spa, arch_spa), ("StepM", rc_stepm, arch_stepm)):
            ours(1)  # warm-up (kernels loaded, caches)
            theirs(2)
            t_ours, t_arch = [], []
            for i in range(pairs):
                dt, res_ours = timed(lambda i=i, f=ours: f(100 + i))
                t_ours.append(dt)
                dt, res_arch = timed(lambda i=i, f=theirs: f(200 + i))
                t_arch.append(dt)
                print(
                    f"  {label} k={k} pair {i + 1}: riskcycle {t_ours[-1]:.3f} s, arch {dt:.2f} s",
                    flush=True,
                )
            ratios = [a / o for a, o in zip(t_arch, t_ours, strict=True)]
            m_ours, m_arch = statistics.median(t_ours), statistics.median(t_arch)
            print(
                f"{label} k={k}: riskcycle {span(t_ours)}; arch {span(t_arch)}; ratio of "
                f"medians {m_arch / m_ours:.0f}x (per-pair ratios {min(ratios):.0f}-"
                f"{max(ratios):.0f}x) over {pairs} alternating pairs; {load()}"
            )
            result(
                "vs_arch",
                label=label,
                T=n_obs,
                k=k,
                B=reps,
                ours=t_ours,
                arch=t_arch,
                load=os.getloadavg()[0],
            )
            if label == "SPA":
                print(f"{'p-value':<12}{'riskcycle':>11}{'arch':>9}{'|diff|':>9}{'tol':>9}")
                pv = list(zip(res_ours.pvalues.items(), res_arch.pvalues.values, strict=True))
                pv.append((("RC", res_ours.reality_check_pvalue), res_arch.pvalues["upper"]))
                worst = 0.0
                for (name, p1), p2 in pv:
                    p = max((p1 + p2) / 2, 1.0 / reps)
                    tol = 4 * math.sqrt(2) * math.sqrt(p * (1 - p) / reps)
                    worst = max(worst, abs(p1 - p2) / tol)
                    print(f"{name:<12}{p1:>11.4f}{p2:>9.4f}{abs(p1 - p2):>9.4f}{tol:>9.4f}")
                print(
                    "(tol = 4 sqrt(2) sqrt(p(1-p)/B): 4 SE of the difference of two "
                    "independent estimates; riskcycle reports (1+count)/(1+B), arch count/B)"
                )
                result(
                    "pvalues",
                    k=k,
                    ours=[float(v) for _, v in [*res_ours.pvalues.items()]],
                    arch=[float(v) for v in res_arch.pvalues.values],
                    worst_over_tol=worst,
                )
            else:
                same = list(res_ours.superior) == list(res_arch.superior_models)
                print(
                    f"superior k={k}: riskcycle {res_ours.superior}, arch "
                    f"{list(res_arch.superior_models)}"
                )
                result("superior", k=k, same=same)
        print()

    # 2. memory ---------------------------------------------------------------------------------
    print("peak traced memory, one SPA call each (input allocated before):")
    for k in mem_ks if "memory" in sections else ():
        x = make_data(n_obs, k)
        zero = np.zeros(n_obs)
        spa_test(x[:, : min(k, 8)], block_length=bsize, n_resamples=10, rng=0)
        mem_ours = peak_memory(
            lambda x=x: spa_test(x, block_length=bsize, n_resamples=reps, studentize=False, rng=1)
        )

        def arch_once(x=x, zero=zero):
            s = SPA(zero, -x, block_size=int(bsize), reps=reps, seed=2)
            s.compute()

        mem_arch = peak_memory(arch_once)
        tiles = threads * ((n_obs + 1) * _nb.tile_width(n_obs) + 64) * 8 / 2**20
        print(
            f"  k={k:5d}: riskcycle {mem_ours:7.1f} MiB traced + <= {tiles:.1f} MiB numba work "
            f"buffers (untraced) = {mem_ours + tiles:7.1f} MiB; arch {mem_arch:7.1f} MiB; "
            f"input {x.nbytes / 2**20:.1f} MiB; {load()}",
            flush=True,
        )
        result(
            "memory",
            k=k,
            ours=mem_ours + tiles,
            ours_traced=mem_ours,
            arch=mem_arch,
            load=os.getloadavg()[0],
        )
    print()

    # 3. block sums against the arithmetic bound ------------------------------------------------
    k = ks[0]
    x = make_data(n_obs, k)
    blocks = draw_stationary_blocks(np.random.default_rng(0), n_obs, bsize, reps)
    n_adds = len(blocks.starts) * k
    if "bound" in sections:
        bound_section(x, blocks, n_adds, n_obs, k, reps, threads, pairs)
    if "threads" in sections:
        threads_section(n_obs, k, reps, bsize, pairs)
    print(f"\nload after: {os.getloadavg()}")


def bound_section(x, blocks, n_adds, n_obs, k, reps, threads, pairs) -> None:
    from riskcycle.snooping import _nb
    from riskcycle.snooping._resample import block_sums

    stream_add = add_rate_kernel()
    w = _nb.tile_width(n_obs)
    tiles = np.random.default_rng(1).standard_normal((4 * threads, n_obs + 1, w))
    out = np.empty((4 * threads, w))
    stream_add(tiles, 1, out)
    block_sums(x, blocks)
    rep_add = max(1, int(n_adds / tiles.size))  # about as many adds as the block sums need
    rates, t_blocks = [], []
    for _ in range(pairs):
        dt, _ = timed(lambda: stream_add(tiles, rep_add, out))
        rates.append(tiles.size * rep_add / dt)
        dt, _ = timed(lambda: block_sums(x, blocks))
        t_blocks.append(dt)
    rate = statistics.median(rates)
    bound = n_adds / rate
    shares = [bound / t for t in t_blocks]
    print(
        f"block sums, T={n_obs}, k={k}, B={reps}, {len(blocks.starts)} blocks: needed adds "
        f"{n_adds:.3g} (one per block, column and replicate)"
    )
    print(
        f"  streaming-add rate ({threads} threads, tiles of {n_obs + 1} x {w} in cache): "
        f"median {rate / 1e9:.2f} G adds/s (range {min(rates) / 1e9:.2f}-{max(rates) / 1e9:.2f})"
    )
    print(
        f"  arithmetic bound {bound * 1e3:.1f} ms; riskcycle block sums {span(t_blocks)}; "
        f"share of the bound {bound / statistics.median(t_blocks):.0%} (range "
        f"{min(shares):.0%}-{max(shares):.0%}) over {pairs} alternating pairs; {load()}"
    )
    result(
        "bound",
        n_adds=n_adds,
        rates=rates,
        blocks=t_blocks,
        bound=bound,
        threads=threads,
        T=n_obs,
        k=k,
        B=reps,
        load=os.getloadavg()[0],
    )
    print()


def threads_section(n_obs, k, reps, bsize, pairs) -> None:
    sc = thread_scaling(n_obs, k, reps, bsize, pairs)
    for what in ("spa", "blocks"):
        t1 = [r[what] for r in sc[1]]
        t2 = [r[what] for r in sc[2]]
        sp = [a / b for a, b in zip(t1, t2, strict=True)]
        print(
            f"{what} k={k}, NUMBA_NUM_THREADS=1: {span(t1)}; =2: {span(t2)}; speed-up "
            f"{statistics.median(t1) / statistics.median(t2):.2f}x (per-pair "
            f"{min(sp):.2f}-{max(sp):.2f}x), {pairs} alternating process pairs (median of 3 "
            f"runs each); {load()}"
        )
        result("threads", what=what, one=t1, two=t2, k=k, T=n_obs, B=reps, load=os.getloadavg()[0])


if __name__ == "__main__":
    main()
