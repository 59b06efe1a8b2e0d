"""The bundled demonstration scan: headline, engines and a plain loop (run by hand).

    python benchmarks/bench_scan.py --repeats 3          # headline + timings
    python benchmarks/bench_scan.py --repeats 0          # headline only

The scan is ``riskcycle.scan(**riskcycle.scanning.DEMONSTRATION)`` (leaders rut,
spx, ndx, iwm; followers btc, btc_long, eth; the five default definitions; the
four default horizons) with 9,999 placebo draws per cell and ``n_calibration``
random sets per calibration. Each repeat times, in alternating order:

* the scan on 1 worker (joblib's sequential backend), the time of each chunk
  recorded in-process (the per-chunk cost, family-wise pieces included, and the
  serial part left in the client: loading, events, merging and the assembly);
* the scan on 2 local worker processes (loky);
* the scan on a 2-worker Dask ``LocalCluster`` (processes, one thread each),
  started once in this run;
* a plain loop of :func:`riskcycle.assess_signal` calls, one per cell, over the
  four horizons of one leader, definition and follower (rut, record after 250
  sessions, btc) with the same placebo draws and calibration sets, and the scan
  restricted to the same four cells on 1 worker: the like-for-like ratio.
  ``assess_signal`` also runs its GARCH null, power and leave-one-out checks,
  which the scan does not; their sizes are set to their minimum (19 GARCH
  draws, 10 power simulations of 19 draws), so the ratio slightly favours the
  scan; the per-cell cost of each is printed;
* a plain loop over the public single analyses doing exactly a scan cell's tests
  on the same four cells: :func:`riskcycle.breakouts` once, then per horizon
  :func:`riskcycle.placebo_test` (9,999 draws: the effect and its interval) and
  :func:`riskcycle.inference.calibrate` of the placebo, the era-stratified
  placebo and the hit count (``n_calibration`` sets each). The scan also
  computes each cell's family-wise pieces, which this loop does not, so this
  ratio favours the loop.

Timings: median with the min-max range over the repeats, after one warm-up of
each engine (numba caches loaded, workers started), with the load average
(``os.getloadavg()``) before and after each repeat. The three engines' tables are
checked to be identical. The projection to 100 leaders x 100 followers on a
64-worker cluster uses the measured per-chunk time and the chunk count, with the
serial part scaled by the number of cells.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

import numpy as np
import pandas as pd

import riskcycle
from riskcycle.scanning import DEMONSTRATION
from riskcycle.scanning import _scan as S

N_RESAMPLES = 9999


def scan(backend, n_jobs, a, **extra):
    kw = {**DEMONSTRATION, **extra}
    t0 = time.perf_counter()
    res = riskcycle.scan(
        **kw,
        n_resamples=N_RESAMPLES,
        n_calibration=a.n_calibration,
        backend=backend,
        n_jobs=n_jobs,
        chunk_size=a.chunk_size,
        rng=a.seed,
    )
    return res, time.perf_counter() - t0


def _timed(func, store):
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        out = func(*args, **kwargs)
        store.append(time.perf_counter() - t0)
        return out

    return timed


def timed_sequential(a):
    """The scan on 1 worker, with the time of every chunk."""
    chunk_times = []
    run_chunk = S.run_chunk
    S.run_chunk = _timed(run_chunk, chunk_times)
    try:
        res, t = scan("sequential", 1, a)
    finally:
        S.run_chunk = run_chunk
    return res, t, chunk_times


def plain_loop(a):
    """``assess_signal`` once per cell of (rut, record gap 250, btc) over the horizons."""
    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc")
    t0 = time.perf_counter()
    out = []
    for h in DEMONSTRATION["horizons"]:
        out.append(
            riskcycle.assess_signal(
                rut,
                btc,
                method="record",
                min_gap=250,
                horizons=(h,),
                n_resamples=N_RESAMPLES,
                n_calibration=a.n_calibration,
                calibration_resamples=199,
                garch_resamples=19,
                power_simulations=10,
                power_resamples=19,
                rng=a.seed,
            )
        )
    return out, time.perf_counter() - t0


def public_loop(a):
    """The scan cell's work through the public single analyses, one cell at a time."""
    from riskcycle.inference import calibrate

    rut = riskcycle.datasets.load("rut")
    btc = riskcycle.datasets.load("btc")
    t0 = time.perf_counter()
    events = riskcycle.breakouts(rut, min_gap=250)
    out = []
    for h in DEMONSTRATION["horizons"]:
        cell = [
            riskcycle.placebo_test(btc, events, horizon=h, n_resamples=N_RESAMPLES, rng=a.seed)
        ]
        for test in ("placebo", "placebo_era", "hit_count"):
            cell.append(
                calibrate(
                    btc,
                    events,
                    horizon=h,
                    test=test,
                    n_sets=a.n_calibration,
                    n_resamples=N_RESAMPLES,
                    rng=a.seed,
                )
            )
        out.append(cell)
    return out, time.perf_counter() - t0


def subset_scan(a):
    return scan(
        "sequential",
        1,
        a,
        leaders=["rut"],
        followers=["btc"],
        definitions=[{"method": "record", "min_gap": 250}],
    )


def fmt(v):
    return f"median {statistics.median(v):.1f} s (min-max {min(v):.1f}-{max(v):.1f}, n={len(v)})"


