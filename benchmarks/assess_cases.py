"""The commentary's claim, three ways: every p-value with its calibrated p, leave-one-out,
power with its Monte Carlo error, and the verdict.

Russell 2000 breakouts (first close above the prior record after at least 250 sessions
without one) -> Bitcoin, 365-day horizon, default sizes of :func:`riskcycle.assess_signal`:

(a) ``btc`` (Yahoo, from 2014-09-17) as of 2026-01-22, the commentary's date;
(b) ``btc_long`` (Coin Metrics back-history to 2010, CC BY-NC 4.0) as of 2026-01-22;
(c) ``btc_long`` on all bundled data (to 2026-08-21).

Usage::

    python benchmarks/assess_cases.py [--rng 2026] [--out FILE.md]

About 2-3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import riskcycle

CASES = {
    "(a) btc, as of 2026-01-22": ("btc", "2026-01-22"),
    "(b) btc_long, as of 2026-01-22": ("btc_long", "2026-01-22"),
    "(c) btc_long, all data": ("btc_long", None),
}


def _md(df: pd.DataFrame) -> str:
    def fmt(v):
        if isinstance(v, float | np.floating):
            return "" if np.isnan(v) else f"{v:.4g}"
        if isinstance(v, pd.Timestamp):
            return v.strftime("%Y-%m-%d")
        return str(v)

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(fmt(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rng", type=int, default=2026)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    rut = riskcycle.datasets.load("rut")
    out = [f"# Russell 2000 breakouts -> Bitcoin, 365 days (rng={args.rng})", ""]
    for name, (fol, as_of) in CASES.items():
        t0 = time.perf_counter()
        a = riskcycle.assess_signal(
            rut, riskcycle.datasets.load(fol), horizon=365, as_of=as_of, rng=args.rng
        )
        secs = time.perf_counter() - t0
        tests = a.to_frame()[
            [
                "test",
                "n_events",
                "statistic",
                "pvalue",
                "pvalue_se",
                "pvalue_calibrated",
                "pvalue_calibrated_se",
                "size_at_alpha",
                "size_ci_low",
                "size_ci_high",
                "in_verdict",
            ]
        ]
        pw = a.power
        power = pd.DataFrame(
            [
                {
                    "scheme": pw.scheme,
                    "post_hoc_power_observed": pw.power_observed,
                    "power_se": pw.power_observed_se,
                    "mde_observed": pw.mde_observed,
                    "mde_se": pw.mde_observed_se,
                    "events_needed": pw.events_needed,
                    "events_needed_se": pw.events_needed_se,
                    "max_events_history": pw.max_events_history,
                }
            ]
        )
        out += [
            f"## {name}",
            "",
            f"Events used: {', '.join(d.strftime('%Y-%m-%d') for d in a.placebo.event_dates)}"
            f"; verdict **{a.verdict_label}**"
            + (
                f" (rests on {', '.join(d.strftime('%Y-%m-%d') for d in a.fragile_events)})"
                if a.fragile_events
                else ""
            )
            + f"; {secs:.0f} s.",
            "",
            _md(tests),
            "",
            "Leave one event out (calibrated p-values):",
            "",
            _md(a.leave_one_out),
            "",
            "Power:",
            "",
            _md(power),
            "",
            "Verdict:",
            "",
            *[f"- {s}" for s in a.verdict],
            "",
        ]
    text = "\n".join(out)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
