"""
Two samples are not proof: few-event inference for the breakout claim
=====================================================================

Early in 2026 a commentary argued that each time the Russell 2000 broke out to a
new all-time high (2016, 2020), Bitcoin started a bull market, and that the
breakout of September 2025 promised another. It also admitted the weakness: two
samples. :func:`riskcycle.assess_signal` turns that admission into numbers, three
times:

(a) as an analyst could have on 2026-01-22 with Bitcoin prices from 2014 (the
    commentary's two events);
(b) on the same day with the Coin Metrics back-history to 2010 (two more events,
    2011-04-27 and 2013-01-02);
(c) on all the bundled data, to August 2026.

Every number below comes with its null hypothesis and, for the tests that decide
the verdict, a calibrated p-value: the share of random event sets on Bitcoin's
own history (same count, spacing and halving-cycle era mix) whose p-value is at
least as small. The verdict is decided on the calibrated p-values, and each event
is left out in turn. Resampling sizes are kept small so that the example runs in
about a minute: raise them for real work. The part of ``btc_long`` before
2014-09-17 is Coin Metrics community data, CC BY-NC 4.0 (non-commercial use).
"""

# %%
# The data and the breakout rule: the first Russell 2000 close above its prior
# all-time high after at least 250 sessions without one.
import matplotlib.pyplot as plt
import pandas as pd

import riskcycle

rut = riskcycle.datasets.load("rut")
btc = riskcycle.datasets.load("btc")  # Yahoo BTC-USD from 2014-09-17
btc_long = riskcycle.datasets.load("btc_long")  # Coin Metrics back to 2010-07-18

SETTINGS = dict(
    method="record",
    min_gap=250,
    horizons=[90, 180, 365],
    horizon=365,
    halving_window=90,
    n_resamples=1999,
    garch_resamples=299,
    power_simulations=100,
    power_resamples=99,
    n_calibration=299,
    calibration_resamples=199,
    rng=2026,
)

cases = {
    "(a) BTC from 2014, as of 2026-01-22": (btc, "2026-01-22"),
    "(b) BTC from 2010, as of 2026-01-22": (btc_long, "2026-01-22"),
    "(c) BTC from 2010, all data to 2026-08": (btc_long, None),
}
results = {
    name: riskcycle.assess_signal(rut, follower, as_of=as_of, **SETTINGS)
    for name, (follower, as_of) in cases.items()
}

# %%
# The headline numbers side by side: nominal and calibrated p-values of the
# placebo tests (random dates with the same spacing; dates at the same phase of
# Bitcoin's halving cycle; dates in the same halving-cycle eras) and of the hit
# count against the base rate, the GARCH null (reported, not in the verdict),
# the events needed for 80% power with its Monte Carlo error, and the verdict.
rows = {}
for name, a in results.items():
    t = a.to_frame().set_index("test")
    rows[name] = {
        "events": a.placebo.n_events,
        "mean 1y log return": a.placebo.statistic,
        "random-date mean": a.placebo.null_mean,
        "placebo p": t.loc["placebo", "pvalue"],
        "  calibrated": t.loc["placebo", "pvalue_calibrated"],
        "halving-matched p": t.loc["placebo_halving_matched", "pvalue"],
        "  calibrated ": t.loc["placebo_halving_matched", "pvalue_calibrated"],
        "era-stratified p": t.loc["placebo_era", "pvalue"],
        "  calibrated  ": t.loc["placebo_era", "pvalue_calibrated"],
        "hit-count p": t.loc["hit_count", "pvalue"],
        "GARCH-null p": t.loc["garch_null", "pvalue"],
        "min p, sign test": a.min_attainable_pvalues["sign_test"],
        "events needed (80%)": a.power.events_needed,
        "  s.e.": a.power.events_needed_se,
        "verdict": a.verdict_label,
        "rests on": ", ".join(d.strftime("%Y-%m-%d") for d in a.fragile_events) or "-",
    }
summary = pd.DataFrame(rows)
with pd.option_context("display.width", 160, "display.max_colwidth", 40):
    print(summary.to_string(float_format=lambda v: f"{v:.3g}"))

# %%
# What each number means, in generated sentences. Case (a) is the commentary's
# own evidence.
for name, a in results.items():
    print(name)
    for sentence in a.verdict:
        print("  -", sentence)
    print()

# %%
# Out of sample: what happened after 2026-01-22 to the breakout that was still
# inside its window (2025-09-18), using the full data.
print(results["(a) BTC from 2014, as of 2026-01-22"].follow_up.to_string())

# %%
# Leave one event out: with the Coin Metrics history (c), the verdict rests on the
# breakout of 2013-01-02 (Bitcoin rose about 59-fold in the following year).
print(results["(c) BTC from 2010, all data to 2026-08"].leave_one_out.to_string())

# %%
# Every p-value states its null, its resampling scheme and its Monte Carlo error;
# the calibration reports each test's size on this history.
case_a = results["(a) BTC from 2014, as of 2026-01-22"]
cols = ["test", "pvalue", "pvalue_se", "pvalue_calibrated", "size_at_alpha", "null_hypothesis"]
print(case_a.to_frame()[cols].to_string())

# %%
# The placebo, matched-placebo and GARCH null distributions against the observed
# mean, and the power of the placebo test against the number of events, for (a).
fig = case_a.plot()
fig.tight_layout()
plt.show()
