"""Size of the scan's family-wise p-value on Bitcoin's real path (run by hand).

    python benchmarks/scan_size.py --reps 400

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=400)
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
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
