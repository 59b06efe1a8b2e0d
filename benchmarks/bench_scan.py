"""The bundled demonstration scan: headline numbers and 1 vs 2 workers (run by hand).

    python benchmarks/bench_scan.py --pairs 3            # headline + alternating timings
    python benchmarks/bench_scan.py --pairs 0            # headline only

Leaders rut, spx, ndx (and iwm with --iwm); followers btc, btc_long, eth; the five
default definitions and the four default horizons. Timings alternate sequential,
2-worker (loky) and 2-thread runs after one warm-up of each (numba caches loaded, loky workers
started), and report the median with the min-max range, with the load average
before and after. The two engines' tables are checked to be identical.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd

import riskcycle


def run(leaders, followers, backend, n_jobs, seed, n_calibration):
    t0 = time.perf_counter()
    res = riskcycle.scan(
        leaders,
        followers,
        backend=backend,
        n_jobs=n_jobs,
        n_calibration=n_calibration,
        rng=seed,
    )
    return res, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20260122)
    ap.add_argument("--n-calibration", type=int, default=4999)
    ap.add_argument("--iwm", action="store_true")
    a = ap.parse_args()
    leaders = ["rut", "spx", "ndx"] + (["iwm"] if a.iwm else [])
    followers = ["btc", "btc_long", "eth"]
    print("load average before:", os.getloadavg())
    res, t_seq = run(leaders, followers, "sequential", 1, a.seed, a.n_calibration)
    res2, t_par = run(leaders, followers, "loky", 2, a.seed, a.n_calibration)
    pd.testing.assert_frame_equal(res.to_frame(), res2.to_frame())
    df = res.to_frame()
    ok = df["pvalue"].notna()
    print(f"cells: {len(df)} in the grid, {int(ok.sum())} with a p-value")
    for level in (0.05, 0.10):
        print(
            f"at {level:g}: nominal {np.mean(df.loc[ok, 'pvalue'] <= level):.3f}, "
            f"BH {np.mean(df.loc[ok, 'qvalue_bh'] <= level):.3f} "
            f"({int((df.loc[ok, 'qvalue_bh'] <= level).sum())} cells), "
            f"BY {np.mean(df.loc[ok, 'qvalue_by'] <= level):.3f} "
            f"({int((df.loc[ok, 'qvalue_by'] <= level).sum())} cells)"
        )
    print(res.family_wise.to_string())
    print(f"joint p over followers (Bonferroni): {res.pvalue_joint:.4g}")
    print(f"warm-up: sequential {t_seq:.1f} s, 2 workers {t_par:.1f} s")
    seq, par, thr = [], [], []
    for _ in range(a.pairs):
        seq.append(run(leaders, followers, "sequential", 1, a.seed, a.n_calibration)[1])
        par.append(run(leaders, followers, "loky", 2, a.seed, a.n_calibration)[1])
        thr.append(run(leaders, followers, "threads", 2, a.seed, a.n_calibration)[1])
    if a.pairs:
        for name, v in (("sequential", seq), ("2 workers (loky)", par), ("2 threads", thr)):
            print(
                f"{name}: median {statistics.median(v):.1f} s "
                f"(range {min(v):.1f}-{max(v):.1f}, {len(v)} runs)"
            )
        for name, v in (("loky", par), ("threads", thr)):
            ratio = statistics.median(seq) / statistics.median(v)
            print(f"speed-up with 2 {name} workers (ratio of medians): {ratio:.2f}")
    print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