def headline(res):
    df = res.to_frame()
    ok = df["pvalue"].notna()
    print(f"cells: {len(df)} in the grid, {int(ok.sum())} with a p-value")
    for level in (0.05, 0.10):
        print(
            f"at {level:g}: nominal {int((df.loc[ok, 'pvalue'] <= level).sum())} cells, "
            f"BH {int((df.loc[ok, 'qvalue_bh'] <= level).sum())} cells, "
            f"BY {int((df.loc[ok, 'qvalue_by'] <= level).sum())} cells"
        )
    print(res.family_wise.to_string())
    print(f"joint p over followers (Bonferroni): {res.pvalue_joint:.4g}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20260122)
    ap.add_argument("--n-calibration", type=int, default=4999)
    ap.add_argument("--chunk-size", type=int, default=4)
    ap.add_argument("--no-loop", action="store_true", help="skip the assess_signal loop")
    a = ap.parse_args()
    print("load average at start:", os.getloadavg(), "cpus:", os.cpu_count())

    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    try:
        # warm-up of each engine (and the headline)
        ref, t_seq0, _ = timed_sequential(a)
        loky, t_loky0 = scan("loky", 2, a)
        dask, t_dask0 = scan("dask", 2, a)
        pd.testing.assert_frame_equal(ref.to_frame(), loky.to_frame())
        pd.testing.assert_frame_equal(ref.to_frame(), dask.to_frame())
        print("tables identical on 1 worker, 2 loky workers and the 2-worker Dask cluster")
        headline(ref)
        print(f"warm-up: 1 worker {t_seq0:.1f} s, 2 loky {t_loky0:.1f} s, 2 dask {t_dask0:.1f} s")
        seq, par, dsk, loop, pub, sub, chunk_t, serial = [], [], [], [], [], [], [], []
        for r in range(a.repeats):
            print(f"repeat {r}: load average {os.getloadavg()}", flush=True)
            order = ["seq", "loky", "dask"] + ([] if a.no_loop else ["loop", "pub", "sub"])
            if r % 2:
                order = order[::-1]
            for what in order:
                if what == "seq":
                    _, t, ct = timed_sequential(a)
                    seq.append(t)
                    chunk_t.extend(ct)
                    serial.append(t - sum(ct))
                elif what == "loky":
                    par.append(scan("loky", 2, a)[1])
                elif what == "dask":
                    dsk.append(scan("dask", 2, a)[1])
                elif what == "loop":
                    loop.append(plain_loop(a)[1])
                elif what == "pub":
                    pub.append(public_loop(a)[1])
                else:
                    sub.append(subset_scan(a)[1])
        print("load average at end:", os.getloadavg())
    finally:
        client.close()
        cluster.close()
    if not a.repeats:
        return
    n_cells = int(ref.to_frame()["pvalue"].notna().sum())
    n_chunks = math.ceil(n_cells / a.chunk_size)
    print(f"\n{n_cells} cells in {n_chunks} chunks of {a.chunk_size}; 9,999 draws per cell")
    print("scan, 1 worker:          ", fmt(seq))
    print("scan, 2 loky workers:    ", fmt(par))
    print("scan, 2-worker Dask:     ", fmt(dsk))
    m1 = statistics.median(seq)
    for name, v in (("loky", par), ("dask", dsk)):
        sp = m1 / statistics.median(v)
        print(
            f"speed-up with 2 {name} workers {sp:.2f}, parallel efficiency {sp / 2:.0%} "
            "(ratio of medians)"
        )
    c = statistics.median(chunk_t)
    ser = statistics.median(serial)
    print(
        f"per chunk: median {c:.2f} s (min-max {min(chunk_t):.2f}-{max(chunk_t):.2f}, "
        f"n={len(chunk_t)}); per cell {m1 / n_cells:.3f} s on 1 worker; serial part in the "
        f"client (load, events, merging, assembly) median {ser:.1f} s"
    )
    if loop:
        k = len(DEMONSTRATION["horizons"])
        print(
            f"plain assess_signal loop, {k} cells:",
            fmt(loop),
            f"= {statistics.median(loop) / k:.2f} s per cell",
        )
        print(
            f"the scan on the same {k} cells, 1 worker:",
            fmt(sub),
            f"= {statistics.median(sub) / k:.3f} s per cell",
        )
        print(
            "scan vs plain assess_signal loop on one core: "
            f"{statistics.median(loop) / statistics.median(sub):.1f}x faster"
        )
        print(
            f"loop over the public single analyses (same tests as a cell), {k} cells:",
            fmt(pub),
            f"= {statistics.median(pub) / k:.2f} s per cell; the scan is "
            f"{statistics.median(pub) / statistics.median(sub):.1f}x faster",
        )
    # projection: 100 leaders x 100 followers, the demonstration's definitions and horizons
    per_pair = n_cells / (len(DEMONSTRATION["leaders"]) * len(DEMONSTRATION["followers"]))
    big = 100 * 100 * per_pair
    big_chunks = math.ceil(big / a.chunk_size)
    t_par = math.ceil(big_chunks / 64) * c
    t_ser = ser / n_cells * big
    print(
        f"projection, 100 leaders x 100 followers ({big:,.0f} cells, {big_chunks:,} chunks) on "
        f"64 workers: {math.ceil(big_chunks / 64)} rounds x {c:.2f} s = {t_par / 60:.1f} min of "
        f"chunks (family-wise pieces included) + {t_ser / 60:.1f} min serial part in the "
        f"client (scaled per cell, an upper bound) = {(t_par + t_ser) / 60:.1f} min, assuming "
        "perfect scheduling"
    )
    np.testing.assert_equal(len(seq), a.repeats)


if __name__ == "__main__":
    main()
