"""Size of the scan's family-wise p-value and FDR under a null (run by hand).

    python benchmarks/scan_size.py --reps 400               # random leaders' dates, BTC
    python benchmarks/scan_size.py --null walk --reps 400   # unrelated followers

With ``--null walk`` each replication scans the Russell 2000 and S&P 500 events
(record after 250 sessions, 252-session rolling high) against a daily random walk
with Student-t(4) steps (2016-2026) at 30 and 90 days (8 cells, 159 calibration
sets, as in ``tests/test_scan.py``), and counts the scans with any
Benjamini-Hochberg rejection at 0.1 (every cell is null, so that is the false
discovery rate) and with a family-wise p-value at most 0.1 and 0.05.

Otherwise:

Each replication draws three leaders of four random dates each (at least 150 days
apart, uniform over the bars with a complete 90-day window), scans them against the
bundled BTC closes at 30 and 90 days and rejects when the follower's family-wise
p-value is at most alpha. Prints the rejection rate with its Clopper-Pearson 95%
interval and the two-sided exact binomial p-value against alpha.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import stats

import riskcycle
from riskcycle.events import Events


def walk_null(a) -> None:
    import pandas as pd

    rut = riskcycle.datasets.load("rut", end="2026-01-22")
    spx = riskcycle.datasets.load("spx", end="2026-01-22")
    events = {
        f"{name}_{label}": riskcycle.breakouts(data, **kw)
        for name, data in (("rut", rut), ("spx", spx))
        for label, kw in (
            ("record", {"min_gap": 250}),
            ("rolling", {"method": "rolling", "window": 252}),
        )
    }
    idx = pd.date_range("2016-01-01", "2026-01-22", freq="D")
    rng = np.random.default_rng(a.seed)
    counts = {"any BH rejection at 0.1": 0, "family-wise p <= 0.1": 0, "family-wise p <= 0.05": 0}
    for r in range(a.reps):
        steps = 0.02 * rng.standard_t(4, len(idx)) / np.sqrt(2)
        walk = pd.Series(100 * np.exp(np.cumsum(steps)), index=idx, name="walk")
        res = riskcycle.scan(
            events,
            {"walk": walk},
            horizons=[30, 90],
            tests=["placebo"],
            alpha=0.1,
            n_resamples=99,
            n_calibration=159,
            backend="sequential",
            follower_clock="utc_midnight",
            rng=r,
        )
        p = float(res.family_wise["pvalue"].iloc[0])
        counts["any BH rejection at 0.1"] += bool(res.to_frame()["significant_bh"].any())
        counts["family-wise p <= 0.1"] += p <= 0.1
        counts["family-wise p <= 0.05"] += p <= 0.05
    for (name, x), lv in zip(counts.items(), (0.1, 0.1, 0.05), strict=True):
        bt = stats.binomtest(int(x), a.reps, lv)
        ci = bt.proportion_ci(0.95, method="exact")
        print(
            f"{name}: {x}/{a.reps} = {x / a.reps:.4f} (95% CI {ci.low:.4f}-{ci.high:.4f}); "
            f"two-sided binomial p vs {lv:g}: {bt.pvalue:.3g}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--null", choices=("dates", "walk"), default="dates")
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    if a.null == "walk":
        walk_null(a)
        return
    btc = riskcycle.datasets.load("btc")
    idx = btc.index
    rng = np.random.default_rng(a.seed)
    reject, p_all = 0, []
    for r in range(a.reps):
        leaders = {}
        for i in range(3):
            while True:
                d = np.sort(rng.choice(len(idx) - 91, 4, replace=False))
                if (np.diff(d) >= 150).all():
                    break
            leaders[f"L{i}"] = Events.from_dates(idx[d], clock="utc_midnight")
        res = riskcycle.scan(
            leaders,
            {"btc": btc},
            horizons=[30, 90],
            tests=["placebo"],
            n_resamples=199,
            n_calibration=19,
            backend="sequential",
            rng=r,
        )
        p = float(res.family_wise["pvalue"].iloc[0])
        p_all.append(p)
        reject += p <= a.alpha
    bt = stats.binomtest(reject, a.reps, a.alpha)
    ci = bt.proportion_ci(0.95, method="exact")
    print(
        f"family-wise rejections at {a.alpha:g}: {reject}/{a.reps} = {reject / a.reps:.4f} "
        f"(95% CI {ci.low:.4f}-{ci.high:.4f}); two-sided binomial p vs {a.alpha:g}: "
        f"{bt.pvalue:.3g}"
    )
    for lv in (0.01, 0.10):
        x = int(np.sum(np.asarray(p_all) <= lv))
        c = stats.binomtest(x, a.reps, lv).proportion_ci(0.95, method="exact")
        print(f"at {lv:g}: {x}/{a.reps} = {x / a.reps:.4f} (95% CI {c.low:.4f}-{c.high:.4f})")


if __name__ == "__main__":
    main()
