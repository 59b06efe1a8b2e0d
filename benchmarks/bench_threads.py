"""Benchmark: speed-up from 1 to 2 threads of the inference hot paths (separate processes).

Run by hand::

    python benchmarks/bench_threads.py             # 5 alternating process pairs
    python benchmarks/bench_threads.py --quick     # 2 pairs, smaller sizes
    python benchmarks/bench_threads.py --only placebo,garch_null --pairs 7

Each workload runs in fresh processes with ``NUMBA_NUM_THREADS=1`` and ``=2``,
alternating (1, 2, 1, 2, ...), ``--pairs`` processes each; a process makes one warm-up
call (kernels loaded from numba's cache) and then times ``--runs`` calls (default: 15
for the placebo test, a call of about 50 ms, and 3 for the others), of which the median
is kept; the 1-thread processes of the placebo, GARCH-null and power workloads then
time ``--runs`` more calls in CPU time, whole and inside the threaded chunks, from
which Amdahl's bound of the 2-thread speed-up on idle cores follows (CPU times are far
less inflated by other jobs than wall times). The report gives, per thread count, the
median over the processes with their min-max range, the ratio of the medians and the
range of the per-pair ratios, and the 1-minute load average (``uptime``) before every
pair: on a machine shared with other jobs (load above the number of cores) the second
thread has no idle core to run on, and the speed-up measured is a lower bound of the
quiet machine's.

Workloads (the public functions, whole calls with their defaults for ``n_jobs``, i.e.
all of numba's threads, on the bundled BTC history with the Russell 2000 breakout
events): ``riskcycle.placebo_test`` (100,000 random event sets with halving-phase
matching), ``riskcycle.garch_null_test`` (1,000 GARCH paths, fit included),
``riskcycle.power_analysis`` (365-day horizon, real-path scheme, its default grid) and
``riskcycle.inference.calibrate`` of the halving-matched test (1,000 random sets on the
real path, each with its own 9,999-draw matched null: the calibration whose sets run on
threads; the plain placebo's calibration shares one null and takes about 20 ms). First,
``machine``: 8 equal tasks of independent arithmetic in registers (no memory traffic)
on riskcycle's threads, whose speed-up is what this machine's second core gave during
the run: the ceiling of every other workload's. Lines
starting with ``RESULT`` are JSON records for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import json, statistics, sys, time, warnings
    import riskcycle
    which, quick, runs = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
    btc = riskcycle.datasets.load("btc_long")
    rut = riskcycle.datasets.load("rut")
    events = riskcycle.breakouts(rut, min_gap=250).between(start=btc.index[0])
    scale = 10 if quick else 1

    if which == "machine":
        import numba
        from riskcycle._threads import run_tasks

        @numba.njit(nogil=True)
        def spin(first, last, out):  # independent arithmetic in registers, no memory
            for t in range(first, last):
                a, b, c, d = 1.0 + t, 2.0 + t, 3.0 + t, 4.0 + t
                for _ in range(6_000_000 // scale):
                    a = a * 0.9999999 + 1e-7
                    b = b * 0.9999999 + 1e-7
                    c = c * 0.9999999 + 1e-7
                    d = d * 0.9999999 + 1e-7
                out[t] = a + b + c + d

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if which == "machine":
                import numpy as np
                out = np.empty(8)
                return run_tasks(lambda lo, hi: spin(lo, hi, out), 8)
            if which == "placebo":
                return riskcycle.placebo_test(btc, events, horizon=180, halving_window=90,
                                              n_resamples=100_000 // scale,
                                              enumeration="monte_carlo", rng=0)
            if which == "garch_null":
                from riskcycle.inference import _garch_null
                # the fit in every call (it is kept per returns otherwise)
                _garch_null._kept_fit.cache_clear()
                return riskcycle.garch_null_test(btc, events, horizon=180,
                                                 n_resamples=1000 // scale, rng=0)
            if which == "power":
                return riskcycle.power_analysis(btc, events, horizon=365,
                                                n_simulations=200 // scale, rng=0)
            import riskcycle.inference as inf
            # the heavy calibration: every random set needs its own Monte Carlo null
            return inf.calibrate(btc, events, horizon=365, test="placebo_halving_matched",
                                 n_sets=1000 // scale, n_resamples=9999, rng=0)

    call()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        ts.append(time.perf_counter() - t0)
    import numba
    split = None
    if numba.get_num_threads() == 1 and which in ("placebo", "garch_null", "power", "calibrate"):
        # CPU time of the whole call and of its threaded chunks (1 thread: all in this one)
        from riskcycle import _parallel
        from riskcycle.inference import _chunks, _garch_null, _placebo, _power
        spent = [0.0]
        run_chunks = _parallel.run_chunks  # calibrate and power: via riskcycle._parallel
        start_chunks = _chunks.start_chunks  # placebo and GARCH null

        def timed(task):
            def run(j):
                c0 = time.thread_time()
                task(j)
                spent[0] += time.thread_time() - c0
            return run

        def timed_run_chunks(task, n_chunks, n_jobs):
            run_chunks(timed(task), n_chunks, n_jobs)

        def timed_start_chunks(task, n_chunks, n_jobs):
            return start_chunks(timed(task), n_chunks, n_jobs)

        _parallel.run_chunks = _power.run_chunks = timed_run_chunks
        _placebo.start_chunks = _garch_null.start_chunks = timed_start_chunks
        cpu, tasks = [], []
        for _ in range(runs):
            spent[0] = 0.0
            c0 = time.process_time()
            call()
            cpu.append(time.process_time() - c0)
            tasks.append(spent[0])
        split = dict(cpu=statistics.median(cpu), tasks=statistics.median(tasks))
    print(json.dumps(dict(threads=numba.get_num_threads(), t=statistics.median(ts), split=split)))
""")


RUNS = {"placebo": 15}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--runs", type=int, default=None, help="timed calls per process")
    parser.add_argument("--only", default="machine,placebo,garch_null,power,calibrate")
    args = parser.parse_args()
    pairs = 2 if args.quick else args.pairs
    import riskcycle.inference as inf

    names = [w for w in args.only.split(",") if w != "calibrate" or hasattr(inf, "calibrate")]
    print(f"cpus {os.cpu_count()}, uptime before: {uptime()}; workloads {names}", flush=True)
    for name in names:
        res: dict = {1: [], 2: []}
        loads: list[str] = []
        splits: list[dict] = []
        failed = None
        for i in range(pairs):
            loads.append(uptime())
            for threads in (1, 2):
                env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
                run = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        name,
                        "1" if args.quick else "0",
                        str(args.runs or RUNS.get(name, 3)),
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if run.returncode != 0:
                    failed = run.stderr.strip().splitlines()[-1:] or ["?"]
                    break
                rec = json.loads(run.stdout.strip().splitlines()[-1])
                res[threads].append(rec["t"])
                if rec.get("split"):
                    splits.append(rec["split"])
            if failed:
                break
            print(
                f"  {name} pair {i + 1}: 1 thread {res[1][-1]:.3f} s, 2 threads "
                f"{res[2][-1]:.3f} s ({res[1][-1] / res[2][-1]:.2f}x); before: {loads[-1]}",
                flush=True,
            )
        if failed:
            print(f"{name}: failed ({failed[0]})")
            continue
        sp = [a / b for a, b in zip(res[1], res[2], strict=True)]
        m1, m2 = statistics.median(res[1]), statistics.median(res[2])
        print(
            f"{name}: 1 thread {m1:.3f} s ({min(res[1]):.3f}-{max(res[1]):.3f}); 2 threads "
            f"{m2:.3f} s ({min(res[2]):.3f}-{max(res[2]):.3f}); speed-up {m1 / m2:.2f}x "
            f"(per-pair {min(sp):.2f}-{max(sp):.2f}x), {pairs} alternating process pairs",
            flush=True,
        )
        if splits:
            # Amdahl's bound from CPU times, which the load inflates far less than wall times
            f = [d["tasks"] / d["cpu"] for d in splits]
            bound = [1 / (1 - x + x / 2) for x in f]
            print(
                f"{name}: {statistics.median(f):.1%} of the 1-thread CPU time "
                f"({statistics.median(d['cpu'] for d in splits):.3f} s) in the threaded chunks "
                f"(range {min(f):.1%}-{max(f):.1%}): Amdahl's bound on 2 idle cores "
                f"{statistics.median(bound):.2f}x (a projection, not a measurement)",
                flush=True,
            )
        print(
            "RESULT "
            + json.dumps(
                {
                    "key": "threads",
                    "what": name,
                    "one": res[1],
                    "two": res[2],
                    "uptime": loads,
                    "cpu_split": splits,
                }
            )
        )
    print(f"uptime after: {uptime()}")


def uptime() -> str:
    """``uptime``'s line (load averages over 1, 5 and 15 minutes)."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    main()
